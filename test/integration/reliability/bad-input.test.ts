// Bad input: one short message that names the file (and line:column where there is one), says what
// is wrong and what to do, a documented exit code, no stack trace without DEBUG, nothing changed
// on disk. Rows of docs/reliability.md ("Bad input"); each test is named after its row.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile, chmod, stat, symlink } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { EXIT, STATUS_EXIT } from '../../../src/io/exit-codes.js';
import { dirInput, makeDirFixtures } from '../../helpers/dir-inputs.js';
import { runCli, type CliResult } from '../../helpers/cli.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { releaseFileText, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { docker, makeTestDirWith, type TestDir } from '../cli/support.js';
import { canMountTmpfs, hasStackTrace, mountTmpfs, snapshotDir, tinyCompose, type Mount } from './support.js';

const MOUNT = await canMountTmpfs();
// CI runs as root and can mount: there these rows must run, never be skipped.
if (!MOUNT && process.env.CI === 'true') throw new Error('cannot mount a tmpfs under CI=true: the tmpfs rows of docs/reliability.md would not run');

let server: ReleaseServer;
const dirs: TestDir[] = [];
const mounts: Mount[] = [];

async function testDir(slug: string, files: Record<string, string> = {}): Promise<TestDir> {
  const t = await makeTestDirWith(slug, files);
  dirs.push(t);
  return t;
}

function cli(t: TestDir, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, { cwd: t.root, env: { ...server.env, ...env }, timeoutMs: 60_000 });
}

/** The common shape of a bad-input answer: exit code, one message on stderr naming the file, no trace, no change. */
async function expectRejected(t: TestDir, args: string[], want: { code: number; message: RegExp; env?: Record<string, string> }): Promise<CliResult> {
  const before = await snapshotDir(t.dir);
  const r = await cli(t, args, want.env);
  expect(r.code, r.stderr).toBe(want.code);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).toMatch(want.message);
  expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
  expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(3);
  expect(await snapshotDir(t.dir)).toEqual(before);
  return r;
}

const custom = (t: TestDir): string[] => ['deploy', 'local', '--source', 'custom', '--dir', t.dir, '--timeout', '30'];

beforeAll(async () => {
  server = await startReleaseServer();
});

afterEach(async () => {
  for (const m of mounts.splice(0)) await m.unmount();
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
});

afterAll(async () => {
  await server.close();
});

describe('bad compose input', () => {
  it('input: malformed YAML', async () => {
    const t = await testDir('bad-yaml', { 'docker-compose.yml': 'services:\n  app:\n    image: [unclosed\n' });
    await expectRejected(t, custom(t), { code: 3, message: new RegExp(`${t.dir}/docker-compose\\.yml:\\d+:\\d+: invalid YAML.*\\n.*fix the YAML`) });
  });

  it('input: compose file that is not a mapping', async () => {
    const t = await testDir('bad-notmap', { 'docker-compose.yml': '- just\n- a list\n' });
    await expectRejected(t, custom(t), { code: 3, message: /docker-compose\.yml:1:1: a compose file must be a mapping.*\n.*services:/ });
  });

  it('input: unsupported top-level key', async () => {
    const t = await testDir('bad-toplevel', { 'docker-compose.yml': `services:\n  app:\n    image: ${IMAGES.base}\ninclude:\n  - other.yml\n` });
    await expectRejected(t, custom(t), { code: 3, message: /docker-compose\.yml:4:1: "include" is not supported\npass the included file as another compose file instead/ });
  });

  it('input: service with neither image nor build', async () => {
    const t = await testDir('bad-noimage', { 'docker-compose.yml': 'services:\n  app:\n    command: ["true"]\n' });
    await expectRejected(t, custom(t), { code: 3, message: /docker-compose\.yml:2:3: service "app" has neither "image" nor "build"\n.*add "image:/ });
  });

  it('input: invalid port specs (99999, abc:80, 8080:, ranges we do not support)', async () => {
    const cases: [string, RegExp][] = [
      ['99999', /invalid port "99999": container port 99999 is not between 1 and 65535/],
      ['abc:80', /invalid port "abc:80": "abc" is not a host port or range/],
      ['8080:', /invalid port "8080:": the container port is missing/],
      ['8000-8010:80', /invalid port "8000-8010:80": host ports 8000-8010 and container ports 80 must be ranges of the same length/],
      ['9010-9000:9010-9000', /invalid port "9010-9000:9010-9000": container port range 9010-9000 is reversed/],
    ];
    for (const [spec, message] of cases) {
      const t = await testDir(`bad-port`, { 'docker-compose.yml': `services:\n  app:\n    image: ${IMAGES.base}\n    ports:\n      - "${spec}"\n` });
      await expectRejected(t, custom(t), { code: 3, message: new RegExp(`docker-compose\\.yml:5:9: ${message.source}[^\\n]*\\nuse "\\[HOST_IP:\\]HOST_PORT`) });
      await t.cleanup();
    }
  });

  it('input: depends_on naming an unknown service', async () => {
    const t = await testDir('bad-dep', { 'docker-compose.yml': `services:\n  app:\n    image: ${IMAGES.base}\n    depends_on: [ghost]\n` });
    await expectRejected(t, custom(t), { code: 3, message: /docker-compose\.yml:4:17: service "app" depends on undefined service "ghost"\ndefine "ghost" under services, or remove it from depends_on of "app"/ });
  });

  it('input: dependency cycle', async () => {
    const t = await testDir('bad-cycle', {
      'docker-compose.yml': `services:\n  a:\n    image: ${IMAGES.base}\n    depends_on: [b]\n  b:\n    image: ${IMAGES.base}\n    depends_on: [a]\n`,
    });
    await expectRejected(t, custom(t), { code: 3, message: /docker-compose\.yml:\d+:\d+: dependency cycle: (a -> b -> a|b -> a -> b)\nremove one of these depends_on entries/ });
  });

  it('input: undefined required variable ${VAR:?message}', async () => {
    const t = await testDir('bad-required', { 'docker-compose.yml': `services:\n  app:\n    image: \${APP_IMAGE:?set APP_IMAGE to the image to run}\n` });
    await expectRejected(t, custom(t), {
      code: 3,
      message: /docker-compose\.yml:3:12: services\.app\.image: required variable APP_IMAGE is missing a value: set APP_IMAGE to the image to run\nset APP_IMAGE in the environment or in the project's \.env file/,
    });
  });

  it('input: env_file that does not exist', async () => {
    const t = await testDir('bad-envfile', { 'docker-compose.yml': tinyCompose({ envFile: './missing.env' }) });
    await expectRejected(t, custom(t), { code: 3, message: /docker-compose\.yml:\d+:\d+: .*env file .*missing\.env not found\n.*create \.\/missing\.env/ });
  });
});

describe('bad .env', () => {
  it('input: unterminated quote in .env', async () => {
    const env = 'FOO=bar\nDB_URL="mysql://u:p@db:3306/lake\nOTHER=1\n';
    // custom: read by the compose loader; official: checked before anything is downloaded or written.
    const c = await testDir('bad-env-custom', { 'docker-compose.yml': tinyCompose(), '.env': env });
    await expectRejected(c, custom(c), { code: 3, message: new RegExp(`${c.dir}/\\.env:2:8: unterminated double-quoted value for DB_URL\\nadd the closing "`) });
    const o = await testDir('bad-env-official', { '.env': env });
    await expectRejected(o, ['deploy', 'local', '--dir', o.dir, '--version', TEST_RELEASE_VERSION], { code: 3, message: /\.env:2:8: unterminated double-quoted value for DB_URL/ });
    expect(server.requests.filter((r) => r.includes(TEST_RELEASE_VERSION))).toEqual([]);
  });

  it('input: .env with CRLF endings and a BOM is read correctly', async () => {
    const t = await testDir('env-crlf', {
      'docker-compose.yml': tinyCompose({ envFile: './app.env', environment: { FROM_DOTENV: '${GREETING:?GREETING must come from .env}' } }),
      '.env': '\uFEFFGREETING=hello\r\nQUOTED="a b"\r\n',
      'app.env': '\uFEFFFIRST=one\r\nSECOND=two\r\n',
    });
    const r = await cli(t, ['start', '--no-wait', '--dir', t.dir, '--timeout', '30']);
    expect(r.code, r.stderr).toBe(0);
    const [app] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${t.project}`, 'com.docker.compose.service=app'] } });
    const env = (await docker.getContainer(app!.Id).inspect()).Config.Env;
    expect(env).toEqual(expect.arrayContaining(['FIRST=one', 'SECOND=two', 'FROM_DOTENV=hello']));
    expect(env.some((e) => e.includes('\r') || e.includes('\uFEFF'))).toBe(false);
  });
});

describe('bad state file', () => {
  const bodies: [string, string, RegExp][] = [
    ['empty', '', /\.devlake-local\.json is empty\. To deploy again, run `gh-devlake deploy local --dir \S+ --move-broken-state`/],
    ['truncated', '{"deployedAt":"2024-01-01T00:00:00Z","method":"local","endpoints":{"back', /\.devlake-local\.json is not valid JSON .*it may be truncated\. .*--move-broken-state/],
    ['not JSON', 'deployedAt: yesterday\n', /\.devlake-local\.json is not valid JSON/],
    ['newer version', JSON.stringify({ schemaVersion: 99, deployedAt: 'x', method: 'local', endpoints: { backend: 'http://localhost:8080' } }), /written by a newer gh-devlake \(schema 99, this one reads up to 1\)\. Upgrade gh-devlake\./],
  ];

  it('input: state file empty, truncated, not JSON, or from a newer version', async () => {
    for (const [what, body, message] of bodies) {
      const t = await testDir(`bad-state`, { 'docker-compose.yml': tinyCompose(), '.devlake-local.json': body });
      for (const args of [['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION], custom(t), ['start', '--dir', t.dir], ['status', '--dir', t.dir]]) {
        // stop (and cleanup) work from the containers' labels with a broken state file (issue 18 case 8).
        const r = await expectRejected(t, args, { code: 3, message });
        expect(r.stderr, `${what}: ${args.join(' ')}`).toContain(path.join(t.dir, '.devlake-local.json'));
      }
      await t.cleanup();
    }
  });
});

describe('bad --dir', () => {
  it('input: a compose file, .env or state file that is a named pipe or a device is refused at once', async () => {
    // fs.readFile on a FIFO waited for a writer forever (not even SIGTERM ended the run), and on
    // /dev/zero it read until memory ran out (issue 17: every path bounded).
    const fifo = (file: string): void => void execFileSync('mkfifo', [file]);
    const compose = await testDir('fifo-compose');
    fifo(path.join(compose.dir, 'docker-compose.yml'));
    await expectRejected(compose, custom(compose), { code: 3, message: /docker-compose\.yml: cannot read: it is a named pipe \(FIFO\), not a regular file/ });
    const device = await testDir('dev-compose');
    await symlink('/dev/zero', path.join(device.dir, 'docker-compose.yml'));
    await expectRejected(device, custom(device), { code: 3, message: /docker-compose\.yml: cannot read: it is a device, not a regular file/ });
    const env = await testDir('fifo-env', { 'docker-compose.yml': tinyCompose() });
    fifo(path.join(env.dir, '.env'));
    await expectRejected(env, custom(env), { code: 3, message: /\.env: cannot read: it is a named pipe \(FIFO\), not a regular file/ });
    const state = await testDir('fifo-state', { 'docker-compose.yml': tinyCompose() });
    fifo(path.join(state.dir, '.devlake-local.json'));
    for (const args of [custom(state), ['status', '--dir', state.dir], ['start', '--dir', state.dir]]) {
      const r = await runCli(args, { cwd: state.root, env: server.env, timeoutMs: 15_000 });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/\.devlake-local\.json: it is a named pipe \(FIFO\), not a regular file/);
    }
  });

  it('input: --dir that is a file', async () => {
    const t = await testDir('dir-file', { 'not-a-dir': 'x' });
    const file = path.join(t.dir, 'not-a-dir');
    for (const args of [['deploy', 'local', '--dir', file], ['start', '--dir', file], ['status', '--dir', file], ['stop', '--dir', file], ['cleanup', '--local', '--force', '--dir', file]]) {
      const r = await expectRejected(t, args, { code: 3, message: /--dir .*not-a-dir is a file, not a directory; pass/ });
      expect(r.stdout).toBe('');
    }
  });

  it.skipIf(!MOUNT)('input: --dir that is not writable', async () => {
    // Root ignores mode bits, so "not writable" is a read-only filesystem here.
    const t = await testDir('dir-ro');
    const m = await mountTmpfs(path.join(t.dir, 'ro'), 64);
    mounts.push(m);
    await writeFile(path.join(m.dir, 'docker-compose.yml'), tinyCompose());
    m.remountReadOnly();
    for (const args of [['deploy', 'local', '--source', 'custom', '--dir', m.dir], ['start', '--dir', m.dir]]) {
      await expectRejected(t, args, { code: 3, message: /--dir .*\/ro is not writable \(it is on a read-only file system\); choose another directory/ });
    }
    await expectRejected(t, ['deploy', 'local', '--dir', path.join(m.dir, 'sub')], { code: 3, message: /cannot create --dir .*\/ro\/sub: it is on a read-only file system; choose another directory/ });
  });

  it('input: --dir on a kernel file system (/proc, /sys) is refused at once', async () => {
    // Node 20's recursive mkdir spun forever on /proc/nu (issue 17): each run is killed after 15 s,
    // so a regression fails here instead of hanging the suite.
    const t = await testDir('dir-kernel-fs');
    const cases: [string, RegExp][] = [
      ['/proc/gh-devlake-nu', /cannot create --dir \/proc\/gh-devlake-nu: \/proc is on the kernel's proc file system, which holds no files of ours; choose another directory/],
      ['/proc/self/gh-devlake/a/b', /cannot create --dir \/proc\/self\/gh-devlake\/a\/b: \/proc\/self is on the kernel's proc file system/],
      ['/sys/gh-devlake-nu', /cannot create --dir \/sys\/gh-devlake-nu: \/sys is on the kernel's sysfs file system/],
      ['/sys/kernel/gh-devlake/x', /cannot create --dir \/sys\/kernel\/gh-devlake\/x: \/sys\/kernel is on the kernel's sysfs file system/],
      ['/proc', /--dir \/proc is on the kernel's proc file system, which holds no files of ours; choose another directory/],
      ['/sys', /--dir \/sys is on the kernel's sysfs file system/],
    ];
    for (const [dir, message] of cases) {
      const writers = [
        ['deploy', 'local', '--dir', dir],
        ['deploy', 'local', '--source', 'custom', '--dir', dir],
        ['deploy', 'azure', '--resource-group', 'rg-devlake', '--location', 'eastus', '--official', '--dir', dir],
      ];
      for (const args of writers) {
        const r = await runCli(args, { cwd: t.root, env: server.env, timeoutMs: 15_000 });
        expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(3);
        expect(r.stderr).toMatch(/^error: /);
        expect(r.stderr).toMatch(message);
        expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
        expect(r.stdout).toBe('');
      }
      // The readers end too: nothing to start there (usage, 2), and no deployment there (status: missing, 6).
      const start = await runCli(['start', '--dir', dir], { cwd: t.root, env: server.env, timeoutMs: 15_000 });
      expect([start.code, start.stderr]).toEqual([2, expect.stringMatching(/^error: nothing to start in /)]);
      const status = await runCli(['status', '--dir', dir], { cwd: t.root, env: server.env, timeoutMs: 15_000 });
      expect(status.code, status.stderr).toBe(STATUS_EXIT.missing);
      expect(status.stdout.startsWith(`No deployment in ${dir} `), status.stdout).toBe(true);
    }
  });
});

describe('any --dir', () => {
  it('property: no --dir input makes a command run past its deadline', async () => {
    // Through the built CLI: a deploy that needs the directory and a status that only reads it, on
    // generated --dir inputs (kernel file systems, files, symlink loops, odd names). Each run is
    // killed after 15 s, so a spin fails the property instead of hanging the suite.
    const t = await testDir('dir-property');
    await makeDirFixtures(t.dir);
    await fc.assert(
      fc.asyncProperty(dirInput(t.dir), async (dir) => {
        const deploy = await runCli(['deploy', 'local', '--source', 'custom', '--dir', dir, '--timeout', '5'], { cwd: t.root, env: server.env, timeoutMs: 15_000 });
        // Refused as bad input: the --dir itself, or no compose file of the user's in it.
        expect(deploy.code, `${dir}\n${deploy.stderr}`).toBe(3);
        expect(deploy.stderr).toMatch(/^error: (--dir |cannot create --dir |cannot use --dir |--source custom uses the docker-compose\.yml)/);
        expect(hasStackTrace(deploy.stderr), deploy.stderr).toBe(false);
        const status = await runCli(['status', '--dir', dir], { cwd: t.root, env: server.env, timeoutMs: 15_000 });
        expect([STATUS_EXIT.missing, EXIT.input], `${dir}\n${status.stderr}`).toContain(status.code);
      }),
      { numRuns: 12 },
    );
  });
});

describe('bad flags', () => {
  it('input: conflicting flags (--source custom --repo-url)', async () => {
    const t = await testDir('flags-conflict', { 'docker-compose.yml': tinyCompose() });
    await expectRejected(t, ['deploy', 'local', '--source', 'custom', '--repo-url', 'https://example.invalid/x.git', '--dir', t.dir], {
      code: 2,
      message: /error: --repo-url goes with --source fork, not --source custom/,
    });
  });

  it('input: unknown --source', async () => {
    const t = await testDir('flags-source');
    const r = await cli(t, ['deploy', 'local', '--source', 'nightly', '--dir', t.dir]);
    expect(r.stderr).toMatch(/argument 'nightly' is invalid\. Allowed choices are official, fork, custom/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.code).toBe(2);
  });
});

describe('bad release', () => {
  it('input: --version the release server does not have (404)', async () => {
    // An existing deployment: its files and .env must come through untouched.
    const t = await testDir('rel-404', {
      'docker-compose.yml': await releaseFileText('docker-compose.yml'),
      'env.example': await releaseFileText('env.example'),
      '.env': 'ENCRYPTION_SECRET=KEEPMEKEEPMEKEEPME\n',
    });
    await chmod(path.join(t.dir, '.env'), 0o600);
    const before = await snapshotDir(t.dir);
    const r = await cli(t, ['deploy', 'local', '--dir', t.dir, '--version', 'v9.9.9', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { outcome: string; failure: { classId: string; message: string; remediation: string } };
    expect(doc.outcome).toBe('failed');
    expect(doc.failure.classId).toBe('local.release-not-found');
    expect(doc.failure.message).toMatch(/v9\.9\.9\/docker-compose\.yml answered HTTP 404/);
    expect(doc.failure.remediation).toMatch(/DevLake release v9\.9\.9 could not be used.*pass an existing release/);
    expect(await snapshotDir(t.dir)).toEqual(before);
    // A new directory is not left behind either.
    const fresh = path.join(t.root, 'fresh-dir');
    const r2 = await cli(t, ['deploy', 'local', '--dir', fresh, '--version', 'v9.9.9']);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/^Detected: release not found — /m);
    await expect(stat(fresh)).rejects.toThrow(/ENOENT/);
  });

  it('input: release server answers HTML instead of YAML', async () => {
    const t = await testDir('rel-html', { '.env': 'ENCRYPTION_SECRET=KEEPMEKEEPMEKEEPME\n' });
    const before = await snapshotDir(t.dir);
    // Only env.example is HTML: docker-compose.yml (fetched first and fine) must not be written alone.
    server.configure({ html: ['env.example'] });
    try {
      const r = await cli(t, ['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^Detected: release not found — .*env\.example returned HTML, not the release's env\.example$/m);
      expect(r.stdout).toMatch(/^Outcome: {2}failed — .*Next: DevLake release v1\.0\.1 could not be used: its compose file was not found or is not YAML/m);
      expect(await snapshotDir(t.dir)).toEqual(before);
      expect(await readFile(path.join(t.dir, '.env'), 'utf8')).toBe('ENCRYPTION_SECRET=KEEPMEKEEPMEKEEPME\n');
    } finally {
      server.configure({ html: false });
    }
  });
});

describe('errors stay short', () => {
  it('input: stack trace only with DEBUG set', async () => {
    const t = await testDir('debug-trace', { 'docker-compose.yml': 'services: [\n' });
    const quiet = await cli(t, custom(t));
    expect(quiet.code).toBe(3);
    expect(hasStackTrace(quiet.stderr)).toBe(false);
    const loud = await cli(t, custom(t), { DEBUG: '1' });
    expect(loud.code).toBe(3);
    expect(hasStackTrace(loud.stderr), loud.stderr).toBe(true);
  });
});
