// The yaml package, packed into one file when the CLI is built (src/util/packed.ts): its 72 files
// cost ~35 ms more to load, on every command that reads a compose file (docs/performance.md).

import type * as Yaml from 'yaml';
import { requirePacked } from '../util/packed.js';

export const YAML = requirePacked('yaml') as typeof Yaml;
