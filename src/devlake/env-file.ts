// The deployment's .env: made from the release's (or fork's) env.example, or the user's own merged
// with it, with an ENCRYPTION_SECRET that is generated once and never replaced (it encrypts the
// user's data).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseEnv } from '../compose/envfile.js';
import { mergeEnv, SECRET_KEY, type EnvMerge } from './env-merge.js';
import { backupFile } from './backup.js';
import { ComposeError } from '../compose/errors.js';
import { generateEncryptionSecret } from './secrets.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readTextFile } from '../util/read-text.js';
import { secrets } from '../util/redact.js';
import { envVariables } from './env-variables.js';

export { SECRET_KEY };

export interface EnvPrepared {
  /** True when a new secret was generated (none existed). */
  secretGenerated: boolean;
  /** Path of the numbered backup of the previous .env, when it was changed. */
  backup?: string;
  /** True when an existing .env had a looser mode than 0600 and was tightened. */
  tightened: boolean;
  /** What the merge did (src/devlake/env-merge.ts). */
  merge: EnvMerge;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readTextFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Make `dir/.env` from `example`: a new one from the example, or the user's own merged with it
 * (every variable the user set kept, the example's new ones added, ENCRYPTION_SECRET generated only
 * when none exists). A .env that changes is backed up first to the next free `.env.bak.N` (0600).
 */
export async function prepareEnvFile(dir: string, exampleFile: string): Promise<EnvPrepared> {
  const envFile = path.join(dir, '.env');
  const example = await readTextFile(exampleFile);
  const previous = await readIfExists(envFile);
  let tightened = false;
  if (previous !== undefined) {
    secrets.addVariables(envVariables(previous, envFile));
    const mode = (await fs.stat(envFile)).mode & 0o777;
    tightened = (mode & 0o077) !== 0;
  }
  const merge = mergeEnv(previous, example, { env: envFile, example: exampleFile }, () => {
    const s = generateEncryptionSecret();
    // Known before anything can print it.
    secrets.add(s);
    return s;
  });
  secrets.addVariables(envVariables(merge.text, envFile));
  let backup: string | undefined;
  if (merge.changed) {
    if (previous !== undefined) backup = await backupFile(envFile, previous, 0o600);
    await writeFileAtomic(envFile, merge.text, 0o600);
  } else if (tightened) {
    await fs.chmod(envFile, 0o600);
  }
  return { secretGenerated: merge.secret === 'generated', tightened, merge, ...(backup ? { backup } : {}) };
}

/**
 * Check that an existing `dir/.env` parses (syntax only, nothing interpolated), before anything in
 * dir is changed: a broken .env is bad input (ComposeError with file, line and column).
 */
export async function validateEnvFile(dir: string): Promise<void> {
  const envFile = path.join(dir, '.env');
  let text: string | undefined;
  try {
    text = await readIfExists(envFile);
  } catch (err) {
    throw new ComposeError({ file: envFile, message: `cannot read: ${(err as Error).message}`, hint: 'make .env a readable file (it holds the deployment\'s settings and ENCRYPTION_SECRET)', cause: err });
  }
  if (text !== undefined) parseEnv(text, { file: envFile, interpolate: false });
}

/** Custom deploys keep .env as it is, but a secret file readable by others is tightened to 0600. */
export async function tightenEnvMode(dir: string): Promise<boolean> {
  const envFile = path.join(dir, '.env');
  try {
    const mode = (await fs.stat(envFile)).mode & 0o777;
    if ((mode & 0o077) === 0) return false;
    await fs.chmod(envFile, 0o600);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
