// One run per directory: a lock file holding the owner's pid, put in place atomically.
//
// - The lock's content is written to a temp file first and hard-linked to `.devlake.lock`
//   (link fails if the name exists), so nobody ever reads a half-written lock.
// - A lock whose owner is gone (a crashed run, or a pid now used by another program, told
//   apart by the process start time on Linux) is stale and taken over. Taking over is guarded
//   by a second, short-lived file, so two runs that find the same stale lock cannot both take it.
// - release() removes the lock only while it is still ours.

import { promises as fs, readFileSync, rmSync } from 'node:fs';
import { readTextFile } from './read-text.js';
import os from 'node:os';
import path from 'node:path';
import { tempName } from './temp-name.js';

export const LOCK_FILE = '.devlake.lock';
/** Guard held only while a stale lock is being replaced. */
const TAKEOVER_SUFFIX = '.takeover';
/** A takeover guard older than this was left by a crash and is removed. */
const TAKEOVER_STALE_MS = 10_000;
const ATTEMPTS = 5;

export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(readonly file: string, readonly pid: number) {
    super(
      pid > 0
        ? `another gh-devlake run (pid ${pid}) is working in ${path.dirname(file)}; wait for it to finish, or stop it (kill ${pid}). If no such process exists, remove ${file}.`
        : `another gh-devlake run is working in ${path.dirname(file)}; wait for it to finish. If none is running, remove ${file}.`,
    );
  }
}

/** The lock file could not be created for another reason than a live owner (read-only, full…). */
export class LockFileError extends Error {
  override readonly name = 'LockFileError';
  constructor(readonly file: string, readonly code: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(`cannot create the lock file ${file}: ${reason}. Nothing was changed; make the directory writable (or free space), then run the command again.`, options);
  }
}

export interface LockOwner {
  pid: number;
  startedAt?: string;
  hostname?: string;
  /** /proc/<pid>/stat start time (clock ticks since boot), to tell a reused pid from the owner. */
  procStart?: number;
}

export interface Lock {
  readonly file: string;
  /** Set when a stale lock was taken over: whose it was. */
  readonly tookOverFrom?: LockOwner;
  release(): Promise<void>;
  /** For a process about to exit at once (a second Ctrl-C): remove the lock if it is still ours. */
  releaseSync(): void;
}

/** Start time of a process in clock ticks since boot (Linux), or undefined. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and ')': fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock's owner is still running. A lock from another host is assumed live. */
export function ownerAlive(owner: LockOwner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.hostname !== undefined && owner.hostname !== os.hostname()) return true;
  if (!pidAlive(owner.pid)) return false;
  if (owner.procStart !== undefined) {
    const now = processStartTicks(owner.pid);
    if (now !== undefined && now !== owner.procStart) return false; // the pid was reused
  }
  return true;
}

export function parseLockOwner(text: string): LockOwner | undefined {
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    const pid = Number(data.pid);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const owner: LockOwner = { pid };
    if (typeof data.startedAt === 'string') owner.startedAt = data.startedAt;
    if (typeof data.hostname === 'string') owner.hostname = data.hostname;
    if (typeof data.procStart === 'number') owner.procStart = data.procStart;
    return owner;
  } catch {
    return undefined;
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function fileError(file: string, err: unknown): LockFileError {
  const message = err instanceof Error ? err.message : String(err);
  const m = /^([A-Z0-9]+): (.*?)(?:, \w+(?: '[^']*')?)?$/.exec(message);
  return new LockFileError(file, codeOf(err), m ? `${m[2]} (${m[1]})` : message, { cause: err });
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readTextFile(file);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Put our lock in place: temp file + link. False when a lock is already there. */
async function tryCreate(file: string, content: string): Promise<boolean> {
  const tmp = tempName(file);
  try {
    await fs.writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
    try {
      await fs.link(tmp, file);
      return true;
    } catch (err) {
      if (codeOf(err) === 'EEXIST') return false;
      throw err;
    }
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/**
 * Remove the lock at `file` if it still holds `stale` (the text we judged stale), under the takeover
 * guard. False when someone else is taking it over right now.
 */
async function removeStale(file: string, stale: string): Promise<boolean> {
  const guard = file + TAKEOVER_SUFFIX;
  try {
    await fs.writeFile(guard, String(process.pid), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if (codeOf(err) !== 'EEXIST') throw err;
    const st = await fs.stat(guard).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > TAKEOVER_STALE_MS) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const now = await readTextFile(file).catch(() => undefined);
    if (now === stale) await fs.rm(file, { force: true });
    return true;
  } finally {
    await fs.rm(guard, { force: true }).catch(() => undefined);
  }
}

export async function acquireLock(dir: string): Promise<Lock> {
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, startedAt: new Date().toISOString(), hostname: os.hostname() };
  const ticks = processStartTicks(process.pid);
  if (ticks !== undefined) me.procStart = ticks;
  const content = JSON.stringify(me) + '\n';
  let tookOverFrom: LockOwner | undefined;
  let lastOwner: LockOwner | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      if (await tryCreate(file, content)) {
        return {
          file,
          ...(tookOverFrom ? { tookOverFrom } : {}),
          release: async () => {
            // Only our own lock goes; a failure here (read-only now, gone) leaves a lock that is stale once we exit.
            const now = await readTextFile(file).catch(() => undefined);
            if (now === content) await fs.rm(file, { force: true }).catch(() => undefined);
          },
          releaseSync: () => {
            try {
              if (readFileSync(file, 'utf8') === content) rmSync(file, { force: true });
            } catch {
              // gone or unreadable: nothing of ours to remove
            }
          },
        };
      }
      const text = await readIfThere(file);
      if (text === undefined) continue; // released in between: try again
      const owner = parseLockOwner(text);
      lastOwner = owner;
      if (owner && ownerAlive(owner)) throw new LockHeldError(file, owner.pid);
      if (await removeStale(file, text)) tookOverFrom = owner ?? { pid: 0 };
      else await new Promise((r) => setTimeout(r, 50));
    } catch (err) {
      if (err instanceof LockHeldError) throw err;
      throw fileError(file, err);
    }
  }
  throw new LockHeldError(file, lastOwner?.pid ?? 0);
}
