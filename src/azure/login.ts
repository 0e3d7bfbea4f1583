// The sign-in repairs. `azure.login`: `az login` (the one child process gh-devlake may start,
// argv array, no shell), with `--scope`/`--tenant` when az asked for them (MFA, a claims
// challenge). `azure.device-code`: @azure/identity's DeviceCodeCredential, no az needed — the
// identity platform's device authorization grant. Only on an interactive terminal outside CI;
// the machine's guard decides, this module only does it.

import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { IdentityOptions, TokenCredential } from './context.js';
import { labelCredential } from './sign-in.js';
import type { Facts } from '../recovery/types.js';
import { RepairDeclinedError } from '../recovery/deploy-error.js';

export interface LoginResult {
  method: 'az' | 'device-code';
  /** A credential to use from now on (device code); absent: the default chain sees the new login. */
  credential?: TokenCredential;
  /** The command that ran (`az login --scope …`), for the report. */
  command?: string;
}

export interface LoginIo {
  env: NodeJS.ProcessEnv;
  note: (text: string) => void;
  endpoint: string;
  signal?: AbortSignal;
  /** Which sign-in the classification asked for (default 'az': `az login`, device code without az). */
  method?: 'az' | 'device-code';
  /** Arguments after `az` (default: ['login']). */
  azArgs?: readonly string[];
  identityOptions?: IdentityOptions;
}

export type LoginFn = (io: LoginIo) => Promise<LoginResult>;

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

/**
 * `az login` with what the classification found: `--scope` (only an https scope, as az printed
 * it for MFA / Conditional Access) and `--tenant`. Never text from the error as a command line.
 */
export function azLoginArgs(facts: Facts): string[] {
  const args = ['login'];
  if (typeof facts.scope === 'string' && /^https:\/\/[\w.-]+(?::\d+)?\/[\w./-]*$/.test(facts.scope)) args.push('--scope', facts.scope);
  if (typeof facts.tenant === 'string' && /^[\w.-]+$/.test(facts.tenant)) args.push('--tenant', facts.tenant);
  return args;
}

/** Run `az <args>` attached to the terminal; resolve when it exits 0. */
export function runAzLogin(azPath: string, env: NodeJS.ProcessEnv, signal?: AbortSignal, args: readonly string[] = ['login']): Promise<void> {
  const command = ['az', ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(azPath, [...args], { stdio: 'inherit', env, shell: false, ...(signal ? { signal } : {}) });
    child.once('error', reject);
    child.once('exit', (code, sig) => {
      if (code === 0) resolve();
      else reject(new Error(`\`${command}\` exited with ${sig ?? `code ${String(code)}`}`));
    });
  });
}

/**
 * Device-code sign-in (@azure/identity DeviceCodeCredential): prints the code and the page to
 * enter it on, waits for the user (the identity platform's own expiry bounds it), and returns the
 * credential, which answers silently from its cache from then on.
 */
export async function deviceCodeLogin(io: LoginIo): Promise<LoginResult> {
  const { DeviceCodeCredential } = await import('@azure/identity');
  const o = io.identityOptions ?? {};
  const credential = new DeviceCodeCredential({
    ...(o.authorityHost ? { authorityHost: o.authorityHost } : {}),
    ...(o.tenantId ? { tenantId: o.tenantId } : {}),
    ...(o.disableInstanceDiscovery ? { disableInstanceDiscovery: true } : {}),
    ...(o.tlsOptions ? { tlsOptions: o.tlsOptions } : {}),
    userPromptCallback: (info) => io.note(info.message),
  });
  // enableCae: the SDK clients' pipelines ask with it, and MSAL keeps a separate cache per setting.
  await credential.getToken(`${io.endpoint}/.default`, { enableCae: true, ...(io.signal ? { abortSignal: io.signal } : {}) });
  return { method: 'device-code', credential: labelCredential('DeviceCodeCredential', credential) };
}

/** The product's login: what the class asked for; `az login` needs az on PATH, else device code. */
export const defaultLogin: LoginFn = async (io) => {
  if (io.method === 'device-code') return deviceCodeLogin(io);
  const az = await findOnPath('az', io.env);
  if (az) {
    const args = io.azArgs ?? ['login'];
    await runAzLogin(az, io.env, io.signal, args);
    return { method: 'az', command: ['az', ...args].join(' ') };
  }
  return deviceCodeLogin(io);
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

export interface SignInRepairIo {
  /** The class's repair and facts (scope, tenant). */
  repair: 'azure.login' | 'azure.device-code';
  facts: Facts;
  /** --yes: do not ask first. */
  yes: boolean;
  confirm: (question: string) => Promise<boolean>;
  login: LoginFn;
  io: Omit<LoginIo, 'method' | 'azArgs'>;
}

/**
 * The `azure.login` / `azure.device-code` repair: ask (unless --yes), sign in the way the class
 * says, and describe it for the `Repair:` line. Declining throws RepairDeclinedError.
 */
export async function signInRepair(r: SignInRepairIo): Promise<{ description: string; credential?: TokenCredential }> {
  const deviceCode = r.repair === 'azure.device-code';
  const args = azLoginArgs(r.facts);
  const command = ['az', ...args].join(' ');
  if (!r.yes) {
    const ok = await r.confirm(deviceCode ? 'Not signed in to Azure, and az is not installed. Sign in now with a device code?' : `Not signed in to Azure. Sign in now with \`${command}\`?`);
    if (!ok) {
      throw new RepairDeclinedError(
        deviceCode ? 'you chose not to sign in now; install az and run `az login` (or set GH_DEVLAKE_AZURE_AUTH=environment), then run this command again' : `you chose not to sign in now; run \`${command}\`, then run this command again`,
      );
    }
  }
  r.io.note(deviceCode ? 'Signing in to Azure with a device code…' : `Signing in to Azure (\`${command}\`)…`);
  const result = await r.login({ ...r.io, method: deviceCode ? 'device-code' : 'az', azArgs: args });
  const description =
    result.method === 'az'
      ? `signed in with \`${result.command ?? command}\``
      : deviceCode
        ? 'signed in with a device code (az is not installed)'
        : 'signed in with a device code (az is not on PATH)';
  return { description, ...(result.credential ? { credential: result.credential } : {}) };
}
