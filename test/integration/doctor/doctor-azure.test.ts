// `gh-devlake doctor --azure` against the fake ARM, through the real SDK clients: every scenario of
// test/fake-arm/scenarios.ts, plus a deployment still running. Doctor only reads: the fake ARM sees
// GETs and nothing else.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../../src/cli/commands/doctor.js';
import type { GlobalIo } from '../../../src/cli/main.js';
import type { AzureContextFactory } from '../../../src/azure/context.js';
import type { AzureDoctorDeps, NamedCredential } from '../../../src/doctor/azure.js';
import { signedOutCredential } from '../../fake-arm/credential.js';
import { LOCATION, MYSQL, RESOURCE_GROUP, SCENARIOS, SUFFIX, VAULT, scenario, startScenario, type Harness } from '../../fake-arm/scenarios.js';
import type { CheckResult } from '../../../src/doctor/types.js';

/** A check as `--json` prints it: the product's own type. */
type Check = CheckResult;
interface Doc {
  exitCode: number;
  verdict: string;
  checks: Check[];
  skipped: { id: string; reason: string }[];
}

let harness: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

async function run(h: Harness, deps: Partial<AzureDoctorDeps> = {}, json = true): Promise<{ code: number; doc: Doc; stdout: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-doctor-az-'));
  dirs.push(dir);
  let stdout = '';
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: () => true, isTTY: false },
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  } as unknown as GlobalIo;
  const azure: AzureDoctorDeps = { context: h.deps.context as unknown as AzureContextFactory, interactive: false, ...deps };
  const code = await doctorCommand(io, { azure })({ dir, azure: true, resourceGroup: RESOURCE_GROUP, location: LOCATION, json });
  return { code, doc: json ? (JSON.parse(stdout) as Doc) : ({} as Doc), stdout };
}

function check(doc: Doc, id: string): Check {
  const c = doc.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${doc.checks.map((x) => x.id).join(', ')}`);
  return c;
}

function onlyReads(h: Harness): void {
  const writes = h.arm.requests.filter((r) => r.method !== 'GET');
  expect(writes, 'doctor changed something on the fake ARM').toEqual([]);
}

/** What doctor foresees for each scenario (without a terminal: the login repair is not automatic). */
const EXPECT: Record<string, { exitCode: number; findings: Record<string, Partial<Check>> }> = {
  fresh: { exitCode: 0, findings: {} },
  'auth-missing': { exitCode: 1, findings: { 'azure.credential': { classId: 'azure.auth-missing', verdict: 'needs-you', repair: 'azure.login' } } },
  'mysql-stopped': { exitCode: 0, findings: { 'azure.mysql': { classId: 'azure.mysql-stopped', verdict: 'auto-repair', repair: 'azure.start-mysql' } } },
  'vault-soft-deleted': { exitCode: 0, findings: { 'azure.keyvault': { classId: 'azure.keyvault-soft-deleted', verdict: 'auto-repair', repair: 'azure.purge-vault' } } },
  'vault-purge-protected': { exitCode: 1, findings: { 'azure.keyvault': { classId: 'azure.keyvault-purge-protected', verdict: 'needs-you' } } },
  'provider-unregistered': {
    exitCode: 0,
    findings: { 'azure.provider.Microsoft.DBforMySQL': { classId: 'azure.provider-unregistered', verdict: 'auto-repair', repair: 'azure.register-provider' } },
  },
  // These fail only once the deployment (or the backend) runs: nothing to see beforehand. (The
  // SKU scenario would be caught by the region-offers check, which the fake ARM does not serve.)
  'migration-warming': { exitCode: 0, findings: {} },
  'deploy-fails-twice': { exitCode: 0, findings: {} },
  'sku-not-available': { exitCode: 0, findings: {} },
  'mysql-stopped-during-deploy': { exitCode: 0, findings: {} },
  'vault-deleted-during-deploy': { exitCode: 0, findings: {} },
  'all-repairs-at-once': { exitCode: 1, findings: { 'azure.credential': { classId: 'azure.auth-missing', verdict: 'needs-you' } } },
  'provider-registering': {
    exitCode: 0,
    findings: { 'azure.provider.Microsoft.ContainerInstance': { classId: 'azure.provider-unregistered', verdict: 'auto-repair', repair: 'azure.register-provider' } },
  },
  // The vault name is found held in another region through the subscription-wide deleted list.
  'vault-deleted-elsewhere': { exitCode: 0, findings: { 'azure.keyvault': { classId: 'azure.keyvault-soft-deleted', verdict: 'auto-repair', repair: 'azure.purge-vault' } } },
  // Re-run safety and global names show only once deploying (or are not findings at all).
  'go-tool-vault': { exitCode: 0, findings: {} },
  'vault-name-taken': { exitCode: 0, findings: {} },
  'mysql-name-taken': { exitCode: 0, findings: {} },
  'dns-label-taken': { exitCode: 0, findings: {} },
  'policy-rejected': { exitCode: 0, findings: {} },
  // 403s on the subscription-scope reads: "could not check", as the deploy says, not a finding.
  'resource-group-contributor': { exitCode: 0, findings: {} },
};

describe('doctor --azure against the fake ARM', () => {
  it('every scenario has an expectation here', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.description}`, async () => {
      harness = await startScenario(s);
      const { code, doc } = await run(harness);
      const want = EXPECT[s.name];
      if (!want) throw new Error(`no expectation for ${s.name}`);
      expect(code, JSON.stringify(doc.checks, null, 2)).toBe(want.exitCode);
      expect(doc.exitCode).toBe(want.exitCode);
      for (const c of doc.checks) {
        const finding = want.findings[c.id];
        if (finding) expect(c, c.id).toMatchObject(finding);
        else expect(c.verdict, `${c.id}: ${c.summary}`).toBe('ok');
      }
      for (const id of Object.keys(want.findings)) expect(doc.checks.some((c) => c.id === id), id).toBe(true);
      if (s.signedIn) {
        const ids = doc.checks.map((c) => c.id);
        expect(ids).toEqual([
          'azure.credential',
          'azure.subscription',
          'azure.provider.Microsoft.KeyVault',
          'azure.provider.Microsoft.DBforMySQL',
          'azure.provider.Microsoft.ContainerInstance',
          'azure.keyvault',
          'azure.mysql',
          'azure.deployment',
          'azure.region.mysql',
          'azure.region.aci',
        ]);
        expect(check(doc, 'azure.subscription').facts).toMatchObject({ subscriptionId: harness.arm.subscriptionId, resourceGroup: RESOURCE_GROUP });
        if (s.setup.principalScope === 'resource-group') expect(check(doc, 'azure.keyvault').summary).toMatch(new RegExp(`^could not check deleted vault ${VAULT} \\(403: `));
        else expect(check(doc, 'azure.keyvault').facts.name).toBe(VAULT);
        expect(check(doc, 'azure.mysql').facts.name).toBe(MYSQL);
        expect(check(doc, 'azure.deployment').facts.name).toBe(`devlake-${SUFFIX}`);
        // The fake ARM serves no capabilities: the SDK cannot tell, which is not a finding.
        expect(check(doc, 'azure.region.mysql').summary).toMatch(s.setup.principalScope === 'resource-group' ? /^could not check .*\(403: / : /^the SDK could not tell/);
      } else {
        expect(doc.skipped.map((x) => x.id)).toContain('azure.keyvault');
      }
      onlyReads(harness);
    });
  }

  it('signed out on an interactive terminal: the login is the automatic repair (exit 0)', async () => {
    harness = await startScenario(scenario('auth-missing'));
    const { code, doc } = await run(harness, { interactive: true });
    expect(code).toBe(0);
    expect(check(doc, 'azure.credential')).toMatchObject({ verdict: 'auto-repair', repair: 'azure.login' });
    onlyReads(harness);
  });

  it('all-repairs-at-once, once signed in: provider, vault and MySQL are each repaired automatically', async () => {
    harness = await startScenario(scenario('all-repairs-at-once'));
    (harness.credential as ReturnType<typeof signedOutCredential>).login();
    const { code, doc } = await run(harness);
    expect(code).toBe(0);
    expect(check(doc, 'azure.provider.Microsoft.ContainerInstance')).toMatchObject({ verdict: 'auto-repair', repair: 'azure.register-provider' });
    expect(check(doc, 'azure.keyvault')).toMatchObject({ verdict: 'auto-repair', repair: 'azure.purge-vault' });
    expect(check(doc, 'azure.mysql')).toMatchObject({ verdict: 'auto-repair', repair: 'azure.start-mysql' });
    expect(doc.verdict).toBe('auto-repair');
    onlyReads(harness);
  });

  it('which credential of the chain answered', async () => {
    harness = await startScenario(scenario('fresh'));
    const credentials = (ctx: { credential: NamedCredential['credential'] }) =>
      Promise.resolve([
        { name: 'AzureCliCredential', credential: signedOutCredential() },
        { name: 'AzureDeveloperCliCredential', credential: ctx.credential },
      ]);
    const { doc } = await run(harness, { credentials });
    expect(check(doc, 'azure.credential')).toMatchObject({ verdict: 'ok', summary: 'signed in to Azure: AzureDeveloperCliCredential answered', facts: { credential: 'AzureDeveloperCliCredential' } });
  });

  it('our deployment still running: azure.deployment-active, needs you', async () => {
    harness = await startScenario(scenario('fresh'));
    harness.arm.state.deployments.set(`devlake-${SUFFIX}`, { name: `devlake-${SUFFIX}`, resourceGroup: RESOURCE_GROUP, state: 'Running', operations: [] });
    const { code, doc } = await run(harness);
    expect(code).toBe(1);
    const c = check(doc, 'azure.deployment');
    expect(c).toMatchObject({ classId: 'azure.deployment-active', verdict: 'needs-you' });
    expect(c.remediation).toContain(`az deployment group cancel --name devlake-${SUFFIX} --resource-group ${RESOURCE_GROUP}`);
  });

  it('text output: one line per check with tag and class id', async () => {
    harness = await startScenario(scenario('vault-purge-protected'));
    const { code, stdout } = await run(harness, {}, false);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^\[you\] +azure\.keyvault-purge-protected +Key Vault devlakekv\w+ is soft-deleted with purge protection .* — next: Key Vault devlakekv\w+ is soft-deleted with purge protection/m);
    expect(stdout).toMatch(/^\[ok\] +azure\.auth-missing +signed in to Azure/m);
    expect(stdout).toMatch(/^Result: 1 check needs you/m);
  });
});
