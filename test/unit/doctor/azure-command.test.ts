import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { azureNames } from '../../../src/azure/names.js';
import {
  decideAciOffer,
  decideCredential,
  decideDeploymentRun,
  decideMysql,
  decideMysqlOffer,
  decideProvider,
  decideVault,
  templateNeeds,
} from '../../../src/doctor/azure.js';
import { loadLocalContext } from '../../../src/doctor/context.js';
import { azureTarget } from '../../../src/cli/commands/doctor.js';
import { UsageError } from '../../../src/io/exit-codes.js';

const names = azureNames('devlake', 'abcde');
const guard = (interactive: boolean) => ({ interactive, keyVaultName: names.keyVault, mysqlName: names.mysql });
class CredentialUnavailableError extends Error {
  override readonly name = 'CredentialUnavailableError';
}

describe('Azure decisions', () => {
  it('credential: which one answered; signed out → login, automatic only on a terminal', () => {
    expect(decideCredential('AzureCliCredential', ['AzureCliCredential', 'AzureDeveloperCliCredential'], undefined, guard(false))).toMatchObject({ verdict: 'ok', summary: 'signed in to Azure: AzureCliCredential answered' });
    const err = new CredentialUnavailableError("AzureCliCredential: Please run 'az login' from a command prompt to authenticate before using this credential.");
    const onTerminal = decideCredential(undefined, ['AzureCliCredential'], err, guard(true));
    expect(onTerminal).toMatchObject({ classId: 'azure.auth-missing', verdict: 'auto-repair', repair: 'azure.login' });
    const noTerminal = decideCredential(undefined, ['AzureCliCredential'], err, guard(false));
    expect(noTerminal).toMatchObject({ classId: 'azure.auth-missing', verdict: 'needs-you', repair: 'azure.login' });
    expect(noTerminal.summary).toMatch(/no interactive terminal/);
    expect(noTerminal.remediation).toMatch(/Run `az login/);
  });
  it('providers', () => {
    expect(decideProvider('Microsoft.KeyVault', 'Registered', guard(false)).verdict).toBe('ok');
    expect(decideProvider('Microsoft.DBforMySQL', 'NotRegistered', guard(false))).toMatchObject({ verdict: 'auto-repair', repair: 'azure.register-provider', classId: 'azure.provider-unregistered' });
  });
  it('vault: none, soft-deleted (purge), purge-protected (you)', () => {
    expect(decideVault(names.keyVault, 'eastus', undefined, guard(false)).verdict).toBe('ok');
    expect(decideVault(names.keyVault, 'eastus', { name: names.keyVault, purgeProtection: false }, guard(false))).toMatchObject({ verdict: 'auto-repair', repair: 'azure.purge-vault' });
    const p = decideVault(names.keyVault, 'eastus', { name: names.keyVault, purgeProtection: true, scheduledPurgeDate: new Date('2026-04-01T00:00:00Z') }, guard(true));
    expect(p).toMatchObject({ verdict: 'needs-you', classId: 'azure.keyvault-purge-protected' });
    expect(p.remediation).toMatch(/cannot be purged before 2026-04-01T00:00:00.000Z/);
  });
  it('MySQL: absent, ready, stopped', () => {
    expect(decideMysql(names.mysql, 'devlake-rg', undefined, guard(false)).summary).toMatch(/does not exist yet/);
    expect(decideMysql(names.mysql, 'devlake-rg', 'Ready', guard(false)).verdict).toBe('ok');
    expect(decideMysql(names.mysql, 'devlake-rg', 'Stopped', guard(false))).toMatchObject({ verdict: 'auto-repair', repair: 'azure.start-mysql' });
  });
  it('deployment in progress: needs you', () => {
    expect(decideDeploymentRun(names.deployment, 'devlake-rg', undefined, guard(false)).verdict).toBe('ok');
    expect(decideDeploymentRun(names.deployment, 'devlake-rg', { state: 'Succeeded' }, guard(false)).verdict).toBe('ok');
    const r = decideDeploymentRun(names.deployment, 'devlake-rg', { state: 'Running' }, guard(true));
    expect(r).toMatchObject({ verdict: 'needs-you', classId: 'azure.deployment-active' });
    expect(r.remediation).toContain(`az deployment group cancel --name ${names.deployment} --resource-group devlake-rg`);
  });
  it('region offers: the template says what is needed', () => {
    const need = templateNeeds(names);
    expect(need).toEqual({ mysqlSku: 'Standard_B1ms', cpu: 2, memoryInGB: 4 });
    expect(decideMysqlOffer('eastus', need.mysqlSku, { skus: ['Standard_B1ms', 'Standard_D2ds_v4'] }, guard(false)).verdict).toBe('ok');
    expect(decideMysqlOffer('eastus', need.mysqlSku, { skus: ['Standard_D2ds_v4'] }, guard(false))).toMatchObject({ verdict: 'needs-you', classId: 'azure.sku-not-available' });
    expect(decideAciOffer('eastus', need, { linux: [{ maxCpu: 4, maxMemoryInGB: 16 }] }, guard(false)).verdict).toBe('ok');
    expect(decideAciOffer('eastus', need, { linux: [{ maxCpu: 1, maxMemoryInGB: 16 }] }, guard(false))).toMatchObject({ verdict: 'needs-you', classId: 'azure.aci-capacity' });
  });
  it('region offers the SDK could not read: ok with why, unless the error is a known class', () => {
    const noRoute = Object.assign(new Error('GET … is not served'), { name: 'RestError', statusCode: 404, code: 'NoRouteInFakeArm' });
    expect(decideMysqlOffer('eastus', 'Standard_B1ms', { error: noRoute }, guard(false))).toMatchObject({ verdict: 'ok', summary: expect.stringMatching(/^the SDK could not tell/) as unknown });
    const restricted = Object.assign(new Error("Subscriptions are restricted from provisioning in location 'eastus'."), { name: 'RestError', statusCode: 400, code: 'LocationIsOfferRestricted' });
    expect(decideAciOffer('eastus', { cpu: 2, memoryInGB: 4 }, { error: restricted }, guard(false))).toMatchObject({ verdict: 'needs-you', classId: 'azure.location-restricted' });
  });
});

const tmp: string[] = [];
afterAll(async () => {
  for (const d of tmp) await fs.rm(d, { recursive: true, force: true });
});
async function dirWith(files: Record<string, string>): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-doctor-unit-'));
  tmp.push(d);
  for (const [f, text] of Object.entries(files)) await fs.writeFile(path.join(d, f), text);
  return d;
}

describe('azureTarget (the command options)', () => {
  it('without --azure, Azure flags are usage errors', async () => {
    await expect(azureTarget({ resourceGroup: 'rg' }, '/d')).rejects.toBeInstanceOf(UsageError);
    expect(await azureTarget({}, '/d')).toBeUndefined();
  });
  it('--azure needs a resource group and a location, from the flags or the Azure state file', async () => {
    const empty = await dirWith({});
    await expect(azureTarget({ azure: true }, empty)).rejects.toThrow(/--resource-group/);
    await expect(azureTarget({ azure: true, resourceGroup: 'rg' }, empty)).rejects.toThrow(/--location/);
    await expect(azureTarget({ azure: true, resourceGroup: 'bad/rg', location: 'eastus' }, empty)).rejects.toThrow(/--resource-group may hold only/);
    expect(await azureTarget({ azure: true, resourceGroup: 'rg', location: 'East US' }, empty)).toEqual({ resourceGroup: 'rg', location: 'eastus', baseName: 'devlake' });
    const recorded = await dirWith({
      '.devlake-azure.json': JSON.stringify({ method: 'azure', subscriptionId: 'sub-1', resourceGroup: 'rg2', region: 'westeurope', suffix: 'abcde', baseName: 'lake', resources: { keyVault: 'k', mysql: 'm', containers: [], acr: null } }),
    });
    expect(await azureTarget({ azure: true }, recorded)).toEqual({ resourceGroup: 'rg2', location: 'westeurope', baseName: 'lake', subscription: 'sub-1', suffix: 'abcde' });
  });
});

describe('loadLocalContext', () => {
  it('no state file: the official source on the default bundle, assumed', async () => {
    const d = await dirWith({});
    const c = await loadLocalContext(d, {});
    expect(c).toMatchObject({ dirKind: 'dir', source: 'official', sourceAssumed: true, plan: { bundle: 'default', mysqlUnpublished: false } });
    expect(c.projectName).toBe(path.basename(d).toLowerCase().replace(/[^a-z0-9_-]/g, ''));
  });
  it('a state file: its bundle and MySQL plan; the source is the deploy\'s; the compose file is loaded', async () => {
    const d = await dirWith({
      '.devlake-local.json': JSON.stringify({ schemaVersion: 1, deployedAt: 'x', method: 'local', endpoints: { backend: 'http://localhost:8085' }, bundle: 'alternate', source: 'custom', mysqlUnpublished: true, composeFile: 'docker-compose.yml' }),
      'docker-compose.yml': 'name: mylake\nservices:\n  devlake:\n    image: x:1\n    ports: ["8080:8080"]\n',
    });
    const c = await loadLocalContext(d, {});
    // The deploy's source is its --source (default official), never the recorded one: so is doctor's.
    expect(c).toMatchObject({ source: 'official', sourceAssumed: true, recordedSource: 'custom', plan: { bundle: 'alternate', mysqlUnpublished: true }, projectName: 'mylake' });
    expect(await loadLocalContext(d, {}, { source: 'custom' })).toMatchObject({ source: 'custom', sourceAssumed: false });
    expect(c.project?.services.map((s) => s.name)).toEqual(['devlake']);
  });
  it('a broken state file or compose file is reported, not thrown', async () => {
    const d = await dirWith({ '.devlake-local.json': '{"oops', 'docker-compose.yml': 'services: [1, 2\n' });
    const c = await loadLocalContext(d, {});
    expect(c.stateError).toMatch(/not valid JSON/);
    expect(c.composeError).toBeDefined();
  });
  it('a missing directory', async () => {
    const c = await loadLocalContext(path.join(os.tmpdir(), 'gdl-doctor-does-not-exist-xyz'), {});
    expect(c.dirKind).toBe('missing');
  });
});
