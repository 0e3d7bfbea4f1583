#!/usr/bin/env node
// Pack CommonJS packages into one file each: every file a package's entry reaches through
// relative require() calls, each wrapped as a function in one table, with a require that looks
// relative specifiers up in the table and hands the rest (node builtins) to Node. Loading one
// file instead of many saves Node's per-file work (stat, realpath, a package.json lookup per
// require): yaml's 72 files load in ~20 ms instead of ~55 ms on the benchmark machine, commander's
// 7 in ~7 instead of ~11 (docs/performance.md). Run by `npm run build`; src/util/packed.ts loads
// the result.
//
//   node scripts/pack-cjs.mjs <out-dir> <package>...     writes <out-dir>/<package>.cjs
//
// Only for packages whose files call require('<literal>') and never require.resolve: anything
// else fails the build rather than packing something that behaves differently. __dirname and
// __filename are the packed-from paths, relative to the packed file (commander reads them only to
// find executable subcommands, which gh-devlake has none of).

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [outDir, ...packages] = process.argv.slice(2);
if (!outDir || packages.length === 0) {
  process.stderr.write('usage: node scripts/pack-cjs.mjs <out-dir> <package>...\n');
  process.exit(2);
}
const require = createRequire(path.join(process.cwd(), 'package.json'));
const REQUIRE = /\brequire\(\s*(['"])([^'"]+)\1\s*\)/g;
const posix = (p) => p.split(path.sep).join('/');

function pack(pkg) {
  const fail = (message) => {
    process.stderr.write(`pack-cjs: ${pkg}: ${message}\n`);
    process.exit(1);
  };
  const entry = require.resolve(pkg);
  const root = path.dirname(entry);
  const idOf = (file) => posix(path.relative(root, file));

  const resolveRelative = (from, spec) => {
    const base = path.resolve(path.dirname(from), spec);
    for (const candidate of [base, `${base}.js`, `${base}.cjs`, path.join(base, 'index.js')]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    return fail(`cannot resolve ${spec} from ${idOf(from)}`);
  };

  const modules = new Map(); // absolute file → { id, source, deps: { spec: id } }
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift();
    if (modules.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    if (/\brequire\.resolve\b/.test(source)) fail(`${idOf(file)} uses require.resolve`);
    if (/\brequire\s*\(/.test(source.replace(REQUIRE, ''))) fail(`${idOf(file)} calls require() with something other than a string literal`);
    const deps = {};
    for (const m of source.matchAll(REQUIRE)) {
      const spec = m[2];
      if (!spec.startsWith('./') && !spec.startsWith('../')) continue;
      const target = resolveRelative(file, spec);
      deps[spec] = idOf(target);
      queue.push(target);
    }
    modules.set(file, { id: idOf(file), source, deps });
  }

  // The package's own package.json: the nearest one above the entry (its exports may not list it).
  let version = 'unknown';
  for (let dir = root; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      version = JSON.parse(readFileSync(file, 'utf8')).version ?? version;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }

  const out = path.join(outDir, `${pkg}.cjs`);
  const rootFromOut = posix(path.relative(path.dirname(path.resolve(out)), root));
  const parts = [
    `// ${pkg} ${version}, packed into one file by scripts/pack-cjs.mjs at build time: do not edit.`,
    "'use strict';",
    'const files = {',
  ];
  for (const { id, source, deps } of modules.values()) {
    parts.push(`${JSON.stringify(id)}: [${JSON.stringify(deps)}, function (module, exports, require, __filename, __dirname) {\n${source}\n}],`);
  }
  parts.push(
    '};',
    "const path = require('node:path');",
    `const root = path.join(__dirname, ${JSON.stringify(rootFromOut)});`,
    'const cache = {};',
    'function load(id) {',
    '  if (cache[id]) return cache[id].exports;',
    '  const [deps, fn] = files[id];',
    '  const module = (cache[id] = { exports: {} });',
    '  const filename = path.join(root, id);',
    '  fn.call(module.exports, module, module.exports, (spec) => (spec in deps ? load(deps[spec]) : require(spec)), filename, path.dirname(filename));',
    '  return module.exports;',
    '}',
    `module.exports = load(${JSON.stringify(idOf(entry))});`,
    '',
  );
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, parts.join('\n'));
  process.stdout.write(`pack-cjs: ${pkg} ${version}: ${modules.size} files → ${out}\n`);
}

for (const pkg of packages) pack(pkg);
