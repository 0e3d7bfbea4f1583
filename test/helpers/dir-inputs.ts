// Generated --dir inputs for the property that no --dir makes a command run past its deadline
// (issue 17: `--dir /proc/nu` spun for ever in Node 20's recursive mkdir). Every input stays under
// one of its bases, so a run can only create directories inside the test's own scratch directory.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

/** Scratch entries the arbitrary points into: a file, a symlink loop, a dangling link. */
export async function makeDirFixtures(scratch: string): Promise<void> {
  await fs.writeFile(path.join(scratch, 'file'), 'x');
  await fs.symlink('loop', path.join(scratch, 'loop')).catch(() => undefined);
  await fs.symlink('nowhere/at/all', path.join(scratch, 'dangling')).catch(() => undefined);
}

const SEGMENTS = ['nu', 'a', 'b c', '.', 'x/..', 'é', "it's", '-rf', '$HOME', 'n'.repeat(300), 'file', 'loop', 'dangling'];

/** A --dir: a base (kernel file systems, /dev, the scratch dir and its odd entries) plus 0-4 segments. */
export function dirInput(scratch: string): fc.Arbitrary<string> {
  const bases = ['/proc', '/proc/self', '/proc/1/net', '/sys', '/sys/kernel', '/dev/null', '/dev/shm/../null', scratch, path.join(scratch, 'file'), path.join(scratch, 'loop'), path.join(scratch, 'dangling')];
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 4 }), fc.boolean())
    .map(([base, segs, slash]) => [base, ...segs].join('/') + (slash ? '/' : ''))
    // Only paths inside a base's tree: never /nu, never a directory beside the scratch dir.
    .filter((dir) => {
      const abs = path.resolve(dir);
      return bases.some((b) => abs === path.resolve(b) || abs.startsWith(path.resolve(b) + path.sep));
    });
}
