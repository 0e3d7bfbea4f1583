// The login repair: `az login` (the one child process gh-devlake may start, argv array, no shell),
// or @azure/identity's device-code flow when `az` is not installed. Only on an interactive
// terminal outside CI; the machine's guard decides, this module only does it.

import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { TokenCredential } from './context.js';

export interface LoginResult {
  method: 'az' | 'device-code';
  /** A credential to use from now on (device code); absent: the default chain sees the new login. */
  credential?: TokenCredential;
}

export interface LoginIo {
  env: NodeJS.ProcessEnv;
  note: (text: string) => void;
  endpoint: string;
  signal?: AbortSignal;
}

export type LoginFn = (io: LoginIo) => Promise<LoginResult>;

/** The exact command a user runs by hand. */
export const LOGIN_COMMAND = 'az login';

/** Whether the login repair may prompt: a terminal on both ends and not CI. */
export function isInteractive(env: NodeJS.ProcessEnv, stdin: { isTTY?: boolean } = process.stdin, stderr: { isTTY?: boolean } = process.stderr): boolean {
  return Boolean(stdin.isTTY) && Boolean(stderr.isTTY) && env.CI !== 'true';
}

/** Find an executable on PATH without running anything. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const full = path.join(dir, n);
      try {
        await fs.access(full, constants.X_OK);
        return full;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Run `az login` attached to the terminal; resolve when it exits 0. */
export function runAzLogin(azPath: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(azPath, ['login'], { stdio: 'inherit', env, shell: false, ...(signal ? { signal } : {}) });
    child.once('error', reject);
    child.once('exit', (code, sig) => {
      if (code === 0) resolve();
      else reject(new Error(`\`${LOGIN_COMMAND}\` exited with ${sig ?? `code ${String(code)}`}`));
    });
  });
}

/** The product's login: `az login` when az is on PATH, else the device-code flow. */
export const defaultLogin: LoginFn = async (io) => {
  const az = await findOnPath('az', io.env);
  if (az) {
    await runAzLogin(az, io.env, io.signal);
    return { method: 'az' };
  }
  const { DeviceCodeCredential } = await import('@azure/identity');
  const credential = new DeviceCodeCredential({ userPromptCallback: (info) => io.note(info.message) });
  await credential.getToken(`${io.endpoint}/.default`, io.signal ? { abortSignal: io.signal } : {});
  return { method: 'device-code', credential };
};

/** Ask a yes/no question on the terminal (default yes). */
export async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [Y/n] `)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}
