// The one way src/ reads a text file the user controls (compose files, env files, state and lock
// files): bounded. fs.readFile on a named pipe waits for a writer forever — and a blocked open()
// holds a libuv thread, so not even SIGTERM's exit ends the process — and on /dev/zero it reads
// until memory runs out. Here the open never blocks (O_NONBLOCK), anything but a regular file is
// refused, and at most `maxBytes` are read, in a loop that ends after maxBytes / CHUNK + 2 reads.

import { constants, promises as fs, type Stats } from 'node:fs';

/** Far above any compose, env or state file; a file this large is not one of ours. */
export const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** The path is not a regular file, or is larger than we read. `code` says which; the message ("it is a named pipe…") follows the file's name. */
export class FileShapeError extends Error {
  override readonly name = 'FileShapeError';
  constructor(
    readonly file: string,
    readonly code: 'ENOTREG' | 'EFBIG',
    message: string,
  ) {
    super(message);
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(file: string, maxBytes: number): FileShapeError {
  return new FileShapeError(file, 'EFBIG', `it is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, too large for a compose, env or state file`);
}

/** Read `file` as UTF-8 (like fs.readFile(file, 'utf8')), bounded as above. ENOENT and other open errors are fs's own. */
export async function readTextFile(file: string, maxBytes = MAX_TEXT_FILE_BYTES): Promise<string> {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR', syscall: 'read' });
    if (!st.isFile()) {
      const kind = kindOf(st);
      throw new FileShapeError(file, 'ENOTREG', `it is ${kind === 'not a regular file' ? kind : `${kind}, not a regular file`}`);
    }
    if (st.size > maxBytes) throw tooLarge(file, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    // /proc-style files report size 0 and may grow while read: the byte bound ends the loop.
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(file, maxBytes);
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close();
  }
}
