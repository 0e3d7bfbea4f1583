#!/usr/bin/env node
// Pack one CommonJS package into a single file: every file its entry reaches through relative
// require() calls, each wrapped as a function in one table, with a require that looks relative
// specifiers up in the table and hands the rest (node builtins) to Node. Loading one file instead
// of many saves Node's per-file resolution (stat, realpath, package.json lookups): for yaml's 74
// files, ~50 ms → ~17 ms of every deploy's start-up on the benchmark machine (docs/performance.md).
//
//   node scripts/pack-cjs.mjs <package> <out.cjs>
//
// Only for packages whose files use plain require('<literal>') (checked: anything else fails the
// build, never a silent miss), and no __dirname/__filename.

import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [pkg, out] = process.argv.slice(2);
if (!pkg || !out) {
  process.stderr.write('usage: node scripts/pack-cjs.mjs <package> <out.cjs>\n');
  process.exit(2);
}
const require = createRequire(path.join(process.cwd(), 'package.json'));
const entry = require.resolve(pkg);
const root = path.dirname(entry);
const REQUIRE = /\brequire\(\s*(['"])([^'"]+)\1\s*\)/g;

function fail(message) {
  process.stderr.write(`pack-cjs: ${pkg}: ${message}\n`);
  process.exit(1);
}

function resolveRelative(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.js`, `${base}.cjs`, path.join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return fail(`cannot resolve ${spec} from ${path.relative(root, from)}`);
}

const modules = new Map(); // absolute file → { id, source, deps: { spec: id } }
const queue = [entry];
while (queue.length > 0) {
  const file = queue.shift();
  if (modules.has(file)) continue;
  const source = readFileSync(file, 'utf8');
  if (/\b__dirname\b|\b__filename\b|\brequire\.resolve\b/.test(source)) fail(`${path.relative(root, file)} uses __dirname, __filename or require.resolve`);
  const bare = source.replace(REQUIRE, '').match(/\brequire\s*\(/);
  if (bare) fail(`${path.relative(root, file)} calls require() with something other than a string literal`);
  const deps = {};
  for (const m of source.matchAll(REQUIRE)) {
    const spec = m[2];
    if (spec.startsWith('./') || spec.startsWith('../')) {
      const target = resolveRelative(file, spec);
      deps[spec] = path.relative(root, target).split(path.sep).join('/');
      queue.push(target);
    }
  }
  modules.set(file, { id: path.relative(root, file).split(path.sep).join('/'), source, deps });
}

const version = JSON.parse(readFileSync(path.join(require.resolve(`${pkg}/package.json`)), 'utf8')).version;
const parts = [
  `// ${pkg} ${version}, packed into one file by scripts/pack-cjs.mjs (generated at build time: do not edit).`,
  "'use strict';",
  'const files = {',
];
for (const { id, source, deps } of modules.values()) {
  parts.push(`${JSON.stringify(id)}: [${JSON.stringify(deps)}, function (module, exports, require) {\n${source}\n}],`);
}
parts.push(
  '};',
  'const cache = {};',
  'function load(id) {',
  '  if (cache[id]) return cache[id].exports;',
  '  const [deps, fn] = files[id];',
  '  const module = (cache[id] = { exports: {} });',
  '  fn.call(module.exports, module, module.exports, (spec) => (spec in deps ? load(deps[spec]) : require(spec)));',
  '  return module.exports;',
  '}',
  `module.exports = load(${JSON.stringify(path.relative(root, entry).split(path.sep).join('/'))});`,
  '',
);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, parts.join('\n'));
process.stdout.write(`pack-cjs: ${pkg} ${version}: ${modules.size} files → ${out}\n`);
