// Backups of files we are about to replace: `<name>.bak.<n>`, n the first number not yet used, so a
// backup never overwrites an older one. Made with O_EXCL (a racing run takes the next number).

import { constants, promises as fs } from 'node:fs';
import path from 'node:path';

/** Bounded: a folder with this many backups of one file is something for the user to look at. */
export const MAX_BACKUPS = 1000;

export function backupName(file: string, n: number): string {
  return `${file}.bak.${n}`;
}

/** Existing backups of `file`, oldest first (by number). */
export async function listBackups(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const nums = names.flatMap((n) => {
    const m = n.startsWith(`${base}.bak.`) ? /^(\d+)$/.exec(n.slice(base.length + 5)) : null;
    return m?.[1] !== undefined ? [Number(m[1])] : [];
  });
  return nums.sort((a, b) => a - b).map((n) => backupName(file, n));
}

/**
 * Copy `file` (its bytes and mode, or `forceMode`: a secret's backup is 0600 whatever the file's
 * mode was) to the next free `<file>.bak.<n>`. Returns the backup's path; undefined when there is no
 * file to back up.
 */
export async function backupFile(file: string, content?: string | Buffer, forceMode?: number): Promise<string | undefined> {
  let bytes: Buffer;
  let mode: number;
  try {
    const st = await fs.stat(file);
    mode = forceMode ?? st.mode & 0o777;
    bytes = content === undefined ? await fs.readFile(file) : Buffer.from(content);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const existing = await listBackups(file);
  const last = existing.at(-1);
  let n = last === undefined ? 1 : Number(last.slice(last.lastIndexOf('.') + 1)) + 1;
  for (let tries = 0; tries < MAX_BACKUPS; tries++, n++) {
    const target = backupName(file, n);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return target;
  }
  throw new Error(`${file} has ${MAX_BACKUPS} backups or more; remove old ${path.basename(file)}.bak.* files`);
}

/** Move `file` aside to the next free backup name (a rename: nothing is copied). */
export async function moveAside(file: string): Promise<string> {
  const existing = await listBackups(file);
  const last = existing.at(-1);
  let n = last === undefined ? 1 : Number(last.slice(last.lastIndexOf('.') + 1)) + 1;
  for (let tries = 0; tries < MAX_BACKUPS; tries++, n++) {
    const target = backupName(file, n);
    // link + unlink: fails when the target exists, unlike rename, which would replace it.
    try {
      await fs.link(file, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    await fs.unlink(file);
    return target;
  }
  throw new Error(`${file} has ${MAX_BACKUPS} backups or more; remove old ${path.basename(file)}.bak.* files`);
}
