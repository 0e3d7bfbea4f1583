// What counts as a secret of a local deployment, registered with the process's redactor
// (src/util/redact.ts) so no printer, error message or record can show it: the secret-named
// values of the deployment's .env (and its backup), passwords inside URLs there (DB_URL), the
// secret-named values of the compose environment (MYSQL_PASSWORD…), and our own environment's
// tokens (GITHUB_TOKEN…). Reading is best effort: a broken .env is reported elsewhere.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseEnv } from '../compose/envfile.js';
import type { ComposeProject } from '../compose/model.js';
import { registerEnvironmentSecrets, secrets, type Redactor } from '../util/redact.js';

/** `KEY=value` lines, leniently (quotes stripped, nothing interpolated), for a file that may not parse. */
export function scanEnvLeniently(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z0-9_.-]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m?.[1]) continue;
    let value = m[2] ?? '';
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else if (q === '"' || q === "'") value = value.slice(1);
    out[m[1]] = value;
  }
  return out;
}

/** The variables of an env file's text: parsed like compose when it parses, leniently when not. */
export function envVariables(text: string, file: string): Record<string, string> {
  let strict: Record<string, string> = {};
  try {
    strict = parseEnv(text, { file, interpolate: false });
  } catch {
    // a malformed file: the lenient scan below still finds its values
  }
  return { ...scanEnvLeniently(text), ...strict };
}

/** Register the secrets of the .env files in `dir`, and of our environment. Never throws. */
export async function registerDeploymentSecrets(dir: string, env: Readonly<Record<string, string | undefined>>, redactor: Redactor = secrets): Promise<void> {
  registerEnvironmentSecrets(env, redactor);
  for (const name of ['.env', '.env.bak']) {
    const file = path.join(dir, name);
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) redactor.addVariables(envVariables(text, file));
  }
}

/** Register the secret-named values of every service's final environment. */
export function registerComposeSecrets(project: ComposeProject, redactor: Redactor = secrets): void {
  for (const svc of project.services) redactor.addVariables(svc.environment);
}
