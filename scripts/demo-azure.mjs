#!/usr/bin/env node
// `npm run demo:azure -- --scenario NAME` (or `--scenario all`): run the real `deploy azure`
// command code from dist/ against the test-only fake ARM (test/fake-arm) and print what a user
// would see. The fake ARM is TypeScript; it is transpiled into a temp directory first (the
// `typescript` package is a devDependency), so the demo needs `npm run build` and nothing else.
//
//   npm run build && npm run demo:azure -- --scenario all
//   npm run demo:azure -- --scenario vault-soft-deleted --json

import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = args.includes('--json');
const wanted = flag('--scenario');

const commandsJs = path.join(root, 'dist/src/targets/azure/commands.js');
if (!existsSync(commandsJs)) {
  process.stderr.write('dist/ is missing: run `npm run build` first.\n');
  process.exit(2);
}

// Transpile the fake ARM (test-only TypeScript) to plain ESM in a temp directory.
const ts = (await import('typescript')).default;
const fakeDir = path.join(root, 'test/fake-arm');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'gh-devlake-demo-fake-arm-'));
writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
for (const f of readdirSync(fakeDir).filter((f) => f.endsWith('.ts'))) {
  const { outputText } = ts.transpileModule(readFileSync(path.join(fakeDir, f), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    fileName: f,
  });
  writeFileSync(path.join(outDir, f.replace(/\.ts$/, '.js')), outputText);
}

const { SCENARIOS, scenario, startScenario, RESOURCE_GROUP, LOCATION } = await import(pathToFileURL(path.join(outDir, 'scenarios.js')).href);
const { deployAzure } = await import(pathToFileURL(commandsJs).href);
const { Output } = await import(pathToFileURL(path.join(root, 'dist/src/io/output.js')).href);

if (!wanted) {
  process.stderr.write(`usage: npm run demo:azure -- --scenario <${SCENARIOS.map((s) => s.name).join('|')}|all> [--json]\n`);
  process.exit(2);
}
const list = wanted === 'all' ? SCENARIOS : [scenario(wanted)];

let failures = 0;
for (const s of list) {
  process.stdout.write(`\n━━ scenario ${s.name}: ${s.description}\n`);
  process.stdout.write(`$ gh-devlake deploy azure --resource-group ${RESOURCE_GROUP} --location ${LOCATION} --official${json ? ' --json' : ''}\n\n`);
  const h = await startScenario(s);
  const dir = mkdtempSync(path.join(os.tmpdir(), `gh-devlake-demo-${s.name}-`));
  try {
    const out = new Output({ json, env: process.env });
    const code = await deployAzure({ resourceGroup: RESOURCE_GROUP, location: LOCATION, official: true, dir, json, env: { ...process.env, CI: undefined } }, out, h.deps);
    const ok = code === s.expect.exitCode && h.arm.state.deployPuts === s.expect.deployPuts;
    if (!ok) failures++;
    process.stdout.write(`\n(exit ${code}; ARM deployments: ${h.arm.state.deployPuts}; state file: ${path.join(dir, '.devlake-azure.json')})${ok ? '' : '  ← NOT AS EXPECTED'}\n`);
  } finally {
    await h.close();
  }
}
rmSync(outDir, { recursive: true, force: true });
process.exit(failures > 0 ? 1 : 0);
