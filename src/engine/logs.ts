// The last lines a container wrote. Without a TTY the Engine multiplexes stdout and stderr
// into frames (8-byte header: stream type, 3 zero bytes, big-endian payload length); we
// split them back. With a TTY the body is the raw terminal output (all "stdout").

import type { Engine } from './client.js';
import { abortOpt } from './client.js';

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Demultiplex a non-TTY log body into lines, in the order the frames arrived. */
export function demuxLogs(body: Buffer): LogLine[] {
  const lines: LogLine[] = [];
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  let offset = 0;
  const push = (stream: 'stdout' | 'stderr', chunk: string, flush: boolean): void => {
    const text = partial[stream] + chunk;
    const parts = text.split('\n');
    partial[stream] = flush ? '' : (parts.pop() ?? '');
    for (const p of parts) lines.push({ stream, text: p.replace(/\r$/, '') });
  };
  while (offset + 8 <= body.length) {
    const type = body[offset];
    const size = body.readUInt32BE(offset + 4);
    if ((type !== 0 && type !== 1 && type !== 2) || body[offset + 1] !== 0 || body[offset + 2] !== 0 || body[offset + 3] !== 0) {
      // Not a frame header: the rest is raw output.
      push('stdout', body.subarray(offset).toString('utf8'), false);
      offset = body.length;
      break;
    }
    const payload = body.subarray(offset + 8, offset + 8 + size).toString('utf8');
    push(type === 2 ? 'stderr' : 'stdout', payload, false);
    offset += 8 + size;
  }
  if (offset < body.length) push('stdout', body.subarray(offset).toString('utf8'), false);
  for (const stream of ['stdout', 'stderr'] as const) if (partial[stream] !== '') push(stream, '', true);
  return lines;
}

/** Raw TTY output into lines. */
export function splitTtyLogs(body: Buffer): LogLine[] {
  const text = body.toString('utf8').replace(/\n$/, '');
  return text === '' ? [] : text.split('\n').map((l) => ({ stream: 'stdout' as const, text: l.replace(/\r$/, '') }));
}

/** Last `lines` log lines of a container (id or name), stdout and stderr. */
export async function tailLogs(engine: Engine, container: string, lines = 100, opts: { signal?: AbortSignal; service?: string } = {}): Promise<LogLine[]> {
  const ctx = { target: container, service: opts.service, signal: opts.signal };
  const info = await engine.call('container.inspect', (d) => d.getContainer(container).inspect(abortOpt(opts.signal)), ctx);
  const raw: unknown = await engine.call(
    'container.logs',
    (d) => d.getContainer(container).logs({ stdout: true, stderr: true, follow: false, tail: lines, ...abortOpt(opts.signal) }) as Promise<unknown>,
    ctx,
  );
  // docker-modem hands back a parsed object when the whole body happens to be valid JSON.
  const body = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
  return info.Config.Tty ? splitTtyLogs(body) : demuxLogs(body);
}
