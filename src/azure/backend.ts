// DevLake's backend on Azure: the same start-up and migration semantics as the local flow
// (src/devlake/health.ts has the upstream facts): ready when `/ping` answers 200; migrated when a
// route behind the 428 gate (`GET /plugins`) stops answering 428. `/proceed-db-migration` is
// requested once per backend, with a request only the overall migration deadline bounds; the
// first wait is short, and a migration still running after it is the `azure.migration-warming`
// class, whose repair (`azure.wait-migration`) waits longer for the same request — never a second.

import { DeployError } from '../recovery/deploy-error.js';
import { runMigration, waitForPing, type MigrationResult } from '../devlake/health.js';

export interface BackendWaitOptions {
  /** Epoch ms after which the wait fails. */
  deadline: number;
  intervalMs: number;
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
  requestTimeoutMs?: number;
}

function trimmed(url: string): string {
  return url.replace(/\/$/, '');
}

/** Wait until `/ping` answers 200 (refused connections and restarts are expected until then). */
export async function waitForBackend(backendUrl: string, opts: BackendWaitOptions): Promise<void> {
  try {
    await waitForPing(trimmed(backendUrl), {
      deadline: opts.deadline,
      intervalMs: opts.intervalMs,
      requestTimeoutMs: opts.requestTimeoutMs ?? 5000,
      code: 'backend-deadline',
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  } catch (err) {
    if (!(err instanceof DeployError)) throw err;
    throw new DeployError({ ...err.failure, operation: 'health.ping', message: `the DevLake backend at ${backendUrl} did not answer: ${err.failure.message}` });
  }
}

export interface MigrationWaitOptions {
  /** This wait's own deadline. */
  deadline: number;
  /** The deadline of the whole migration: the `/proceed-db-migration` request lives until then. */
  triggerDeadline: number;
  intervalMs: number;
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
  requestTimeoutMs?: number;
}

/**
 * Start the migration (once) and wait for it until `deadline`. Still running then: a
 * DeployError with code `MigrationWarming` (HTTP 428), for the `azure.migration-warming` repair.
 */
export async function migrate(backendUrl: string, opts: MigrationWaitOptions): Promise<MigrationResult> {
  try {
    return await runMigration(trimmed(backendUrl), {
      deadline: opts.deadline,
      triggerDeadline: opts.triggerDeadline,
      intervalMs: opts.intervalMs,
      requestTimeoutMs: opts.requestTimeoutMs ?? 5000,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  } catch (err) {
    if (!(err instanceof DeployError) || err.failure.code !== 'migration-deadline') throw err;
    throw new DeployError({ ...err.failure, code: 'MigrationWarming', statusCode: 428, message: `${err.failure.message} (the database migration is still running)` });
  }
}
