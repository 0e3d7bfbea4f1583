// Helpers of the reliability tests: a CLI run we can watch and signal while it works, a snapshot of a
// directory (to prove "nothing changed on disk"), small tmpfs mounts (a full disk, a read-only
// directory), bounded waits, and a tiny compose stack that publishes no host ports (so these tests
// never compete with other test runs for 8080/3002/4000/3306).

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CLI_ENTRY, cliEnv } from '../../helpers/cli.js';
import { IMAGES } from '../../helpers/images.js';

// ── A CLI run we can watch ──────────────────────────────────────────────────────────────────

export interface WatchedCli {
  child: ChildProcess;
  pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when stdout+stderr match `re` (bounded). */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (128+n for a signal) and when it happened. */
  exited: Promise<{ code: number; at: number }>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnCli(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): WatchedCli {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const poke = (): void => {
    for (const w of [...waiters]) w();
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    poke();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    poke();
  });
  const hardKill = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
  const exited = new Promise<{ code: number; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(hardKill);
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 0), at: Date.now() });
      poke();
    });
  });
  return {
    child,
    pid: child.pid ?? 0,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitForOutput(re, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (re.test(stdout + stderr)) {
            done();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`the CLI exited before printing ${re}:\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${re} within ${timeoutMs} ms:\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
    },
  };
}

// ── "Nothing changed on disk" ───────────────────────────────────────────────────────────────

/** Every entry under dir: relative path → type, mode and a hash of the content. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    const abs = path.join(dir, rel);
    const st = await fs.lstat(abs).catch(() => undefined);
    if (!st) return;
    const mode = (st.mode & 0o777).toString(8);
    if (st.isDirectory()) {
      if (rel !== '') out[rel] = `dir ${mode}`;
      for (const name of (await fs.readdir(abs)).sort()) await walk(rel === '' ? name : path.join(rel, name));
    } else if (st.isFile()) {
      out[rel] = `file ${mode} ${createHash('sha256').update(await fs.readFile(abs)).digest('hex').slice(0, 16)}`;
    } else out[rel] = `other ${mode}`;
  };
  await walk('');
  return out;
}

// ── tmpfs mounts (root only) ────────────────────────────────────────────────────────────────

let mountable: boolean | undefined;

/** Whether this process may mount a tmpfs (root in a namespace that allows it). */
export async function canMountTmpfs(): Promise<boolean> {
  if (mountable !== undefined) return mountable;
  if (process.getuid?.() !== 0) return (mountable = false);
  const probe = await fs.mkdtemp('/tmp/gdl-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe], { stdio: 'ignore', timeout: 10_000 });
    execFileSync('umount', [probe], { stdio: 'ignore', timeout: 10_000 });
    mountable = true;
  } catch {
    mountable = false;
  }
  await fs.rmdir(probe).catch(() => undefined);
  return mountable;
}

export interface Mount {
  dir: string;
  remountReadOnly(): void;
  unmount(): Promise<void>;
}

/** A tmpfs of `sizeKb` at `dir` (created). Unmount in a finally / afterEach. */
export async function mountTmpfs(dir: string, sizeKb: number): Promise<Mount> {
  await fs.mkdir(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir], { stdio: 'pipe', timeout: 10_000 });
  let mounted = true;
  return {
    dir,
    remountReadOnly() {
      execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe', timeout: 10_000 });
    },
    unmount() {
      if (!mounted) return Promise.resolve();
      mounted = false;
      try {
        execFileSync('umount', [dir], { stdio: 'pipe', timeout: 10_000 });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe', timeout: 10_000 });
      }
      return Promise.resolve();
    },
  };
}

/** Fill the filesystem of `dir` until exactly `freePages` 4 KiB pages are left (tmpfs counts pages). */
export async function fillFilesystem(dir: string, freePages: number): Promise<void> {
  const page = Buffer.alloc(4096, 0x61);
  const fillers: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const f = path.join(dir, `.filler-${i}`);
    try {
      await fs.writeFile(f, page);
      fillers.push(f);
    } catch (err) {
      await fs.rm(f, { force: true });
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      break;
    }
  }
  for (let i = 0; i < freePages; i++) {
    const f = fillers.pop();
    if (f) await fs.rm(f);
  }
}

// ── Ports and waits ─────────────────────────────────────────────────────────────────────────

function portFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * Wait (bounded) until these host ports are free: other test runs on this machine publish the same
 * well-known ports for a while. Throws naming the busy ones.
 */
export async function waitPortsFree(ports: number[], timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const busy: number[] = [];
    for (const p of ports) if (!(await portFree(p))) busy.push(p);
    if (busy.length === 0) return;
    if (Date.now() > until) throw new Error(`ports ${busy.join(', ')} stayed busy for ${timeoutMs} ms (another test run?)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Poll `check` until it returns a value (bounded). */
export async function pollFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ── A stack without host ports ──────────────────────────────────────────────────────────────

/** Two services on the busybox base image, stopping at once on SIGTERM; nothing published on the host. */
export function tinyCompose(extra: { envFile?: string; environment?: Record<string, string>; image?: string; build?: string } = {}): string {
  const lines = [
    'services:',
    '  db:',
    `    image: ${IMAGES.base}`,
    '    command: ["sh", "-c", "trap \'exit 0\' TERM; while true; do sleep 1; done"]',
    '  app:',
    ...(extra.build ? [`    build: ${extra.build}`, `    image: ${extra.image ?? 'gdl-test-tiny-app:latest'}`] : [`    image: ${extra.image ?? IMAGES.base}`]),
    '    command: ["sh", "-c", "trap \'exit 0\' TERM; while true; do sleep 1; done"]',
    '    depends_on: [db]',
  ];
  if (extra.envFile) lines.push('    env_file:', `      - ${extra.envFile}`);
  if (extra.environment) {
    lines.push('    environment:');
    for (const [k, v] of Object.entries(extra.environment)) lines.push(`      ${k}: ${JSON.stringify(v)}`);
  }
  return lines.join('\n') + '\n';
}

/** Lines of the report (stdout) and no stack-trace frames anywhere. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+\(.+:\d+:\d+\)$/m.test(text) || /^\s+at .+:\d+:\d+$/m.test(text);
}

// ── A stand-in for DevLake's API on the backend port ────────────────────────────────────────

export interface FakeBackendRequest {
  path: string;
  at: number;
  /** When the client went away before an answer (an aborted poll), for 'hang'. */
  abortedAt?: number;
}

export interface FakeBackend {
  port: number;
  readonly requests: readonly FakeBackendRequest[];
  close(): Promise<void>;
}

/**
 * Answer on the backend port (8080) like a DevLake that is not ready: 'unhealthy' answers 503 to
 * everything; 'hang' never answers /ping (so a poll is in flight when the test interrupts);
 * 'migrating' is up (/ping 200) but its migration never finishes: as in apache/incubator-devlake
 * `backend/server/api/api.go`, /proceed-db-migration holds its answer while the migration runs and
 * every route after the 428 middleware (GET /plugins…) answers 428; 'ready' is a healthy,
 * migrated backend. The deploy under test then
 * needs no published ports of its own, so these tests do not compete for 3306/3002/4000.
 * Binds all interfaces, IPv4 and IPv6, waiting (bounded) while another test run holds the port.
 */
export async function fakeBackend(mode: 'unhealthy' | 'hang' | 'migrating' | 'ready', port = 8080, timeoutMs = 120_000): Promise<FakeBackend> {
  const http = await import('node:http');
  const requests: FakeBackendRequest[] = [];
  const server = http.createServer((req, res) => {
    const r: FakeBackendRequest = { path: req.url ?? '/', at: Date.now() };
    requests.push(r);
    const p = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(body);
    };
    if (mode === 'unhealthy') return send(503, '{"status":"starting"}');
    if (mode === 'hang' && p === '/ping') {
      req.socket.once('close', () => (r.abortedAt ??= Date.now()));
      return;
    }
    if (p === '/ping' || p === '/version' || mode === 'ready') return send(200, p === '/ping' ? '' : '{"version":"v1.0.1@fake"}');
    // The migration runs until the test ends: its request gets no answer (close() drops it).
    if (p === '/proceed-db-migration') return;
    return send(428, '{"success":false,"message":"database migration required (fake backend)"}');
  });
  const until = Date.now() + timeoutMs;
  for (;;) {
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen({ port, host: '::', ipv6Only: false, exclusive: true }, () => {
        server.off('error', resolve);
        resolve(undefined);
      });
    });
    if (!err) break;
    if (err.code !== 'EADDRINUSE' || Date.now() > until) throw new Error(`fake backend cannot listen on ${port}: ${err.message}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  let closed: Promise<void> | undefined;
  return {
    port,
    get requests() {
      return requests;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
