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

/** Where one secret of this run comes from: the deployment's Key Vault (a re-run), or generated now. */
export type SecretSource = { from: 'vault'; vaultId: string; secretName: string } | { from: 'generated'; value: string };

/** The run's two secrets. A re-run reads neither value: ARM resolves the references itself. */
export interface SecretPlan {
  mysqlPassword: SecretSource;
  encryptionSecret: SecretSource;
}

export interface SecretFacts {
  /** The vault's resource id, when it exists. */
  vaultId?: string;
  /** Which of the two secrets the vault holds (by the management plane, which never returns values). */
  has: { mysqlPassword: boolean; encryptionSecret: boolean };
  /** `--rotate-secrets`: generate both again, on purpose. */
  rotate: boolean;
  /** Secret names in the vault (src/azure/template.ts SECRET_NAMES). */
  names: { mysqlPassword: string; encryptionSecret: string };
}

/** Reuse what the vault holds; generate only what is missing (or everything, on --rotate-secrets). Pure. */
export function planSecrets(facts: SecretFacts, fresh: DeploySecrets): SecretPlan {
  const one = (key: keyof DeploySecrets): SecretSource =>
    !facts.rotate && facts.vaultId && facts.has[key] ? { from: 'vault', vaultId: facts.vaultId, secretName: facts.names[key] } : { from: 'generated', value: fresh[key] };
  return { mysqlPassword: one('mysqlPassword'), encryptionSecret: one('encryptionSecret') };
}

/** A secret as a deployment parameter: its value, or a Key Vault reference (azure-rest-api-specs resources.json KeyVaultParameterReference). */
export function secretParameter(s: SecretSource): { value: string } | { reference: { keyVault: { id: string }; secretName: string } } {
  return s.from === 'vault' ? { reference: { keyVault: { id: s.vaultId }, secretName: s.secretName } } : { value: s.value };
}

/** The generated values of a plan (what redact() must hide); reused secrets never reach us. */
export function generatedValues(plan: SecretPlan): DeploySecrets {
  const v = (s: SecretSource) => (s.from === 'generated' ? s.value : '');
  return { mysqlPassword: v(plan.mysqlPassword), encryptionSecret: v(plan.encryptionSecret) };
}
