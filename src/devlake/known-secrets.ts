// What counts as a secret of a local deployment, registered with the process's redactor
// (src/util/redact.ts) so no printer, error message or record can show it: the secret-named
// values of the deployment's .env (and its backup), passwords inside URLs there (DB_URL), the
// secret-named values of the compose environment (MYSQL_PASSWORD…), and our own environment's
// tokens (GITHUB_TOKEN…). Reading is best effort: a broken .env is reported elsewhere.

import { promises as fs } from 'node:fs';
import { readTextFile } from '../util/read-text.js';
import path from 'node:path';
import type { ComposeProject } from '../compose/model.js';
import { registerEnvironmentSecrets, secrets, type Redactor } from '../util/redact.js';

/** Register the secrets of the .env files in `dir`, and of our environment. Never throws. */
export async function registerDeploymentSecrets(dir: string, env: Readonly<Record<string, string | undefined>>, redactor: Redactor = secrets): Promise<void> {
  registerEnvironmentSecrets(env, redactor);
  // The .env, its old-style backup and the numbered ones (src/devlake/backup.ts).
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of ['.env', '.env.bak', ...names.filter((n) => /^\.env\.bak\.\d+$/.test(n))]) {
    const file = path.join(dir, name);
    const text = await readTextFile(file).catch(() => undefined);
    // The env parser loads only when there is a file to read (status in an empty dir skips it).
    if (text !== undefined) redactor.addVariables((await import('./env-variables.js')).envVariables(text, file));
  }
}

/** Register the secret-named values of every service's final environment. */
export function registerComposeSecrets(project: ComposeProject, redactor: Redactor = secrets): void {
  for (const svc of project.services) redactor.addVariables(svc.environment);
}
