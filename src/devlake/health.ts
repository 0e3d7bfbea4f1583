// DevLake's start-up and database migration, as its source says (apache/incubator-devlake v1.0.1):
// - `backend/server/api/api.go` CreateAndRunApiServer(): services.Init() (database connection —
//   a panic, so a container restart, while MySQL is not reachable — the database lock, plugins)
//   and services.InitExecuteMigration() run before the HTTP server listens: until then nothing answers.
// - `/ping` (and /ready, /health, /version) are registered before every middleware; then
//   `/proceed-db-migration`; then a middleware that answers 428 Precondition Required to every
//   later route — and to unknown ones — while the migration waits for confirmation or runs.
// - `GET /proceed-db-migration` calls services.ExecuteMigration() and answers when it is done
//   (minutes on a fresh database); a client that gives up does not stop it; a second call while
//   one runs is refused (400 "There is a migration in progress.").
// - With FORCE_MIGRATION=true pending scripts run inside start-up, before the server listens.
// So: ready = `/ping` 200; migrated = a route behind the 428 middleware stops answering 428.

import { DeployError } from '../recovery/deploy-error.js';
import { progressText, waitUntil, WaitTimeoutError } from '../util/wait.js';
import { MIGRATION_GATED_PATH, probeHttp, type HttpProbe } from './probe.js';

export { MIGRATION_GATED_PATH };

export interface WaitOptions {
  /** Absolute deadline (Date.now() based). */
  deadline: number;
  intervalMs?: number;
  /** Per-request timeout of a poll. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
}

/**
 * The longest gap between two `/ping` polls. `/ping` is the cheapest call DevLake has, so it is
 * polled this often whatever longer interval a caller asks for: the deploy then sees the backend
 * within about this long of it starting to answer (docs/performance.md, readiness latency).
 */
export const PING_INTERVAL_MS = 100;

function seenOf(p: HttpProbe): string {
  return p.status !== undefined ? `HTTP ${p.status}` : (p.error ?? 'no answer');
}

export interface ReadyOptions extends WaitOptions {
  /** How often the backend container has restarted so far (a crash loop while MySQL starts), if known. */
  restarts?: () => Promise<number | undefined>;
  /** Failure code at the deadline (default 'deadline'). */
  code?: string;
}

/**
 * The backend is up when `/ping` answers 200. Refused or reset connections and a restarting
 * container are expected until then (DevLake panics while MySQL is not reachable, and
 * `restart: always` starts it again); the progress line counts the restarts.
 */
export async function waitForPing(backendUrl: string, opts: ReadyOptions): Promise<HttpProbe> {
  const url = `${backendUrl}/ping`;
  const intervalMs = Math.min(opts.intervalMs ?? PING_INTERVAL_MS, PING_INTERVAL_MS);
  const what = 'Waiting for the backend';
  // The restart count is asked of the engine at most once a second, not at every poll.
  let restarts: number | undefined;
  let askedAt = 0;
  const countRestarts = async (): Promise<void> => {
    if (!opts.restarts || Date.now() - askedAt < 1000) return;
    askedAt = Date.now();
    restarts = await opts.restarts().catch(() => restarts);
  };
  try {
    const r = await waitUntil<HttpProbe>({
      what,
      deadline: opts.deadline,
      intervalMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      check: async (_n, remainingMs) => {
        const p = await probeHttp(url, Math.min(opts.requestTimeoutMs ?? 2000, Math.max(100, remainingMs)), opts.signal);
        if (p.status === 200) return { done: true, value: p };
        await countRestarts();
        return { done: false, seen: seenOf(p) };
      },
      onProgress: (p) => {
        const crashed = restarts ? `; the backend container restarted ${restarts} time${restarts === 1 ? '' : 's'}` : '';
        opts.onProgress?.(`${progressText(what, p.elapsedMs, p.totalMs)} (${p.seen}${crashed})`);
      },
    });
    return r.value;
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const crashed = restarts ? `; the backend container restarted ${restarts} time${restarts === 1 ? '' : 's'}` : '';
    throw new DeployError({
      source: 'health',
      code: opts.code ?? 'deadline',
      ...(/^HTTP (\d+)$/.test(err.lastSeen) ? { statusCode: Number(err.lastSeen.slice(5)) } : {}),
      operation: what,
      target: url,
      message: `${what}: ${url} did not become ready within ${Math.round(err.totalMs / 1000)} s (last: ${err.lastSeen}${crashed})`,
    });
  }
}

/** How the migration went: whether we triggered it, and how long until the API stopped answering 428. */
export interface MigrationResult {
  /**
   * 'triggered': we called /proceed-db-migration and waited; 'not-needed': the API answered at
   * once (no pending scripts); 'at-start-up': FORCE_MIGRATION=true ran them before the server
   * listened (the duration is then the readiness wait's).
   */
  how: 'triggered' | 'not-needed' | 'at-start-up';
  durationMs: number;
}

/** The one `/proceed-db-migration` request in flight per backend URL: a second caller joins it. */
const inFlight = new Map<string, Promise<HttpProbe>>();

/** Start the migration unless a request for it is already under way; bounded only by `deadline`. */
export function triggerMigration(backendUrl: string, deadline: number, signal?: AbortSignal): Promise<HttpProbe> {
  const running = inFlight.get(backendUrl);
  if (running) return running;
  const request = probeHttp(`${backendUrl}/proceed-db-migration`, Math.max(1000, deadline - Date.now()), signal).finally(() => {
    if (inFlight.get(backendUrl) === request) inFlight.delete(backendUrl);
  });
  inFlight.set(backendUrl, request);
  return request;
}

/** The 428-gated route answers something else than 428: the migration is done. */
function migrated(p: HttpProbe): boolean {
  return p.status !== undefined && p.status !== 428 && p.status < 500;
}

/** At most this many /proceed-db-migration requests in one wait (a new one only after the last failed to connect). */
const MAX_TRIGGERS = 3;
/** Socket errors that mean the trigger never reached a running backend, or the backend went away under it. */
const LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

export interface MigrationOptions extends WaitOptions {
  /** How long the `/proceed-db-migration` request may live (default: `deadline`), when this wait is one part of a longer one. */
  triggerDeadline?: number;
  /** Called once, when the migration has to be triggered (for a progress line). */
  onTrigger?: () => void;
}

/**
 * Run the database migration and wait until it is done: if the gated route already answers (no
 * pending scripts, or FORCE_MIGRATION), nothing is triggered. Otherwise `/proceed-db-migration`
 * is requested once, with a request that only the deadline bounds, and the gated route is polled
 * while it runs: done when it stops answering 428. A trigger answered 400 means another client's
 * migration runs: we wait for it. A new request is made only when the last one could not reach
 * the backend (it restarted), never two at once. Progress: `Migration running… 40 s of 360 s`.
 */
export async function runMigration(backendUrl: string, opts: MigrationOptions): Promise<MigrationResult> {
  const started = Date.now();
  const gated = `${backendUrl}${MIGRATION_GATED_PATH}`;
  const timeout = (remainingMs: number) => Math.min(opts.requestTimeoutMs ?? 2000, Math.max(100, remainingMs));
  const first = await probeHttp(gated, timeout(opts.deadline - Date.now()), opts.signal);
  opts.signal?.throwIfAborted();
  if (migrated(first)) return { how: 'not-needed', durationMs: 0 };

  let triggers = 0;
  let trigger: { answer?: HttpProbe } | undefined;
  const fire = (): void => {
    triggers++;
    const t: { answer?: HttpProbe } = {};
    trigger = t;
    void triggerMigration(backendUrl, opts.triggerDeadline ?? opts.deadline, opts.signal).then((a) => (t.answer = a));
  };
  opts.onTrigger?.();
  fire();
  const what = 'Migration running';
  try {
    const r = await waitUntil<true>({
      what,
      deadline: opts.deadline,
      startedAt: started,
      intervalMs: opts.intervalMs ?? 500,
      ...(opts.signal ? { signal: opts.signal } : {}),
      check: async (_n, remainingMs) => {
        const p = await probeHttp(gated, timeout(remainingMs), opts.signal);
        if (migrated(p)) return { done: true, value: true };
        const answer = trigger?.answer;
        if (answer?.status !== undefined && answer.status >= 500) {
          // ExecuteMigration() failed: DevLake stays "migrating" until it is restarted.
          throw new DeployError({
            source: 'health',
            code: 'migration-failed',
            statusCode: answer.status,
            operation: 'devlake.migrate',
            target: `${backendUrl}/proceed-db-migration`,
            message: `the database migration failed: GET ${backendUrl}/proceed-db-migration answered HTTP ${answer.status}`,
          });
        }
        // The backend refused or dropped the request (it restarted before or during the migration,
        // which forgets a migration that had not finished): ask again. A request that merely ran
        // out of time is not repeated — the migration it started goes on.
        if (answer?.error !== undefined && LOST.has(answer.error) && triggers < MAX_TRIGGERS) fire();
        return { done: false, seen: seenOf(p) };
      },
      onProgress: (p) => opts.onProgress?.(progressText(what, p.elapsedMs, p.totalMs)),
    });
    return { how: 'triggered', durationMs: r.elapsedMs };
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    throw new DeployError({
      source: 'health',
      code: 'migration-deadline',
      ...(/^HTTP (\d+)$/.test(err.lastSeen) ? { statusCode: Number(err.lastSeen.slice(5)) } : {}),
      operation: 'devlake.migrate',
      target: gated,
      message: `the database migration did not finish within ${Math.round(err.totalMs / 1000)} s: ${gated} still answers ${err.lastSeen === 'HTTP 428' ? '428 Precondition Required' : err.lastSeen}; DevLake goes on migrating`,
    });
  }
}
