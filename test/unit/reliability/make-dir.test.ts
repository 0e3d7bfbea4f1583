// makeDir, the bounded `mkdir -p` every directory we create goes through (src/util/make-dir.ts),
// and checkDir's answers on the inputs that made Node 20's recursive mkdir spin (issue 17).
// Row of docs/reliability.md ("Bad input"); the property over every --dir is in properties.test.ts.

import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDir, MakeDirError } from '../../../src/util/make-dir.js';
import { checkDir } from '../../../src/io/dir-checks.js';
import { InputError } from '../../../src/io/exit-codes.js';
import { within } from '../../helpers/within.js';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-make-dir-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('makeDir', () => {
  it('unit: makeDir creates each missing ancestor once, is bounded on /proc and /sys, and leaves nothing behind', async () => {
    // Creates the missing chain and names its top; an existing directory is a no-op.
    const deep = path.join(root, 'a', 'b', 'c');
    expect(await makeDir(deep)).toBe(path.join(root, 'a'));
    expect((await fs.stat(deep)).isDirectory()).toBe(true);
    expect(await makeDir(deep)).toBeUndefined();
    expect(await makeDir(path.join(root, 'a', 'b', '..', 'b', 'd'))).toBe(path.join(root, 'a', 'b', 'd'));

    // A file on the way: ENOTDIR naming the file, nothing created.
    await fs.writeFile(path.join(root, 'file'), 'x');
    const notDir = await makeDir(path.join(root, 'file', 'x', 'y')).catch((e: unknown) => e);
    expect(notDir).toBeInstanceOf(MakeDirError);
    expect(notDir).toMatchObject({ code: 'ENOTDIR', existing: path.join(root, 'file') });

    // A symlink loop: stat says ELOOP; one answer, no walk.
    await fs.symlink('loop', path.join(root, 'loop'));
    await expect(makeDir(path.join(root, 'loop', 'x'))).rejects.toMatchObject({ name: 'MakeDirError', code: 'ELOOP' });

    // The kernel's file systems answer at once (Node's recursive mkdir loops for ever on /proc).
    if (process.platform === 'linux') {
      for (const dir of ['/proc/gh-devlake-nu', '/proc/self/gh-devlake/a/b', '/sys/gh-devlake-nu', '/sys/kernel/gh-devlake/x']) {
        const err = await within(5_000, `makeDir(${dir})`, makeDir(dir).catch((e: unknown) => e));
        expect(err, dir).toBeInstanceOf(MakeDirError);
        expect(existsSync(dir)).toBe(false);
      }
    }

    // A refusal deep in the chain (EIO injected at the third mkdir) takes away, deepest first, what
    // this call made above it, so a run that fails leaves no empty directories behind.
    const chain = path.join(root, 'partial');
    let calls = 0;
    const real = fs.mkdir.bind(fs);
    const spy = vi.spyOn(fs, 'mkdir').mockImplementation(async (p, o) => {
      if (++calls === 3) throw Object.assign(new Error(`EIO: i/o error, mkdir '${String(p)}'`), { code: 'EIO' });
      return real(p, o);
    });
    try {
      const err = await makeDir(path.join(chain, 'x', 'y', 'z')).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'MakeDirError', code: 'EIO', path: path.join(chain, 'x', 'y'), existing: root });
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(3);
    expect(existsSync(chain)).toBe(false);
  });
});

describe('checkDir on kernel file systems', () => {
  it.skipIf(process.platform !== 'linux')('checkDir refuses /proc and /sys at once with an InputError (exit 3)', async () => {
    const cases: [string, RegExp][] = [
      ['/proc/gh-devlake-nu', /^cannot create --dir \/proc\/gh-devlake-nu: \/proc is on the kernel's proc file system, which holds no files of ours; choose another directory$/],
      ['/sys/gh-devlake-nu', /^cannot create --dir \/sys\/gh-devlake-nu: \/sys is on the kernel's sysfs file system/],
      ['/proc/self', /^--dir \/proc\/self is on the kernel's proc file system/],
      ['/sys', /^--dir \/sys is on the kernel's sysfs file system/],
    ];
    for (const [dir, message] of cases) {
      const err = await within(5_000, `checkDir(${dir})`, checkDir(dir).catch((e: unknown) => e));
      expect(err, dir).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    }
  });
});
