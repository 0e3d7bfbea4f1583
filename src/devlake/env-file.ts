// The deployment's .env: made from the release's (or fork's) env.example, with an
// ENCRYPTION_SECRET that is generated once and never replaced (it encrypts the user's data).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseEnv, setEnvValue } from '../compose/envfile.js';
import { ComposeError } from '../compose/errors.js';
import { generateEncryptionSecret } from './secrets.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { secrets } from '../util/redact.js';
import { envVariables } from './env-variables.js';

export const SECRET_KEY = 'ENCRYPTION_SECRET';

export interface EnvPrepared {
  /** True when a new secret was generated (none existed). */
  secretGenerated: boolean;
  /** Path of the backup of the previous .env, when there was one. */
  backup?: string;
  /** True when an existing .env had a looser mode than 0600 and was tightened. */
  tightened: boolean;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Turn `example` into `dir/.env`. An existing .env is backed up to .env.bak first, and its
 * ENCRYPTION_SECRET (if any) is carried over; only a missing or empty secret is generated.
 */
export async function prepareEnvFile(dir: string, exampleFile: string): Promise<EnvPrepared> {
  const envFile = path.join(dir, '.env');
  const example = await fs.readFile(exampleFile, 'utf8');
  const previous = await readIfExists(envFile);
  let tightened = false;
  let backup: string | undefined;
  let secret = '';
  if (previous !== undefined) {
    const mode = (await fs.stat(envFile)).mode & 0o777;
    tightened = (mode & 0o077) !== 0;
    secret = parseEnv(previous, { file: envFile, interpolate: false })[SECRET_KEY] ?? '';
    backup = path.join(dir, '.env.bak');
    await writeFileAtomic(backup, previous, 0o600);
  }
  if (secret === '') secret = parseEnv(example, { file: exampleFile, interpolate: false })[SECRET_KEY] ?? '';
  const secretGenerated = secret === '';
  if (secretGenerated) secret = generateEncryptionSecret();
  // Known before anything can print it.
  secrets.add(secret);
  const text = setEnvValue(example, SECRET_KEY, secret);
  secrets.addVariables(envVariables(text, envFile));
  await writeFileAtomic(envFile, text, 0o600);
  return { secretGenerated, tightened, ...(backup ? { backup } : {}) };
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
