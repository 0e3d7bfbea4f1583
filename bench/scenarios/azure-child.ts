// One `deploy azure` against the fake ARM, in a fresh process like a CLI run: the product code from
// dist/ (the Azure SDK included), the test-only fake ARM from test/fake-arm. Scenario
// all-repairs-at-once with instant answers: no long-running-operation polls, no provider
// registration polls, a migration that is over at once. Prints one JSON line.
//   node --import ./bench/ts-hook.mjs bench/scenarios/azure-child.ts <repo-root> <tmp-dir>

import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOCATION, RESOURCE_GROUP, scenario, startScenario } from '../../test/fake-arm/scenarios.js';
import type * as AzureCommands from '../../src/targets/azure/commands.js';
import type * as CliOutput from '../../src/io/output.js';

const [root, tmp] = process.argv.slice(2) as [string, string];
const dist = (p: string) => pathToFileURL(path.join(root, 'dist', p)).href;

const harness = await startScenario(scenario('all-repairs-at-once'), { lroPolls: 0, registeringPolls: 0, backend: { migrationMs: 20 } });
// No first migration wait: the 20 ms migration is the migration-warming incident, waited for by its repair.
harness.deps.timeouts.migrationFirstMs = 0;
try {
  const t0 = performance.now();
  const { deployAzure } = (await import(dist('src/targets/azure/commands.js'))) as typeof AzureCommands;
  const { Output } = (await import(dist('src/io/output.js'))) as typeof CliOutput;
  const t1 = performance.now();
  // What the flow loads on first use (src/azure/arm.ts), loaded here first to time it apart.
  await Promise.all([import('@azure/arm-resources'), import('@azure/arm-mysql-flexible'), import('@azure/arm-keyvault'), import('@azure/arm-containerinstance')]);
  const tSdk = performance.now();
  let text = '';
  const sink = { write: (s: string) => ((text += s), true), isTTY: false };
  const out = new Output({ json: false, stdout: sink, stderr: sink, env: { NO_COLOR: '1' } });
  const dir = mkdtempSync(path.join(tmp, 'azure-'));
  const code = await deployAzure(
    { resourceGroup: RESOURCE_GROUP, location: LOCATION, official: true, dir, json: false, env: { PATH: process.env.PATH ?? '' } },
    out,
    harness.deps as unknown as Parameters<typeof deployAzure>[2],
  );
  const t2 = performance.now();
  const incidents = (text.match(/^Detected:/gm) ?? []).length;
  process.stdout.write(JSON.stringify({ code, loadMs: t1 - t0, sdkMs: tSdk - t1, flowMs: t2 - tSdk, incidents, deployPuts: harness.arm.state.deployPuts, output: code === 0 ? undefined : text }) + '\n');
} finally {
  await harness.close();
}
