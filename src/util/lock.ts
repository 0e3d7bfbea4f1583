// One run per directory: a lock file holding the owner's pid, created exclusively.
// A lock whose pid is gone (a crashed run) is taken over.

import { promises as fs } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = '.devlake.lock';

export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(readonly file: string, readonly pid: number) {
    super(`another gh-devlake run (pid ${pid}) is working in ${path.dirname(file)}; wait for it to finish, or stop it. If no such process exists, remove ${file}.`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Lock {
  release(): Promise<void>;
}

export async function acquireLock(dir: string): Promise<Lock> {
  const file = path.join(dir, LOCK_FILE);
  // Two tries: the second after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await fs.open(file, 'wx', 0o600);
      await h.writeFile(JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }) + '\n');
      await h.close();
      return {
        release: async () => {
          await fs.rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      let pid = 0;
      try {
        pid = Number((JSON.parse(text) as { pid?: unknown }).pid) || 0;
      } catch {
        pid = 0;
      }
      if (pid > 0 && pid !== process.pid && alive(pid)) throw new LockHeldError(file, pid);
      await fs.rm(file, { force: true });
    }
  }
  throw new LockHeldError(file, 0);
}
