// Around the deploy: --json, the non-interactive sign-in failure, start/stop/status, and cleanup
// after a partial failure — all through the real SDK clients against the fake ARM.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAzure, deployAzure, startAzure, statusAzure, stopAzure, type AzureCommandDeps } from '../../../src/targets/azure/commands.js';
import { captureOutput } from '../../helpers/capture-output.js';
import { RESOURCE_GROUP, LOCATION, MYSQL, SUFFIX, TEST_SECRETS, goToolSuffix, scenario, startScenario, type Harness } from '../../fake-arm/scenarios.js';

const capture = captureOutput;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const tmp = (name: string) => fs.mkdtemp(path.join(os.tmpdir(), `gh-devlake-az-${name}-`));
const deploy = (dir: string, deps: AzureCommandDeps, json = false) => {
  const c = capture(json);
  return deployAzure({ resourceGroup: RESOURCE_GROUP, location: LOCATION, official: true, dir, json, env: {} }, c.out, deps).then((code) => ({ code, ...c }));
};

describe('deploy azure --json', () => {
  it('prints one JSON document with the recovery record', async () => {
    h = await startScenario(scenario('mysql-stopped'));
    const r = await deploy(await tmp('json'), h.deps as unknown as AzureCommandDeps, true);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ ok: true, outcome: 'recovered', resourceGroup: RESOURCE_GROUP, suffix: SUFFIX, endpoints: { backend: h.arm.backendUrl } });
    expect(doc.recovery).toMatchObject({ flow: 'deploy-azure', classId: 'azure.mysql-stopped', repair: 'azure.start-mysql', outcome: 'recovered', attempts: 2 });
    expect((doc.report as string[][])[0]).toHaveLength(4);
    for (const s of Object.values(TEST_SECRETS)) expect(r.stdout + r.stderr).not.toContain(s);
  });
});

describe('not signed in without a terminal (CI=true)', () => {
  it('fails with the exact command to run and never starts a login', async () => {
    h = await startScenario(scenario('auth-missing'));
    const deps = { ...(h.deps as unknown as AzureCommandDeps), interactive: false };
    const dir = await tmp('ci');
    const r = await deploy(dir, deps);
    expect(r.code).toBe(1);
    expect(h.loginCalls()).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Detected: +not signed in to Azure/);
    expect(lines[1]).toMatch(/^Repair: +none — .*`az login`/);
    // No repair ran, so there is no Retry line.
    expect(lines[2]).toMatch(/^Outcome: +failed — .*Run `az login`/);
    expect(r.stdout).not.toContain('Retry');
    // Nothing was created: no request reached ARM.
    expect(h.arm.requests).toHaveLength(0);
  });
});

describe('start, stop, status and cleanup', () => {
  it('stop, status, start and cleanup --keep-resource-group after a deploy', async () => {
    h = await startScenario(scenario('fresh'));
    const deps = h.deps as unknown as AzureCommandDeps;
    const dir = await tmp('lifecycle');
    expect((await deploy(dir, deps)).code).toBe(0);

    let c = capture();
    expect(await stopAzure({ dir, env: {} }, c.out, deps)).toBe(0);
    expect(c.stdout).toContain(`container group devlake-backend-${SUFFIX} stopped`);
    expect(h.arm.state.mysql.get(MYSQL)?.state).toBe('Stopped');
    expect([...h.arm.state.containerGroups.values()].every((g) => g.state === 'Stopped')).toBe(true);

    c = capture(true);
    expect(await statusAzure({ dir, json: true, env: {} }, c.out, deps)).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ mysql: { state: 'Stopped' }, resourceGroup: RESOURCE_GROUP });

    c = capture();
    expect(await startAzure({ dir, env: {} }, c.out, deps)).toBe(0);
    expect(h.arm.state.mysql.get(MYSQL)?.state).toBe('Ready');
    expect([...h.arm.state.containerGroups.values()].every((g) => g.state === 'Running')).toBe(true);

    c = capture();
    expect(await statusAzure({ dir, env: {} }, c.out, deps)).toBe(0);
    expect(c.stdout).toMatch(/Backend API .*: healthy/);

    c = capture();
    expect(await cleanupAzure({ dir, keepResourceGroup: true, force: true, env: {} }, c.out, deps), c.stdout + c.stderr).toBe(0);
    expect(h.arm.state.resourceGroups.has(RESOURCE_GROUP)).toBe(true);
    expect(h.arm.state.containerGroups.size).toBe(0);
    expect(h.arm.state.mysql.size).toBe(0);
    expect(h.arm.state.vaults.size).toBe(0);
    await expect(fs.access(path.join(dir, '.devlake-azure.json'))).rejects.toThrow();
  });

  it('cleanup after a partial failure deletes the resource group through the SDK', async () => {
    h = await startScenario(scenario('sku-not-available'));
    const deps = h.deps as unknown as AzureCommandDeps;
    const dir = await tmp('cleanup');
    expect((await deploy(dir, deps)).code).toBe(1);
    const partial = JSON.parse(await fs.readFile(path.join(dir, '.devlake-azure.json'), 'utf8')) as { status: string };
    expect(partial.status).toBe('incomplete');
    expect(h.arm.state.resourceGroups.has(RESOURCE_GROUP)).toBe(true);

    const c = capture();
    expect(await cleanupAzure({ dir, force: true, env: {} }, c.out, deps)).toBe(0);
    expect(h.arm.calls('DELETE', new RegExp(`/resourcegroups/${RESOURCE_GROUP}$`, 'i'))).toHaveLength(1);
    expect(h.arm.state.resourceGroups.has(RESOURCE_GROUP)).toBe(false);
    await expect(fs.access(path.join(dir, '.devlake-azure.json'))).rejects.toThrow();
  });

  it("cleanup after a failed Go-tool deploy: its partial file {deployedAt, resourceGroup, region, partial} is accepted, the subscription resolved as for a deploy", async () => {
    h = await startScenario(scenario('fresh'), { resourceGroups: { [RESOURCE_GROUP]: { location: LOCATION } } });
    const base = h.deps as unknown as AzureCommandDeps;
    // No --subscription, no AZURE_SUBSCRIPTION_ID: the context names none, so the subscription list decides.
    const deps: AzureCommandDeps = { ...base, context: async (req) => ({ ...(await base.context!(req)), subscriptionId: req.subscription }) };
    const dir = await tmp('go-partial');
    await fs.writeFile(path.join(dir, '.devlake-azure.json'), JSON.stringify({ deployedAt: '2026-01-01T00:00:00Z', resourceGroup: RESOURCE_GROUP, region: LOCATION, partial: true }));
    const c = capture();
    expect(await cleanupAzure({ dir, force: true, env: {} }, c.out, deps), c.stdout + c.stderr).toBe(0);
    expect(c.stderr).toMatch(/Using subscription 00000000-0000-0000-0000-00000000f00d: /);
    expect(h.arm.state.resourceGroups.has(RESOURCE_GROUP)).toBe(false);
    await expect(fs.access(path.join(dir, '.devlake-azure.json'))).rejects.toThrow();
  });

  it("--keep-resource-group with the Go tool's partial file deletes the resources the Go tool names (its suffix), the group stays", async () => {
    h = await startScenario(scenario('fresh'), { resourceGroups: { [RESOURCE_GROUP]: { location: LOCATION, tags: { owner: 'me' } } } });
    const dir = await tmp('go-partial-keep');
    await fs.writeFile(path.join(dir, '.devlake-azure.json'), JSON.stringify({ deployedAt: '2026-01-01T00:00:00Z', resourceGroup: RESOURCE_GROUP, region: LOCATION, partial: true }));
    const c = capture();
    expect(await cleanupAzure({ dir, force: true, keepResourceGroup: true, env: {} }, c.out, h.deps as unknown as AzureCommandDeps), c.stdout + c.stderr).toBe(0);
    const go = goToolSuffix();
    const deleted = h.arm.calls('DELETE', /\/providers\//).map((r) => r.path.split('/').slice(-2).join('/'));
    expect(deleted).toEqual([`containerGroups/devlake-backend-${go}`, `containerGroups/devlake-grafana-${go}`, `containerGroups/devlake-ui-${go}`, `flexibleServers/devlakemysql${go}`, `vaults/devlakekv${go}`, `registries/devlakeacr${go}`]);
    expect(h.arm.state.resourceGroups.get(RESOURCE_GROUP)?.tags).toEqual({ owner: 'me' });
  });

  it('--keep-resource-group removes the container registry of a custom-image deployment too', async () => {
    h = await startScenario(scenario('fresh'));
    const deps = h.deps as unknown as AzureCommandDeps;
    const dir = await tmp('acr');
    expect((await deploy(dir, deps)).code).toBe(0);
    const file = path.join(dir, '.devlake-azure.json');
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as { resources: { acr: string | null } };
    const acr = `devlakeacr${SUFFIX}`;
    state.resources.acr = acr;
    await fs.writeFile(file, JSON.stringify(state));
    h.arm.state.acr.registries.set(acr, { resourceGroup: RESOURCE_GROUP, location: LOCATION, sku: 'Basic', adminUserEnabled: true, provisioningState: 'Succeeded' });
    const c = capture();
    expect(await cleanupAzure({ dir, force: true, keepResourceGroup: true, env: {} }, c.out, deps), c.stdout + c.stderr).toBe(0);
    expect(h.arm.calls('DELETE', new RegExp(`/Microsoft\\.ContainerRegistry/registries/${acr}$`))).toHaveLength(1);
    expect(h.arm.state.acr.registries.has(acr)).toBe(false);
    expect(h.arm.state.resourceGroups.has(RESOURCE_GROUP)).toBe(true);
    expect(c.stdout).toMatch(new RegExp(`Deleted .*${acr}`));
  });

  it('cleanup without --force and without a terminal is a usage error', async () => {
    h = await startScenario(scenario('fresh'));
    const c = capture();
    expect(await cleanupAzure({ dir: await tmp('noforce'), env: {} }, c.out, { ...(h.deps as unknown as AzureCommandDeps), interactive: false })).toBe(2);
    expect(c.stderr).toMatch(/--force/);
  });

  it('deploy without --official is a usage error (custom images are not supported)', async () => {
    const c = capture();
    expect(await deployAzure({ resourceGroup: RESOURCE_GROUP, location: LOCATION, env: {} }, c.out)).toBe(2);
    expect(c.stderr).toMatch(/--official/);
  });
});
