// The custom and fork sources end to end on the real engine.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { releaseFileText } from '../../helpers/release-server.js';
import { FORK_SKIPPED_SERVICES, FORK_STARTED_SERVICES, makeForkRepo } from '../../helpers/fork-repo.js';
import { composeContainers, makeTestDir, type TestDir } from './support.js';

const dirs: TestDir[] = [];
async function testDir(slug: string): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  return t;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
});

describe('deploy local --source custom', () => {
  it('runs the compose file already in --dir, untouched', async () => {
    const t = await testDir('custom');
    await mkdir(t.dir, { recursive: true });
    const compose = await releaseFileText('docker-compose.yml');
    await writeFile(path.join(t.dir, 'docker-compose.yml'), compose);
    // The release compose file reads DB_URL from .env (env.example has it); DevLake panics without it.
    const dbUrl = (await releaseFileText('env.example')).split('\n').find((l) => l.startsWith('DB_URL='))!;
    const env = `${dbUrl}\nENCRYPTION_SECRET=MINE\n`;
    await writeFile(path.join(t.dir, '.env'), env, { mode: 0o644 });
    const r = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '60'], { cwd: t.root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('DevLake is deployed.');
    expect((await composeContainers(t.project)).filter((c) => c.State === 'running')).toHaveLength(4);
    expect(await readFile(path.join(t.dir, 'docker-compose.yml'), 'utf8')).toBe(compose);
    // The user's .env is kept as it is (only its mode is tightened, and the user told).
    expect(await readFile(path.join(t.dir, '.env'), 'utf8')).toBe(env);
    expect(r.stderr).toContain('0600');
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { source: string; composeFile: string };
    expect(state).toMatchObject({ source: 'custom', composeFile: 'docker-compose.yml' });
  });

  it('without a compose file in --dir: an input error (exit 3), nothing written', async () => {
    const t = await testDir('custom-empty');
    await mkdir(t.dir, { recursive: true });
    const r = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t.dir], { cwd: t.root });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`--source custom uses the docker-compose.yml`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(t.dir)).toEqual([]);
  });
});

describe('deploy local --source fork', () => {
  it('clones a local repository, builds its images, starts only mysql devlake grafana config-ui', async () => {
    const t = await testDir('fork');
    const repo = await makeForkRepo(path.join(t.root, 'src'));
    const r = await runCli(['deploy', 'local', '--source', 'fork', '--repo-url', `file://${repo}`, '--dir', t.dir, '--timeout', '90'], { cwd: t.root, timeoutMs: 240_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const services = (await composeContainers(t.project)).map((c) => c.Labels['com.docker.compose.service']).sort();
    expect(services).toEqual([...FORK_STARTED_SERVICES].sort());
    for (const skipped of FORK_SKIPPED_SERVICES) expect(services).not.toContain(skipped);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { source: string; composeFile: string };
    expect(state).toMatchObject({ source: 'fork', composeFile: 'docker-compose-dev.yml' });
    expect(await readdir(path.join(t.dir, '.git'))).toContain('HEAD');
  });
});
