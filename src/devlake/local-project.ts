// Which compose project a local deployment in `dir` is, for the commands that act on one that
// exists (stop, cleanup, status): the name its state file records, else the project of the
// containers whose working dir is `dir`, else the name compose would derive. And whether the
// containers under that name are this folder's (src/devlake/project-identity.ts).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_COMPOSE_FILES } from '../compose/file-names.js';
import { loadComposeProject } from '../compose/load.js';
import { resolveProjectName } from '../compose/project-name.js';
import type { Engine } from '../engine/client.js';
import { abortOpt } from '../engine/client.js';
import { LABEL_PROJECT, LABEL_WORKING_DIR, labelFilter } from '../engine/labels.js';
import { readLocalState, StateFileError, type LocalState } from './state.js';
import { InputError } from '../io/exit-codes.js';
import { FORK_COMPOSE_FILE } from './fork.js';
import { foreignDirs, projectUsage, type ProjectUsage } from './project-identity.js';

/** Compose's own names in its order (what `docker compose` in this folder would use), then a fork's file. */
const CANDIDATES = [...DEFAULT_COMPOSE_FILES, FORK_COMPOSE_FILE];

export function findComposeFile(dir: string, state?: LocalState): string | undefined {
  if (typeof state?.composeFile === 'string') {
    const recorded = path.resolve(dir, state.composeFile);
    if (existsSync(recorded)) return recorded;
  }
  for (const f of CANDIDATES) if (existsSync(path.join(dir, f))) return path.join(dir, f);
  return undefined;
}

/** The compose file a `--source custom` deploy uses: the user's, already in dir (bad input when there is none). */
export function customComposeFile(dir: string): string {
  const found = findComposeFile(dir);
  if (!found) throw new InputError(`--source custom uses the docker-compose.yml (or compose.yaml, docker-compose-dev.yml) already in ${dir}, and there is none; put yours there, or use --source official`);
  return found;
}

export interface DeployedProject {
  name: string;
  composeFile?: string;
  state?: LocalState;
  /** The state file exists but cannot be read (only with `tolerateBrokenState`). */
  stateError?: StateFileError;
  /** How the name was found. */
  from: 'state' | 'containers' | 'compose';
}

/** Compose project names of the containers whose working dir label is `dir`. */
export async function projectsWithWorkingDir(engine: Engine, dir: string, signal?: AbortSignal): Promise<string[]> {
  const list = await engine.call('list', (d) => d.listContainers({ all: true, filters: { label: [labelFilter(LABEL_WORKING_DIR, dir)] }, ...abortOpt(signal) }), { signal });
  const names = new Set<string>();
  for (const c of list) {
    const p = c.Labels?.[LABEL_PROJECT];
    if (p !== undefined && c.Labels?.[LABEL_WORKING_DIR] === dir) names.add(p);
  }
  return [...names].sort();
}

export interface LocateOptions {
  /** A state file that does not parse is set aside (stateError) instead of thrown: cleanup works without it. */
  tolerateBrokenState?: boolean;
  /** Asked for the containers' labels when the state file names no project. */
  engine?: Engine;
}

export async function locateProject(dirArg: string, env: NodeJS.ProcessEnv, opts: LocateOptions = {}): Promise<DeployedProject> {
  const dir = path.resolve(dirArg);
  let state: LocalState | undefined;
  let stateError: StateFileError | undefined;
  try {
    state = await readLocalState(dir);
  } catch (err) {
    if (!(opts.tolerateBrokenState && err instanceof StateFileError)) throw err;
    stateError = err;
  }
  const extra = { ...(state ? { state } : {}), ...(stateError ? { stateError } : {}) };
  const composeFile = findComposeFile(dir, state);
  const withFile = composeFile ? { composeFile } : {};
  if (typeof state?.composeProject === 'string' && state.composeProject !== '') return { name: state.composeProject, ...withFile, ...extra, from: 'state' };
  if (opts.engine) {
    const names = await projectsWithWorkingDir(opts.engine, dir);
    if (names.length === 1 && names[0] !== undefined) return { name: names[0], ...withFile, ...extra, from: 'containers' };
  }
  if (composeFile) {
    // A compose file that does not load (a missing env_file…) still names no other project than
    // compose would derive from the folder: stop and cleanup do not need the rest of it.
    const loaded = await loadComposeProject({ dir, files: [composeFile], env }).catch((err: unknown) => {
      if (err instanceof Error && err.name === 'ComposeError') return undefined;
      throw err;
    });
    if (loaded) return { name: loaded.project.name, composeFile, ...extra, from: 'compose' };
  }
  return { name: resolveProjectName({ dir, lookup: (k) => env[k] }), ...withFile, ...extra, from: 'compose' };
}

/** A command refused to act on a project whose containers belong to another folder. */
export class ForeignProjectError extends Error {
  override readonly name = 'ForeignProjectError';
  constructor(
    readonly project: string,
    readonly dirs: string[],
    verb: string,
  ) {
    super(`the compose project "${project}" belongs to the deployment in ${dirs.join(', ')} (its containers' working dir), not to this folder; nothing was ${verb}. Run the command with --dir ${dirs[0] ?? ''} to act on that deployment.`);
  }
}

/** What is under the project's name, after checking that none of it is another folder's. */
export async function ownedUsage(engine: Engine, project: DeployedProject, dir: string, verb: string): Promise<ProjectUsage> {
  const usage = await projectUsage(engine, project.name);
  const others = foreignDirs(usage, dir);
  if (others.length > 0) throw new ForeignProjectError(project.name, others, verb);
  return usage;
}
