// `gh-devlake status | head -1`: the reader goes away before the CLI is done writing. That is
// not a failure of the command: no stack trace, the exit code it would have had. Row of
// docs/reliability.md ("Faults").

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_ENTRY, cliEnv } from '../../helpers/cli.js';

/** Run the CLI with its stdout pipe closed by the reader before anything is written. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gh-devlake ${args.join(' ')} did not exit within 30 s`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a closed output pipe', () => {
  it('fault: the output pipe closes before the command has printed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdl-pipe-'));
    const status = await runWithClosedStdout(['status', '--dir', dir]);
    expect(status.stderr).toBe('');
    // Nothing deployed in the folder: status's own "missing" code (docs/status.md), not a crash.
    expect(status.code).toBe(6);
    // A usage error keeps its exit code and its message on stderr.
    const usage = await runWithClosedStdout(['deploy', 'local', '--source', 'nope']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--source/);
  });
});
