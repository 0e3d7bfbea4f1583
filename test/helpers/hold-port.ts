// Occupy a TCP port from a separate node process, like a user's stray server: its pid is not ours.
// The holder exits when released, or when this process goes away (its stdin closes).

import { spawn } from 'node:child_process';

export interface HeldPort {
  pid: number;
  port: number;
  host: string;
  /** Stop the holder and wait for it to exit (bounded). Safe to call twice. */
  release(): Promise<void>;
}

export interface HoldPortOptions {
  /** 'close' (default): accept and close each connection; 'http': answer 404 "not devlake". */
  mode?: 'close' | 'http';
  timeoutMs?: number;
}

const HOLDER = `
const net = require('node:net');
const [port, host, mode] = process.argv.slice(1);
process.title = 'gdl-test-port-holder';
const server = net.createServer((c) => {
  c.on('error', () => {});
  if (mode !== 'http') { c.destroy(); return; }
  c.once('data', () => {
    const body = 'not devlake\\n';
    c.end('HTTP/1.1 404 Not Found\\r\\nContent-Type: text/plain\\r\\nContent-Length: ' + body.length + '\\r\\nConnection: close\\r\\n\\r\\n' + body);
  });
});
server.on('error', (e) => { process.stderr.write('holder: ' + e.code + ' ' + e.message + '\\n'); process.exit(2); });
server.listen({ port: Number(port), host, exclusive: true }, () => {
  process.stdout.write('LISTENING ' + server.address().port + '\\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
`;

export async function holdPort(port: number, host = '0.0.0.0', opts: HoldPortOptions = {}): Promise<HeldPort> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const child = spawn(process.execPath, ['-e', HOLDER, String(port), host, opts.mode ?? 'close'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  let stdout = '';
  let stderr = '';
  const boundPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`holdPort(${port}, ${host}): holder not listening after ${timeoutMs} ms. ${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /LISTENING (\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`holdPort(${port}, ${host}): holder exited (${code ?? signal}) before listening: ${stderr.trim()}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  child.stdout.resume();

  let released: Promise<void> | undefined;
  return {
    pid: child.pid!,
    port: boundPort,
    host,
    release() {
      released ??= (async () => {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        const gaveUp = new Promise<void>((resolve) => setTimeout(resolve, 6_000).unref());
        await Promise.race([exited, gaveUp]);
        clearTimeout(killer);
        child.stdin.destroy();
      })();
      return released;
    },
  };
}
