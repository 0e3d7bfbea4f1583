// What a local deploy from DIR would start from, read without changing anything: the state file
// (bundle, source, MySQL unpublished), the compose file and its project. The deploy's defaults fill
// the gaps: no state file → the official source on the default bundle.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadComposeProject, selectServices } from '../compose/load.js';
import type { ComposeProject } from '../compose/model.js';
import { resolveProjectName } from '../compose/project-name.js';
import { FORK_COMPOSE_FILE, FORK_SERVICES } from '../devlake/fork.js';
import { findComposeFile } from '../devlake/local-project.js';
import { LOCAL_STATE_FILE, readLocalState, StateFileError, type LocalState } from '../devlake/state.js';
import type { LocalPlan, LocalSource } from './repair-guard.js';

/** The options of the `deploy local` that doctor predicts: the same flags, the same defaults. */
export interface LocalDeployOptions {
  source?: LocalSource;
  replaceCompose?: boolean;
  moveBrokenState?: boolean;
  repoUrl?: string;
  version?: string;
}

export interface LocalContext {
  /** Absolute DIR. */
  dir: string;
  dirKind: 'missing' | 'file' | 'dir';
  stateFile: string;
  state?: LocalState;
  /** The state file exists but cannot be used (the deploy would stop on it). */
  stateError?: string;
  /** What is wrong with it (src/devlake/state.ts StateFileError). */
  stateProblem?: StateFileError['problem'];
  /** The deploy's options. */
  deploy: LocalDeployOptions;
  /** The source the state file records, when it records one. */
  recordedSource?: LocalSource;
  composeFile?: string;
  /** The compose file exists but does not load (the deploy would stop on it). */
  composeError?: string;
  /** The project as the deploy would start it (a fork: only its four services). */
  project?: ComposeProject;
  /** The compose project name of DIR's deployment: its containers hold its ports, not a conflict. */
  projectName?: string;
  /** The name compose itself resolves for DIR (before src/devlake/project-identity.ts). */
  composeName?: string;
  /** The source the deploy uses: --source, else the CLI's default (official), as `deploy local` does. */
  source: LocalSource;
  /** True when no --source was given (the default is assumed). */
  sourceAssumed: boolean;
  plan: LocalPlan;
}

export const DEFAULT_SOURCE: LocalSource = 'official';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function loadLocalContext(dirArg: string, env: NodeJS.ProcessEnv, deploy: LocalDeployOptions = {}): Promise<LocalContext> {
  const dir = path.resolve(dirArg);
  const stateFile = path.join(dir, LOCAL_STATE_FILE);
  const st = await fs.stat(dir).catch(() => undefined);
  const dirKind: LocalContext['dirKind'] = st === undefined ? 'missing' : st.isDirectory() ? 'dir' : 'file';
  const ctx: LocalContext = {
    dir,
    dirKind,
    stateFile,
    deploy,
    source: deploy.source ?? DEFAULT_SOURCE,
    sourceAssumed: deploy.source === undefined,
    plan: { bundle: 'default', mysqlUnpublished: false },
  };
  if (dirKind !== 'dir') return ctx;

  try {
    const state = await readLocalState(dir);
    if (state) ctx.state = state;
  } catch (err) {
    ctx.stateError = messageOf(err);
    if (err instanceof StateFileError) ctx.stateProblem = err.problem;
  }
  const state = ctx.state;
  // The deploy uses --source (default official), never the recorded source: so does doctor.
  if (state?.source === 'official' || state?.source === 'fork' || state?.source === 'custom') ctx.recordedSource = state.source;
  // The deploy starts on the recorded bundle and keeps MySQL unpublished once a repair dropped it.
  ctx.plan = { bundle: state?.bundle === 'alternate' ? 'alternate' : 'default', mysqlUnpublished: state?.mysqlUnpublished === true };

  const composeFile = findComposeFile(dir, state);
  if (composeFile) {
    ctx.composeFile = composeFile;
    try {
      const { project } = await loadComposeProject({ dir, files: [composeFile], env });
      const fork = ctx.source === 'fork' || path.basename(composeFile) === FORK_COMPOSE_FILE;
      ctx.project = fork ? selectServices(project, [...FORK_SERVICES].filter((s) => project.services.some((p) => p.name === s))) : project;
      ctx.projectName = project.name;
      ctx.composeName = project.name;
    } catch (err) {
      ctx.composeError = messageOf(err);
    }
  }
  if (ctx.projectName === undefined) {
    try {
      ctx.projectName = resolveProjectName({ dir, lookup: (k) => env[k] });
      ctx.composeName = ctx.projectName;
    } catch {
      // A directory name with nothing usable: no own project to recognise.
    }
  }
  if (typeof state?.composeProject === 'string' && state.composeProject !== '') ctx.projectName = state.composeProject;
  return ctx;
}
