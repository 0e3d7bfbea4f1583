// Whether an official deploy from DIR may write the release's docker-compose.yml: the deploy's own
// rule (src/devlake/release-files.ts composeVerdict) on the file in DIR and the state file. Doctor
// downloads nothing, so a file that is byte for byte the release's reads as the user's here (the
// deploy would accept it); the summary says so. Pure.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ComposeReplaceRefused, composeVerdict } from '../devlake/release-files.js';
import { deployCommandLine } from '../targets/local/run.js';
import type { LocalContext } from './context.js';
import type { CheckResult } from './types.js';

/** Undefined for sources that never write a compose file (custom, fork). */
export function decideComposeFile(ctx: LocalContext): CheckResult | undefined {
  if (ctx.source !== 'official' || ctx.dirKind !== 'dir') return undefined;
  const id = 'local.compose-file';
  const file = path.join(ctx.dir, 'docker-compose.yml');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const verdict = composeVerdict(existing, undefined, ctx.state);
  const facts = { file, verdict: verdict.kind, replaceCompose: ctx.deploy.replaceCompose === true };
  if (verdict.kind === 'absent') return { id, classId: null, verdict: 'ok', summary: "no docker-compose.yml yet; the deploy downloads the release's", facts };
  if (verdict.kind !== 'users') return { id, classId: null, verdict: 'ok', summary: "docker-compose.yml is the one the last deploy wrote; the deploy replaces it with the release's (a numbered backup is kept)", facts };
  if (ctx.deploy.replaceCompose) return { id, classId: null, verdict: 'ok', summary: `docker-compose.yml is yours (${verdict.why}); --replace-compose replaces it with the release's after a numbered backup`, facts };
  const refused = new ComposeReplaceRefused(file, verdict.why, deployCommandLine(ctx.dir, { source: 'official', ...(ctx.deploy.version ? { version: ctx.deploy.version } : {}) }));
  return {
    id,
    classId: null,
    verdict: 'needs-you',
    summary: `the deploy stops before it starts anything: docker-compose.yml is yours (${verdict.why}${verdict.why.startsWith('the state file') ? '' : ", unless it is byte for byte the release's"})`,
    remediation: refused.message,
    facts,
  };
}
