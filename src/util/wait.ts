// One deadline-wait strategy for every poll in the product (after testcontainers-node's
// `wait-strategies/`: a small check, an explicit deadline). A wait is bounded twice — by its
// deadline and by a count of attempts — and ends early when its AbortSignal fires.

import { sleep } from './sleep.js';

/** What one attempt found: done with a value, or not yet (and what it saw, in words). */
export type Check<T> = { done: true; value: T } | { done: false; seen: string };

export interface WaitProgress {
  attempt: number;
  elapsedMs: number;
  totalMs: number;
  /** What the last attempt saw. */
  seen: string;
}

export interface WaitSpec<T> {
  /** What is waited for, for messages: "Waiting for the backend". */
  what: string;
  /** Absolute deadline (Date.now() based). */
  deadline: number;
  /** When the wait began, for "N s of M s" (default: now). */
  startedAt?: number;
  /** Pause between attempts. */
  intervalMs: number;
  /**
   * At most this many attempts (default: as many as the deadline leaves room for at
   * `intervalMs`, plus one), so a clock that stalls cannot make the wait endless.
   */
  maxAttempts?: number;
  signal?: AbortSignal;
  /** One attempt; `remainingMs` is the time left before the deadline (for a request timeout). */
  check: (attempt: number, remainingMs: number) => Promise<Check<T>>;
  /** Called after each attempt that did not finish (not after the last). */
  onProgress?: (p: WaitProgress) => void;
}

/** The wait ran out of time (or attempts) without the check passing. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly what: string,
    readonly elapsedMs: number,
    readonly totalMs: number,
    readonly attempts: number,
    readonly lastSeen: string,
  ) {
    super(`${what}: not done within ${Math.round(totalMs / 1000)} s (${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${lastSeen})`);
  }
}

export interface WaitResult<T> {
  value: T;
  elapsedMs: number;
  attempts: number;
}

/** `Migration running… 40 s of 360 s`. */
export function progressText(what: string, elapsedMs: number, totalMs: number): string {
  return `${what}… ${Math.round(elapsedMs / 1000)} s of ${Math.round(totalMs / 1000)} s`;
}

/** `12 s`, `2 min 5 s`. */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * Run `check` until it is done, every `intervalMs`, until the deadline or the attempt bound.
 * Resolves with the value; rejects with WaitTimeoutError, or with the signal's reason on abort.
 */
export async function waitUntil<T>(spec: WaitSpec<T>): Promise<WaitResult<T>> {
  const startedAt = spec.startedAt ?? Date.now();
  const totalMs = Math.max(0, spec.deadline - startedAt);
  const interval = Math.max(1, spec.intervalMs);
  const maxAttempts = spec.maxAttempts ?? Math.ceil(Math.max(0, spec.deadline - Date.now()) / interval) + 1;
  let seen = 'nothing yet';
  for (let attempt = 1; attempt <= Math.max(1, maxAttempts); attempt++) {
    spec.signal?.throwIfAborted();
    const result = await spec.check(attempt, Math.max(0, spec.deadline - Date.now()));
    spec.signal?.throwIfAborted();
    const now = Date.now();
    if (result.done) return { value: result.value, elapsedMs: now - startedAt, attempts: attempt };
    seen = result.seen;
    if (now >= spec.deadline || attempt >= maxAttempts) throw new WaitTimeoutError(spec.what, now - startedAt, totalMs, attempt, seen);
    spec.onProgress?.({ attempt, elapsedMs: now - startedAt, totalMs, seen });
    await sleep(Math.min(interval, Math.max(0, spec.deadline - now)), spec.signal);
  }
  throw new WaitTimeoutError(spec.what, Date.now() - startedAt, totalMs, maxAttempts, seen);
}
