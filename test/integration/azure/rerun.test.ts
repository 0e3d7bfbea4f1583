// Where a real user gets hurt on Azure (issue 16), through the real deployAzure command and the
// real SDK clients against the fake ARM: re-runs keep the secrets, the vault and the tags; a
// second deploy over a healthy one changes nothing; Ctrl-C cancels our deployment; each
// submission reports its own error; the names are the group's own; a Contributor on the group
// only gets "could not check" instead of a stop.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployAzure, type AzureCommandDeps } from '../../../src/targets/azure/commands.js';
import { captureOutput } from '../../helpers/capture-output.js';
import { openArm } from '../../../src/azure/arm.js';
import { LOCATION, RESOURCE_GROUP, SUFFIX, SUBSCRIPTION, TEST_SECRETS, VAULT, MYSQL, expectedSuffix, scenario, startScenario, type Harness } from '../../fake-arm/scenarios.js';

const capture = captureOutput;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-az-rerun-'));
type Extra = { rotateSecrets?: boolean; signal?: AbortSignal; json?: boolean; resourceGroup?: string };
async function deploy(dir: string, deps: AzureCommandDeps, extra: Extra = {}) {
  const c = capture(extra.json);
  const code = await deployAzure(
    { resourceGroup: extra.resourceGroup ?? RESOURCE_GROUP, location: LOCATION, official: true, dir, env: {}, ...extra },
    c.out,
    deps,
  );
  const stateText = await fs.readFile(path.join(dir, '.devlake-azure.json'), 'utf8').catch(() => '');
  return { code, ...c, stateText, state: stateText ? (JSON.parse(stateText) as Record<string, unknown>) : undefined };
}
const depsOf = (x: Harness) => x.deps as unknown as AzureCommandDeps;
const vaultOf = (x: Harness) => x.arm.state.vaults.get(VAULT)!;

describe('a re-run keeps the secrets', () => {
  it('a second deploy over a healthy deployment changes no secret and no tag, submits nothing, and reports "unchanged"', async () => {
    h = await startScenario(scenario('fresh'));
    const dir = await tmp();
    const first = await deploy(dir, depsOf(h));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const v = vaultOf(h);
    expect([...v.secrets.keys()].sort()).toEqual(['db-admin-password', 'encryption-secret']);
    expect(h.arm.state.mysql.get(MYSQL)?.adminPassword).toBe(TEST_SECRETS.mysqlPassword);
    const tagsBefore = structuredClone(h.arm.state.resourceGroups.get(RESOURCE_GROUP)?.tags);
    const writesBefore = [...v.secretWrites];
    const putsBefore = h.arm.state.deployPuts;
    const requestsBefore = h.arm.requests.length;

    // The second run would generate other secrets if it generated any.
    const second = await deploy(dir, { ...depsOf(h), secrets: { mysqlPassword: 'OtherMysqlPw1Aa2Bb3Cc4Dd5Ee6Ff7Gg', encryptionSecret: 'OTHER'.padEnd(128, 'X') } }, { json: true });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const doc = JSON.parse(second.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ ok: true, outcome: 'ok', unchanged: true, secrets: { mysqlPassword: 'reused', encryptionSecret: 'reused' } });
    expect(h.arm.state.deployPuts).toBe(putsBefore);
    expect(vaultOf(h).secretWrites).toEqual(writesBefore);
    expect(h.arm.state.mysql.get(MYSQL)?.adminPassword).toBe(TEST_SECRETS.mysqlPassword);
    expect(h.arm.state.resourceGroups.get(RESOURCE_GROUP)?.tags).toEqual(tagsBefore);
    // Nothing written on the second run: no PUT, PATCH, POST or DELETE at all.
    const writes = h.arm.requests.slice(requestsBefore).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(second.stderr).toMatch(/Unchanged: deployment devlake-\w+-\d{8}T\d{9}Z-1 succeeded with this template/);

    // In text too.
    const third = await deploy(dir, depsOf(h));
    expect(third.stdout).toMatch(/DevLake on Azure is unchanged/);
    expect(third.stdout).toMatch(/reused from Key Vault .*; none was changed/);
  });

  it("over the Go tool's vault: both secrets are passed as Key Vault references, the vault is not PUT (its retention of 90 days stays), the user's tags stay", async () => {
    const s = scenario('go-tool-vault');
    h = await startScenario(s);
    const seeded = s.setup.vaults![VAULT]!.secrets!;
    const r = await deploy(await tmp(), depsOf(h));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const v = vaultOf(h);
    expect(v.softDeleteRetentionInDays).toBe(90);
    expect(v.secretWrites).toEqual([]);
    // The server and the backend got the vault's values, resolved by ARM.
    expect(h.arm.state.mysql.get(MYSQL)?.adminPassword).toBe(seeded['db-admin-password']);
    expect(h.arm.state.containerGroups.get(`devlake-backend-${SUFFIX}`)?.encryptionSecret).toBe(seeded['encryption-secret']);
    const put = h.arm.calls('PUT', /\/deployments\//)[0]?.body as { properties: { parameters: Record<string, unknown> } };
    expect(put.properties.parameters.mysqlAdminPassword).toEqual({ reference: { keyVault: { id: expect.stringMatching(new RegExp(`/vaults/${VAULT}$`)) as unknown }, secretName: 'db-admin-password' } });
    expect(put.properties.parameters.createVault).toEqual({ value: false });
    // The one change to the vault: template deployment turned on, so ARM may resolve the references.
    expect(v.enabledForTemplateDeployment).toBe(true);
    expect(r.stderr).toMatch(/turned on enabledForTemplateDeployment/);
    // Tags merged through the Tags API; the group was not PUT again.
    expect(h.arm.state.resourceGroups.get(RESOURCE_GROUP)?.tags).toEqual({ costCenter: '42', owner: 'data-team', 'managed-by': 'gh-devlake' });
    expect(h.arm.calls('PUT', /\/resourcegroups\/[^/]+$/i)).toHaveLength(0);
    expect(h.arm.calls('PATCH', /\/providers\/Microsoft\.Resources\/tags\/default$/)[0]?.body).toEqual({ operation: 'Merge', properties: { tags: { 'managed-by': 'gh-devlake' } } });
    for (const secret of Object.values(seeded)) expect(r.stdout + r.stderr + r.stateText).not.toContain(secret);
  });

  it("an existing vault's retention cannot change (the constraint the old template hit on a Go-tool vault)", async () => {
    h = await startScenario(scenario('go-tool-vault'));
    const ctx = await depsOf(h).context!({ env: {} });
    const arm = await openArm(ctx, SUBSCRIPTION);
    await expect(arm.keyVault.vaults.update(RESOURCE_GROUP, VAULT, { properties: { softDeleteRetentionInDays: 7 } })).rejects.toMatchObject({ statusCode: 400 });
    const r = await deploy(await tmp(), depsOf(h));
    expect(r.code).toBe(0);
    expect(vaultOf(h).softDeleteRetentionInDays).toBe(90);
  });

  it('--rotate-secrets generates both again, says what that breaks, and writes them to the vault', async () => {
    h = await startScenario(scenario('fresh'));
    const dir = await tmp();
    expect((await deploy(dir, depsOf(h))).code).toBe(0);
    const other = { mysqlPassword: 'RotatedMysqlPw9Zz8Yy7Xx6Ww5Vv4Uu3', encryptionSecret: 'ROTATED'.padEnd(128, 'R') };
    const r = await deploy(dir, { ...depsOf(h), secrets: other }, { rotateSecrets: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--rotate-secrets: new MySQL admin password and new ENCRYPTION_SECRET/);
    expect(r.stderr).toMatch(/can no longer be decrypted/);
    expect(vaultOf(h).secrets.get('encryption-secret')).toBe(other.encryptionSecret);
    expect(h.arm.state.mysql.get(MYSQL)?.adminPassword).toBe(other.mysqlPassword);
    expect(h.arm.state.deployPuts).toBe(2);
    for (const secret of Object.values(other)) expect(r.stdout + r.stderr + r.stateText).not.toContain(secret);
  });

  it('not allowed to read the vault (403), with a state file that records its secrets: the references are used, nothing is generated', async () => {
    h = await startScenario(scenario('fresh'));
    const dir = await tmp();
    expect((await deploy(dir, depsOf(h))).code).toBe(0);
    const writes = [...vaultOf(h).secretWrites];
    await h.close();
    // The same world, seen by an identity that may not read the vault: a new fake ARM seeded with it.
    const v = vaultOf(h);
    h = await startScenario(scenario('fresh'), {
      resourceGroups: { [RESOURCE_GROUP]: { location: LOCATION, tags: { 'managed-by': 'gh-devlake' } } },
      vaults: { [VAULT]: { resourceGroup: RESOURCE_GROUP, location: LOCATION, softDeleteRetentionInDays: 7, enabledForTemplateDeployment: true, secrets: Object.fromEntries(v.secrets) } },
      forbidReads: [/\/Microsoft\.KeyVault\/vaults\//i],
    });
    const r = await deploy(dir, { ...depsOf(h), secrets: { mysqlPassword: 'NeverUsedPw1Aa2Bb3Cc4Dd5Ee6Ff7Gg8', encryptionSecret: 'NEVER'.padEnd(128, 'N') } }, { json: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { secrets: unknown; couldNotCheck: string[] };
    expect(doc.secrets).toEqual({ mysqlPassword: 'reused', encryptionSecret: 'reused' });
    expect(doc.couldNotCheck.some((c) => /^could not check Key Vault /.test(c))).toBe(true);
    expect(vaultOf(h).secretWrites).toEqual([]);
    expect(h.arm.state.mysql.get(MYSQL)?.adminPassword).toBe(TEST_SECRETS.mysqlPassword);
    expect(writes).toHaveLength(2);
  });

  it('records only references to the secrets in the state file', async () => {
    h = await startScenario(scenario('fresh'));
    const r = await deploy(await tmp(), depsOf(h));
    expect(r.state?.secrets).toEqual({
      keyVault: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${VAULT}`,
      mysqlPassword: 'db-admin-password',
      encryptionSecret: 'encryption-secret',
    });
    expect(r.state?.templateHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('Ctrl-C', () => {
  it('cancels our running ARM deployment within the interrupt deadline, and says so', async () => {
    h = await startScenario(scenario('fresh'), { deployPlans: [{ kind: 'hang' }] });
    const controller = new AbortController();
    const arm = h.arm;
    const timer = setInterval(() => {
      if ([...arm.state.deployments.values()].some((d) => d.state === 'Running')) controller.abort(new Error('interrupted by SIGINT'));
    }, 20);
    const started = Date.now();
    let r;
    try {
      r = await deploy(await tmp(), depsOf(h), { signal: controller.signal });
    } finally {
      clearInterval(timer);
    }
    const afterAbort = Date.now() - started;
    expect(r.code).toBe(130);
    const [name] = arm.state.cancelled;
    expect(name).toMatch(new RegExp(`^devlake-${SUFFIX}-\\d{8}T\\d{9}Z-1$`));
    expect(arm.state.deployments.get(name!)?.state).toBe('Canceled');
    expect(r.stdout).toMatch(new RegExp(`^Interrupted: cancelled ARM deployment ${name!}; what it created so far stays`, 'm'));
    expect(afterAbort).toBeLessThan(10_000);
  });
});

describe('the right diagnosis', () => {
  it("a submission rejected outright reports its own error, not the previous run's failed operations", async () => {
    const sku = scenario('sku-not-available');
    const policy = scenario('policy-rejected');
    h = await startScenario(sku, { deployPlans: [...(sku.setup.deployPlans ?? []), ...(policy.setup.deployPlans ?? [])] });
    const dir = await tmp();
    const first = await deploy(dir, depsOf(h));
    expect(first.stdout).toMatch(/^Detected: +.*SkuNotAvailable|^Detected: +SKU/m);
    const second = await deploy(dir, depsOf(h), { json: true });
    expect(second.code).toBe(1);
    const doc = JSON.parse(second.stdout) as { records: { classId: string }[]; failure: { message: string } };
    expect(doc.records.map((x) => x.classId)).toEqual(['azure.policy-disallowed']);
    expect(doc.failure.message).not.toMatch(/SkuNotAvailable|Standard_B1ms/);
    // Two submissions, two names.
    const names = h.arm.calls('PUT', /\/deployments\//).map((x) => x.path.split('/').pop());
    expect(new Set(names).size).toBe(2);
  });

  it('names are the group\'s own: another subscription with the documented devlake-rg gets other names, recorded and kept', async () => {
    const other = '00000000-0000-0000-0000-0000000000bb';
    h = await startScenario(scenario('fresh'), { subscriptionId: other, subscriptions: [{ id: other, name: 'Other', state: 'Enabled' }] });
    const dir = await tmp();
    const deps = { ...depsOf(h), context: async (req: { subscription?: string; env: NodeJS.ProcessEnv }) => ({ ...(await depsOf(h!).context!(req)), subscriptionId: other }) };
    const r = await deploy(dir, deps);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.state?.suffix).toBe(expectedSuffix(RESOURCE_GROUP, other));
    expect(r.state?.suffix).not.toBe(SUFFIX);
    expect(h.arm.state.vaults.has(`devlakekv${expectedSuffix(RESOURCE_GROUP, other)}`)).toBe(true);
  });

  it('a state file of the Go tool keeps its suffix (its names), so the re-run finds its resources', async () => {
    h = await startScenario(scenario('fresh'));
    const dir = await tmp();
    const goSuffix = 'a1b2c';
    await fs.writeFile(
      path.join(dir, '.devlake-azure.json'),
      JSON.stringify({ deployedAt: '2026-01-01T00:00:00Z', method: 'bicep-official', subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, region: LOCATION, suffix: goSuffix, resources: { keyVault: `devlakekv${goSuffix}`, mysql: `devlakemysql${goSuffix}`, containers: [], acr: null } }),
    );
    const r = await deploy(dir, depsOf(h));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.state).toMatchObject({ suffix: goSuffix, resources: { keyVault: `devlakekv${goSuffix}` } });
  });

  it('a vault soft-deleted in another region is purged where it lives', async () => {
    h = await startScenario(scenario('vault-deleted-elsewhere'));
    const r = await deploy(await tmp(), depsOf(h));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(h.arm.calls('POST', /\/purge$/).map((x) => x.path)).toEqual([`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/${VAULT}/purge`]);
    expect(r.stdout).toMatch(/^Repair: +purged soft-deleted Key Vault \S+ in westeurope/m);
  });

  for (const [name, title] of [
    ['vault-name-taken', 'Key Vault name taken'],
    ['mysql-name-taken', 'MySQL server name taken'],
    ['dns-label-taken', 'container DNS name label taken'],
  ] as const) {
    it(`${name}: a global name taken elsewhere advises --base-name`, async () => {
      h = await startScenario(scenario(name));
      const r = await deploy(await tmp(), depsOf(h));
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^Outcome: +failed — ${title}: .*Next: .*--base-name <new-name>`, 'm'));
    });
  }
});

describe('least privilege', () => {
  it('a provider already Registering is only waited for: no register call (registration needs subscription rights)', async () => {
    h = await startScenario(scenario('provider-registering'));
    const r = await deploy(await tmp(), depsOf(h));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(h.arm.calls('POST', /\/register$/)).toHaveLength(0);
    expect(r.stdout).toMatch(/^Repair: +resource provider Microsoft\.ContainerInstance already registering or Registered: waited, registered nothing/m);
  });


  it('a Contributor on the resource group only: 403s from the preflight become "could not check", and the deploy goes on', async () => {
    h = await startScenario(scenario('resource-group-contributor'));
    const r = await deploy(await tmp(), depsOf(h), { json: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { couldNotCheck: string[]; outcome: string };
    expect(doc.outcome).toBe('ok');
    expect(doc.couldNotCheck).toEqual([
      expect.stringMatching(/^could not check the resource providers: AuthorizationFailed — .*'Microsoft\.Resources\/subscriptions\/providers\/read'/),
      expect.stringMatching(/^could not check for a soft-deleted Key Vault named \S+: AuthorizationFailed — /),
    ]);
    expect(h.arm.calls('POST', /\/register$/)).toHaveLength(0);
    expect(h.arm.state.deployPuts).toBe(1);
  });
});
