// Faults in the middle of a deploy end in a known state: a dead or dying Docker engine, a port
// taken between the repair's probe and the retry, a full or read-only disk while the state file is
// written, a backend that never answers. Rows of docs/reliability.md ("Faults").

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { holdPort, type HeldPort } from '../../helpers/hold-port.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { makeTestDir, reportLines, type TestDir } from '../cli/support.js';
import { startDockerProxy, type DockerProxy } from './docker-proxy.js';
import { canMountTmpfs, fillFilesystem, hasStackTrace, mountTmpfs, spawnCli, tinyCompose, waitPortsFree, type FakeBackend, type Mount } from './support.js';

const MOUNT = await canMountTmpfs();
// CI runs as root and can mount: there these rows must run, never be skipped.
if (!MOUNT && process.env.CI === 'true') throw new Error('cannot mount a tmpfs under CI=true: the tmpfs rows of docs/reliability.md would not run');

let server: ReleaseServer;
const dirs: TestDir[] = [];
const proxies: DockerProxy[] = [];
const mounts: Mount[] = [];
const held: HeldPort[] = [];
const killers: (() => void)[] = [];
const backends: FakeBackend[] = [];

async function testDir(slug: string): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  return t;
}

async function proxy(opts: Parameters<typeof startDockerProxy>[0]): Promise<DockerProxy> {
  const p = await startDockerProxy(opts);
  proxies.push(p);
  return p;
}

const previousState = {
  schemaVersion: 1,
  deployedAt: '2024-05-01T10:00:00.000Z',
  method: 'local',
  endpoints: { backend: 'http://localhost:8080', grafana: 'http://localhost:3002', configUi: 'http://localhost:4000' },
  bundle: 'default',
  source: 'custom',
  composeFile: 'docker-compose.yml',
  status: 'complete',
};

beforeAll(async () => {
  server = await startReleaseServer();
});

afterEach(async () => {
  for (const k of killers.splice(0)) k();
  await Promise.all(held.splice(0).map((h) => h.release()));
  await Promise.all(backends.splice(0).map((b) => b.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  for (const m of mounts.splice(0)) await m.unmount();
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
});

afterAll(async () => {
  await server.close();
});

describe('the Docker engine goes away', () => {
  it('fault: Docker engine unreachable', async () => {
    const p = await proxy({ dead: true });
    const t = await testDir('fault-nodocker');
    await mkdir(t.dir, { recursive: true });
    await writeFile(path.join(t.dir, 'docker-compose.yml'), tinyCompose());
    const r = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '30'], { cwd: t.root, env: { DOCKER_HOST: p.dockerHost }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(reportLines(r.stdout)[0]).toMatch(/^Detected: Docker engine not running — /);
    expect(r.stdout).toMatch(/^Outcome: {2}failed — .*Next: The Docker engine is not reachable.*Start Docker Desktop or the daemon/m);
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
    // No retry storm: the first refused request ends the run.
    expect(p.connections).toBeGreaterThan(0);
    expect(p.connections).toBeLessThanOrEqual(3);
    // Nothing started, so nothing recorded.
    expect(await readdir(t.dir)).toEqual(['docker-compose.yml']);
  });

  it('fault: Docker engine dies in the middle of up', async () => {
    let starts = 0;
    const p = await proxy({ rule: (req) => (req.method === 'POST' && /\/containers\/[^/]+\/start/.test(req.path) && ++starts === 2 ? 'die' : 'forward') });
    const t = await testDir('fault-diesmidup');
    await mkdir(t.dir, { recursive: true });
    await writeFile(path.join(t.dir, 'docker-compose.yml'), tinyCompose());
    const r = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '30', '--json'], { cwd: t.root, env: { DOCKER_HOST: p.dockerHost }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(p.dead).toBe(true);
    const doc = JSON.parse(r.stdout) as { outcome: string; failure: { classId: string; remediation: string }; recovery: { attempts: number; repair: null } };
    expect(doc.outcome).toBe('failed');
    expect(doc.failure.classId).toBe('local.docker-unavailable');
    expect(doc.failure.remediation).toMatch(/The Docker engine is not reachable/);
    expect(doc.recovery).toMatchObject({ attempts: 1, repair: null });
    // Bounded: what was in flight when it died, and nothing after.
    expect(p.connectionsAfterDeath).toBeLessThanOrEqual(2);
    // The state file is whole and says the deploy did not finish.
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { status: string; history: { classId: string }[] };
    expect(state.status).toBe('incomplete');
    expect(state.history.map((h) => h.classId)).toEqual(['local.docker-unavailable']);
    expect((await readdir(t.dir)).filter((f) => f.endsWith('.tmp') || f === '.devlake.lock')).toEqual([]);
  });
});

/** A holder that binds `port` the moment it is told to (stdin "go"), so the test can time it to the millisecond. */
function armedHolder(port: number): { fire: () => Promise<void>; pid: number; kill: () => void } {
  const code = `
const net = require('node:net');
process.stdin.once('data', () => {
  const s = net.createServer((c) => c.destroy());
  s.on('error', (e) => { process.stdout.write('ERROR ' + e.code + '\\n'); process.exit(2); });
  s.listen({ port: ${port}, host: '0.0.0.0', exclusive: true }, () => process.stdout.write('LISTENING\\n'));
});
process.stdin.on('end', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('LISTENING')) resolve();
      if (out.includes('ERROR')) reject(new Error(`armed holder could not bind ${port}: ${out}`));
    });
    child.once('exit', () => reject(new Error(`armed holder exited: ${out}`)));
  });
  listening.catch(() => undefined);
  return {
    pid: child.pid ?? 0,
    fire: async () => {
      child.stdin.write('go\n');
      await listening;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe('the race between the probe and the retry', () => {
  it('fault: alternate port taken between the probe and the retry', async () => {
    await waitPortsFree([8080, 3002, 4000, 3306, 8085, 3004, 4004]);
    held.push(await holdPort(8080));
    // 4004 (config UI, alternate bundle) is the last port the retry publishes: config-ui depends on devlake.
    const grabber = armedHolder(4004);
    killers.push(() => grabber.kill());
    const t = await testDir('fault-race');
    const run = spawnCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t.root, env: server.env });
    // The repair has probed 4004 (free) and the retry is under way: now take it.
    await run.waitForOutput(/Starting the stack again on the alternate bundle/, 120_000);
    await grabber.fire();
    const { code } = await run.exited;
    expect(code, run.stderr).toBe(1);
    const lines = reportLines(run.stdout);
    expect(lines[0]).toMatch(/^Detected: port conflict — 8080 \(backend\) is in use by a host process/);
    expect(lines[1]).toBe('Repair:   switch to the alternate port bundle: backend 8085, grafana 3004, config UI 4004');
    expect(lines[2]).toBe('Retry 1/1: starting the stack again on the alternate bundle');
    // The retry's own failure is classified and reported; there is no second retry.
    expect(lines[3]).toMatch(/^Outcome: {2}failed — port conflict: .*4004.*Next: Host port 4004 \(config UI of the alternate bundle\)/);
    expect(lines).toHaveLength(4);
    expect(run.stdout.match(/Retry/g)).toHaveLength(1);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { status: string; history: { attempts: number; outcome: string; repair: string }[] };
    expect(state.status).toBe('incomplete');
    expect(state.history).toEqual([expect.objectContaining({ attempts: 2, outcome: 'failed', repair: 'local.alternate-bundle' })]);
  });
});

describe('the disk fails while the state file is written', () => {
  it.skipIf(!MOUNT)('fault: disk full while writing the state file', async () => {
    const t = await testDir('fault-diskfull');
    const m = await mountTmpfs(t.dir, 64);
    mounts.push(m);
    await writeFile(path.join(t.dir, 'docker-compose.yml'), tinyCompose());
    const previous = JSON.stringify(previousState, null, 2) + '\n';
    await writeFile(path.join(t.dir, '.devlake-local.json'), previous, { mode: 0o600 });
    // One page left: the lock file takes it, and the state file's temp copy finds none.
    await fillFilesystem(t.dir, 1);
    const r = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '30'], { cwd: t.root, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^error: cannot write ${t.dir}/\\.devlake-local\\.json: no space left on device \\(ENOSPC\\)\\. The previous \\.devlake-local\\.json is unchanged\\. Free space on that filesystem, then run the command again\\.$`, 'm'),
    );
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')).toBe(previous);
    expect((await readdir(t.dir)).filter((f) => f.endsWith('.tmp') || f === '.devlake.lock')).toEqual([]);
  });

  it.skipIf(!MOUNT)('fault: directory turns read-only before the state file is written', async () => {
    const t = await testDir('fault-readonly');
    const m = await mountTmpfs(t.dir, 1024);
    mounts.push(m);
    await writeFile(path.join(t.dir, 'docker-compose.yml'), tinyCompose());
    const previous = JSON.stringify(previousState, null, 2) + '\n';
    await writeFile(path.join(t.dir, '.devlake-local.json'), previous, { mode: 0o600 });
    // Hold the first container create; make the directory read-only meanwhile; let it go on.
    let held = false;
    const p = await proxy({ rule: (req) => (!held && req.method === 'POST' && req.path.includes('/containers/create') ? ((held = true), 'stall') : 'forward') });
    const run = spawnCli(['start', '--no-wait', '--dir', t.dir, '--timeout', '30'], { cwd: t.root, env: { DOCKER_HOST: p.dockerHost } });
    await p.waitForStall(60_000);
    m.remountReadOnly();
    p.releaseStalled();
    const { code } = await run.exited;
    expect(code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^error: cannot write ${t.dir}/\\.devlake-local\\.json: read-only file system \\(EROFS\\)\\. The previous \\.devlake-local\\.json is unchanged\\. The filesystem is read-only`, 'm'),
    );
    expect(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')).toBe(previous);
  });
});

describe('the backend never answers', () => {
  it('fault: health deadline reached', async () => {
    // The official flow with the test backend image, slower to start than --timeout. It publishes
    // 8080, where nothing listens inside the container yet (the engine's proxy accepts and drops
    // the connection): the deploy asks only what this project publishes (issue 18 case 5).
    const compose = [
      'services:',
      // The MySQL stand-in (not published): the backend needs it to start (services.Init).
      '  mysql:',
      `    image: ${IMAGES.mysql}`,
      '  devlake:',
      `    image: ${IMAGES.backend()}`,
      // As in the release file: DevLake panics if it starts before MySQL listens, and comes back.
      '    restart: always',
      '    env_file: [./.env]',
      '    ports: ["8080:8080"]',
      '    environment:',
      '      START_DELAY_SECONDS: "600"',
      '    depends_on: [mysql]',
      '',
    ].join('\n');
    server.configure({ override: { 'docker-compose.yml': compose } });
    const t = await testDir('fault-health');
    try {
      const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '4', '--json'], { cwd: t.root, env: server.env, timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(1);
      const doc = JSON.parse(r.stdout) as { failure: { classId: string; message: string; remediation: string } };
      expect(doc.failure.classId).toBe('local.health-timeout');
      expect(doc.failure.message).toMatch(/Waiting for the backend: http:\/\/localhost:8080\/ping did not become ready within 4 s \(last: [^)]+\)/);
      // The container states, as the engine reports them…
      expect(doc.failure.remediation).toMatch(/Containers: devlake running \(Up [^)]*\), mysql running \(Up [^)]*\)\./);
      // …and the backend's last log lines, through the Engine API.
      expect(doc.failure.remediation).toMatch(/Last \d+ log line\(s\) of devlake:\n(?: {4}.*\n)* {4}test devlake v1\.0\.1: starting \(Init takes 600s\)$/);
      const text = await runCli(['status', '--dir', t.dir, '--json'], { cwd: t.root });
      const status = JSON.parse(text.stdout) as { deployment: { status: string }; history: { classId: string }[] };
      expect(status.deployment.status).toBe('incomplete');
      expect(status.history.map((h) => h.classId)).toEqual(['local.health-timeout']);
    } finally {
      server.configure({ override: {} });
    }
  });
});
