// Issue 18 cases 5-10 on the real engine, next to another deployment ("other", a custom stack on
// 8080/3002/4000) whose containers, volumes and folder keep every byte throughout:
//  5. doctor asks what this folder's containers publish, never the well-known ports;
//  6. doctor takes the deploy's options (--source) and gives the deploy's verdicts;
//  7. the Outcome's advice follows what was observed (custom deploy; the alternate bundle busy);
//  8. a broken .devlake-local.json: status/start/deploy say what to do, --move-broken-state, cleanup;
//  9. --source custom --start=false runs the compose checks of a start;
// 10. a run that fails while starting removes what it created (only that), also with two deploys
//     at once, and never advises removing someone else's stack.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { holdPort, type HeldPort } from '../../helpers/hold-port.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { releaseFileText, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { composeContainers, composeVolumes, makeTestDirWith, reportLines, type TestDir } from '../cli/support.js';
import { hashTree, snapshotProject, type ProjectSnapshot } from './support.js';

const SLEEP = "trap 'exit 0' TERM; while true; do sleep 1; done";

let server: ReleaseServer;
let other: TestDir;
let otherBefore: { project: ProjectSnapshot; files: Record<string, string> };
const dirs: TestDir[] = [];

async function testDir(slug: string, files: Record<string, string> = {}): Promise<TestDir> {
  const t = await makeTestDirWith(slug, files);
  dirs.push(t);
  return t;
}

async function snapshotOther(): Promise<typeof otherBefore> {
  return { project: await snapshotProject(other.project), files: await hashTree(other.dir) };
}

/** The release's compose file without MySQL's host port: a stack on 8080/3002/4000 only. */
async function releaseWithoutMysqlPort(): Promise<string> {
  return (await releaseFileText('docker-compose.yml')).replace(/\n\s+ports:\n\s+- 127\.0\.0\.1:3306:3306/, '');
}

async function dotEnv(): Promise<string> {
  // DevLake panics without DB_URL (backend/core/runner/db.go); the release's env.example has it.
  const dbUrl = (await releaseFileText('env.example')).split('\n').find((l) => l.startsWith('DB_URL=')) ?? '';
  return `${dbUrl}\nMY_SETTING=keep me\n`;
}

/** A custom stack of the base image; each service publishes the given host ports (container port 80). */
function baseCompose(services: Record<string, number[]>): string {
  const lines = ['services:'];
  for (const [name, ports] of Object.entries(services)) {
    lines.push(`  ${name}:`, `    image: ${IMAGES.base}`, `    command: ["sh", "-c", ${JSON.stringify(SLEEP)}]`, '    volumes: ["data:/data"]');
    if (ports.length > 0) lines.push('    ports:', ...ports.map((p) => `      - "${p}:80"`));
  }
  lines.push('volumes:', '  data: {}');
  return lines.join('\n') + '\n';
}

function cli(t: TestDir, args: string[]) {
  return runCli(args, { cwd: t.root, env: server.env });
}

async function doctorDoc(t: TestDir, extra: string[] = []): Promise<{ code: number; checks: { id: string; verdict: string; summary: string; remediation?: string }[] }> {
  const r = await cli(t, ['doctor', '--dir', t.dir, '--json', ...extra]);
  return { code: r.code, ...(JSON.parse(r.stdout) as { checks: never[] }) };
}

function check<T extends { id: string }>(checks: T[], id: string): T {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}: ${checks.map((x) => x.id).join(', ')}`);
  return c;
}

beforeAll(async () => {
  server = await startReleaseServer({ latest: TEST_RELEASE_VERSION });
  other = await makeTestDirWith('observed-other', { 'docker-compose.yml': await releaseWithoutMysqlPort(), '.env': await dotEnv() });
  const r = await cli(other, ['deploy', 'local', '--dir', other.dir, '--source', 'custom', '--timeout', '60']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  otherBefore = await snapshotOther();
  expect(otherBefore.project.containers.every((c) => c.state === 'running')).toBe(true);
});

afterAll(async () => {
  // The other deployment kept every byte: its containers, volumes and folder.
  const after = await snapshotOther();
  for (const t of dirs) await t.cleanup();
  await other.cleanup();
  await server.close();
  expect(after).toEqual(otherBefore);
});

describe('cases 6, 7, 10: a custom deploy whose ports another deployment holds', () => {
  it('doctor --source custom says what the deploy then does; the advice never offers the alternate bundle nor removing the other stack', async () => {
    const compose = await releaseWithoutMysqlPort();
    const env = await dotEnv();
    const t = await testDir('observed-custom', { 'docker-compose.yml': compose, '.env': env });

    const doc = await doctorDoc(t, ['--source', 'custom']);
    expect(doc.code).toBe(1);
    const port = check(doc.checks, 'local.port.8080');
    expect(port.verdict).toBe('needs-you');
    expect(port.remediation).not.toContain('alternate port bundle');
    expect(doc.checks.filter((c) => c.verdict === 'auto-repair')).toEqual([]);
    // Without --source the deploy is official: it refuses to replace the user's file, and doctor says so.
    const plain = await doctorDoc(t);
    expect(check(plain.checks, 'local.compose-file')).toMatchObject({ verdict: 'needs-you' });
    expect((await cli(t, ['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION])).code).toBe(3);

    const r = await cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--timeout', '60']);
    expect(r.code).toBe(1);
    const lines = reportLines(r.stdout);
    expect(lines[1]).toBe('Repair:   none — custom deploys keep your ports; stop the holder or edit docker-compose.yml');
    expect(lines[2]).toMatch(/^Outcome: {2}failed — port conflict: .*Next: .*publish another host port in your compose file/);
    expect(lines[2]).not.toContain('alternate port bundle');
    // The holder is named with its own stop, never a removal of it.
    expect(r.stdout).toContain(`gh-devlake stop --dir ${other.dir}`);
    expect(r.stdout + r.stderr).not.toMatch(/\bdown\b|cleanup --local --dir \S*observed-other/);
    expect(await composeContainers(t.project)).toEqual([]);
    expect(await readFile(path.join(t.dir, 'docker-compose.yml'), 'utf8')).toBe(compose);
    expect(await readFile(path.join(t.dir, '.env'), 'utf8')).toBe(env);
  });
});

describe('case 7: the alternate bundle busy too', () => {
  const held: HeldPort[] = [];
  afterAll(async () => Promise.all(held.map((h) => h.release())));

  it('the Outcome does not offer the alternate bundle after the Repair line found it busy; doctor agrees', async () => {
    held.push(await holdPort(8085));
    const t = await testDir('observed-busy');
    const doc = await doctorDoc(t);
    expect(doc.code).toBe(1);
    const port = check(doc.checks, 'local.port.8080');
    expect(port.summary).toContain('the alternate bundle is busy too');
    expect(port.remediation).not.toContain('or deploy on the alternate port bundle');

    const r = await cli(t, ['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60']);
    expect(r.code).toBe(1);
    const lines = reportLines(r.stdout);
    expect(lines[1]).toContain('Repair:   none — the alternate bundle is busy too');
    expect(lines[2]).toMatch(/^Outcome: {2}failed — /);
    expect(lines[2]).not.toContain('or deploy on the alternate port bundle');
    expect(lines[2]).toContain('the alternate port bundle is busy too');
    expect(await composeContainers(t.project)).toEqual([]);
  });
});

describe('case 10: a failed start removes what it created, and only that', () => {
  it('containers and the volume a first deploy created are removed; the other stack and a kept container stay', async () => {
    // Two services of one stack publish the same host port: the probe finds it free, the engine
    // creates both and refuses the second's bind.
    const t = await testDir('observed-undo', { 'docker-compose.yml': baseCompose({ a: [18181], b: [18181] }) });
    const r = await cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--timeout', '30']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Removed what this run created before it failed: 2 container\(s\), network \S+, volume\(s\) \S+_data of \S+\. Nothing else was touched\./);
    expect(await composeContainers(t.project)).toEqual([]);
    expect(await composeVolumes(t.project)).toEqual([]);
  });

  it('two deploys at once in different folders: the one that fails leaves nothing behind and does not advise removing the other', async () => {
    const x = await testDir('observed-x', { 'docker-compose.yml': baseCompose({ web: [18182] }) });
    const y = await testDir('observed-y', { 'docker-compose.yml': baseCompose({ web: [18182] }) });
    const [rx, ry] = await Promise.all([x, y].map((t) => cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--timeout', '30'])));
    const runs = [
      { t: x, r: rx },
      { t: y, r: ry },
    ];
    const won = runs.filter((p) => p.r?.code === 0);
    const lost = runs.filter((p) => p.r?.code !== 0);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0]!;
    const loser = lost[0]!;
    expect(loser.r?.code).toBe(1);
    // The loser left nothing (whether the engine or our probe saw the port taken first).
    expect(await composeContainers(loser.t.project)).toEqual([]);
    expect(await composeVolumes(loser.t.project)).toEqual([]);
    // The winner runs, untouched; the loser's advice never removes it.
    const mine = await composeContainers(winner.t.project);
    expect(mine.map((c) => c.State)).toEqual(['running']);
    const text = (loser.r?.stdout ?? '') + (loser.r?.stderr ?? '');
    expect(text).not.toMatch(/\bdown\b/);
    expect(text).not.toContain(`cleanup --local --dir ${winner.t.dir}`);
    // When the engine already lists the winner's container as the holder, the advice is its own stop.
    // (Mid-start the engine may show only its docker-proxy process.)
    if (text.includes('in use by container')) expect(text).toContain(`gh-devlake stop --dir ${winner.t.dir}`);
  });
});

describe('case 8: a broken state file', () => {
  it('status, start and deploy say what is wrong and what to do; --move-broken-state moves it aside; cleanup works from the labels', async () => {
    const t = await testDir('observed-broken', { 'docker-compose.yml': baseCompose({ app: [] }) });
    expect((await cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--timeout', '30'])).code).toBe(0);
    const ids = (await composeContainers(t.project)).map((c) => c.Id);
    const file = path.join(t.dir, '.devlake-local.json');
    const broken = '{"deployedAt":"2026-01-01T00:00:00Z","method":"local","endpo';
    await writeFile(file, broken);

    for (const args of [['status', '--dir', t.dir], ['start', '--dir', t.dir], ['deploy', 'local', '--dir', t.dir, '--source', 'custom']]) {
      const r = await cli(t, args);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toContain(`${file} is not valid JSON`);
      expect(r.stderr).toContain(`gh-devlake deploy local --dir ${t.dir} --move-broken-state`);
      expect(r.stderr).toContain(`gh-devlake cleanup --local --dir ${t.dir}`);
    }
    // doctor with the same flag predicts it: the state file is no obstacle then.
    const doc = await doctorDoc(t, ['--source', 'custom', '--move-broken-state']);
    expect(check(doc.checks, 'local.deployment').summary).toContain('--move-broken-state moves it aside first');

    const moved = await cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--move-broken-state', '--timeout', '30']);
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    expect(moved.stderr).toContain(`Moved the broken state file ${file} (not-json) aside to ${file}.bak.1`);
    expect(await readFile(`${file}.bak.1`, 'utf8')).toBe(broken);
    // The same containers: found again by the folder's project and their labels.
    expect((await composeContainers(t.project)).map((c) => c.Id)).toEqual(ids);

    await writeFile(file, '');
    const clean = await cli(t, ['cleanup', '--local', '--dir', t.dir, '--force']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(await composeContainers(t.project)).toEqual([]);
    expect((await readdir(t.dir)).sort()).toEqual(['.devlake-local.json.bak.1', '.devlake-local.json.bak.2', 'docker-compose.yml']);
  });
});

describe('case 9: --source custom --start=false checks what a start checks', () => {
  it('an unknown key fails (exit 3, nothing written), not "Prepared"', async () => {
    const compose = `services:\n  app:\n    image: ${IMAGES.base}\n    bogus_key: 1\n`;
    const t = await testDir('observed-prepare', { 'docker-compose.yml': compose });
    const before = await hashTree(t.dir);
    const r = await cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--start=false']);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('Prepared');
    expect(r.stderr).toContain('unknown key "services.app.bogus_key"');
    expect(await hashTree(t.dir)).toEqual(before);
    // The same file fixed is prepared.
    await writeFile(path.join(t.dir, 'docker-compose.yml'), compose.replace('    bogus_key: 1\n', ''));
    const ok = await cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--start=false']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Prepared');
  });
});

describe('case 5: doctor asks what the containers publish', () => {
  it("a running custom stack that publishes nothing is not reported healthy on the other deployment's 8080", async () => {
    const t = await testDir('observed-noports', { 'docker-compose.yml': baseCompose({ devlake: [] }) });
    expect((await cli(t, ['deploy', 'local', '--dir', t.dir, '--source', 'custom', '--timeout', '30'])).code).toBe(0);
    const doc = await doctorDoc(t, ['--source', 'custom']);
    const dep = check(doc.checks, 'local.deployment');
    expect(JSON.stringify(dep)).not.toContain('localhost:8080');
    expect(dep.summary).not.toContain('healthy');
  });
});
