// runCli(): clean environment, NO_COLOR, stdin, exit codes and the deadline. Runs a stand-in entry
// script; the real CLI is exercised by the product's own integration tests.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, CliTimeoutError, runCli } from '../../helpers/cli.js';

let dir: string;
let entry: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-test-cli-'));
  entry = path.join(dir, 'fake-cli.mjs');
  await fs.writeFile(
    entry,
    `const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'env') { process.stdout.write(JSON.stringify({ env: process.env, cwd: process.cwd(), args: rest })); }
else if (cmd === 'stdin') { let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => process.stdout.write('got:' + s)); }
else if (cmd === 'fail') { process.stderr.write('boom\\n'); process.exit(3); }
else if (cmd === 'hang') { setInterval(() => {}, 1000); }
`,
  );
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('runCli', () => {
  it('points at the repo entry script', () => {
    expect(path.basename(CLI_ENTRY)).toBe('gh-devlake');
  });

  it('passes a clean environment with NO_COLOR=1 plus the test variables', async () => {
    const r = await runCli(['env', 'a b'], { cwd: dir, entry, env: { DEVLAKE_RELEASE_BASE_URL: 'http://127.0.0.1:1', EXTRA: 'x' } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { env: Record<string, string>; cwd: string; args: string[] };
    expect(out.env.NO_COLOR).toBe('1');
    expect(out.env.PATH).toBe(process.env.PATH);
    expect(out.env.EXTRA).toBe('x');
    expect(out.env.DEVLAKE_RELEASE_BASE_URL).toBe('http://127.0.0.1:1');
    expect(out.env.VITEST).toBeUndefined();
    expect(out.env.CI).toBeUndefined();
    expect(await fs.realpath(out.cwd)).toBe(await fs.realpath(dir));
    expect(out.args).toEqual(['a b']);
    expect(r.durationMs).toBeGreaterThan(0);

    const noColor = await runCli(['env'], { cwd: dir, entry, env: { NO_COLOR: undefined } });
    expect((JSON.parse(noColor.stdout) as { env: Record<string, string> }).env.NO_COLOR).toBeUndefined();
  });

  it('feeds input on stdin, and reports exit code and stderr', async () => {
    expect((await runCli(['stdin'], { cwd: dir, entry, input: 'yes\n' })).stdout).toBe('got:yes\n');
    expect((await runCli(['stdin'], { cwd: dir, entry })).stdout).toBe('got:');
    const failed = await runCli(['fail'], { cwd: dir, entry });
    expect(failed.code).toBe(3);
    expect(failed.stderr).toBe('boom\n');
  });

  it('kills the CLI and fails at the deadline', async () => {
    const t0 = Date.now();
    await expect(runCli(['hang'], { cwd: dir, entry, timeoutMs: 1_000 })).rejects.toBeInstanceOf(CliTimeoutError);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
