#!/usr/bin/env node
// `npm run demo` (needs a Docker engine): the real deploy path, offline. Builds the test images,
// serves the release assets on loopback, deploys once cleanly, then again with 8080 held by a
// host process — showing the recovery lines — and cleans up everything it made.
//
// The test helpers are TypeScript; they are transpiled into a temp directory first.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'dist/src/cli/main.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first.\n');
  process.exit(2);
}

const ts = (await import('typescript')).default;
const helpersDir = path.join(root, 'test/helpers');
// Inside node_modules/.cache so the transpiled helpers resolve dockerode from the project.
mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
const outDir = mkdtempSync(path.join(root, 'node_modules/.cache/gh-devlake-demo-'));
writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
for (const f of readdirSync(helpersDir).filter((f) => f.endsWith('.ts'))) {
  const { outputText } = ts.transpileModule(readFileSync(path.join(helpersDir, f), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    fileName: f,
  });
  writeFileSync(path.join(outDir, f.replace(/\.ts$/, '.js')), outputText);
}
process.env.GDL_REPO_ROOT = root;
const load = (name) => import(pathToFileURL(path.join(outDir, `${name}.js`)).href);
const { buildTestImages, TEST_RELEASE_VERSION } = await load('images');
const { startReleaseServer } = await load('release-server');
const { holdPort } = await load('hold-port');
const { removeComposeProject } = await load('docker-cleanup');

const say = (s) => process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);
const work = mkdtempSync(path.join(os.tmpdir(), 'gdl-demo-'));
// Asynchronous: the release server runs in this process and must keep answering.
const cli = (args, env) =>
  new Promise((resolve) => {
    process.stdout.write(`$ gh-devlake ${args.join(' ')}\n`);
    const child = spawn(process.execPath, [path.join(root, 'gh-devlake'), ...args], { stdio: 'inherit', env: { ...process.env, ...env }, timeout: 300_000 });
    child.on('close', (code) => resolve(code ?? 1));
  });

let server;
let holder;
const projects = [];
try {
  say('Building the offline test images (busybox stand-ins tagged with DevLake image names)');
  const built = await buildTestImages();
  process.stdout.write(`images ready in ${built.durationMs} ms\n`);
  server = await startReleaseServer({ latest: TEST_RELEASE_VERSION });

  say('1. A clean deploy');
  const clean = path.join(work, 'gdl-demo-clean');
  projects.push('gdl-demo-clean');
  await cli(['deploy', 'local', '--dir', clean, '--version', TEST_RELEASE_VERSION], server.env);
  await cli(['cleanup', '--local', '--dir', clean, '--force'], {});

  say('2. The same deploy with 8080 held by a host process');
  holder = await holdPort(8080);
  process.stdout.write(`(a stray process, pid ${holder.pid}, now listens on 8080)\n`);
  const busy = path.join(work, 'gdl-demo-recovery');
  projects.push('gdl-demo-recovery');
  await cli(['deploy', 'local', '--dir', busy, '--version', TEST_RELEASE_VERSION], server.env);
  await cli(['status', '--dir', busy], {});
  await cli(['cleanup', '--local', '--dir', busy, '--force'], {});
} finally {
  await holder?.release();
  await server?.close();
  for (const p of projects) await removeComposeProject(p, { volumes: true }).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
}
