#!/usr/bin/env node
// Writes docs/machines.md from the built machines (run `npm run build` first; `npm run docs:machines`
// does both) and, when Graphviz `dot` is installed (Debian: `apt-get install graphviz`), draws
// docs/machines/<name>.svg from each machine's DOT. Each SVG carries the DOT's digest as a comment,
// so test/unit/machines/docs.test.ts can tell a stale picture without Graphviz.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { machines } from '../dist/machines/index.js';
import { dotDigest, renderMachinesDoc, SVG_DIGEST_PREFIX, toDot } from '../dist/src/machines-export/index.js';

const root = new URL('..', import.meta.url);
const docs = new URL('docs/', root);
const pictures = new URL('docs/machines/', root);

mkdirSync(pictures, { recursive: true });
writeFileSync(new URL('machines.md', docs), renderMachinesDoc(machines));
console.log('wrote docs/machines.md');

const probe = spawnSync('dot', ['-V'], { stdio: 'ignore' });
if (probe.error || probe.status !== 0) {
  console.error('Graphviz `dot` is not installed: docs/machines/*.svg not drawn (apt-get install graphviz, then re-run).');
  process.exitCode = 1;
} else {
  for (const [name, machine] of Object.entries(machines)) {
    const dot = toDot(machine);
    const result = spawnSync('dot', ['-Tsvg', `-Gcomment=${SVG_DIGEST_PREFIX}${dotDigest(dot)}`], { input: dot, encoding: 'utf8' });
    if (result.status !== 0) {
      console.error(`dot failed for ${name}: ${result.stderr}`);
      process.exitCode = 1;
      continue;
    }
    writeFileSync(new URL(`${name}.svg`, pictures), result.stdout);
    console.log(`wrote docs/machines/${name}.svg`);
  }
  // Pictures of machines that are gone.
  for (const file of readdirSync(pictures)) {
    if (file.endsWith('.svg') && !Object.hasOwn(machines, file.slice(0, -4))) {
      rmSync(new URL(file, pictures));
      console.log(`removed docs/machines/${file}`);
    }
  }
}
