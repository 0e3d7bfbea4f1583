// DevLake's backend on Azure: wait until it answers, trigger the database migration, and wait
// (bounded) while it runs. Every wait has a deadline; every request its own timeout.

import { DeployError } from '../recovery/deploy-error.js';
import { sleep } from '../util/sleep.js';
import { probeHttp, type HttpProbe } from '../devlake/probe.js';

export interface BackendWaitOptions {
  /** Epoch ms after which the wait fails. */
  deadline: number;
  intervalMs: number;
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
  requestTimeoutMs?: number;
}

type Answer = HttpProbe;

/** One GET: a status, or the socket's error code. The caller's abort is thrown, not answered. */
async function get(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Answer> {
  const answer = await probeHttp(url, timeoutMs, signal);
  signal?.throwIfAborted();
  return answer;
}

function describe(a: Answer): string {
  return a.status !== undefined ? `HTTP ${a.status}` : (a.error ?? 'no answer');
}

/** Wait until `/ping` answers at all (200, or 428 while the migration waits). */
export async function waitForBackend(backendUrl: string, opts: BackendWaitOptions): Promise<void> {
  const url = `${backendUrl.replace(/\/$/, '')}/ping`;
  const started = Date.now();
  let last: Answer = {};
  for (;;) {
    last = await get(url, opts.requestTimeoutMs ?? 5000, opts.signal);
    if (last.status === 200 || last.status === 428) return;
    const now = Date.now();
    if (now >= opts.deadline) break;
    opts.onProgress?.(`Waiting for the DevLake backend… ${Math.round((now - started) / 1000)} s of ${Math.round((opts.deadline - started) / 1000)} s (${describe(last)})`);
    await sleep(Math.min(opts.intervalMs, Math.max(0, opts.deadline - now)), opts.signal);
  }
  throw new DeployError({
    source: 'health',
    code: 'backend-deadline',
    operation: 'health.ping',
    target: url,
    message: `the DevLake backend at ${backendUrl} did not answer /ping within ${Math.round((opts.deadline - started) / 1000)} s (last: ${describe(last)})`,
  });
}

/** Trigger the migration once. 200: done. 428 (or no answer yet): the migration is warming. */
export async function triggerMigration(backendUrl: string, opts: { signal?: AbortSignal; requestTimeoutMs?: number }): Promise<void> {
  const url = `${backendUrl.replace(/\/$/, '')}/proceed-db-migration`;
  const a = await get(url, opts.requestTimeoutMs ?? 10_000, opts.signal);
  if (a.status !== undefined && a.status >= 200 && a.status < 300) return;
  if (a.status === 428 || a.status === 503 || a.status === undefined) {
    throw new DeployError({
      source: 'health',
      ...(a.status !== undefined ? { statusCode: a.status } : {}),
      code: 'MigrationWarming',
      operation: 'devlake.migrate',
      target: url,
      message: `GET ${url}: ${describe(a)} (the database migration is still running)`,
    });
  }
  throw new DeployError({ source: 'health', statusCode: a.status, operation: 'devlake.migrate', target: url, message: `GET ${url}: ${describe(a)}` });
}

/**
 * Wait while the migration runs: poll `/ping` until it answers 200, at most `totalMs`, saying
 * `Migration still running… 40 s of 300 s` as it goes.
 */
export async function waitForMigration(backendUrl: string, opts: { totalMs: number; intervalMs: number; signal?: AbortSignal; onProgress?: (t: string) => void; requestTimeoutMs?: number }): Promise<number> {
  const url = `${backendUrl.replace(/\/$/, '')}/ping`;
  const started = Date.now();
  const deadline = started + opts.totalMs;
  const total = Math.round(opts.totalMs / 1000);
  let last: Answer = {};
  for (;;) {
    last = await get(url, opts.requestTimeoutMs ?? 5000, opts.signal);
    const now = Date.now();
    if (last.status === 200) return now - started;
    if (now >= deadline) break;
    opts.onProgress?.(`Migration still running… ${Math.round((now - started) / 1000)} s of ${total} s`);
    await sleep(Math.min(opts.intervalMs, Math.max(0, deadline - now)), opts.signal);
  }
  throw new DeployError({
    source: 'health',
    code: 'migration-deadline',
    operation: 'devlake.migrate',
    target: url,
    message: `the DevLake migration did not finish within ${total} s (last: ${describe(last)})`,
  });
}
