// src/util/wait.ts: bounded by its deadline and by a count of attempts, abortable, with progress.

import { describe, expect, it } from 'vitest';
import { durationText, progressText, waitUntil, WaitTimeoutError } from '../../../src/util/wait.js';

describe('waitUntil', () => {
  it('resolves with the value of the first check that is done, counting attempts', async () => {
    let n = 0;
    const r = await waitUntil({ what: 'x', deadline: Date.now() + 5_000, intervalMs: 5, check: () => Promise.resolve((++n >= 3 ? { done: true, value: n } : { done: false, seen: `try ${n}` })) });
    expect(r).toMatchObject({ value: 3, attempts: 3 });
  });

  it('fails at the deadline with what it saw last, and reports progress in between', async () => {
    const seen: string[] = [];
    const started = Date.now();
    const err = await waitUntil({
      what: 'Waiting for it',
      deadline: started + 120,
      intervalMs: 20,
      check: (n) => Promise.resolve(({ done: false, seen: `HTTP 428 #${n}` })),
      onProgress: (p) => seen.push(progressText('Waiting for it', p.elapsedMs, p.totalMs)),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    const t = err as WaitTimeoutError;
    expect(t.lastSeen).toMatch(/^HTTP 428 #\d+$/);
    expect(t.elapsedMs).toBeGreaterThanOrEqual(120);
    expect(t.elapsedMs).toBeLessThan(1_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toBe('Waiting for it… 0 s of 0 s');
  });

  it('is bounded by maxAttempts even when the deadline is far', async () => {
    let n = 0;
    const err = (await waitUntil({ what: 'x', deadline: Date.now() + 60_000, intervalMs: 1, maxAttempts: 4, check: () => Promise.resolve((n++, { done: false, seen: 'no' })) }).catch((e: unknown) => e)) as WaitTimeoutError;
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(n).toBe(4);
    expect(err.attempts).toBe(4);
  });

  it('derives an attempt bound from the deadline and the interval', async () => {
    let n = 0;
    await waitUntil({ what: 'x', deadline: Date.now() + 50, intervalMs: 10, check: () => Promise.resolve((n++, { done: false, seen: 'no' })) }).catch(() => undefined);
    expect(n).toBeLessThanOrEqual(6);
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it('a deadline already passed still makes one attempt', async () => {
    const r = await waitUntil({ what: 'x', deadline: Date.now() - 1, intervalMs: 10, check: () => Promise.resolve(({ done: true, value: 'ok' })) });
    expect(r.value).toBe('ok');
  });

  it('stops at once when its signal aborts, with the signal reason', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted')), 30);
    const err = (await waitUntil({ what: 'x', deadline: Date.now() + 60_000, intervalMs: 10_000, signal: ac.signal, check: () => Promise.resolve(({ done: false, seen: 'no' })) }).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('interrupted');
  });

  it('a check that throws ends the wait with that error', async () => {
    await expect(waitUntil({ what: 'x', deadline: Date.now() + 1_000, intervalMs: 10, check: () => Promise.resolve(Promise.reject(new Error('boom'))) })).rejects.toThrow('boom');
  });
});

describe('durationText', () => {
  it('says seconds, then minutes and seconds', () => {
    expect(durationText(400)).toBe('0 s');
    expect(durationText(40_400)).toBe('40 s');
    expect(durationText(125_000)).toBe('2 min 5 s');
  });
});
