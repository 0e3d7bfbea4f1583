// scripts/pack-cjs.mjs packs yaml and commander into one file each at build time (dist/vendor/),
// which the built CLI loads instead of the packages' files. The packed file must be the package
// (same exports, same answers, same errors with positions); the packer must refuse what it cannot
// pack faithfully; and the built CLI must actually load the packed files.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Yaml from 'yaml';
import { CLI, REPO, assertBuilt, runRecorded } from './helpers.js';
import { freePort } from '../../helpers/free-port.js';

const require = createRequire(import.meta.url);
const PACKER = path.join(REPO, 'scripts', 'pack-cjs.mjs');
const PACKED = path.join(REPO, 'dist', 'vendor', 'yaml.cjs');

beforeAll(() => assertBuilt());

const DOCS = [
  'services:\n  a: &base\n    image: x\n    ports: ["8080:8080"]\n  b:\n    <<: *base\n    image: y\n',
  'x: 1\ny: [1, 2, {z: "q"}]\nz: |\n  two\n  lines\n',
  'a: 1\na: 2\n', // duplicate key: an error with a position
  'a: [1, 2\n', // unterminated flow sequence
  'k: "unterminated\n',
];

function summary(y: typeof Yaml, text: string): unknown {
  const lineCounter = new y.LineCounter();
  const doc = y.parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  return {
    js: doc.errors.length === 0 ? (doc.toJS() as unknown) : null,
    errors: doc.errors.map((e) => ({ code: e.code, message: e.message, at: lineCounter.linePos(e.pos[0]) })),
  };
}

describe('the packed yaml (dist/vendor/yaml.cjs)', () => {
  it('exports what the package exports', () => {
    const packed = require(PACKED) as Record<string, unknown>;
    const pkg = require('yaml') as Record<string, unknown>;
    expect(Object.keys(packed).sort()).toEqual(Object.keys(pkg).sort());
    expect(readFileSync(PACKED, 'utf8')).toContain(`yaml ${(require('yaml/package.json') as { version: string }).version}, packed`);
  });

  it('answers like the package: values, merge keys, anchors, and errors with their positions', () => {
    const packed = require(PACKED) as typeof Yaml;
    const pkg = require('yaml') as typeof Yaml;
    for (const text of DOCS) expect(summary(packed, text), text).toEqual(summary(pkg, text));
    // Not vacuous: the error documents do produce errors.
    expect((summary(packed, 'a: 1\na: 2\n') as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  });
});

describe('scripts/pack-cjs.mjs', () => {
  const fixture = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdl-pack-'));
    const pkgDir = path.join(dir, 'node_modules', 'demo');
    for (const [name, text] of Object.entries({ 'package.json': '{"name":"demo","version":"1.2.3","main":"lib/index.js"}', ...files })) {
      mkdirSync(path.dirname(path.join(pkgDir, name)), { recursive: true });
      writeFileSync(path.join(pkgDir, name), text);
    }
    writeFileSync(path.join(dir, 'package.json'), '{"name":"host","private":true}');
    return dir;
  };
  const pack = (dir: string) => spawnSync(process.execPath, [PACKER, path.join(dir, 'out'), 'demo'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });

  it('packs relative requires (files, directories, cycles) and leaves builtins to Node', () => {
    const dir = fixture({
      'lib/index.js': "const a = require('./a');\nconst util = require('./util');\nexports.value = a.value + util.twice(1);\nexports.os = require('node:os').platform();\n",
      'lib/a.js': "exports.value = 40;\nexports.b = require('./b.js').name;\n",
      'lib/b.js': "const a = require('./a');\nexports.name = 'b sees a: ' + typeof a;\n",
      'lib/util/index.js': "exports.twice = (n) => n * 2;\n",
    });
    const r = pack(dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/demo 1\.2\.3: 4 files/);
    const packed = require(path.join(dir, 'out', 'demo.cjs')) as { value: number; os: string };
    expect(packed.value).toBe(42);
    expect(packed.os).toBe(os.platform());
    // __filename and __dirname: where the file was packed from.
    const withWhere = fixture({ 'lib/index.js': "module.exports = require('./util/where');\n", 'lib/util/where.js': 'module.exports = [__filename, __dirname];\n' });
    expect(pack(withWhere).status).toBe(0);
    expect(require(path.join(withWhere, 'out', 'demo.cjs'))).toEqual([
      path.join(withWhere, 'node_modules', 'demo', 'lib', 'util', 'where.js'),
      path.join(withWhere, 'node_modules', 'demo', 'lib', 'util'),
    ]);
  });

  it('refuses a require it cannot follow, and require.resolve, instead of packing something else', () => {
    const dynamic = pack(fixture({ 'lib/index.js': "const name = './a';\nmodule.exports = require(name);\n", 'lib/a.js': '' }));
    expect(dynamic.status).toBe(1);
    expect(dynamic.stderr).toMatch(/ index\.js calls require\(\) with something other than a string literal/);
    const resolve = pack(fixture({ 'lib/index.js': "module.exports = require.resolve('./index');\n" }));
    expect(resolve.status).toBe(1);
    expect(resolve.stderr).toMatch(/index\.js uses require\.resolve/);
    const missing = pack(fixture({ 'lib/index.js': "require('./nope');\n" }));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot resolve \.\/nope from index\.js/);
  });
});

describe('the built CLI', () => {
  it('reads compose files with the packed yaml, not the package', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdl-pack-cli-'));
    writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: busybox\n');
    const r = runRecorded([CLI, 'deploy', 'local', '--source', 'custom', '--dir', dir], {
      DOCKER_HOST: `tcp://127.0.0.1:${await freePort()}`,
    });
    // The compose file was read (the engine is what failed), with the packed yaml.
    expect(r.stdout + r.stderr).toMatch(/Outcome: +failed/);
    for (const pkg of ['yaml', 'commander']) {
      expect(r.modules.some((m) => m.endsWith(path.join('dist', 'vendor', `${pkg}.cjs`))), pkg).toBe(true);
      expect(r.modules.filter((m) => m.includes(path.join('node_modules', pkg, path.sep)))).toEqual([]);
    }
    // commander's node:child_process is handed over on first use only, and a deploy never uses it
    // (Node's own modules are recorded: node:net, which the port probe uses, is there).
    expect(r.modules).toContain('node:net');
    expect(r.modules).not.toContain('node:child_process');
  });
});
