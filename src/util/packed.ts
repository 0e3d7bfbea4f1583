// CommonJS packages as the built CLI loads them: packed into one file each at build time
// (scripts/pack-cjs.mjs → dist/vendor/<name>.cjs), which skips Node's per-file resolution of the
// package (docs/performance.md). From the sources (tests, a tree that was not built), the package
// itself: the same code, the same version.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The packages `npm run build` packs (package.json "build"). */
export type PackedPackage = 'yaml' | 'commander';

/** `require(name)`, from dist/vendor/<name>.cjs when it was built. */
export function requirePacked(name: PackedPackage, require: NodeJS.Require = createRequire(import.meta.url)): unknown {
  const packed = fileURLToPath(new URL(`../../vendor/${name}.cjs`, import.meta.url));
  return existsSync(packed) ? require(packed) : require(name);
}
