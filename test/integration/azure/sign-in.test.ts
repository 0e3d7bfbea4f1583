// Sign-in as the real credentials fail: the product's own credential chain (@azure/identity's
// AzureCliCredential running a stand-in `az`, EnvironmentCredential, DeviceCodeCredential against
// a fake authority), the real login repairs, and the subscription found through the SDK's
// Subscriptions_List on the fake ARM. The repair must fit the credential that failed.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployAzure, type AzureCommandDeps } from '../../../src/targets/azure/commands.js';
import { createCredential, credentialKind, type AzureContextFactory } from '../../../src/azure/context.js';
import { Output } from '../../../src/io/output.js';
import { startFakeArm, type FakeArm } from '../../fake-arm/server.js';
import { startFakeAad, type FakeAad } from '../../fake-arm/aad.js';
import { startFakeAz, type FakeAz, type FakeAzState } from '../../helpers/fake-az.js';
import { LOCATION, RESOURCE_GROUP, TEST_SECRETS } from '../../fake-arm/scenarios.js';

/** PATH without any az: the system directories only (no az is installed on the test machines). */
const SYSTEM_PATH = '/usr/bin:/bin';

let arm: FakeArm | undefined;
let aad: FakeAad | undefined;
let az: FakeAz | undefined;
const savedPath = process.env.PATH;
const savedAuth = process.env.GH_DEVLAKE_AZURE_AUTH;

beforeEach(() => {
  for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_USERNAME']) delete process.env[k];
});
afterEach(async () => {
  process.env.PATH = savedPath;
  if (savedAuth === undefined) delete process.env.GH_DEVLAKE_AZURE_AUTH;
  else process.env.GH_DEVLAKE_AZURE_AUTH = savedAuth;
  await Promise.all([arm?.close(), aad?.close(), az?.close()]);
  arm = aad = az = undefined;
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Deploy with the product's credential for the env (AzureCliCredential runs `az` from
 * process.env.PATH, so that PATH is the test's), the fake ARM, and the fake authority for device code.
 */
async function deploy(opts: { azState?: FakeAzState; env?: Record<string, string>; interactive?: boolean; subscriptions?: Parameters<typeof startFakeArm>[0] } = {}): Promise<Run> {
  arm = await startFakeArm(opts.subscriptions ?? {});
  aad = await startFakeAad({ pendingPolls: 1 });
  if (opts.azState) az = await startFakeAz(opts.azState);
  const PATH = az ? `${az.bin}:${SYSTEM_PATH}` : SYSTEM_PATH;
  process.env.PATH = PATH;
  const env: NodeJS.ProcessEnv = { PATH, HOME: os.tmpdir(), ...opts.env };
  if (env.GH_DEVLAKE_AZURE_AUTH) process.env.GH_DEVLAKE_AZURE_AUTH = env.GH_DEVLAKE_AZURE_AUTH;
  const a = arm;
  const authority = aad;
  const context: AzureContextFactory = async ({ env: e }) => ({
    credential: await createCredential(credentialKind(e)),
    credentialKind: credentialKind(e),
    endpoint: a.endpoint,
    clientOptions: { tlsOptions: { ca: a.ca }, retryOptions: { maxRetries: 1, retryDelayInMs: 10 } },
    pollIntervalMs: 20,
    identityOptions: { authorityHost: authority.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: authority.ca } },
  });
  const deps: AzureCommandDeps = {
    context,
    interactive: opts.interactive ?? true,
    confirm: () => Promise.resolve(true),
    timeouts: { providerMs: 10_000, mysqlMs: 10_000, backendMs: 10_000, migrationMs: 10_000, pollMs: 50 },
    secrets: TEST_SECRETS,
  };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-az-signin-'));
  const c = { stdout: '', stderr: '' };
  const out = new Output({
    json: false,
    stdout: { write: (s: string) => ((c.stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((c.stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1' },
  });
  const code = await deployAzure({ resourceGroup: RESOURCE_GROUP, location: LOCATION, official: true, dir, env }, out, deps);
  await fs.rm(dir, { recursive: true, force: true });
  return { code, ...c };
}

function line(stdout: string, label: string): string {
  return stdout.split('\n').find((l) => l.startsWith(label)) ?? '';
}

describe('sign-in: the repair fits the credential that failed', () => {
  it('az asks for MFA (reported as "unavailable"): az login --scope, then the deploy goes on', async () => {
    const r = await deploy({ azState: 'mfa' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(line(r.stdout, 'Detected:')).toMatch(/Azure asks for multi-factor authentication/);
    expect(line(r.stdout, 'Repair:')).toContain('signed in with `az login --scope https://management.core.windows.net//.default`');
    expect(await az!.logins()).toEqual([['--scope', 'https://management.core.windows.net//.default']]);
    expect(line(r.stdout, 'Outcome:')).toMatch(/recovered/);
  });

  it('az is signed out: plain az login', async () => {
    const r = await deploy({ azState: 'signed-out' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await az!.logins()).toEqual([[]]);
    expect(line(r.stdout, 'Repair:')).toContain('signed in with `az login`');
  });

  it('az is not installed: device-code sign-in (no az login), and the subscription is listed through the SDK', async () => {
    const r = await deploy();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(line(r.stdout, 'Detected:')).toMatch(/az is not installed/);
    expect(line(r.stdout, 'Repair:')).toContain('signed in with a device code (az is not installed)');
    // The user saw the code and the page, as the authority sent them.
    expect(r.stderr).toContain('enter the code FAKE-CODE');
    expect(aad!.counts).toMatchObject({ deviceCodes: 1, tokens: 1 });
    expect(aad!.counts.pending).toBeGreaterThanOrEqual(1);
    // No subscription was given and az's profile does not exist: the SDK listed it.
    expect(arm!.calls('GET', /^\/subscriptions$/)).toHaveLength(1);
    expect(r.stderr).toContain(`Using subscription ${arm!.subscriptionId}: the only enabled subscription`);
    expect(arm!.state.deployPuts).toBe(1);
  });

  it('az is not installed and there is no terminal: no sign-in is started; the device-code route is named', async () => {
    const r = await deploy({ interactive: false });
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'Repair:')).toMatch(/none — no interactive terminal.*device-code sign-in/);
    expect(aad!.counts.deviceCodes).toBe(0);
  });

  it('Conditional Access blocks the sign-in: no login at all, the policy is named', async () => {
    const r = await deploy({ azState: 'blocked' });
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'Detected:')).toMatch(/sign-in blocked by Conditional Access/);
    expect(line(r.stdout, 'Outcome:')).toMatch(/AADSTS53003/);
    expect(await az!.logins()).toEqual([]);
  });

  it('the environment credential is chosen and unusable: az login is not run even though az is there', async () => {
    const r = await deploy({ azState: 'signed-out', env: { GH_DEVLAKE_AZURE_AUTH: 'environment' } });
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'Detected:')).toMatch(/the configured Azure credential is not usable/);
    expect(line(r.stdout, 'Outcome:')).toMatch(/AZURE_CLIENT_ID/);
    expect(await az!.logins()).toEqual([]);
    expect(aad!.counts.deviceCodes).toBe(0);
  });

  it('several subscriptions and none named: the deploy stops and lists them (pages followed)', async () => {
    const subscriptions = [
      { id: '00000000-0000-0000-0000-0000000000a1', name: 'Dev', state: 'Enabled' as const },
      { id: '00000000-0000-0000-0000-0000000000a2', name: 'Old', state: 'Disabled' as const },
      { id: '00000000-0000-0000-0000-0000000000a3', name: 'Prod', state: 'Enabled' as const },
    ];
    const r = await deploy({ azState: 'signed-in', subscriptions: { subscriptions } });
    expect(r.code).toBe(1);
    expect(arm!.calls('GET', /^\/subscriptions$/).length).toBe(2);
    expect(r.stdout).toContain('00000000-0000-0000-0000-0000000000a1 (Dev), 00000000-0000-0000-0000-0000000000a3 (Prod)');
    expect(r.stdout).not.toContain('0000000000a2 (Old)');
    expect(arm!.state.deployPuts).toBe(0);
  });
});
