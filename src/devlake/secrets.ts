import { randomInt } from 'node:crypto';

/** DevLake expects ENCRYPTION_SECRET as uppercase letters; its docs generate 128 of them. */
export const ENCRYPTION_SECRET_LENGTH = 128;
export const ENCRYPTION_SECRET_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Uniform over the charset: randomInt draws without modulo bias. */
export function generateEncryptionSecret(length = ENCRYPTION_SECRET_LENGTH): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ENCRYPTION_SECRET_CHARSET[randomInt(ENCRYPTION_SECRET_CHARSET.length)];
  return s;
}
