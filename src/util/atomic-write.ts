import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempName } from './temp-name.js';

/** The file operations writeFileAtomic uses; tests inject failing ones (a full disk is hard to come by). */
export interface AtomicWriteFs {
  open(file: string, flags: string, mode: number): Promise<{ writeFile(data: string | Uint8Array): Promise<void>; sync(): Promise<void>; close(): Promise<void> }>;
  chmod(file: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, opts: { force: boolean }): Promise<void>;
  stat(file: string): Promise<unknown>;
}

const realFs: AtomicWriteFs = {
  open: (file, flags, mode) => fs.open(file, flags, mode),
  chmod: (file, mode) => fs.chmod(file, mode),
  rename: (from, to) => fs.rename(from, to),
  rm: (file, opts) => fs.rm(file, opts),
  stat: (file) => fs.stat(file),
};

/**
 * A write that did not happen. The target is as it was: the previous content when there was a
 * file (`previousKept`), or no file at all. The message says which, and why (ENOSPC, EROFS…).
 */
export class AtomicWriteError extends Error {
  override readonly name = 'AtomicWriteError';
  constructor(
    readonly file: string,
    /** The system error code (ENOSPC, EROFS, EACCES, EDQUOT…), when there is one. */
    readonly code: string | undefined,
    /** True when a previous version of the file exists and is unchanged. */
    readonly previousKept: boolean,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot write ${file}: ${reason}. ` +
        (previousKept ? `The previous ${path.basename(file)} is unchanged. ` : `Nothing was written. `) +
        atomicWriteAdvice(code),
      options,
    );
  }
}

function atomicWriteAdvice(code: string | undefined): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'Free space on that filesystem, then run the command again.';
    case 'EROFS':
      return 'The filesystem is read-only: use a writable directory (--dir), then run the command again.';
    case 'EACCES':
    case 'EPERM':
      return 'Make the directory writable for this user, then run the command again.';
    default:
      return 'Fix the cause, then run the command again.';
  }
}

function reasonOf(err: unknown): { code: string | undefined; reason: string } {
  const code = typeof (err as { code?: unknown } | null)?.code === 'string' ? (err as { code: string }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  // Node's "ENOSPC: no space left on device, write" → "no space left on device (ENOSPC)"
  const m = /^([A-Z0-9]+): (.*?)(?:, \w+(?: '[^']*')?)?$/.exec(message);
  return { code, reason: m ? `${m[2]} (${m[1]})` : message };
}

/**
 * Write a file so readers see either the old or the new content, never a torn one:
 * a temp file in the same directory, fsync, rename over. Mode is applied on create.
 * Any failure removes the temp file and throws AtomicWriteError; the target is untouched.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600, ops: AtomicWriteFs = realFs): Promise<void> {
  const tmp = path.join(path.dirname(file), tempName(`.${path.basename(file)}`));
  const fail = async (err: unknown): Promise<never> => {
    await ops.rm(tmp, { force: true }).catch(() => undefined);
    const previousKept = await ops.stat(file).then(
      () => true,
      () => false,
    );
    const { code, reason } = reasonOf(err);
    throw new AtomicWriteError(file, code, previousKept, reason, { cause: err });
  };
  let handle: Awaited<ReturnType<AtomicWriteFs['open']>>;
  try {
    handle = await ops.open(tmp, 'wx', mode);
  } catch (err) {
    return fail(err);
  }
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    return fail(err);
  }
  try {
    await handle.close();
    await ops.chmod(tmp, mode);
    await ops.rename(tmp, file);
  } catch (err) {
    return fail(err);
  }
}
