// The deployment's two secrets. They exist in memory only: they go to the ARM deployment as
// secure parameters (and from there into the Key Vault), never to output, logs or the state file.

import { randomInt } from 'node:crypto';

export interface DeploySecrets {
  mysqlPassword: string;
  encryptionSecret: string;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)] ?? '';
}

/** DevLake's ENCRYPTION_SECRET: 128 uppercase letters, as DevLake's own generator makes it. */
export function encryptionSecret(length = 128): string {
  let s = '';
  for (let i = 0; i < length; i++) s += pick(UPPER);
  return s;
}

/**
 * A MySQL Flexible Server admin password: 32 characters with upper, lower and digits (the server
 * asks for three of four classes). Letters and digits only, so it is safe inside the DB_URL.
 */
export function mysqlPassword(length = 32): string {
  const all = UPPER + LOWER + DIGITS;
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}

export function generateSecrets(): DeploySecrets {
  return { mysqlPassword: mysqlPassword(), encryptionSecret: encryptionSecret() };
}

/** Replace every secret value in a text by `***` (defence in depth for messages from Azure). */
export function redact(text: string, secrets: DeploySecrets | undefined): string {
  if (!secrets) return text;
  let out = text;
  for (const value of [secrets.mysqlPassword, secrets.encryptionSecret]) {
    if (value) out = out.split(value).join('***');
  }
  return out;
}
