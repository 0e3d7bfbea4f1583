// The yaml package, as the built CLI loads it: one file packed from the package at build time
// (scripts/pack-cjs.mjs → dist/vendor/yaml.cjs) instead of its 72 files, which costs ~35 ms less
// on every command that reads a compose file (docs/performance.md). From the sources (tests, a
// tree that was not built), the package itself: the same code, the same version.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
const PACKED = fileURLToPath(new URL('../../vendor/yaml.cjs', import.meta.url));

export const YAML = (existsSync(PACKED) ? require(PACKED) : require('yaml')) as typeof Yaml;
