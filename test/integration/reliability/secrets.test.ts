// Secrets: the files that hold or describe them are 0600 (a looser .env is tightened, and the user
// told); no secret value reaches stdout, stderr, --json, the state file's history, the lock file or
// an error message, across every local flow; repairs touch only this deployment's containers.
// Rows of docs/reliability.md ("Secrets").

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from '../../../src/compose/envfile.js';
import { runCli, type CliResult } from '../../helpers/cli.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { releaseFileText, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { composeContainers, docker, makeTestDir, reportLines, type TestDir } from '../cli/support.js';
import { fakeBackend, spawnCli, tinyCompose, waitPortsFree, type FakeBackend } from './support.js';

const MYSQL_PASSWORD = 'Gdl-Mysql-Pw-4a7f19c2';
const MYSQL_ROOT_PASSWORD = 'Gdl-Root-Pw-93be01';
const ADMIN_PASS = 'Gdl-Admin-Pass-77xq';
const PORT_SECRET = 'Gdl-Port-Secret-5150';
const GITHUB_TOKEN = 'ghp_' + 'T3stT0kenForGdlSecretsAbCdEfGh12345678';
const DB_URL = `mysql://merico:${MYSQL_PASSWORD}@mysql:3306/lake?charset=utf8mb4&parseTime=True&loc=UTC`;

let server: ReleaseServer;
const dirs: TestDir[] = [];
const backends: FakeBackend[] = [];

async function testDir(slug: string): Promise<TestDir> {
  const t = await makeTestDir(slug);
  dirs.push(t);
  return t;
}

async function backend(mode: Parameters<typeof fakeBackend>[0]): Promise<FakeBackend> {
  const b = await fakeBackend(mode);
  backends.push(b);
  return b;
}

/** The release's env.example with real-looking secrets in it. */
async function secretEnvExample(): Promise<string> {
  return (await releaseFileText('env.example')).replaceAll('merico:merico@', `merico:${MYSQL_PASSWORD}@`).replace(/^ADMIN_PASS=$/m, `ADMIN_PASS=${ADMIN_PASS}`);
}

const SLEEP = 'trap "exit 0" TERM; while true; do sleep 1; done';

/**
 * A release compose whose services carry the secrets. With `backendOn8080` the backend is the test
 * DevLake image publishing 8080 (so a port conflict and the alternate bundle can happen); otherwise
 * "devlake" is a busybox that prints its secrets to its log and publishes nothing.
 */
function secretCompose(backendOn8080: boolean): string {
  return [
    'services:',
    '  mysql:',
    // The MySQL stand-in: the test backend on 8080 needs it to start (services.Init).
    `    image: ${backendOn8080 ? IMAGES.mysql : IMAGES.base}`,
    ...(backendOn8080 ? [] : [`    command: ["sh", "-c", ${JSON.stringify(SLEEP)}]`]),
    '    environment:',
    `      MYSQL_PASSWORD: ${MYSQL_PASSWORD}`,
    `      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}`,
    '  devlake:',
    ...(backendOn8080
      ? [`    image: ${IMAGES.backend()}`, '    restart: always', '    ports:', '      - 8080:8080']
      : [
          `    image: ${IMAGES.base}`,
          '    command:',
          '      - sh',
          '      - -c',
          `      - 'echo "connecting to $$DB_URL"; echo "encryption key $$ENCRYPTION_SECRET"; echo "admin $$ADMIN_PASS"; ${SLEEP}'`,
        ]),
    '    env_file: [./.env]',
    '    depends_on: [mysql]',
    '',
  ].join('\n');
}

beforeAll(async () => {
  server = await startReleaseServer();
});

afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
  server.configure({ override: {} });
});

afterAll(async () => {
  await server.close();
});

async function mode(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

describe('secret files', () => {
  it('secrets: files created 0600, a looser .env tightened and the user told', async () => {
    server.configure({ override: { 'docker-compose.yml': tinyCompose(), 'env.example': await secretEnvExample() } });
    await backend('ready');
    const t = await testDir('sec-modes');
    await mkdir(t.dir, { recursive: true });
    await writeFile(path.join(t.dir, '.env'), 'ENCRYPTION_SECRET=KEEPTHISSECRETKEEPTHISSECRET\n');
    await chmod(path.join(t.dir, '.env'), 0o644);
    // The lock lives only while the run does: watch for it.
    const run = spawnCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t.root, env: server.env });
    let lockMode: number | undefined;
    while (run.child.exitCode === null && run.child.signalCode === null) {
      lockMode ??= await mode(path.join(t.dir, '.devlake.lock')).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 5));
    }
    const { code } = await run.exited;
    expect(code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Tightened .env to mode 0600 (it holds ENCRYPTION_SECRET and passwords; it was readable by others).');
    expect(lockMode).toBe(0o600);
    expect(await mode(path.join(t.dir, '.env'))).toBe(0o600);
    // The merged .env's backup (a secret too) is 0600 whatever the old file's mode was.
    expect(await mode(path.join(t.dir, '.env.bak.1'))).toBe(0o600);
    expect(await mode(path.join(t.dir, '.devlake-local.json'))).toBe(0o600);
    expect(parseEnv(await readFile(path.join(t.dir, '.env'), 'utf8'), { interpolate: false }).ENCRYPTION_SECRET).toBe('KEEPTHISSECRETKEEPTHISSECRET');
    // start tightens too (the user loosened it again).
    await chmod(path.join(t.dir, '.env'), 0o640);
    const start = await runCli(['start', '--dir', t.dir, '--timeout', '60'], { cwd: t.root });
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toContain('Tightened .env to mode 0600');
    expect(await mode(path.join(t.dir, '.env'))).toBe(0o600);
  });
});

describe('no secret leaks', () => {
  it('secrets: no secret in any output or file across every local flow', async () => {
    await waitPortsFree([8080, 8085, 3004, 4004]);
    const outputs: { what: string; text: string }[] = [];
    const files: { what: string; text: string }[] = [];
    const record = (what: string, r: CliResult | { stdout: string; stderr: string }): void => void outputs.push({ what, text: r.stdout + r.stderr });
    const env = { ...server.env, GITHUB_TOKEN };
    server.configure({ override: { 'docker-compose.yml': secretCompose(true), 'env.example': await secretEnvExample() } });

    // 1. A deploy with recovery: a stand-in holds 8080, the stack moves to the alternate bundle.
    const ready = await backend('ready');
    const t1 = await testDir('sec-flows');
    const deploy = spawnCli(['deploy', 'local', '--dir', t1.dir, '--timeout', '90'], { cwd: t1.root, env });
    let lockText: string | undefined;
    while (deploy.child.exitCode === null && deploy.child.signalCode === null) {
      lockText ??= await readFile(path.join(t1.dir, '.devlake.lock'), 'utf8').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await deploy.exited).code, deploy.stdout + deploy.stderr).toBe(0);
    record('deploy with recovery', deploy);
    expect(reportLines(deploy.stdout)[3]).toBe('Outcome:  recovered — DevLake is healthy at http://localhost:8085');
    expect(lockText).toMatch(/"pid":\d+/);
    files.push({ what: 'lock', text: lockText ?? '' });

    // 2. status, stop, start, and a re-deploy as JSON.
    for (const args of [['status', '--dir', t1.dir], ['status', '--dir', t1.dir, '--json'], ['stop', '--dir', t1.dir], ['start', '--dir', t1.dir, '--timeout', '60', '--json']]) {
      const r = await runCli(args, { cwd: t1.root, env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      record(args.join(' '), r);
    }
    const again = await runCli(['deploy', 'local', '--dir', t1.dir, '--timeout', '90', '--json'], { cwd: t1.root, env });
    expect(again.code, again.stderr).toBe(0);
    record('deploy --json', again);
    await ready.close();

    // 3. A clean deploy (nothing in the way), whose backend logs its secrets.
    server.configure({ override: { 'docker-compose.yml': secretCompose(false), 'env.example': await secretEnvExample() } });
    await backend('ready');
    const t2 = await testDir('sec-clean');
    const clean = await runCli(['deploy', 'local', '--dir', t2.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t2.root, env });
    expect(clean.code, clean.stderr).toBe(0);
    record('deploy clean', clean);
    await Promise.all(backends.splice(0).map((b) => b.close()));

    // 4. Failing deploys: a health timeout whose remediation quotes the backend's log (full of
    //    secrets), a bad port spec built from a secret, a release that does not exist.
    await backend('unhealthy');
    const t3 = await testDir('sec-failing');
    for (const args of [
      ['deploy', 'local', '--dir', t3.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '3'],
      ['deploy', 'local', '--dir', t3.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '3', '--json'],
    ]) {
      const r = await runCli(args, { cwd: t3.root, env });
      expect(r.code, r.stderr).toBe(1);
      record(args.join(' '), r);
      // The log lines are there, with the secrets cut out (DB_URL is a secret as a whole).
      expect(r.stdout).toMatch(/connecting to \*\*\*/);
      expect(r.stdout).toMatch(/encryption key \*\*\*/);
      expect(r.stdout).toMatch(/admin \*\*\*/);
    }
    const t4 = await testDir('sec-badport');
    await mkdir(t4.dir, { recursive: true });
    await writeFile(path.join(t4.dir, 'docker-compose.yml'), `services:\n  app:\n    image: ${IMAGES.base}\n    ports: ["\${DB_PASSWORD}:80"]\n`);
    await writeFile(path.join(t4.dir, '.env'), `DB_PASSWORD=${PORT_SECRET}\n`, { mode: 0o600 });
    const badPort = await runCli(['deploy', 'local', '--source', 'custom', '--dir', t4.dir], { cwd: t4.root, env });
    expect(badPort.code).toBe(3);
    expect(badPort.stderr).toContain('invalid port "***:80"');
    record('bad port', badPort);
    const missing = await runCli(['deploy', 'local', '--dir', t3.dir, '--version', 'v9.9.9', '--json'], { cwd: t3.root, env });
    expect(missing.code).toBe(1);
    record('deploy 404', missing);

    // 5. Every state file (with its recovery history), then cleanup.
    for (const t of [t1, t2, t3]) files.push({ what: `state ${t.project}`, text: await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8') });
    const t1State = JSON.parse(files.find((f) => f.what === `state ${t1.project}`)?.text ?? '{}') as { history?: unknown[] };
    expect(t1State.history?.length).toBeGreaterThan(0);
    for (const t of [t1, t2, t3]) {
      const r = await runCli(['cleanup', '--local', '--force', '--dir', t.dir], { cwd: t.root, env });
      expect(r.code, r.stderr).toBe(0);
      record(`cleanup ${t.project}`, r);
    }

    const secretsOf = async (t: TestDir): Promise<string> => parseEnv(await readFile(path.join(t.dir, '.env'), 'utf8'), { interpolate: false }).ENCRYPTION_SECRET ?? '';
    const values = [MYSQL_PASSWORD, MYSQL_ROOT_PASSWORD, ADMIN_PASS, PORT_SECRET, GITHUB_TOKEN, DB_URL, await secretsOf(t1), await secretsOf(t2), await secretsOf(t3)];
    for (const v of values) expect(v.length).toBeGreaterThan(10);
    const leaks = [...outputs, ...files].flatMap(({ what, text }) => values.filter((v) => text.includes(v)).map((v) => `${what}: ${v.slice(0, 12)}…`));
    expect(leaks).toEqual([]);
    // Shapes too: no URL with a password, no KEY=value for ENCRYPTION_SECRET.
    for (const { what, text } of [...outputs, ...files]) {
      expect(text, what).not.toMatch(/:\/\/[^\s:/@]+:(?!\*\*\*)[^\s/@]+@/);
      expect(text, what).not.toMatch(/ENCRYPTION_SECRET=(?!\*\*\*)\S/);
    }
  });
});

describe('repairs stay in their lane', () => {
  it("secrets: repairs touch only this deployment's containers", async () => {
    await waitPortsFree([8080, 8085, 3004, 4004]);
    // Another compose project publishes 8080.
    const other = await testDir('sec-other');
    await mkdir(other.dir, { recursive: true });
    await writeFile(path.join(other.dir, 'docker-compose.yml'), `services:\n  web:\n    image: ${IMAGES.base}\n    command: ["sh", "-c", ${JSON.stringify(SLEEP)}]\n    ports: ["8080:8080"]\n`);
    const up = await runCli(['start', '--no-wait', '--dir', other.dir], { cwd: other.root });
    expect(up.code, up.stderr).toBe(0);
    const snapshot = async (): Promise<string[]> =>
      Promise.all((await composeContainers(other.project)).map(async (c) => {
        const i = await docker.getContainer(c.Id).inspect();
        return `${i.Id} ${i.State.Status} ${i.State.StartedAt} ${i.RestartCount}`;
      }));
    const before = await snapshot();
    expect(before).toHaveLength(1);

    server.configure({ override: { 'docker-compose.yml': secretCompose(true), 'env.example': await secretEnvExample() } });
    const t = await testDir('sec-repair');
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '90'], { cwd: t.root, env: server.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = reportLines(r.stdout);
    expect(lines[0]).toBe(`Detected: port conflict — 8080 (backend) is in use by container ${other.project}-web-1 of compose project ${other.project} (${path.join(other.dir, 'docker-compose.yml')})`);
    expect(lines[3]).toBe('Outcome:  recovered — DevLake is healthy at http://localhost:8085');
    // The other project's container was named, never stopped, restarted or removed.
    expect(await snapshot()).toEqual(before);
  });
});
