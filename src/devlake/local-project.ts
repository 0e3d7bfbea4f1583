// Which compose project a local deployment in `dir` is: from the state file's compose file,
// else the compose file found in dir, else the name compose would derive from dir.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadComposeProject } from '../compose/load.js';
import { resolveProjectName } from '../compose/project-name.js';
import { readLocalState, type LocalState } from './state.js';
import { FORK_COMPOSE_FILE } from './fork.js';

const CANDIDATES = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yaml', 'compose.yml', FORK_COMPOSE_FILE];

export function findComposeFile(dir: string, state?: LocalState): string | undefined {
  if (typeof state?.composeFile === 'string') {
    const recorded = path.resolve(dir, state.composeFile);
    if (existsSync(recorded)) return recorded;
  }
  for (const f of CANDIDATES) if (existsSync(path.join(dir, f))) return path.join(dir, f);
  return undefined;
}

export interface DeployedProject {
  name: string;
  composeFile?: string;
  state?: LocalState;
}

export async function locateProject(dirArg: string, env: NodeJS.ProcessEnv): Promise<DeployedProject> {
  const dir = path.resolve(dirArg);
  const state = await readLocalState(dir);
  const composeFile = findComposeFile(dir, state);
  if (composeFile) {
    const { project } = await loadComposeProject({ dir, files: [composeFile], env });
    return { name: project.name, composeFile, ...(state ? { state } : {}) };
  }
  return { name: resolveProjectName({ dir, lookup: (k) => env[k] }), ...(state ? { state } : {}) };
}
