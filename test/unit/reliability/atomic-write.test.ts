// writeFileAtomic under failure: the previous file survives whole, no temp file is left behind, and
// the error says so. A full disk is hard to come by, so the failing write is injected here; the
// integration tests do the same on a real full tmpfs. Row of docs/reliability.md ("Faults").

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtomicWriteError, writeFileAtomic, type AtomicWriteFs } from '../../../src/util/atomic-write.js';
import { writeLocalState } from '../../../src/devlake/state.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-atomic-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function sysErr(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** The real filesystem, with one operation made to fail. */
function failing(op: 'open' | 'write' | 'sync' | 'rename', err: NodeJS.ErrnoException): AtomicWriteFs {
  return {
    open: async (file, flags, mode) => {
      if (op === 'open') throw err;
      const h = await fs.open(file, flags, mode);
      return {
        writeFile: async (data) => {
          if (op === 'write') {
            await h.writeFile(typeof data === 'string' ? data.slice(0, 3) : data.subarray(0, 3)); // a torn write
            throw err;
          }
          await h.writeFile(data);
        },
        sync: async () => {
          if (op === 'sync') throw err;
          await h.sync();
        },
        close: () => h.close(),
      };
    },
    chmod: (f, m) => fs.chmod(f, m),
    rename: async (a, b) => {
      if (op === 'rename') throw err;
      await fs.rename(a, b);
    },
    rm: (f, o) => fs.rm(f, o),
    stat: (f) => fs.stat(f),
  };
}

describe('writeFileAtomic', () => {
  it('unit: writeFileAtomic keeps the previous file when a write fails', async () => {
    const file = path.join(dir, '.devlake-local.json');
    const previous = '{"status":"complete"}\n';
    await fs.writeFile(file, previous, { mode: 0o600 });
    const cases: [Parameters<typeof failing>[0], NodeJS.ErrnoException, RegExp][] = [
      ['write', sysErr('ENOSPC', 'no space left on device, write'), /no space left on device \(ENOSPC\)\. The previous \.devlake-local\.json is unchanged\. Free space on that filesystem/],
      ['open', sysErr('EROFS', `read-only file system, open '${file}.tmp'`), /read-only file system \(EROFS\)\. The previous \.devlake-local\.json is unchanged\. The filesystem is read-only/],
      ['sync', sysErr('EIO', 'i/o error, fsync'), /i\/o error \(EIO\)\. The previous \.devlake-local\.json is unchanged\./],
      ['rename', sysErr('EACCES', 'permission denied, rename'), /permission denied \(EACCES\)\. The previous \.devlake-local\.json is unchanged\. Make the directory writable/],
    ];
    for (const [op, err, message] of cases) {
      const thrown = await writeFileAtomic(file, '{"status":"incomplete","much":"longer"}\n', 0o600, failing(op, err)).catch((e: unknown) => e);
      expect(thrown, op).toBeInstanceOf(AtomicWriteError);
      const e = thrown as AtomicWriteError;
      expect(e.message, op).toMatch(new RegExp(`^cannot write ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      expect(e.message, op).toMatch(message);
      expect(e.previousKept).toBe(true);
      expect(e.code).toBe(err.code);
      expect(await fs.readFile(file, 'utf8'), op).toBe(previous);
      expect(await fs.readdir(dir), op).toEqual(['.devlake-local.json']);
    }
  });

  it('says nothing was written when there was no file before', async () => {
    const file = path.join(dir, '.env');
    const e = (await writeFileAtomic(file, 'X=1\n', 0o600, failing('write', sysErr('ENOSPC', 'no space left on device, write'))).catch((x: unknown) => x)) as AtomicWriteError;
    expect(e.message).toBe(`cannot write ${file}: no space left on device (ENOSPC). Nothing was written. Free space on that filesystem, then run the command again.`);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('writes 0600 files and replaces content whole', async () => {
    const file = await writeLocalState(dir, { deployedAt: 'x', method: 'local', endpoints: { backend: 'http://localhost:8080' } });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    await fs.chmod(file, 0o644);
    await writeLocalState(dir, { deployedAt: 'y', method: 'local', endpoints: { backend: 'http://localhost:8085' } });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ deployedAt: 'y', schemaVersion: 1 });
  });
});
