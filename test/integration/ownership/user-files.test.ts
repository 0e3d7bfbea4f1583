// Issue 18 cases 2 and 3: a deploy never loses the user's files. A custom compose file is never
// replaced without --replace-compose (every byte of the folder is the same after a refusal), the
// resume advice of an interrupted custom deploy repeats --source custom, anything replaced is
// backed up to a numbered name that never overwrites an older backup, and an official redeploy
// merges .env: every variable the user set is kept, the release's new ones are added.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { releaseFileText, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { parseEnv } from '../../../src/compose/envfile.js';
import { makeTestDir, type TestDir } from '../cli/support.js';
import { spawnCli } from '../reliability/support.js';
import { hashTree } from './support.js';

let server: ReleaseServer;
const dirs: TestDir[] = [];

async function testDir(slug: string): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  await mkdir(t.dir, { recursive: true });
  return t;
}

/** A user's own compose file: the release's, edited (a comment, another Grafana port). */
async function userCompose(tag: string): Promise<string> {
  return `# my own compose file (${tag})\n${(await releaseFileText('docker-compose.yml')).replace('3002:3000', '3012:3000')}`;
}

function deploy(t: TestDir, extra: string[] = []) {
  return runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60', ...extra], { cwd: t.root, env: server.env });
}

beforeAll(async () => {
  server = await startReleaseServer({ latest: TEST_RELEASE_VERSION });
});

afterAll(async () => {
  for (const t of dirs) await t.cleanup();
  await server.close();
});

describe('a custom compose file is never overwritten', () => {
  it('an interrupted custom deploy advises resuming with --source custom; the official command it would have advised is refused, every byte kept', async () => {
    const t = await testDir('custom-resume');
    await writeFile(path.join(t.dir, 'docker-compose.yml'), await userCompose('resume'));
    // The backend takes its time to listen: the deploy is interrupted while it waits for health.
    // DB_URL as the release's env.example has it: DevLake panics without it (backend/core/runner/db.go).
    const dbUrl = (await releaseFileText('env.example')).split('\n').find((l) => l.startsWith('DB_URL='))!;
    await writeFile(path.join(t.dir, '.env'), `${dbUrl}\nSTART_DELAY_SECONDS=8\nMY_SETTING=keep me\n`, { mode: 0o600 });
    const run = spawnCli(['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--timeout', '60'], { cwd: t.root, env: server.env });
    await run.waitForOutput(/Container devlake: started/);
    run.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stderr).toContain(`Resume with \`gh-devlake deploy local --dir ${t.dir} --source custom\``);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ source: 'custom', status: 'incomplete' });

    const before = await hashTree(t.dir);
    const official = await runCli(['deploy', 'local', '--dir', t.dir, '--timeout', '60'], { cwd: t.root, env: server.env });
    expect(official.code).toBe(3);
    expect(official.stderr).toContain('records a --source custom deploy');
    expect(official.stderr).toContain('--replace-compose');
    expect(await hashTree(t.dir)).toEqual(before);
    // Resuming as advised works, on the user's file as it is.
    const resume = await runCli(['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--timeout', '90'], { cwd: t.root, env: server.env });
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toContain('http://localhost:3012');
    expect(await readFile(path.join(t.dir, 'docker-compose.yml'), 'utf8')).toBe(await userCompose('resume'));
    await t.cleanup();
  });

  it("a folder's own docker-compose.yml (no state file) is not replaced by an official deploy", async () => {
    const t = await testDir('custom-fresh');
    await writeFile(path.join(t.dir, 'docker-compose.yml'), await userCompose('fresh'));
    const before = await hashTree(t.dir);
    const r = await deploy(t);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("it is not the release's file");
    expect(r.stderr).toContain(`gh-devlake deploy local --dir ${t.dir} --version ${TEST_RELEASE_VERSION} --replace-compose`);
    expect(await hashTree(t.dir)).toEqual(before);
  });

  it('--replace-compose backs up first, to a new numbered name each time', async () => {
    const t = await testDir('custom-replace');
    const first = await userCompose('first');
    await writeFile(path.join(t.dir, 'docker-compose.yml'), first);
    const r1 = await deploy(t, ['--replace-compose']);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toContain(`Backed up docker-compose.yml to ${path.join(t.dir, 'docker-compose.yml.bak.1')}`);
    expect(await readFile(path.join(t.dir, 'docker-compose.yml.bak.1'), 'utf8')).toBe(first);
    expect(await readFile(path.join(t.dir, 'docker-compose.yml'), 'utf8')).toBe(await releaseFileText('docker-compose.yml'));
    // The release's own file, unchanged: a redeploy replaces nothing and backs up nothing.
    const same = await deploy(t);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).not.toContain('Backed up');
    // Edited after the deploy wrote it: the user's again.
    const second = await userCompose('second');
    await writeFile(path.join(t.dir, 'docker-compose.yml'), second);
    const before = await hashTree(t.dir);
    const refused = await deploy(t);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('it was changed since the last deploy wrote it');
    expect(await hashTree(t.dir)).toEqual(before);
    const r2 = await deploy(t, ['--replace-compose']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(await readFile(path.join(t.dir, 'docker-compose.yml.bak.2'), 'utf8')).toBe(second);
    expect(await readFile(path.join(t.dir, 'docker-compose.yml.bak.1'), 'utf8')).toBe(first);
    await t.cleanup();
  });
});

describe('.env on an official redeploy', () => {
  it('keeps every variable the user set, adds the new ones, reports them, and backs up to numbered names', async () => {
    const t = await testDir('env-merge');
    const r1 = await deploy(t);
    expect(r1.code, r1.stderr).toBe(0);
    const generated = await readFile(path.join(t.dir, '.env'), 'utf8');
    expect(generated.endsWith('\n')).toBe(true);
    const secret = parseEnv(generated, { interpolate: false }).ENCRYPTION_SECRET;

    // The user's edits: changed values, an own variable, a comment; HTTPS_PROXY removed (as if the
    // user's .env came from an older release that did not have it).
    const mine = generated.replace(/^LOGGING_LEVEL=$/m, 'LOGGING_LEVEL=Debug').replace('API_TIMEOUT=120s', 'API_TIMEOUT=300s').replace(/^HTTPS_PROXY=.*\n/m, '') + '# my note\nMY_OWN_SETTING="a b"';
    await writeFile(path.join(t.dir, '.env'), mine, { mode: 0o600 });
    const r2 = await deploy(t);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toContain('Updated .env: added HTTPS_PROXY from the release\'s env.example');
    expect(r2.stderr).toContain('.env.bak.1');
    const merged = await readFile(path.join(t.dir, '.env'), 'utf8');
    // Every byte the user wrote is still there, first; the new variable after it; a final newline.
    expect(merged.startsWith(mine)).toBe(true);
    expect(merged.endsWith('\n')).toBe(true);
    const vars = parseEnv(merged, { interpolate: false });
    expect(vars).toMatchObject({ LOGGING_LEVEL: 'Debug', API_TIMEOUT: '300s', MY_OWN_SETTING: 'a b', HTTPS_PROXY: '', ENCRYPTION_SECRET: secret });
    expect(await readFile(path.join(t.dir, '.env.bak.1'), 'utf8')).toBe(mine);

    // Nothing new: .env and the backup stay as they are.
    const r3 = await deploy(t);
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stderr).not.toContain('Updated .env');
    expect(await readFile(path.join(t.dir, '.env'), 'utf8')).toBe(merged);
    expect(await readFile(path.join(t.dir, '.env.bak.1'), 'utf8')).toBe(mine);

    // Another change: a second backup; the first is never overwritten.
    const again = merged.replace(/^PIPELINE_MAX_PARALLEL=.*\n/m, '');
    await writeFile(path.join(t.dir, '.env'), again, { mode: 0o600 });
    const r4 = await deploy(t, ['--json']);
    expect(r4.code, r4.stderr).toBe(0);
    expect(await readFile(path.join(t.dir, '.env.bak.2'), 'utf8')).toBe(again);
    expect(await readFile(path.join(t.dir, '.env.bak.1'), 'utf8')).toBe(mine);
    expect(parseEnv(await readFile(path.join(t.dir, '.env'), 'utf8'), { interpolate: false }).PIPELINE_MAX_PARALLEL).toBe('1');
  });
});
