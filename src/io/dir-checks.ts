// --dir checks every command shares, kept apart from the lock and the flows so read-only
// commands (status, stop, cleanup) load only this (docs/performance.md, start-up).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from './exit-codes.js';

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

/** Why mkdir -p failed, in words: the nearest existing ancestor is a file, or cannot be written. */
async function whyNotCreatable(abs: string, err: unknown): Promise<string> {
  let cur = path.dirname(abs);
  for (;;) {
    const st = await fs.stat(cur).catch(() => undefined);
    if (st) {
      if (!st.isDirectory()) return `${cur} is a file`;
      const denied = await fs.access(cur, fs.constants.W_OK).then(
        () => undefined,
        (e: unknown) => errCode(e),
      );
      if (denied) return notWritableReason(denied);
      break;
    }
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  const code = errCode(err);
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? notWritableReason(code) : err instanceof Error ? err.message : String(err);
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
      created = await fs.mkdir(abs, { recursive: true });
    } catch (err) {
      throw new InputError(`cannot create --dir ${dir}: ${await whyNotCreatable(abs, err)}; choose another directory`);
    }
    return created ? { created } : {};
  }
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
