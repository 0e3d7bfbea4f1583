// `mkdir -p` with a bound. Node 20's fs.mkdir(p, { recursive: true }) never returns on /proc (and
// file systems like it): mkdir answers ENOENT although the parent exists, so Node makes the parent
// (EEXIST) and tries again, forever. Here we walk up to the nearest existing ancestor (one step per
// path component) and then ask for each missing directory once, top down: a path of n components
// costs at most n stat calls and n mkdir calls, whatever the file system answers.

import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';

/** A directory that could not be made: which path failed, why (errno code), and the nearest ancestor that exists. */
export class MakeDirError extends Error {
  override readonly name = 'MakeDirError';
  readonly syscall = 'mkdir';
  constructor(
    /** The path that failed: the requested directory or one of its missing ancestors. */
    readonly path: string,
    readonly code: string | undefined,
    /** The nearest existing ancestor (a directory, unless code is ENOTDIR), when we found one. */
    readonly existing: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`cannot create directory ${path}: ${code ?? 'failed'}`, options);
  }
}

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

async function statOrMissing(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    // ENOTDIR: a parent is a file; the walk goes on up and finds it.
    if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * The nearest ancestor of `dir` (or `dir` itself) that exists, and the missing paths below it, top
 * down. Bounded: each step drops one path component, and the root is its own parent.
 */
export async function nearestExisting(dir: string): Promise<{ existing?: string; stats?: Stats; missing: string[] }> {
  const missing: string[] = [];
  for (let cur = path.resolve(dir); ; ) {
    let st: Stats | undefined;
    try {
      st = await statOrMissing(cur);
    } catch (err) {
      throw new MakeDirError(cur, errCode(err), undefined, { cause: err });
    }
    if (st) return { existing: cur, stats: st, missing };
    missing.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) return { missing };
    cur = parent;
  }
}

/**
 * Create `dir` and its missing parents (mode 0777 before the umask, like mkdir -p). Returns the
 * top-most directory it created, or undefined when `dir` was already there. Throws MakeDirError,
 * after taking away the directories it made before the failure.
 */
export async function makeDir(dir: string): Promise<string | undefined> {
  const { existing, stats, missing } = await nearestExisting(dir);
  if (stats && !stats.isDirectory()) throw new MakeDirError(existing ?? dir, 'ENOTDIR', existing);
  const created: string[] = [];
  for (const d of missing) {
    try {
      await fs.mkdir(d);
      created.push(d);
    } catch (err) {
      // Made by someone else between our stat and our mkdir: fine if it is a directory.
      if (errCode(err) === 'EEXIST' && (await statOrMissing(d).catch(() => undefined))?.isDirectory()) continue;
      // Leave the file system as we found it: take away (deepest first) what this call made.
      for (const c of created.reverse()) await fs.rmdir(c).catch(() => undefined);
      throw new MakeDirError(d, errCode(err), existing, { cause: err });
    }
  }
  return created[0];
}
