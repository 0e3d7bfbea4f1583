// Run a program, timing it from just before spawn to its exit, with every output line stamped
// on arrival (epoch ms). Always bounded: the child is killed at the deadline.

import { spawn } from 'node:child_process';
import { epochMs } from './clock.js';

export interface Line {
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface Timed {
  code: number | null;
  signal: NodeJS.Signals | null;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  stdout: string;
  stderr: string;
  lines: Line[];
  /** When stdout first received anything (epoch ms). */
  firstStdoutAt?: number;
}

export interface RunOptions {
  cwd?: string;
  env: Record<string, string>;
  timeoutMs: number;
}

export function runTimed(command: string, args: readonly string[], opts: RunOptions): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const lines: Line[] = [];
    let stdout = '';
    let stderr = '';
    let firstStdoutAt: number | undefined;
    const partial = { stdout: '', stderr: '' };
    const startedAt = epochMs();
    const child = spawn(command, [...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (stream: 'stdout' | 'stderr') => (chunk: string) => {
      const at = epochMs();
      if (stream === 'stdout') {
        firstStdoutAt ??= at;
        stdout += chunk;
      } else stderr += chunk;
      const text = partial[stream] + chunk;
      const parts = text.split('\n');
      partial[stream] = parts.pop() ?? '';
      for (const p of parts) lines.push({ at, stream, text: p });
    };
    child.stdout.setEncoding('utf8').on('data', onData('stdout'));
    child.stderr.setEncoding('utf8').on('data', onData('stderr'));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      const endedAt = epochMs();
      clearTimeout(timer);
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) lines.push({ at: endedAt, stream, text: partial[stream] });
      const result: Timed = { code, signal, startedAt, endedAt, durationMs: endedAt - startedAt, stdout, stderr, lines };
      if (firstStdoutAt !== undefined) result.firstStdoutAt = firstStdoutAt;
      resolve(result);
    });
  });
}

/** The environment a user's shell would give: PATH, HOME, the Docker endpoint, no colour. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const key of ['PATH', 'HOME', 'DOCKER_HOST', 'TMPDIR', 'LANG'] as const) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  return { ...env, ...extra };
}
