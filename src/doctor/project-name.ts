// The compose project name a deploy from DIR would use, and whether its folder's name is another
// deployment's (src/devlake/project-identity.ts decides; the deploy asks the same function).

import type { Engine } from '../engine/client.js';
import { identifyProject, ProjectClashError, type ProjectIdentity } from '../devlake/project-identity.js';
import type { LocalContext } from './context.js';
import type { CheckResult } from './types.js';

export type ProjectNameObservation = { identity: ProjectIdentity } | { clash: ProjectClashError } | { error: string };

export async function observeProjectName(ctx: LocalContext, engine: Engine): Promise<ProjectNameObservation | undefined> {
  if (ctx.composeName === undefined) return undefined;
  try {
    return { identity: await identifyProject(engine, ctx.dir, ctx.composeName, ctx.state) };
  } catch (err) {
    if (err instanceof ProjectClashError) return { clash: err };
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Pure. */
export function decideProjectName(o: ProjectNameObservation): CheckResult {
  const id = 'local.project-name';
  if ('clash' in o) {
    return { id, classId: null, verdict: 'needs-you', summary: o.clash.message, remediation: o.clash.message, facts: { project: o.clash.project, usedBy: o.clash.dirs.join(', ') } };
  }
  if ('error' in o) return { id, classId: null, verdict: 'ok', summary: `could not ask the engine which folder uses the project name (${o.error})`, facts: {} };
  const { identity } = o;
  if (identity.origin === 'derived' && identity.clash) {
    const why = identity.clash.unattributed
      ? `networks or volumes named after "${identity.clash.name}" exist that no container claims`
      : `"${identity.clash.name}" is the compose project of ${identity.clash.dirs.join(', ')}`;
    return {
      id,
      classId: null,
      verdict: 'ok',
      summary: `project name clash: ${why}; a deploy here names its project ${identity.name} and leaves that one alone`,
      facts: { project: identity.name, clashWith: identity.clash.name, usedBy: identity.clash.dirs.join(', ') },
    };
  }
  return { id, classId: null, verdict: 'ok', summary: `compose project ${identity.name} (${identity.origin === 'recorded' ? 'recorded in the state file' : identity.origin === 'chosen' ? 'your COMPOSE_PROJECT_NAME or name:' : 'from the folder name'}), used by no other folder`, facts: { project: identity.name } };
}
