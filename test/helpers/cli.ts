// Run the built CLI (`node <repo>/gh-devlake …`) the way a user would, always with a deadline.

import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './images.js';

export const CLI_ENTRY = path.join(REPO_ROOT, 'gh-devlake');

export interface RunCliOptions {
  cwd: string;
  /** Added to the clean environment; `undefined` removes a variable (NO_COLOR included). */
  env?: Record<string, string | undefined>;
  /** Kill the CLI and fail after this long (default 180 s). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null (like CI). */
  input?: string;
  /** Script to run instead of the repo's gh-devlake (for testing this helper). */
  entry?: string;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Variables taken from our own environment; everything else must be passed explicitly. */
const INHERITED = ['PATH', 'HOME', 'DOCKER_HOST', 'TMPDIR', 'SYSTEMROOT'] as const;

export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { NO_COLOR: '1' };
  for (const key of INHERITED) if (process.env[key] !== undefined) env[key] = process.env[key];
  Object.assign(env, extra);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export class CliTimeoutError extends Error {
  override readonly name = 'CliTimeoutError';
  constructor(
    readonly args: string[],
    readonly timeoutMs: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`gh-devlake ${args.join(' ')} did not finish within ${timeoutMs} ms (killed).\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
  }
}

export function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const started = Date.now();
  const child = spawn(process.execPath, [opts.entry ?? CLI_ENTRY, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const { stdout: out, stderr: err } = child;
  if (!out || !err) throw new Error('runCli: no stdout/stderr pipes');
  let stdout = '';
  let stderr = '';
  out.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  err.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (opts.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // the CLI may exit without reading it
    child.stdin.end(opts.input);
  }
  return new Promise<CliResult>((resolve, reject) => {
    let timedOut = false;
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      out.destroy();
      err.destroy();
      if (timedOut) {
        reject(new CliTimeoutError(args, timeoutMs, stdout, stderr));
        return;
      }
      const bySignal = signal ? 128 + (os.constants.signals[signal] ?? 0) : 1;
      resolve({ code: code ?? bySignal, stdout, stderr, durationMs: Date.now() - started });
    };
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    });
    // 'close' waits for stdout/stderr to end; a grandchild could keep them open, so 'exit' plus a
    // short grace also finishes.
    child.once('exit', (code, signal) => {
      grace = setTimeout(() => finish(code, signal), 2_000);
    });
    child.once('close', (code, signal) => finish(code, signal));
  });
}
