// The official flow end to end: the real CLI, a loopback release server, the real engine.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { composeContainers, composeNetworks, composeVolumes, makeTestDir, type TestDir } from './support.js';

let server: ReleaseServer;
let t: TestDir;

function secretOf(env: string): string | undefined {
  return /^ENCRYPTION_SECRET=(.*)$/m.exec(env)?.[1];
}

beforeAll(async () => {
  server = await startReleaseServer({ latest: TEST_RELEASE_VERSION });
  t = await makeTestDir('official');
});

afterAll(async () => {
  await t.cleanup();
  await server.close();
});

describe('deploy local --source official', () => {
  it('deploys the latest release, healthy, with a state file and a generated secret', async () => {
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--timeout', '90'], { cwd: t.root, env: server.env });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DevLake is deployed.');
    expect(r.stdout).toContain('http://localhost:8080');
    // `latest` was resolved through the GitHub API shape, then the files downloaded.
    expect(server.requests).toEqual(expect.arrayContaining([expect.stringContaining('/releases/latest'), expect.stringContaining(`/${TEST_RELEASE_VERSION}/docker-compose.yml`)]));

    const containers = await composeContainers(t.project);
    expect(containers.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['config-ui', 'devlake', 'grafana', 'mysql']);
    for (const c of containers) {
      expect(c.State).toBe('running');
      expect(c.Names[0]).toBe(`/${t.project}-${c.Labels['com.docker.compose.service']}-1`);
      expect(c.Labels['com.docker.compose.oneoff']).toBe('False');
      expect(c.Labels['com.docker.compose.container-number']).toBe('1');
      expect(c.Labels['com.docker.compose.project.working_dir']).toBe(t.dir);
      expect(c.Labels['com.docker.compose.project.config_files']).toBe(path.join(t.dir, 'docker-compose.yml'));
      expect(c.Labels['com.docker.compose.config-hash']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(await composeNetworks(t.project)).toEqual([`${t.project}_default`]);
    expect(await composeVolumes(t.project)).toEqual([`${t.project}_devlake-log`, `${t.project}_grafana-storage`, `${t.project}_mysql-storage`]);

    const stateFile = path.join(t.dir, '.devlake-local.json');
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({
      method: 'local',
      source: 'official',
      version: TEST_RELEASE_VERSION,
      bundle: 'default',
      status: 'complete',
      endpoints: { backend: 'http://localhost:8080', grafana: 'http://localhost:3002', configUi: 'http://localhost:4000' },
    });
    expect(typeof state.deployedAt).toBe('string');

    const env = await readFile(path.join(t.dir, '.env'), 'utf8');
    expect((await stat(path.join(t.dir, '.env'))).mode & 0o777).toBe(0o600);
    expect(secretOf(env)).toMatch(/^[A-Z]{128}$/);
    // The secret is never printed.
    expect(r.stdout + r.stderr).not.toContain(secretOf(env));
  });

  it('shows the endpoints healthy in status, as text and JSON', async () => {
    const text = await runCli(['status', '--dir', t.dir], { cwd: t.root });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Backend:\s+http:\/\/localhost:8080\s+healthy/);
    expect(text.stdout).toMatch(/Config UI:\s+http:\/\/localhost:4000\s+healthy/);
    const json = await runCli(['status', '--dir', t.dir, '--json'], { cwd: t.root });
    const doc = JSON.parse(json.stdout) as { deployment: { bundle: string }; endpoints: { name: string; healthy: boolean }[] };
    expect(doc.deployment.bundle).toBe('default');
    expect(doc.endpoints.map((e) => [e.name, e.healthy])).toEqual([
      ['backend', true],
      ['grafana', true],
      ['configUi', true],
    ]);
  });

  it('re-deploys idempotently: same containers, the secret and the user\'s .env edits kept', async () => {
    const before = (await composeContainers(t.project)).map((c) => c.Id).sort();
    const envBefore = await readFile(path.join(t.dir, '.env'), 'utf8');
    // A user edit to .env survives in .env itself (merged, nothing to back up); so does the secret.
    await writeFile(path.join(t.dir, '.env'), envBefore + '\n# my note\n', { mode: 0o600 });
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--json'], { cwd: t.root, env: server.env });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { outcome: string; recovery: unknown };
    expect(doc.outcome).toBe('ok');
    expect(doc.recovery).toBeNull();
    expect((await composeContainers(t.project)).map((c) => c.Id).sort()).toEqual(before);
    const envAfter = await readFile(path.join(t.dir, '.env'), 'utf8');
    expect(secretOf(envAfter)).toBe(secretOf(envBefore));
    expect(envAfter).toContain('# my note');
    await expect(stat(path.join(t.dir, '.env.bak.1'))).rejects.toThrow();
  });

  it('stops and starts the same project', async () => {
    const stop = await runCli(['stop', '--dir', t.dir], { cwd: t.root });
    expect(stop.code).toBe(0);
    expect((await composeContainers(t.project)).every((c) => c.State === 'exited')).toBe(true);
    const start = await runCli(['start', '--dir', t.dir, '--timeout', '60'], { cwd: t.root });
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('DevLake is running.');
    expect((await composeContainers(t.project)).every((c) => c.State === 'running')).toBe(true);
  });

  it('cleanup --keep-data keeps the volumes; cleanup removes them', async () => {
    const keep = await runCli(['cleanup', '--local', '--dir', t.dir, '--force', '--keep-data'], { cwd: t.root });
    expect(keep.code).toBe(0);
    expect(await composeContainers(t.project)).toEqual([]);
    expect(await composeNetworks(t.project)).toEqual([]);
    expect(await composeVolumes(t.project)).toHaveLength(3);
    const all = await runCli(['cleanup', '--local', '--dir', t.dir, '--force'], { cwd: t.root });
    expect(all.code).toBe(0);
    expect(await composeVolumes(t.project)).toEqual([]);
    // The user's secret stays on disk.
    expect(secretOf(await readFile(path.join(t.dir, '.env'), 'utf8'))).toMatch(/^[A-Z]{128}$/);
  });

  it('refuses cleanup without --force when there is no terminal (exit 2)', async () => {
    const r = await runCli(['cleanup', '--local', '--dir', t.dir], { cwd: t.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--force');
  });
});
