// Deterministic recovery on the real engine: the four report lines, never a second retry.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { holdPort, type HeldPort } from '../../helpers/hold-port.js';
import { releaseFileText, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { composeContainers, makeTestDir, reportLines, type TestDir } from './support.js';

let server: ReleaseServer;
const held: HeldPort[] = [];
const dirs: TestDir[] = [];

/** How the holder appears in the report: its pid and /proc comm. */
async function who(h: HeldPort): Promise<string> {
  return `${h.pid}, ${(await readFile(`/proc/${h.pid}/comm`, 'utf8')).trim()}`;
}

async function hold(port: number, host = '0.0.0.0'): Promise<HeldPort> {
  const h = await holdPort(port, host);
  held.push(h);
  return h;
}

async function testDir(slug: string): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  return t;
}

function deploy(t: TestDir, extra: string[] = []) {
  return runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60', ...extra], { cwd: t.root, env: server.env });
}

beforeAll(async () => {
  server = await startReleaseServer();
});

afterEach(async () => {
  await Promise.all(held.splice(0).map((h) => h.release()));
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
});

afterAll(async () => {
  await server.close();
});

describe('port conflict on the default bundle (official)', () => {
  it('falls back once to the alternate bundle and prints the four lines', async () => {
    const h = await hold(8080);
    const t = await testDir('rec-8080');
    const r = await deploy(t);
    expect(r.code).toBe(0);
    expect(reportLines(r.stdout)).toEqual([
      `Detected: port conflict — 8080 (backend) is in use by a host process (pid ${await who(h)})`,
      'Repair:   switch to the alternate port bundle: backend 8085, grafana 3004, config UI 4004',
      'Retry 1/1: starting the stack again on the alternate bundle',
      'Outcome:  recovered — DevLake is healthy at http://localhost:8085',
    ]);
    // Container ports unchanged, host ports remapped.
    const devlake = (await composeContainers(t.project)).find((c) => c.Labels['com.docker.compose.service'] === 'devlake');
    expect(devlake?.Ports.filter((p) => p.PublicPort).map((p) => [p.PublicPort, p.PrivatePort])).toContainEqual([8085, 8080]);
    // The compose file on disk is the release's, untouched.
    expect(await readFile(path.join(t.dir, 'docker-compose.yml'), 'utf8')).toBe(await releaseFileText('docker-compose.yml'));
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as {
      bundle: string;
      endpoints: { backend: string };
      history: { classId: string; repair: string; attempts: number; outcome: string; facts: { port: number } }[];
    };
    expect(state.bundle).toBe('alternate');
    expect(state.endpoints.backend).toBe('http://localhost:8085');
    expect(state.history).toHaveLength(1);
    expect(state.history[0]).toMatchObject({ classId: 'local.port-conflict', repair: 'local.alternate-bundle', attempts: 2, outcome: 'recovered', facts: { port: 8080 } });

    // start re-applies the recorded bundle while 8080 is still held.
    expect((await runCli(['stop', '--dir', t.dir], { cwd: t.root })).code).toBe(0);
    const start = await runCli(['start', '--dir', t.dir, '--timeout', '60'], { cwd: t.root });
    expect(start.code).toBe(0);
    expect(reportLines(start.stdout)).toEqual([]);
    expect(start.stdout).toContain('http://localhost:8085');
  });

  it('--json carries the recovery record instead of the text lines', async () => {
    await hold(4000);
    const t = await testDir('rec-json');
    const r = await deploy(t, ['--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { outcome: string; bundle: string; recovery: { classId: string; repair: string; attempts: number; outcome: string } };
    expect(doc).toMatchObject({ outcome: 'recovered', bundle: 'alternate' });
    expect(doc.recovery).toMatchObject({ classId: 'local.port-conflict', repair: 'local.alternate-bundle', attempts: 2, outcome: 'recovered' });
  });

  it('does not retry when an alternate port is taken too, and names both holders', async () => {
    const a = await hold(3002);
    const b = await hold(3004);
    const t = await testDir('rec-both');
    const r = await deploy(t);
    expect(r.code).toBe(1);
    const lines = reportLines(r.stdout);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`Detected: port conflict — 3002 (grafana) is in use by a host process (pid ${await who(a)})`);
    expect(lines[1]).toContain('Repair:   none — the alternate bundle is busy too');
    expect(lines[1]).toContain(`3004 is in use by a host process (pid ${await who(b)})`);
    expect(lines[2]).toMatch(/^Outcome: {2}failed — /);
    expect(r.stdout).not.toContain('Retry');
  });

  it('repairs 3306 and a bundle port together in the one retry', async () => {
    await hold(3306, '127.0.0.1');
    await hold(8080);
    const t = await testDir('rec-mysql');
    const r = await deploy(t);
    expect(r.code).toBe(0);
    const lines = reportLines(r.stdout);
    expect(lines[0]).toMatch(/^Detected: MySQL port conflict — 3306 \(MySQL\) is in use by a host process/);
    expect(lines[1]).toBe(
      "Repair:   switch to the alternate port bundle: backend 8085, grafana 3004, config UI 4004; and start MySQL without publishing 3306 on the host (DevLake reaches it on the stack's own network)",
    );
    expect(lines[2]).toBe('Retry 1/1: starting the stack again on the alternate bundle without publishing MySQL');
    expect(lines[3]).toBe('Outcome:  recovered — DevLake is healthy at http://localhost:8085');
    const mysql = (await composeContainers(t.project)).find((c) => c.Labels['com.docker.compose.service'] === 'mysql');
    expect(mysql?.Ports.filter((p) => p.PublicPort)).toEqual([]);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { mysqlUnpublished: boolean; history: { alsoApplied?: string[] }[] };
    expect(state.mysqlUnpublished).toBe(true);
    expect(state.history[0]?.alsoApplied).toEqual(['local.alternate-bundle']);
  });
});

describe('a repair switched off', () => {
  it('--no-repair local.alternate-bundle: declines and says so, never retries; GH_DEVLAKE_NO_REPAIR does the same', async () => {
    const h = await hold(8080);
    const t = await testDir('rec-off');
    const r = await deploy(t, ['--no-repair', 'local.alternate-bundle']);
    expect(r.code).toBe(1);
    expect(reportLines(r.stdout)).toEqual([
      `Detected: port conflict — 8080 (backend) is in use by a host process (pid ${await who(h)})`,
      'Repair:   none — disabled by --no-repair local.alternate-bundle',
      expect.stringMatching(/^Outcome: {2}failed — port conflict: .*8080.*Next: /),
    ]);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { bundle: string; history: { repair: null; repairDeclined: string; attempts: number }[] };
    expect(state.bundle).toBe('default');
    expect(state.history[0]).toMatchObject({ repair: null, repairDeclined: 'disabled by --no-repair local.alternate-bundle', attempts: 1 });

    const env = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t.root, env: { ...server.env, GH_DEVLAKE_NO_REPAIR: 'local.alternate-bundle' } });
    expect(env.code).toBe(1);
    expect(reportLines(env.stdout)[1]).toBe('Repair:   none — disabled by --no-repair local.alternate-bundle');
  });
});

describe('custom deploys stay manual', () => {
  it('explains, never retries, never rewrites the ports', async () => {
    const h = await hold(8080);
    const t = await testDir('rec-custom');
    await mkdir(t.dir, { recursive: true });
    const compose = await releaseFileText('docker-compose.yml');
    await writeFile(path.join(t.dir, 'docker-compose.yml'), compose);
    await writeFile(path.join(t.dir, '.env'), 'ENCRYPTION_SECRET=ABC\n', { mode: 0o600 });
    const r = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '60'], { cwd: t.root });
    expect(r.code).toBe(1);
    expect(reportLines(r.stdout)).toEqual([
      `Detected: port conflict — 8080 (backend) is in use by a host process (pid ${await who(h)})`,
      'Repair:   none — custom deploys keep your ports; stop the holder or edit docker-compose.yml',
      expect.stringMatching(/^Outcome: {2}failed — port conflict: .*8080.*Next: /),
    ]);
    expect(await readFile(path.join(t.dir, 'docker-compose.yml'), 'utf8')).toBe(compose);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { status: string; history: { repair: null; repairDeclined: string; attempts: number }[] };
    expect(state.status).toBe('incomplete');
    expect(state.history[0]).toMatchObject({ repair: null, attempts: 1 });
  });

  it('names the container and the exact stop command when another stack holds the port', async () => {
    const other = await testDir('rec-holder');
    expect((await deploy(other)).code).toBe(0);
    // Publish the backend on whatever host port the other stack's backend took.
    const otherState = JSON.parse(await readFile(path.join(other.dir, '.devlake-local.json'), 'utf8')) as { endpoints: { backend: string } };
    const backendPort = new URL(otherState.endpoints.backend).port;
    const t = await testDir('rec-custom2');
    await mkdir(t.dir, { recursive: true });
    const compose = (await releaseFileText('docker-compose.yml'))
      .replace('127.0.0.1:3306:3306', '127.0.0.1:3307:3306')
      .replace('3002:3000', '3012:3000')
      .replace('4000:4000', '4010:4000')
      .replace('8080:8080', `${backendPort}:8080`);
    await writeFile(path.join(t.dir, 'docker-compose.yml'), compose);
    await writeFile(path.join(t.dir, '.env'), '', { mode: 0o600 });
    const r = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '60'], { cwd: t.root });
    expect(r.code).toBe(1);
    const [detected] = reportLines(r.stdout);
    expect(detected).toBe(
      `Detected: port conflict — ${backendPort} (backend) is in use by container ${other.project}-devlake-1 of compose project ${other.project} (${path.join(other.dir, 'docker-compose.yml')})`,
    );
    // The holder is another folder's gh-devlake deployment: the advice stops it with its own tool,
    // never removes it (issue 18 case 10).
    expect(r.stdout).toContain(`To stop the container that holds it: gh-devlake stop --dir ${other.dir}`);
    expect(r.stdout).not.toMatch(/\bdown\b|cleanup/);
  });
});
