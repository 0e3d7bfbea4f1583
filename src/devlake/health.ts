// Bounded waits on DevLake's HTTP API, as small strategies with explicit deadlines
// (no fixed sleeps: poll every `intervalMs`, give up at `deadline`).

import { readFile } from 'node:fs/promises';
import type { DeployFailure } from '../recovery/types.js';
import { DeployError } from '../recovery/deploy-error.js';
import { sleep } from '../util/sleep.js';
import { parseProcNetTcp, TCP_LISTEN } from '../recovery/proc-net.js';

export interface WaitOptions {
  /** Absolute deadline (Date.now() based). */
  deadline: number;
  intervalMs?: number;
  /** Per-request timeout. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
}

export interface HttpProbe {
  status?: number;
  error?: string;
}

type Attempt = 'connected' | 'refused' | 'unknown';

/** Where a plain-http URL's host:port can be reached, before any HTTP is loaded. */
interface Reach {
  /** Nothing listens there (every loopback address refused). */
  refused: boolean;
  /** For `localhost`: the loopback address that accepted, so the request skips the resolver. */
  address?: string;
}

async function reach(host: string, port: number, timeoutMs: number): Promise<Reach> {
  const net = await import('node:net');
  const attempt = (address: string) =>
    new Promise<Attempt>((resolve) => {
      const socket = net.connect({ host: address, port });
      const finish = (result: Attempt): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(() => finish('unknown'), timeoutMs);
      socket.once('connect', () => finish('connected'));
      socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : 'unknown'));
    });
  if (host !== 'localhost') return { refused: (await attempt(host.replace(/^\[|\]$/g, ''))) === 'refused' };
  // `localhost` is the loopback addresses (RFC 6761): ask them directly, without a resolver round.
  // ::1 is asked only when /proc says something listens there (or cannot tell): Node's first
  // parse of an IPv6 address compiles a large pattern, ~13 ms of a status on a small machine.
  const [v4, v6Listens] = await Promise.all([attempt('127.0.0.1'), loopbackV6Listens(port)]);
  if (v4 === 'connected') return { refused: false, address: '127.0.0.1' };
  if (v6Listens === false) return { refused: v4 === 'refused' };
  const v6 = await attempt('::1');
  if (v6 === 'connected') return { refused: false, address: '::1' };
  return { refused: v4 === 'refused' && v6 === 'refused' };
}

/** Whether a socket listens on [::1]:port, from /proc/net/tcp6; undefined when that cannot be read. */
async function loopbackV6Listens(port: number): Promise<boolean | undefined> {
  const text = await readFile('/proc/net/tcp6', 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return parseProcNetTcp(text, 6).some((s) => s.state === TCP_LISTEN && s.localPort === port && (s.localAddress === '::' || s.localAddress === '::1'));
}

/**
 * One GET, never throws: a status or the error in words (the socket error code, e.g.
 * ECONNREFUSED, when there is one). Made with node:http(s) rather than fetch: a probe only needs
 * the status line, and loading fetch's HTTP stack costs more than the probe itself, which shows
 * in the start-up of `status` (docs/performance.md).
 */
export async function probeHttp(url: string, timeoutMs = 2000, signal?: AbortSignal): Promise<HttpProbe> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (signal?.aborted) return { error: 'aborted' };
  let address: string | undefined;
  if (target.protocol === 'http:') {
    // Nothing listening (the common answer while a stack starts, or with nothing deployed) is
    // known from a bare connect, without loading the HTTP client at all.
    const where = await reach(target.hostname, Number(target.port || 80), timeoutMs);
    if (where.refused) return { error: 'ECONNREFUSED' };
    address = where.address;
  }
  const client = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<HttpProbe>((resolve) => {
    let settled = false;
    const finish = (probe: HttpProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(probe);
      req.destroy();
    };
    // agent: false: a connection of its own, closed after the answer (no keep-alive to outlive us).
    // A loopback address found above is used as is; the Host header still names the URL's host.
    const options = address ? { hostname: address, headers: { host: target.host }, agent: false as const } : { agent: false as const };
    const req = client.get(target, options, (res) => {
      res.resume();
      finish({ status: res.statusCode ?? 0 });
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ?? err.message }));
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const onAbort = (): void => finish({ error: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Poll `url` until `accept(probe)` holds or the deadline passes. Returns the accepted probe.
 * Throws a DeployFailure (source 'health') at the deadline, with the last thing seen.
 */
export async function waitForHttp(
  url: string,
  accept: (p: HttpProbe) => boolean,
  opts: WaitOptions & { what: string; code: string; started?: number },
): Promise<HttpProbe> {
  const interval = opts.intervalMs ?? 500;
  const started = opts.started ?? Date.now();
  let last: HttpProbe = {};
  for (;;) {
    opts.signal?.throwIfAborted();
    last = await probeHttp(url, Math.min(opts.requestTimeoutMs ?? 2000, Math.max(100, opts.deadline - Date.now())), opts.signal);
    if (accept(last)) return last;
    const now = Date.now();
    if (now >= opts.deadline) {
      const seen = last.status !== undefined ? `HTTP ${last.status}` : (last.error ?? 'no answer');
      const failure: DeployFailure = {
        source: 'health',
        code: opts.code,
        statusCode: last.status,
        operation: opts.what,
        target: url,
        message: `${opts.what}: ${url} did not become ready within ${Math.round((opts.deadline - started) / 1000)} s (last: ${seen})`,
      };
      throw new DeployError(failure);
    }
    opts.onProgress?.(`${opts.what}… ${Math.round((now - started) / 1000)} s of ${Math.round((opts.deadline - started) / 1000)} s`);
    await sleep(Math.min(interval, Math.max(0, opts.deadline - now)), opts.signal);
  }
}

/**
 * The longest gap between two `/ping` polls. `/ping` is the cheapest call DevLake has, so it is
 * polled this often whatever longer interval a caller asks for: the deploy then sees the backend
 * within about this long of it starting to answer (docs/performance.md, readiness latency).
 */
export const PING_INTERVAL_MS = 100;

/** The backend is up when `/ping` answers 200. Polled at least every PING_INTERVAL_MS. */
export function waitForPing(backendUrl: string, opts: WaitOptions): Promise<HttpProbe> {
  const intervalMs = Math.min(opts.intervalMs ?? PING_INTERVAL_MS, PING_INTERVAL_MS);
  return waitForHttp(`${backendUrl}/ping`, (p) => p.status === 200, { ...opts, intervalMs, what: 'Waiting for the backend', code: 'deadline' });
}

/**
 * Trigger the database migration and wait until the API stops answering 428 (Precondition Required),
 * which DevLake returns for every API call until the migration has run.
 */
export async function runMigration(backendUrl: string, opts: WaitOptions): Promise<void> {
  const started = Date.now();
  const trigger = await probeHttp(`${backendUrl}/proceed-db-migration`, opts.requestTimeoutMs ?? 5000, opts.signal);
  if (trigger.error !== undefined && trigger.status === undefined) {
    // Not fatal: the poll below tells whether the API is usable.
    opts.onProgress?.(`Migration trigger did not answer (${trigger.error}); checking the API…`);
  }
  await waitForHttp(`${backendUrl}/version`, (p) => p.status !== undefined && p.status !== 428 && p.status < 500, {
    ...opts,
    started,
    what: 'Migration still running',
    code: 'migration-deadline',
  });
}
