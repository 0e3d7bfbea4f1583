// The release download's network, end to end through the real CLI: a real forward proxy
// (tinyproxy, test/helpers/forward-proxy.ts) on loopback tunnelling HTTPS with CONNECT to an HTTPS
// release server, NO_PROXY, a proxy that refuses, no network at all, and GitHub's rate limit.
// Nothing here leaves the machine: names end in `.invalid` (RFC 6761: never resolvable) or are
// loopback addresses; every proxy is ours, on 127.0.0.1.
// Each failing deploy ends with one report (Detected / Repair / Outcome), exit 1, nothing written.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from '../../../src/io/exit-codes.js';
import { runCli, type CliResult } from '../../helpers/cli.js';
import { startForwardProxy, type ForwardProxy } from '../../helpers/forward-proxy.js';
import { freePort } from '../../helpers/free-port.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { LATEST_RELEASE_PATH, releaseFileText, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { testCerts } from '../../fake-arm/certs.js';
import { hasStackTrace } from '../reliability/support.js';
import { composeContainers, makeTestDir, reportLines, type TestDir } from './support.js';

let tlsServer: ReleaseServer;
let caDir: string;
let caFile: string;
const proxies: ForwardProxy[] = [];
const dirs: TestDir[] = [];

beforeAll(async () => {
  const certs = testCerts();
  tlsServer = await startReleaseServer({ tls: { cert: certs.cert, key: certs.key }, latest: TEST_RELEASE_VERSION });
  caDir = await mkdtemp(path.join(os.tmpdir(), 'gdl-net-ca-'));
  caFile = path.join(caDir, 'ca.pem');
  // The CLI trusts the test CA as a user trusts a corporate one (the remediation of local.release-tls).
  await writeFile(caFile, certs.ca);
});

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
  tlsServer.configure({ rateLimited: false });
  tlsServer.requests.length = 0;
});

afterAll(async () => {
  await tlsServer.close();
  await rm(caDir, { recursive: true, force: true });
});

async function testDir(slug: string): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  return t;
}

async function proxy(opts: Parameters<typeof startForwardProxy>[0] = {}): Promise<ForwardProxy> {
  const p = await startForwardProxy(opts);
  proxies.push(p);
  return p;
}

const serverPort = (): number => Number(new URL(tlsServer.baseUrl).port);
const connectLine = (): string => `CONNECT 127.0.0.1:${serverPort()} HTTP/1.1`;

function deploy(t: TestDir, env: Record<string, string | undefined>, extra: string[] = []): Promise<CliResult> {
  return runCli(['deploy', 'local', '--dir', t.dir, '--timeout', '90', ...extra], { cwd: t.root, env: { NODE_EXTRA_CA_CERTS: caFile, ...env }, timeoutMs: 150_000 });
}

/** One precise end: exactly the three report lines, exit 1, no stack trace, no directory left behind. */
async function expectOneReport(t: TestDir, r: CliResult, detected: RegExp, next: RegExp): Promise<void> {
  expect(r.code, r.stdout + r.stderr).toBe(EXIT.failed);
  const lines = reportLines(r.stdout);
  expect(lines.map((l) => l.split(':')[0]), r.stdout).toEqual(['Detected', 'Repair', 'Outcome']);
  expect(lines[0]).toMatch(detected);
  expect(lines[1]).toBe('Repair:   none — no automatic repair for this failure');
  expect(lines[2]).toMatch(next);
  // Nothing of the advice masked by the output redactor.
  expect(lines.join('\n')).not.toContain('***');
  expect(r.stdout).not.toMatch(/unrecognised failure/);
  expect(hasStackTrace(r.stdout + r.stderr), r.stderr).toBe(false);
  expect(r.stderr).not.toMatch(/^error:/m);
  await expect(stat(t.dir)).rejects.toThrow(/ENOENT/);
}

describe('a deploy behind a forward proxy (tinyproxy, HTTPS through CONNECT)', () => {
  it('a proxied deploy: the API call and both release files go through HTTPS_PROXY, and DevLake is deployed', async () => {
    // As an enterprise proxy: CONNECT only to the one port the release host listens on.
    const p = await proxy({ connectPorts: [serverPort()] });
    const t = await testDir('net-proxied');
    const r = await deploy(t, { ...tlsServer.env, HTTPS_PROXY: p.url });
    expect(r.code, r.stdout + r.stderr).toBe(EXIT.ok);
    expect(r.stdout).toContain('DevLake is deployed.');
    expect(reportLines(r.stdout)).toEqual([]);
    // Every request reached the server through the proxy's tunnel, none beside it.
    expect(p.requests().length).toBeGreaterThanOrEqual(1);
    expect(new Set(p.requests())).toEqual(new Set([connectLine()]));
    expect(tlsServer.requests).toEqual(expect.arrayContaining([LATEST_RELEASE_PATH, `/${TEST_RELEASE_VERSION}/docker-compose.yml`, `/${TEST_RELEASE_VERSION}/env.example`]));
    expect(await readFile(path.join(t.dir, 'docker-compose.yml'), 'utf8')).toBe(await releaseFileText('docker-compose.yml'));
    expect((await composeContainers(t.project)).every((c) => c.State === 'running')).toBe(true);
  });

  it('NO_PROXY: a listed host is fetched directly, the proxy never sees it (lower-case spellings too)', async () => {
    // A proxy that would refuse this port: the download succeeds only by bypassing it.
    const p = await proxy({ connectPorts: [443] });
    for (const env of [
      { HTTPS_PROXY: p.url, NO_PROXY: '127.0.0.1' },
      { https_proxy: p.url, no_proxy: 'localhost,127.0.0.1' },
    ]) {
      const t = await testDir('net-noproxy');
      const r = await deploy(t, { ...tlsServer.env, ...env }, ['--start=false']);
      expect(r.code, r.stdout + r.stderr).toBe(EXIT.ok);
      expect(r.stdout).toMatch(/^Prepared .* for DevLake v1\.0\.1\./m);
      expect(await readFile(path.join(t.dir, 'env.example'), 'utf8')).toBe(await releaseFileText('env.example'));
    }
    expect(p.requests()).toEqual([]);
  });

  it('the proxy refuses the tunnel (403): one precise message naming the proxy, exit 1', async () => {
    const p = await proxy({ connectPorts: [443] });
    const t = await testDir('net-proxy-403');
    const r = await deploy(t, { ...tlsServer.env, HTTPS_PROXY: p.url });
    expect(p.requests()).toContain(connectLine());
    await expectOneReport(
      t,
      r,
      new RegExp(`^Detected: release host or proxy not reachable — cannot fetch https://127\\.0\\.0\\.1:${serverPort()}/repos/apache/incubator-devlake/releases/latest: the proxy refused to connect to 127\\.0\\.0\\.1:${serverPort()} \\(proxy answered HTTP 403\\)$`),
      /^Outcome: {2}failed — .*Next: The proxy \(HTTPS_PROXY\/HTTP_PROXY\) refused .*Add the release host to NO_PROXY/,
    );
    expect(tlsServer.requests).toEqual([]);
  });

  it('the proxy wants credentials (407): one precise message; with them in the URL the download goes through', async () => {
    const p = await proxy({ connectPorts: [serverPort()], basicAuth: { user: 'devlake', password: 's3cret-proxy-pw' } });
    const t = await testDir('net-proxy-407');
    const r = await deploy(t, { ...tlsServer.env, HTTPS_PROXY: p.url });
    await expectOneReport(t, r, /^Detected: release host or proxy not reachable — .*\(proxy answered HTTP 407\)$/, /407 means it asks for a login: put the user name and password in the proxy URL, as `user:password@` before its host/);

    const withAuth = p.url.replace('http://', 'http://devlake:s3cret-proxy-pw@');
    const t2 = await testDir('net-proxy-auth');
    const ok = await deploy(t2, { ...tlsServer.env, HTTPS_PROXY: withAuth }, ['--start=false']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(EXIT.ok);
    expect(ok.stdout + ok.stderr).not.toContain('s3cret-proxy-pw');
    expect(tlsServer.requests).toEqual(expect.arrayContaining([`/${TEST_RELEASE_VERSION}/docker-compose.yml`]));
  });

  it('no proxy listening at HTTPS_PROXY: the message names the proxy and the variable, not the release host', async () => {
    const closed = await freePort();
    const t = await testDir('net-proxy-down');
    const r = await deploy(t, { ...tlsServer.env, HTTPS_PROXY: `http://someone:pw@127.0.0.1:${closed}` });
    await expectOneReport(
      t,
      r,
      new RegExp(`^Detected: proxy not reachable — cannot fetch \\S+: cannot connect to the proxy http://127\\.0\\.0\\.1:${closed} \\(HTTPS_PROXY\\): connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}$`),
      new RegExp(`Next: The proxy http://127\\.0\\.0\\.1:${closed} does not accept connections`),
    );
    expect(r.stdout).not.toContain('someone:pw');
  });

  it("a TLS-inspecting proxy's CA not trusted: one precise message pointing at NODE_EXTRA_CA_CERTS", async () => {
    const p = await proxy({ connectPorts: [serverPort()] });
    const t = await testDir('net-proxy-ca');
    const r = await deploy(t, { ...tlsServer.env, HTTPS_PROXY: p.url, NODE_EXTRA_CA_CERTS: undefined });
    await expectOneReport(t, r, /^Detected: TLS certificate of the release host not trusted — /, /NODE_EXTRA_CA_CERTS=\/path\/to\/corporate-ca\.pem/);
  });
});

describe('an offline deploy (nothing resolvable, nothing listening)', () => {
  it('no DNS: one precise message, how to deploy offline, exit 1', async () => {
    const t = await testDir('net-offline');
    // `.invalid` never resolves (RFC 6761 §6.4): what a machine without network or DNS meets.
    const r = await deploy(t, { DEVLAKE_GITHUB_API_URL: 'https://api.github.invalid', DEVLAKE_RELEASE_BASE_URL: 'https://github.invalid/apache/incubator-devlake/releases/download' });
    await expectOneReport(
      t,
      r,
      /^Detected: no network: cannot resolve the release host — cannot fetch https:\/\/api\.github\.invalid\/repos\/apache\/incubator-devlake\/releases\/latest: getaddrinfo (?:ENOTFOUND|EAI_AGAIN) api\.github\.invalid$/,
      /Next: gh-devlake could not resolve api\.github\.invalid: this machine has no network or no DNS\. .*pass `--version vX\.Y\.Z` \(no API call is made then\)/,
    );
  });

  it('nothing listening at the release host: one precise message, exit 1', async () => {
    const closed = await freePort();
    const t = await testDir('net-refused');
    const r = await deploy(t, { DEVLAKE_RELEASE_BASE_URL: `http://127.0.0.1:${closed}` }, ['--version', TEST_RELEASE_VERSION]);
    await expectOneReport(
      t,
      r,
      new RegExp(`^Detected: release host or proxy not reachable — cannot fetch http://127\\.0\\.0\\.1:${closed}/v1\\.0\\.1/(?:docker-compose\\.yml|env\\.example): connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}$`),
      /Next: The connection to 127\.0\.0\.1 .*was refused, reset or timed out/,
    );
  });
});

describe("a rate-limited deploy (GitHub's 403 with x-ratelimit-remaining: 0)", () => {
  it('unauthenticated: one precise message saying when it resets and how a token lifts it, exit 1', async () => {
    tlsServer.configure({ rateLimited: true });
    const t = await testDir('net-ratelimit');
    const r = await deploy(t, tlsServer.env);
    await expectOneReport(
      t,
      r,
      /^Detected: GitHub's rate limit reached — https:\/\/127\.0\.0\.1:\d+\/repos\/apache\/incubator-devlake\/releases\/latest answered HTTP 403: GitHub's rate limit is used up \(x-ratelimit-remaining: 0; it resets at \d\d:\d\d UTC\), for unauthenticated requests from this address$/,
      /Next: GitHub's limit for unauthenticated requests \(60 an hour per address\) is used up\. Give gh-devlake a token in GH_TOKEN or GITHUB_TOKEN \(with the GitHub CLI, the output of `gh auth token`\)/,
    );
  });

  it('with GH_TOKEN: the token was sent (and is never printed), so the message says to wait or pin --version', async () => {
    tlsServer.configure({ rateLimited: true });
    const t = await testDir('net-ratelimit-token');
    const token = 'ghp_h15TestTokenNeverPrinted0123456789';
    const r = await deploy(t, { ...tlsServer.env, GH_TOKEN: token });
    await expectOneReport(t, r, /^Detected: GitHub's rate limit reached — .*answered HTTP 403: .*, with the token that was sent$/, /Next: GitHub's rate limit is used up even for the token gh-devlake sent/);
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('the remediation works: --version needs no API call, so the rate limit does not matter', async () => {
    tlsServer.configure({ rateLimited: true });
    const t = await testDir('net-ratelimit-pinned');
    const r = await deploy(t, tlsServer.env, ['--version', TEST_RELEASE_VERSION, '--start=false']);
    expect(r.code, r.stdout + r.stderr).toBe(EXIT.ok);
    expect(tlsServer.requests).not.toContain(LATEST_RELEASE_PATH);
  });
});
