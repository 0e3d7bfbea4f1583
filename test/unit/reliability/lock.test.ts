// The directory lock: one owner at a time even when many runs race for it, a stale lock (dead
// owner, reused pid, garbage) taken over exactly once, release only of our own lock, 0600.
// Row of docs/reliability.md ("Faults").

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE, LockHeldError, acquireLock, ownerAlive, parseLockOwner, processStartTicks } from '../../../src/util/lock.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-lock-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid ?? 0;
}

describe('acquireLock', () => {
  it('unit: lock is exclusive under a race and a stale lock is taken over once', async () => {
    // Twenty runs at once on a fresh directory: one wins.
    const fresh = await Promise.allSettled(Array.from({ length: 20 }, () => acquireLock(dir)));
    expect(fresh.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of fresh) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
    const winner = fresh.find((r) => r.status === 'fulfilled');
    if (winner?.status !== 'fulfilled') throw new Error('no winner');
    expect((await fs.stat(path.join(dir, LOCK_FILE))).mode & 0o777).toBe(0o600);
    await winner.value.release();
    await expect(fs.stat(path.join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/);

    // A stale lock that twenty runs find at once: taken over once, by one of them.
    const pid = await deadPid();
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid }) + '\n', { mode: 0o600 });
    const stale = await Promise.allSettled(Array.from({ length: 20 }, () => acquireLock(dir)));
    const won = stale.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(won[0]?.value.tookOverFrom?.pid).toBe(pid);
    const owner = parseLockOwner(await fs.readFile(path.join(dir, LOCK_FILE), 'utf8'));
    expect(owner?.pid).toBe(process.pid);
    await won[0]?.value.release();
    // No temp or guard files left behind.
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('names the live owner, and takes over garbage and reused pids', async () => {
    const file = path.join(dir, LOCK_FILE);
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await fs.writeFile(file, JSON.stringify({ pid: live.pid, procStart: processStartTicks(live.pid ?? 0) }) + '\n');
      const err = (await acquireLock(dir).catch((e: unknown) => e)) as LockHeldError;
      expect(err).toBeInstanceOf(LockHeldError);
      expect(err.message).toBe(`another gh-devlake run (pid ${live.pid}) is working in ${dir}; wait for it to finish, or stop it (kill ${live.pid}). If no such process exists, remove ${file}.`);
      // Same pid, another start time: the pid was reused, the lock is stale.
      await fs.writeFile(file, JSON.stringify({ pid: live.pid, procStart: 1 }) + '\n');
      const lock = await acquireLock(dir);
      expect(lock.tookOverFrom?.pid).toBe(live.pid);
      await lock.release();
    } finally {
      live.kill('SIGKILL');
    }
    for (const garbage of ['', '{"pid":', 'not json', '{"pid":-4}']) {
      await fs.writeFile(file, garbage);
      const lock = await acquireLock(dir);
      expect(lock.tookOverFrom).toEqual({ pid: 0 });
      await lock.release();
    }
    // Another host's lock is never judged from here.
    expect(ownerAlive({ pid: 1, hostname: 'elsewhere.invalid' })).toBe(true);
  });

  it('release removes only our own lock', async () => {
    const lock = await acquireLock(dir);
    // Someone removed ours and took the directory (a user deleting the file by hand).
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 424242 }) + '\n');
    await lock.release();
    expect(parseLockOwner(await fs.readFile(path.join(dir, LOCK_FILE), 'utf8'))?.pid).toBe(424242);
    lock.releaseSync();
    expect(parseLockOwner(await fs.readFile(path.join(dir, LOCK_FILE), 'utf8'))?.pid).toBe(424242);
  });
});
