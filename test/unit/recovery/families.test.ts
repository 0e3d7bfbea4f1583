// One test per family that issue 15 names as missed or wrong, each held to the real corpus
// (test/fixtures/errors/real-*.json: verbatim messages with their sources): the family must be
// in the corpus, every entry of it must classify as the family's class with its facts, and the
// `Detected:` line must read as it should. Where the corpus has only some of a family's forms
// (MySQL's busy states), the others are the corpus's own wording with that one word changed.

import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/recovery/classify.js';
import { toDeployFailure } from '../../../src/recovery/failure.js';
import { detectedText } from '../../../src/recovery/report.js';
import type { Classification, ClassId, DeployFailure, Facts } from '../../../src/recovery/types.js';
import { localNegative, PORT_CLASSES, realAzure, realLocal, realNegative, thrownOf, failureOf, type RealAzure, type RealLocal } from './corpus.js';

const local = realLocal();
const azure = realAzure();

/** The corpus entries of a family: those whose message matches (at least `min` of them). */
function family(match: RegExp, min = 1): RealLocal[] {
  const found = local.filter((e) => match.test(e.failure.message));
  expect(found.length, `corpus entries matching ${match}`).toBeGreaterThanOrEqual(min);
  return found;
}

function azureFamily(pick: (e: RealAzure) => boolean, min = 1): RealAzure[] {
  const found = azure.filter(pick);
  expect(found.length, 'Azure corpus entries of the family').toBeGreaterThanOrEqual(min);
  return found;
}

const armCode = (e: RealAzure): string | undefined => (e.kind === 'rest' ? e.error.code : e.kind === 'failure' ? e.failure.code : e.kind === 'credential' ? e.name : undefined);
const text = (e: RealAzure): string => JSON.stringify(e);

function expectClass(c: Classification, id: ClassId, facts: Facts = {}, source = ''): void {
  expect(c.classId, source).toBe(id);
  expect(c.facts, source).toMatchObject(facts);
  expect(detectedText(c).startsWith(`${c.title} — `)).toBe(true);
}

const azureOf = (e: RealAzure): Classification => classify(toDeployFailure(thrownOf(e)));

describe('port conflicts in older and other wordings', () => {
  it("Docker for Mac's old vpnkit forwarder: 'Failed to bind: EADDRINUSE' and 'unexpected error (Failure EADDRINUSE)'", () => {
    for (const e of family(/Failed to bind: EADDRINUSE|Failure EADDRINUSE/, 2)) expectClass(classify(e.failure), 'local.port-conflict', e.facts, e.source);
    // The one that names its port and host IP gives both.
    const named = family(/Bind for 0\.0\.0\.0:443: unexpected error \(Failure EADDRINUSE\)/)[0]!;
    expect(classify(named.failure).facts).toMatchObject({ port: 443, hostIp: '0.0.0.0' });
  });

  it('UDP publishes: port, host IP and protocol extracted (udp and udp4)', () => {
    const udp = family(/listen udp4? 0\.0\.0\.0:53: bind: address already in use/, 3);
    for (const e of udp) expectClass(classify(e.failure), 'local.port-conflict', { port: 53, hostIp: '0.0.0.0', protocol: 'udp' }, e.source);
  });

  it('a host IP the message does not spell as an address is still the host IP (localhost normalized), and the port splits right', () => {
    const masked = family(/listen tcp myip:443/i)[0]!;
    expect(classify(masked.failure).facts).toMatchObject({ port: 443, hostIp: 'myip' });
    for (const [message, hostIp, port] of [
      ['Bind for localhost:8080 failed: port is already allocated', '127.0.0.1', 8080],
      ['Error starting userland proxy: listen tcp xxx.xxx.xxx.xxx:3002: bind: address already in use', 'xxx.xxx.xxx.xxx', 3002],
    ] as const) {
      expectClass(classify({ source: 'engine', message }), 'local.port-conflict', { hostIp, port });
    }
  });

  it('no negative of any corpus is classified as a port conflict', () => {
    const negatives: DeployFailure[] = [...realNegative().map((e) => e.failure), ...localNegative().map(failureOf)];
    expect(negatives.length).toBeGreaterThanOrEqual(60);
    for (const f of negatives) expect(PORT_CLASSES, f.message).not.toContain(classify(f).classId);
  });
});

describe('engine unavailable', () => {
  it("Docker Desktop's named pipes (docker_engine_linux, dockerDesktopLinuxEngine, docker_engine) name the pipe", () => {
    for (const pipe of ['\\\\.\\pipe\\docker_engine_linux', '//./pipe/dockerDesktopLinuxEngine', '//./pipe/docker_engine']) {
      const entries = local.filter((e) => e.failure.message.includes(pipe) && !/Internal Server Error/.test(e.failure.message));
      expect(entries.length, pipe).toBeGreaterThan(0);
      for (const e of entries) {
        const c = classify(e.failure);
        expectClass(c, 'local.docker-unavailable', e.facts, e.source);
        expect(c.title).toBe('Docker engine not running');
        expect(c.facts.socket, e.source).toBe(pipe);
      }
    }
  });

  it("'Cannot connect to the Docker daemon. Is the docker daemon running on this host?' (and the 'docker -d' one)", () => {
    for (const e of family(/Cannot connect to the Docker daemon\. Is (?:the docker daemon|'docker -d') running on this host\?/, 3)) {
      expectClass(classify(e.failure), 'local.docker-unavailable', {}, e.source);
      expect(classify(e.failure).remediation).toMatch(/Start Docker Desktop or the daemon/);
    }
  });

  it("Desktop's API proxy answering 500 for every route while the VM is down: the engine, not the request", () => {
    for (const e of family(/request returned (?:500 )?Internal Server Error for API route and version/i, 5)) {
      const c = classify(e.failure);
      expectClass(c, 'local.docker-unavailable', {}, e.source);
      expect(c.title).toBe("Docker Desktop's engine not running");
      expect(c.remediation).toMatch(/answers HTTP 500 for every request/);
    }
    // Our own ping meeting the same proxy: a 5xx with nothing else to say.
    const c = classify({ source: 'engine', operation: 'ping', statusCode: 500, message: 'Internal Server Error' });
    expect([c.classId, c.title]).toEqual(['local.docker-unavailable', "Docker Desktop's engine not running"]);
  });
});

describe("the forwarder false positive: 'unable to list exposed ports … context deadline exceeded'", () => {
  it("is Desktop's port forwarder, never an image pull failure nor a port conflict", () => {
    const entries = family(/unable to list exposed ports/, 5);
    expect(entries.some((e) => /context deadline exceeded/.test(e.failure.message))).toBe(true);
    for (const e of entries) {
      const c = classify(e.failure);
      expectClass(c, 'local.port-forwarder-failed', {}, e.source);
      expect(detectedText(c)).toMatch(/^Docker Desktop's port forwarder not answering — /);
    }
  });
});

describe('the classes the issue found missing', () => {
  it.each([
    ['address pool exhausted', /non-overlapping IPv4 address pool/, 'local.address-pool-exhausted', null],
    ['network gone (a stale container of an earlier run)', /network \S+ not found|failed to get network during CreateEndpoint/, 'local.network-gone', 'local.recreate-container'],
    ['out of memory', /cannot allocate memory|OOMKilled|exited with code 137/, 'local.out-of-memory', null],
    ['engine in Windows-containers mode', /image operating system "linux" cannot be used on this platform/, 'local.windows-containers', null],
    ['IPv6 unavailable', /address family not supported/i, 'local.ipv6-unavailable', null],
    ['firewall chains missing', /No chain\/target\/match by that name/, 'local.firewall-chain-missing', null],
    ['container IP in use', /Address already in use$/, 'local.container-ip-in-use', null],
  ] as const)('%s', (_name, match, id, repair) => {
    for (const e of family(match)) {
      const c = classify(e.failure);
      expectClass(c, id, e.facts, e.source);
      expect(c.repair).toBe(repair);
      expect(PORT_CLASSES).not.toContain(c.classId);
    }
  });

  it('network gone names the network; IPv6 names the port; a firewall message with --dport is no port conflict', () => {
    const gone = family(/network [0-9a-f]{12,64} not found/)[0]!;
    expect(classify(gone.failure).facts.network).toMatch(/^[0-9a-f]{12,64}$/);
    const v6 = family(/listen tcp6 \[::\]:\d+: socket: address family not supported/)[0]!;
    expect(typeof classify(v6.failure).facts.port).toBe('number');
    for (const e of family(/--dport \d+/)) expect(classify(e.failure).classId, e.source).toBe('local.firewall-chain-missing');
  });
});

describe('Azure families', () => {
  it('VaultAlreadyExists: a name taken worldwide, not a soft-deleted vault of ours', () => {
    for (const e of azureFamily((x) => armCode(x) === 'VaultAlreadyExists', 3)) {
      const c = azureOf(e);
      expectClass(c, 'azure.keyvault-name-taken', e.facts, e.source);
      expect(c.repair).toBeNull();
    }
  });

  it('MySQL server name and container DNS label taken', () => {
    for (const e of azureFamily((x) => /Specified server name is already used/.test(text(x)))) expectClass(azureOf(e), 'azure.mysql-name-taken', {}, e.source);
    for (const e of azureFamily((x) => /DNS name label '[^']+' .* not available/.test(text(x)))) expectClass(azureOf(e), 'azure.dns-label-taken', e.facts, e.source);
  });

  it('ServerIsNotReady / ServerUnavailableForOperation while Starting, Stopping or Updating: busy, wait — never start', () => {
    const updating = azureFamily((x) => /Current Server State = Updating/.test(text(x)))[0]!;
    expect(azureOf(updating)).toMatchObject({ classId: 'azure.mysql-busy', repair: null, facts: { state: 'Updating' } });
    // turbot/steampipe-plugin-azure#859's wording, with the server in each busy state instead of Stopped.
    const stopped = azureFamily((x) => armCode(x) === 'ServerUnavailableForOperation' && /state 'Stopped'/.test(text(x)))[0]!;
    expect(azureOf(stopped)).toMatchObject({ classId: 'azure.mysql-stopped', repair: 'azure.start-mysql' });
    if (stopped.kind !== 'rest') throw new Error('expected a REST error entry');
    for (const state of ['Starting', 'Stopping', 'Updating']) {
      const busy: RealAzure = { ...stopped, error: { ...stopped.error, message: stopped.error.message.replace("'Stopped'", `'${state}'`) } };
      const c = azureOf(busy);
      expect(c, state).toMatchObject({ classId: 'azure.mysql-busy', repair: null, facts: { state, name: 'test53' } });
      expect(c.remediation).toMatch(/is busy .*not stopped: starting it now would fail/);
    }
  });

  it("purging a purge-protected vault (MethodNotAllowed 'DeletedVaultPurge'), and the older soft-deleted wording", () => {
    for (const e of azureFamily((x) => /DeletedVaultPurge|purge protection is enabled/.test(text(x)), 4)) {
      const c = azureOf(e);
      expectClass(c, 'azure.keyvault-purge-protected', {}, e.source);
      expect(c.repair).toBeNull();
    }
    for (const e of azureFamily((x) => /Exist soft deleted vault with the same name/.test(text(x)))) expectClass(azureOf(e), 'azure.keyvault-soft-deleted', {}, e.source);
  });

  it('ProvisioningDisabled and RequestDisallowedByAzure: the region, not a policy of the user', () => {
    for (const e of azureFamily((x) => armCode(x) === 'ProvisioningDisabled')) expectClass(azureOf(e), 'azure.provisioning-disabled', {}, e.source);
    for (const e of azureFamily((x) => armCode(x) === 'RequestDisallowedByAzure', 2)) {
      const c = azureOf(e);
      expectClass(c, 'azure.region-disallowed', e.facts, e.source);
      expect(c.classId).not.toBe('azure.policy-disallowed');
    }
  });

  it('SubscriptionIsOverQuotaForSku nested inside InvalidTemplateDeployment is a quota, not a template error', () => {
    const nested = azureFamily((x) => armCode(x) === 'InvalidTemplateDeployment' && /SubscriptionIsOverQuotaForSku/.test(text(x)), 3);
    for (const e of nested) {
      const c = azureOf(e);
      expectClass(c, 'azure.quota-exceeded', e.facts, e.source);
      // The inner error's own words, never the wrapper's "not valid according to the validation procedure".
      expect(detectedText(c)).toMatch(/^quota exceeded — .*quota/i);
      expect(detectedText(c)).not.toMatch(/validation procedure|InvalidTemplateDeployment/);
    }
  });

  it("Container Instances quota with Limit: '0' asks for a quota request, not another region", () => {
    const used = azureFamily((x) => /container group quota 'StandardCores' exceeded in region 'eastus'\. Limit: '10'/.test(text(x)))[0]!;
    const c10 = azureOf(used);
    expect(c10).toMatchObject({ classId: 'azure.quota-exceeded', facts: { limit: '10', location: 'eastus' } });
    expect(c10.remediation).toMatch(/or deploy to another region/);
    // MicrosoftDocs/azure-docs#51738's wording for a subscription that has no ACI quota at all.
    if (used.kind !== 'failure') throw new Error('expected a failure entry');
    const zero = classify({ ...used.failure, message: used.failure.message.replace("Limit: '10', Usage: '10'", "Limit: '0', Usage: '0'") });
    expect(zero).toMatchObject({ classId: 'azure.quota-exceeded', facts: { limit: '0', location: 'eastus' } });
    expect(zero.remediation).toMatch(/Request a quota increase/);
    expect(zero.remediation).toMatch(/another region is usually limited the same way/);
    expect(zero.remediation).not.toMatch(/deploy to another region/);
  });

  it('NoRegisteredProviderFound for an API version or location the provider does not offer: registering cannot fix it', () => {
    for (const e of azureFamily((x) => armCode(x) === 'NoRegisteredProviderFound', 3)) {
      const c = azureOf(e);
      expectClass(c, 'azure.api-version-unsupported', e.facts, e.source);
      expect(c.repair).toBeNull();
      expect(c.remediation).toMatch(/registering again cannot help/);
    }
  });

  it('InaccessibleImage, alone and inside DeploymentFailed', () => {
    const entries = azureFamily((x) => /InaccessibleImage|is not accessible\. Please check the image and registry credential/.test(text(x)), 5);
    expect(entries.some((e) => armCode(e) === 'DeploymentFailed')).toBe(true);
    for (const e of entries) expectClass(azureOf(e), 'azure.image-inaccessible', e.facts, e.source);
  });

  it("@azure/identity's AuthenticationError and AggregateAuthenticationError", () => {
    for (const e of azureFamily((x) => armCode(x) === 'AuthenticationError', 2)) expectClass(azureOf(e), 'azure.credential-rejected', {}, e.source);
    const aggregate = azureFamily((x) => armCode(x) === 'AggregateAuthenticationError', 3);
    for (const e of aggregate) expect(['azure.auth-missing', 'azure.cli-missing'], e.source).toContain(azureOf(e).classId);
  });

  it('the Azure CLI not installed: the sign-in repair cannot be `az login`, it offers a device code', () => {
    for (const e of azureFamily((x) => /Azure CLI could not be found/.test(text(x)), 2)) {
      const c = azureOf(e);
      expectClass(c, 'azure.cli-missing', {}, e.source);
      expect(c.remediation).toMatch(/`az login` is not available here\. On a terminal gh-devlake signs you in with a device code/);
    }
  });
});

describe('inner ARM codes on the Detected line', () => {
  it('the innermost meaningful code (SkuNotAvailable inside DeploymentFailed → Conflict), not the wrapper', () => {
    const e = azureFamily((x) => x.source.endsWith('michaelsrichter/70534ExamPrep/issues/3'))[0]!;
    const c = azureOf(e);
    expectClass(c, 'azure.sku-not-available', { detailCode: 'SkuNotAvailable', location: 'westus' }, e.source);
    expect(detectedText(c)).toMatch(/^SKU not available in the region — SkuNotAvailable: The requested size for resource /);
  });

  it("four wrappers deep, 'terminal provisioning state' never shown: even an unknown class names the inner code", () => {
    const e = azureFamily((x) => x.source.endsWith('azure-quickstart-templates/issues/7302'))[0]!;
    const c = azureOf(e);
    expect(c.classId).toBe('unknown');
    expect(detectedText(c)).toBe(
      'unrecognised failure — SqlSkuMismatchWithGroup: SQL sku set on the SQL virtual machine group does not match that of the SQL virtual machine.',
    );
    for (const x of azure) expect(detectedText(azureOf(x)), x.source).not.toMatch(/terminal provisioning state/);
  });
});
