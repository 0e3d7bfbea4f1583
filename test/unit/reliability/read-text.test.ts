// readTextFile (src/util/read-text.ts): the bounded read of the files a user controls.

import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileShapeError, readTextFile } from '../../../src/util/read-text.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'gdl-read-'));
  dirs.push(d);
  return d;
}

describe('readTextFile', () => {
  it('unit: readTextFile refuses pipes and devices at once and reads at most maxBytes', async () => {
    const d = await tmp();
    // A regular file reads like fs.readFile(…, 'utf8'), BOM and CRLF kept.
    await writeFile(path.join(d, 'a.env'), '\uFEFFA=1\r\nB=2\n');
    expect(await readTextFile(path.join(d, 'a.env'))).toBe('\uFEFFA=1\r\nB=2\n');
    // A named pipe with no writer: refused without waiting (fs.readFile would wait forever).
    execFileSync('mkfifo', [path.join(d, 'pipe')]);
    const t0 = Date.now();
    await expect(readTextFile(path.join(d, 'pipe'))).rejects.toMatchObject({ name: 'FileShapeError', code: 'ENOTREG', message: 'it is a named pipe (FIFO), not a regular file' });
    expect(Date.now() - t0).toBeLessThan(1_000);
    // A device, directly or through a link: refused before one byte is read.
    await expect(readTextFile('/dev/zero')).rejects.toMatchObject({ code: 'ENOTREG', message: 'it is a device, not a regular file' });
    execFileSync('ln', ['-s', '/dev/urandom', path.join(d, 'link')]);
    await expect(readTextFile(path.join(d, 'link'))).rejects.toBeInstanceOf(FileShapeError);
    // Larger than the bound, by its size or (size 0, like /proc) by what the reads return.
    await writeFile(path.join(d, 'big'), 'x'.repeat(200_000));
    await expect(readTextFile(path.join(d, 'big'), 100_000)).rejects.toMatchObject({ code: 'EFBIG' });
    expect((await readTextFile('/proc/self/status', 1_000_000)).length).toBeGreaterThan(0);
    await expect(readTextFile('/proc/self/status', 10)).rejects.toMatchObject({ code: 'EFBIG' });
    // fs's own errors pass through, so callers' ENOENT and EISDIR handling is unchanged.
    await expect(readTextFile(path.join(d, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(path.join(d, 'sub'));
    await expect(readTextFile(path.join(d, 'sub'))).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
