// Custom images end to end: `deploy azure --repo-url <fork>` builds the backend, config-ui and
// Grafana images with the real Docker engine, pushes them to a REAL distribution registry on
// loopback (standing in for the ACR login server) with the credentials the SDK's listCredentials
// returned from the fake ARM, and the container groups reference them with imageRegistryCredentials.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployAzure, type AzureCommandDeps } from '../../../src/targets/azure/commands.js';
import { Output } from '../../../src/io/output.js';
import { LOCATION, RESOURCE_GROUP, SUFFIX, TEST_SECRETS, scenario, startScenario, type Harness } from '../../fake-arm/scenarios.js';
import { makeForkRepo } from '../../helpers/fork-repo.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';

const ACR = `devlakeacr${SUFFIX}`;
// ACR's admin user is named after the registry; the password is the registry's own.
const PASSWORD = 'TestOnlyAcrPassword4Qz8Lm2';
const TAG = 'h16b-custom-test';
const REPOS = ['devlake', 'devlake-config-ui', 'devlake-dashboard'];

let registry: TestRegistry;
let forkParent: string;
let repo: string;
let harness: Harness | undefined;
const docker = new Docker();

beforeAll(async () => {
  registry = await startTestRegistry(ACR, PASSWORD);
  forkParent = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-acr-fork-'));
  repo = await makeForkRepo(forkParent);
});
afterAll(async () => {
  // Only the images this file tagged for its own registry.
  for (const r of REPOS) await docker.getImage(`${registry.server}/${r}:${TAG}`).remove({ force: true }).catch(() => undefined);
  await registry.close();
  await fs.rm(forkParent, { recursive: true, force: true });
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function deploy(flags: { repoUrl?: string; skipImageBuild?: boolean }, password = PASSWORD) {
  harness = await startScenario(scenario('fresh'), { registry: { loginServer: registry.server, username: ACR, password } });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-acr-'));
  const c = { stdout: '', stderr: '' };
  const out = new Output({
    json: false,
    stdout: { write: (s: string) => ((c.stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((c.stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1' },
  });
  const code = await deployAzure(
    { resourceGroup: RESOURCE_GROUP, location: LOCATION, version: TAG, dir, ...flags, env: { PATH: process.env.PATH ?? '' } },
    out,
    harness.deps as unknown as AzureCommandDeps,
  );
  const state = JSON.parse(await fs.readFile(path.join(dir, '.devlake-azure.json'), 'utf8')) as Record<string, unknown>;
  await fs.rm(dir, { recursive: true, force: true });
  return { code, ...c, state, arm: harness.arm };
}

interface DeploymentBody {
  properties: {
    template: { resources: { type: string; name: string; properties: { containers?: { properties: { image: string } }[]; imageRegistryCredentials?: unknown[] } }[] };
    parameters: Record<string, { value: unknown }>;
  };
}

describe('deploy azure with custom images', () => {
  it('--skip-image-build before anything was pushed: fails before the deployment, naming the missing image', async () => {
    const r = await deploy({ skipImageBuild: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${registry.server}/devlake:${TAG}`);
    expect(r.arm.state.deployPuts).toBe(0);
  });

  it('a push the registry refuses (credentials it does not accept): classified from the registry\'s own error, before any deployment', async () => {
    const r = await deploy({ repoUrl: `file://${repo}` }, 'NotTheRegistryPassword1');
    expect(r.code).toBe(1);
    if (process.env.AZ_DEBUG) console.log(r.stdout, r.stderr);
    expect(r.stdout).toMatch(/^Detected: +container registry refused the push — /m);
    expect(r.stdout).toMatch(/^Outcome: +failed — .*Next: .*az acr credential show/m);
    expect(r.arm.state.deployPuts).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('NotTheRegistryPassword1');
  });

  it('--repo-url: builds from the fork, pushes to the registry, and the container groups pull from it', async () => {
    const r = await deploy({ repoUrl: `file://${repo}` });
    expect(r.code, r.stdout + r.stderr).toBe(0);

    // The registry resource through the SDK: a Basic registry with the admin user, then its credentials.
    const put = r.arm.calls('PUT', new RegExp(`/Microsoft.ContainerRegistry/registries/${ACR}$`, 'i'));
    expect(put).toHaveLength(1);
    expect(put[0]?.body).toMatchObject({ location: LOCATION, sku: { name: 'Basic' }, properties: { adminUserEnabled: true } });
    expect(r.arm.state.acr.credentialLists).toBe(1);

    // The real registry holds the three images under the tag.
    const catalog = await registry.api('/v2/_catalog');
    expect(catalog.status).toBe(200);
    expect((catalog.body as { repositories: string[] }).repositories).toEqual(expect.arrayContaining(REPOS));
    for (const name of REPOS) {
      const tags = await registry.api(`/v2/${name}/tags/list`);
      expect((tags.body as { tags: string[] }).tags).toContain(TAG);
    }

    // The container groups reference the pushed images with the registry's credentials.
    const deployment = r.arm.calls('PUT', /\/deployments\//)[0]?.body as DeploymentBody;
    const groups = deployment.properties.template.resources.filter((x) => x.type === 'Microsoft.ContainerInstance/containerGroups');
    expect(groups.map((g) => g.properties.containers?.[0]?.properties.image).sort()).toEqual(REPOS.map((n) => `${registry.server}/${n}:${TAG}`).sort());
    for (const g of groups) expect(g.properties.imageRegistryCredentials).toEqual([{ server: registry.server, username: ACR, password: "[parameters('registryPassword')]" }]);
    expect(deployment.properties.parameters.registryPassword).toEqual({ value: PASSWORD });

    expect(r.state).toMatchObject({ useOfficialImages: false, resources: { acr: ACR } });
    for (const secret of [PASSWORD, ...Object.values(TEST_SECRETS)]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  it('--skip-image-build after a push: uses the images in the registry, builds nothing', async () => {
    const r = await deploy({ skipImageBuild: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain(`Using the images already in ${registry.server}`);
    expect(r.stderr).not.toContain('Building');
    const deployment = r.arm.calls('PUT', /\/deployments\//)[0]?.body as DeploymentBody;
    expect(deployment.properties.parameters.registryPassword).toEqual({ value: PASSWORD });
  });
});
