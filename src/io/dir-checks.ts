// --dir checks every command shares, kept apart from the lock and the flows so read-only
// commands (status, stop, cleanup) load only this (docs/performance.md, start-up).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from './exit-codes.js';
import { makeDir, MakeDirError, nearestExisting } from '../util/make-dir.js';

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a directory cannot be written, in words. */
function notWritableReason(code: string | undefined): string {
  if (code === 'EROFS') return 'it is on a read-only file system';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? 'not writable';
}

/**
 * Kernel file systems (Linux statfs f_type) that hold no user files. mkdir there fails in odd
 * ways (/proc answers ENOENT, /sys EPERM even for root), so we name the file system instead.
 */
const SPECIAL_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
]);

async function specialFsOf(p: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const st = await fs.statfs(p).catch(() => undefined);
  return st ? SPECIAL_FS.get(Number(st.type)) : undefined;
}

/** Why the directory could not be made, in words. */
async function whyNotCreatable(err: unknown): Promise<string> {
  if (!(err instanceof MakeDirError)) return err instanceof Error ? err.message : String(err);
  const { code, existing } = err;
  if (code === 'ENOTDIR' && existing) return `${existing} is a file`;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return notWritableReason(code);
  if (existing) {
    const denied = await fs.access(existing, fs.constants.W_OK).then(
      () => undefined,
      (e: unknown) => errCode(e),
    );
    if (denied) return notWritableReason(denied);
  }
  return code === 'ENOENT' && existing ? `the file system of ${existing} refused to create it (ENOENT)` : (code ?? err.message);
}

/**
 * --dir must be a directory we can write (or one we can create). Returns the top-most directory it
 * created, if any, so a run that fails before writing anything can take it away again.
 */
export async function checkDir(dir: string): Promise<{ created?: string }> {
  const abs = path.resolve(dir);
  const st = await fs.stat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') throw new InputError(`--dir ${dir}: a parent of it is a file, not a directory; pass a directory (it is created when missing)`);
    throw new InputError(`cannot use --dir ${dir}: ${err.message}`);
  });
  if (st && !st.isDirectory()) throw new InputError(`--dir ${dir} is a file, not a directory; pass a directory (it is created when missing)`);
  if (!st) {
    let created: string | undefined;
    try {
      // Nothing is made on a kernel file system (a mkdir under /sys/fs/cgroup would make a cgroup).
      const { existing } = await nearestExisting(abs);
      const special = existing ? await specialFsOf(existing) : undefined;
      if (special) throw new InputError(`cannot create --dir ${dir}: ${existing} is on the kernel's ${special} file system, which holds no files of ours; choose another directory`);
      created = await makeDir(abs);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`cannot create --dir ${dir}: ${await whyNotCreatable(err)}; choose another directory`);
    }
    return created ? { created } : {};
  }
  // Root passes the access check on /proc and /sys, and the lock file would then fail obscurely.
  const special = await specialFsOf(abs);
  if (special) throw new InputError(`--dir ${dir} is on the kernel's ${special} file system, which holds no files of ours; choose another directory`);
  await fs.access(abs, fs.constants.W_OK).catch((err: unknown) => {
    throw new InputError(`--dir ${dir} is not writable (${notWritableReason(errCode(err))}); choose another directory or fix its permissions`);
  });
  return {};
}

/** For commands that only read a deployment (status, stop, cleanup): --dir, when it exists, must be a directory. */
export async function checkExistingDir(dir: string): Promise<void> {
  const st = await fs.stat(path.resolve(dir)).catch(() => undefined);
  if (st && !st.isDirectory()) throw new InputError(`--dir ${dir} is a file, not a directory; pass the deployment directory`);
}
