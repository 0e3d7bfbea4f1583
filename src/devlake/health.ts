// Bounded waits on DevLake's HTTP API, as small strategies with explicit deadlines
// (no fixed sleeps: poll every `intervalMs`, give up at `deadline`).

import type { DeployFailure } from '../recovery/types.js';
import { DeployError } from '../recovery/deploy-error.js';
import { sleep } from '../util/sleep.js';
import { probeHttp, type HttpProbe } from './probe.js';

export interface WaitOptions {
  /** Absolute deadline (Date.now() based). */
  deadline: number;
  intervalMs?: number;
  /** Per-request timeout. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
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
