// DevLake's real start-up and migration, end to end on the real engine with the release compose
// file unchanged: the test backend (test/images/devlake) behaves as apache/incubator-devlake
// v1.0.1 `backend/server/api/api.go` and `backend/server/services/init.go` do. The knobs reach it
// through the deployment's .env (env_file), as a user's settings would. The CLI may say the stack
// is healthy only once a route behind the 428 middleware (GET /plugins) stops answering 428.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, type CliResult } from '../../helpers/cli.js';
import { buildTestImages, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { releaseFileText, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { composeContainers, docker, makeTestDir, type TestDir } from './support.js';

/** A later release with migration scripts of its own (the volume then has pending scripts). */
const UPGRADE_VERSION = 'v1.0.2-migration-test';
const BACKEND = 'http://127.0.0.1:8080';

let server: ReleaseServer;
const dirs: TestDir[] = [];

async function testDir(slug: string): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  return t;
}

/** The release's env.example with the test backend's knobs appended (they end up in .env). */
async function withKnobs(knobs: Record<string, string>): Promise<void> {
  const base = await releaseFileText('env.example');
  const lines = Object.entries(knobs).map(([k, v]) => `${k}=${v}`);
  server.configure({ override: { 'env.example': `${base}\n# test backend knobs (test/images/devlake/entrypoint.sh)\n${lines.join('\n')}\n` } });
}

async function gatedStatus(): Promise<number> {
  const res = await fetch(`${BACKEND}/plugins`, { signal: AbortSignal.timeout(5_000) });
  await res.text();
  return res.status;
}

async function container(project: string, service: string): Promise<Awaited<ReturnType<typeof composeContainers>>[number]> {
  const c = (await composeContainers(project)).find((x) => x.Labels['com.docker.compose.service'] === service);
  if (!c) throw new Error(`no ${service} container in ${project}`);
  return c;
}

/** The backend's own log of the requests it answered (handler.sh writes `GET /path -> status`). */
async function backendRequests(project: string, route: string): Promise<string[]> {
  const logs = (await docker.getContainer((await container(project, 'devlake')).Id).logs({ stdout: true, stderr: true })).toString('latin1');
  return logs.split('\n').filter((l) => l.includes(`GET ${route} -> `));
}

interface DeployDoc {
  outcome: string;
  migration: { how: string; durationMs: number } | null;
  failure?: { classId: string; message: string; remediation: string };
}

function json(r: CliResult): DeployDoc {
  return JSON.parse(r.stdout) as DeployDoc;
}

beforeAll(async () => {
  await buildTestImages({ docker, versions: [UPGRADE_VERSION] });
  server = await startReleaseServer({ versions: [TEST_RELEASE_VERSION, UPGRADE_VERSION], latest: TEST_RELEASE_VERSION });
});

afterAll(async () => {
  for (const t of dirs) await t.cleanup();
  await server?.close();
});

describe('fresh install, then an upgrade over the same volume', () => {
  let t: TestDir;
  // The stack publishes the well-known ports: it goes before the next describe's deploys.
  afterAll(async () => t?.cleanup());

  it('fresh install: triggers the migration once and waits past any single request timeout (> 10 s) until /plugins stops answering 428', async () => {
    t = await testDir('migrate-fresh');
    await withKnobs({ MIGRATION_SECONDS: '11' });
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '90'], { cwd: t.root, env: server.env });
    expect(r.code, r.stderr).toBe(0);
    // Healthy is said only now: the gated route answers.
    expect(await gatedStatus()).toBe(200);
    expect(r.stdout).toContain('DevLake is deployed.');
    expect(r.stdout).toMatch(/Migration: {2}done in 1[1-9] s \(started with \/proceed-db-migration\)/);
    expect(r.stderr).toContain('Triggering the database migration (GET /proceed-db-migration)');
    expect(r.stderr).toMatch(/Migration running… 1\d s of \d+ s/);
    // One trigger, answered after the whole migration; the gate was polled meanwhile.
    const triggers = await backendRequests(t.project, '/proceed-db-migration');
    expect(triggers).toEqual([expect.stringContaining('-> 200')]);
    expect((await backendRequests(t.project, '/plugins')).filter((l) => l.includes('-> 428')).length).toBeGreaterThan(5);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { status: string };
    expect(state.status).toBe('complete');
  });

  it('a re-deploy of the same tag finds nothing pending and triggers nothing', async () => {
    await withKnobs({ MIGRATION_SECONDS: '11' });
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60', '--json'], { cwd: t.root, env: server.env });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ outcome: 'ok', migration: { how: 'not-needed', durationMs: 0 } });
    expect(await gatedStatus()).toBe(200);
  });

  it('upgrade: a new tag over the existing volume has pending scripts, triggered and awaited', async () => {
    await withKnobs({ MIGRATION_SECONDS: '3' });
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', UPGRADE_VERSION, '--timeout', '60', '--json'], { cwd: t.root, env: server.env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r);
    expect(doc).toMatchObject({ outcome: 'ok', migration: { how: 'triggered' } });
    expect(doc.migration!.durationMs).toBeGreaterThanOrEqual(2_500);
    expect((await container(t.project, 'devlake')).Image).toContain(UPGRADE_VERSION);
    expect(await gatedStatus()).toBe(200);
    expect(await backendRequests(t.project, '/proceed-db-migration')).toEqual([expect.stringContaining('-> 200')]);
  });

  it('start while MySQL is not reachable yet: the backend crash-loops (restart: always), the wait counts the restarts and ends healthy', async () => {
    const mysql = docker.getContainer((await container(t.project, 'mysql')).Id);
    // The MySQL stand-in reads its start-up time from its data volume (test/images/mysql/entrypoint.sh).
    const exec = await mysql.exec({ Cmd: ['sh', '-c', 'echo 4 > /var/lib/mysql/gdl-test-startup-seconds'] });
    await exec.start({ Detach: false, hijack: true }).then((s) => new Promise((resolve) => (s.on('end', resolve), s.resume())));
    expect((await runCli(['stop', '--dir', t.dir], { cwd: t.root })).code).toBe(0);
    const r = await runCli(['start', '--dir', t.dir, '--timeout', '60'], { cwd: t.root, env: server.env });
    expect(r.code, r.stderr).toBe(0);
    const restarts = (await docker.getContainer((await container(t.project, 'devlake')).Id).inspect()).RestartCount;
    expect(restarts).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/Waiting for the backend… \d+ s of 60 s \(ECONNREFUSED; the backend container restarted \d+ times?\)/);
    expect(await gatedStatus()).toBe(200);
    const logs = (await docker.getContainer((await container(t.project, 'devlake')).Id).logs({ stdout: true, stderr: true })).toString('latin1');
    expect(logs).toContain('panic: dial tcp');
    await (await mysql.exec({ Cmd: ['rm', '-f', '/var/lib/mysql/gdl-test-startup-seconds'] })).start({ Detach: true });
    expect((await runCli(['cleanup', '--local', '--dir', t.dir, '--force'], { cwd: t.root })).code).toBe(0);
  });
});

describe('FORCE_MIGRATION and the deadline', () => {
  afterEach(async () => dirs.at(-1)?.cleanup());
  it('FORCE_MIGRATION=true: the scripts run before the backend listens; nothing is triggered', async () => {
    const t = await testDir('migrate-force');
    await withKnobs({ MIGRATION_SECONDS: '5', FORCE_MIGRATION: 'true' });
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60', '--json'], { cwd: t.root, env: server.env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r);
    expect(doc).toMatchObject({ outcome: 'ok', migration: { how: 'at-start-up' } });
    // The wait for /ping covered the 5 s of scripts, less the moment before the wait began (up to a few s on a busy machine).
    expect(doc.migration!.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(await gatedStatus()).toBe(200);
    expect(await backendRequests(t.project, '/proceed-db-migration')).toEqual([]);
    expect((await runCli(['cleanup', '--local', '--dir', t.dir, '--force'], { cwd: t.root })).code).toBe(0);
  });

  it('the deadline passes mid-migration: a clear message, state incomplete, exit 1, nothing torn down', async () => {
    const t = await testDir('migrate-deadline');
    await withKnobs({ MIGRATION_SECONDS: '120' });
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '6'], { cwd: t.root, env: server.env });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).not.toMatch(/healthy/);
    expect(r.stdout).toMatch(/^Outcome: +failed — database migration timed out: the database migration did not finish within \d+ s: http:\/\/localhost:8080\/plugins still answers 428 Precondition Required; DevLake goes on migrating\./m);
    expect(r.stdout).toContain('gh-devlake start --dir');
    // One trigger: the request that ran out of time with the deadline is not repeated.
    expect(await backendRequests(t.project, '/proceed-db-migration')).toEqual([]);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { status: string; history: { classId: string }[] };
    expect(state.status).toBe('incomplete');
    expect(state.history.map((h) => h.classId)).toEqual(['local.migration-timeout']);
    // Nothing torn down: every container still runs, and DevLake is still migrating.
    const containers = await composeContainers(t.project);
    expect(containers.map((c) => c.State)).toEqual(['running', 'running', 'running', 'running']);
    expect(await gatedStatus()).toBe(428);
    // status says so.
    const status = await runCli(['status', '--dir', t.dir], { cwd: t.root });
    expect(status.stdout).toMatch(/Backend: {3}http:\/\/localhost:8080 {2}migrating/);
    const doc = JSON.parse((await runCli(['status', '--dir', t.dir, '--json'], { cwd: t.root })).stdout) as { endpoints: { name: string; state: string }[] };
    expect(doc.endpoints.find((e) => e.name === 'backend')).toMatchObject({ state: 'migrating', healthy: false, status: 428 });
    expect((await runCli(['cleanup', '--local', '--dir', t.dir, '--force'], { cwd: t.root })).code).toBe(0);
  });
});
