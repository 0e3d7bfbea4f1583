// SIGINT/SIGTERM during a deploy, and two runs in one directory. An interrupt aborts the Engine or
// HTTP call in flight (the proxy sees the client hang up), stops the machine, leaves .env and the
// state file valid, says how to resume or clean up, and exits within 5 s with 130/143.
// Rows of docs/reliability.md ("Faults").

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from '../../../src/compose/envfile.js';
import { runCli } from '../../helpers/cli.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { composeContainers, makeTestDir, type TestDir } from '../cli/support.js';
import { startDockerProxy, type DockerProxy, type ProxyVerdict } from './docker-proxy.js';
import { fakeBackend, pollFor, snapshotDir, spawnCli, tinyCompose, type FakeBackend, type WatchedCli } from './support.js';

/**
 * The bound is 5 s. The CLI also has a 3 s watchdog (INTERRUPT_EXIT_MS) that exits anyway;
 * asserting well under it proves the in-flight calls were really aborted, not cut off by the watchdog.
 */
const EXIT_WITHIN_MS = 2_500;

let server: ReleaseServer;
const dirs: TestDir[] = [];
const proxies: DockerProxy[] = [];
const runs: WatchedCli[] = [];
const backends: FakeBackend[] = [];

async function testDir(slug: string, files: Record<string, string> = {}): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  await mkdir(t.dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(t.dir, name), text);
  return t;
}

/** A proxy that holds the first request `match` picks (and forwards everything else). */
async function holdFirst(match: (req: { method: string; path: string }) => boolean): Promise<DockerProxy> {
  let taken = false;
  const p = await startDockerProxy({
    rule: (req): ProxyVerdict => {
      if (!taken && match(req)) {
        taken = true;
        return 'stall';
      }
      return 'forward';
    },
  });
  proxies.push(p);
  return p;
}

function watch(args: string[], t: TestDir, env: Record<string, string | undefined> = {}): WatchedCli {
  const run = spawnCli(args, { cwd: t.root, env: { ...server.env, ...env } });
  runs.push(run);
  return run;
}

/** Send `sig`, and return the exit code and how long the exit took. */
async function interrupt(run: WatchedCli, sig: NodeJS.Signals): Promise<{ code: number; ms: number }> {
  const sent = Date.now();
  run.kill(sig);
  const { code, at } = await run.exited;
  return { code, ms: at - sent };
}

async function readState(t: TestDir): Promise<{ status?: string } | undefined> {
  const text = await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as { status?: string });
}

beforeAll(async () => {
  server = await startReleaseServer();
});

afterEach(async () => {
  for (const r of runs.splice(0)) r.kill('SIGKILL');
  await Promise.all(backends.splice(0).map((b) => b.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
  server.configure({ override: {} });
});

afterAll(async () => {
  await server.close();
});

describe('interrupted deploys', () => {
  it('fault: SIGINT while waiting for health', async () => {
    // The official flow (release download, generated .env) with a stack that publishes nothing;
    // the health poll goes to a backend stand-in on 8080 that never answers /ping.
    server.configure({ override: { 'docker-compose.yml': tinyCompose() } });
    const backend = await fakeBackend('hang');
    backends.push(backend);
    const t = await testDir('int-health');
    const run = watch(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '300'], t);
    await pollFor(() => (backend.requests.some((r) => r.path === '/ping') ? true : undefined), 'the first /ping', 120_000);
    const { code, ms } = await interrupt(run, 'SIGINT');
    expect(code, run.stderr).toBe(130);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    // The poll in flight was abandoned with the run.
    expect(backend.requests.filter((r) => r.path === '/ping').every((r) => r.abortedAt !== undefined)).toBe(true);
    const d = t.dir;
    expect(run.stderr).toContain(
      `Interrupted (SIGINT). The state file ${path.join(d, '.devlake-local.json')} says the deploy did not finish. Resume with \`gh-devlake deploy local --dir ${d} --version ${TEST_RELEASE_VERSION}\`, or remove everything with \`gh-devlake cleanup --local --dir ${d} --force\`.`,
    );
    expect((await readState(t))?.status).toBe('incomplete');
    const env = parseEnv(await readFile(path.join(d, '.env'), 'utf8'), { interpolate: false });
    expect(env.ENCRYPTION_SECRET).toMatch(/^[A-Z]{128}$/);
    await expect(stat(path.join(d, '.devlake.lock'))).rejects.toThrow(/ENOENT/);
    // And the advice works: cleanup removes what was started.
    expect((await runCli(['cleanup', '--local', '--force', '--dir', d], { cwd: t.root })).code).toBe(0);
    expect(await composeContainers(t.project)).toEqual([]);
  });

  it('fault: SIGTERM while the engine is creating containers', async () => {
    const p = await holdFirst((r) => r.method === 'POST' && r.path.includes('/containers/create'));
    const t = await testDir('int-create', { 'docker-compose.yml': tinyCompose() });
    const run = watch(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '60'], t, { DOCKER_HOST: p.dockerHost });
    const held = await p.waitForStall();
    const { code, ms } = await interrupt(run, 'SIGTERM');
    expect(code, run.stderr).toBe(143);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    // The Engine API call in flight was aborted, not left to finish.
    expect(held.clientClosedAt).toBeDefined();
    expect((await readState(t))?.status).toBe('incomplete');
    expect(run.stderr).toMatch(/Interrupted \(SIGTERM\)\. The state file .* says the deploy did not finish\. Resume with `gh-devlake deploy local --dir .* --source custom`, or remove everything with `gh-devlake cleanup --local --dir .* --force`\./);
  });

  it('fault: SIGINT during the release download', async () => {
    // The release server takes 10 s to answer: the download is in flight when the signal comes.
    server.configure({ delayMs: 10_000 });
    const t = await testDir('int-download', { '.env': 'ENCRYPTION_SECRET=KEEPMEKEEPMEKEEPME\n' });
    const before = await snapshotDir(t.dir);
    try {
      const run = watch(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION], t);
      await run.waitForOutput(/Downloading DevLake v1\.0\.1 release files/);
      const { code, ms } = await interrupt(run, 'SIGINT');
      expect(code, run.stderr).toBe(130);
      expect(ms).toBeLessThan(EXIT_WITHIN_MS);
      expect(run.stderr).toMatch(/Interrupted \(SIGINT\)\. Nothing was recorded/);
      // Nothing half-downloaded, .env untouched.
      expect(await snapshotDir(t.dir)).toEqual(before);
    } finally {
      server.configure({ delayMs: 0 });
    }
  });

  it('fault: SIGINT during start', async () => {
    const p = await holdFirst((r) => r.method === 'POST' && r.path.includes('/containers/create'));
    const t = await testDir('int-start', { 'docker-compose.yml': tinyCompose() });
    const run = watch(['start', '--dir', t.dir, '--timeout', '60'], t, { DOCKER_HOST: p.dockerHost });
    const held = await p.waitForStall();
    const { code, ms } = await interrupt(run, 'SIGINT');
    expect(code, run.stderr).toBe(130);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(held.clientClosedAt).toBeDefined();
    const d = t.dir;
    expect(run.stderr).toContain(`Interrupted (SIGINT). Some containers may be started and others not. Run \`gh-devlake start --dir ${d}\` to finish starting, or \`gh-devlake stop --dir ${d}\` to stop them.`);
  });

  it('fault: SIGINT during an image pull', async () => {
    const p = await holdFirst((r) => r.method === 'POST' && r.path.startsWith('/images/create'));
    // An image nobody has: the engine is asked to pull it.
    const t = await testDir('int-pull', { 'docker-compose.yml': tinyCompose({ image: 'gdl-test-absent.invalid/none:1' }) });
    const run = watch(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '60'], t, { DOCKER_HOST: p.dockerHost });
    const held = await p.waitForStall();
    const { code, ms } = await interrupt(run, 'SIGINT');
    expect(code, run.stderr).toBe(130);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(held.clientClosedAt).toBeDefined();
    // Interrupted before anything was recorded: it says so.
    expect(await readState(t)).toBeUndefined();
    expect(run.stderr).toMatch(/Interrupted \(SIGINT\)\. Nothing was recorded \(no \.devlake-local\.json yet\)\. Run `gh-devlake deploy local --dir .*` to deploy/);
  });

  it('fault: SIGINT during an image build', async () => {
    const p = await holdFirst((r) => r.method === 'POST' && r.path.startsWith('/build'));
    const t = await testDir('int-build', { 'docker-compose.yml': tinyCompose({ build: './app', image: `gdl-test-int-build-${process.pid}:latest` }) });
    await mkdir(path.join(t.dir, 'app'));
    await writeFile(path.join(t.dir, 'app', 'Dockerfile'), `FROM ${IMAGES.base}\nCMD ["true"]\n`);
    const run = watch(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '60'], t, { DOCKER_HOST: p.dockerHost });
    const held = await p.waitForStall();
    const { code, ms } = await interrupt(run, 'SIGINT');
    expect(code, run.stderr).toBe(130);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(held.clientClosedAt).toBeDefined();
  });

  it('fault: SIGTERM during the database migration', async () => {
    server.configure({ override: { 'docker-compose.yml': tinyCompose() } });
    const backend = await fakeBackend('migrating');
    backends.push(backend);
    const t = await testDir('int-migrate');
    const run = watch(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '300'], t);
    await run.waitForOutput(/Migration running…/, 120_000);
    // The progress line comes from the first poll of a gated route, which can reach the backend
    // before the trigger's own request does: wait for the trigger, bounded.
    for (let i = 0; i < 100 && !backend.requests.some((r) => r.path === '/proceed-db-migration'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(backend.requests.map((r) => r.path)).toContain('/proceed-db-migration');
    const { code, ms } = await interrupt(run, 'SIGTERM');
    expect(code, run.stderr).toBe(143);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect((await readState(t))?.status).toBe('incomplete');
    expect(run.stderr).toMatch(/Interrupted \(SIGTERM\)\. The state file .* says the deploy did not finish/);
  });
});

describe('one run per directory', () => {
  it('fault: second deploy or start in the same directory refuses', async () => {
    const p = await holdFirst((r) => r.method === 'POST' && r.path.includes('/containers/create'));
    const t = await testDir('lock-busy', { 'docker-compose.yml': tinyCompose() });
    const first = watch(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '60'], t, { DOCKER_HOST: p.dockerHost });
    await p.waitForStall();
    const lock = JSON.parse(await readFile(path.join(t.dir, '.devlake.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(first.pid);
    expect((await stat(path.join(t.dir, '.devlake.lock'))).mode & 0o777).toBe(0o600);
    for (const args of [
      ['deploy', 'local', '--source', 'custom', '--dir', t.dir],
      ['start', '--dir', t.dir],
      ['cleanup', '--local', '--force', '--dir', t.dir],
    ]) {
      const second = await runCli(args, { cwd: t.root, timeoutMs: 20_000 });
      expect(second.code, `${args.join(' ')}: ${second.stderr}`).toBe(4);
      expect(second.stderr).toBe(
        `error: another gh-devlake run (pid ${first.pid}) is working in ${t.dir}; wait for it to finish, or stop it (kill ${first.pid}). If no such process exists, remove ${path.join(t.dir, '.devlake.lock')}.\n`,
      );
      // "Immediately": no waiting on the engine or the lock.
      expect(second.durationMs).toBeLessThan(5_000);
    }
    const { code } = await interrupt(first, 'SIGTERM');
    expect(code).toBe(143);
    await expect(stat(path.join(t.dir, '.devlake.lock'))).rejects.toThrow(/ENOENT/);
  });

  it('fault: stale lock from a dead process is taken over', async () => {
    const t = await testDir('lock-stale', { 'docker-compose.yml': tinyCompose() });
    // A pid that was ours and is gone.
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = dead.pid ?? 0;
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(path.join(t.dir, '.devlake.lock'), JSON.stringify({ pid: deadPid, startedAt: '2024-01-01T00:00:00.000Z' }) + '\n', { mode: 0o600 });
    const r = await runCli(['start', '--no-wait', '--dir', t.dir, '--timeout', '30'], { cwd: t.root, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Took over a stale lock in ${t.dir} (left by pid ${deadPid}, which is no longer running).`);
    await expect(stat(path.join(t.dir, '.devlake.lock'))).rejects.toThrow(/ENOENT/);
    // A lock of a pid that was reused by another program (start time differs) is stale too.
    await writeFile(path.join(t.dir, '.devlake.lock'), JSON.stringify({ pid: process.pid, procStart: 1 }) + '\n', { mode: 0o600 });
    const r2 = await runCli(['start', '--no-wait', '--dir', t.dir, '--timeout', '30'], { cwd: t.root, timeoutMs: 60_000 });
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toContain(`(left by pid ${process.pid}, which is no longer running)`);
    await pollFor(async () => ((await stat(path.join(t.dir, '.devlake.lock')).catch(() => undefined)) ? undefined : true), 'the lock to go');
  });
});
