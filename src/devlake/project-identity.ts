// Which compose project is this folder's deployment, and whose are the resources under a name.
//
// Compose names a project after its folder's basename, so `a/devlake` and `b/devlake` are one
// project to the engine: a deploy from b would recreate a's containers and mount a's volumes. The
// containers say which folder they belong to (`com.docker.compose.project.working_dir`, the
// absolute project directory compose writes on every container), so a name is this folder's when
// none of its containers name another folder. Networks and volumes carry only the project label,
// so with no container left they belong to nobody we can name: a folder that has no record of the
// name does not take them.
//
// The name a deployment uses is recorded in its state file (`composeProject`) and reused from then
// on; a name that another folder holds is never taken: a new one is derived from the folder's path.

import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine/client.js';
import { abortOpt } from '../engine/client.js';
import { LABEL_PROJECT, LABEL_WORKING_DIR, labelFilter } from '../engine/labels.js';
import { normalizeProjectName } from '../compose/project-name.js';

/** What the engine holds under one compose project name. */
export interface ProjectUsage {
  name: string;
  /** Every container of the project (one-offs and stopped ones included), with its working dir label. */
  containers: { id: string; name: string; state: string; workingDir?: string }[];
  networks: string[];
  volumes: string[];
}

/** Two spellings of one folder (a symlink, a trailing slash) are the same folder. */
export function sameDir(a: string, b: string): boolean {
  const norm = (p: string): string => {
    const abs = path.resolve(p);
    try {
      return realpathSync.native(abs);
    } catch {
      return abs;
    }
  };
  return path.resolve(a) === path.resolve(b) || norm(a) === norm(b);
}

/** The folders other than `dir` whose containers use the project name. Pure (but for realpath). */
export function foreignDirs(usage: ProjectUsage, dir: string): string[] {
  const out = new Set<string>();
  for (const c of usage.containers) {
    // A container without the label was not made by compose or by us: it names no folder, and it
    // is not this folder's either.
    const wd = c.workingDir ?? '(no working dir label)';
    if (!sameDir(wd, dir)) out.add(wd);
  }
  return [...out].sort();
}

/** Networks or volumes exist under the name, but no container says whose they are. */
export function unattributed(usage: ProjectUsage): boolean {
  return usage.containers.length === 0 && (usage.networks.length > 0 || usage.volumes.length > 0);
}

export async function projectUsage(engine: Engine, name: string, signal?: AbortSignal): Promise<ProjectUsage> {
  const filters = { label: [labelFilter(LABEL_PROJECT, name)] };
  const [containers, networks, volumes] = await Promise.all([
    engine.call('list', (d) => d.listContainers({ all: true, filters, ...abortOpt(signal) }), { signal }),
    engine.call('list', (d) => d.listNetworks({ filters, ...abortOpt(signal) }), { signal }),
    engine.call('list', (d) => d.listVolumes({ filters, ...abortOpt(signal) }), { signal }),
  ]);
  return {
    name,
    containers: containers
      .filter((c) => c.Labels?.[LABEL_PROJECT] === name)
      .map((c) => {
        const wd = c.Labels?.[LABEL_WORKING_DIR];
        return { id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), state: c.State, ...(wd !== undefined ? { workingDir: wd } : {}) };
      }),
    networks: networks.filter((n) => n.Labels?.[LABEL_PROJECT] === name).map((n) => n.Name),
    volumes: (volumes.Volumes ?? []).filter((v) => v.Labels?.[LABEL_PROJECT] === name).map((v) => v.Name),
  };
}

/** A stable name for `dir` when its basename is taken: the basename and 8 hex digits of its path. */
export function derivedProjectName(dir: string, attempt = 0): string {
  const base = normalizeProjectName(path.basename(path.resolve(dir)));
  const hash = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 8);
  return `${base}-${hash}${attempt > 0 ? `-${attempt + 1}` : ''}`;
}

/** How the name was chosen, for the output. */
export type NameOrigin = 'recorded' | 'chosen' | 'folder' | 'derived';

export interface ProjectIdentity {
  name: string;
  origin: NameOrigin;
  /** The name compose would have used and why it was not (origin 'derived'). */
  clash?: { name: string; dirs: string[]; unattributed: boolean };
}

/** Refused: the name the user chose (or the state file records) is another folder's project. */
export class ProjectClashError extends Error {
  override readonly name = 'ProjectClashError';
  constructor(
    readonly project: string,
    readonly dirs: string[],
    message: string,
  ) {
    super(message);
  }
}

export interface IdentityInput {
  dir: string;
  /** The name compose resolves for the folder (COMPOSE_PROJECT_NAME, `name:`, else the basename). */
  composeName: string;
  /** True when composeName came from the user (COMPOSE_PROJECT_NAME or `name:`), not the basename. */
  userChosen: boolean;
  /** `composeProject` of the state file, when there is one. */
  recorded?: string;
  /** A state file exists (a Go-tool or older file has no composeProject: its deploy used composeName). */
  hasState: boolean;
  usage: (name: string) => Promise<ProjectUsage>;
}

const MAX_DERIVED = 5;

/**
 * The project name this folder's deploy uses. A recorded or user-chosen name is kept (refused when
 * another folder's containers use it); the folder's name is used unless another folder holds it,
 * or, for a folder with no state file, networks/volumes exist that no container claims.
 */
export async function chooseProjectName(input: IdentityInput): Promise<ProjectIdentity> {
  const fixed = input.recorded ?? (input.userChosen ? input.composeName : undefined);
  if (fixed !== undefined) {
    const others = foreignDirs(await input.usage(fixed), input.dir);
    if (others.length > 0) {
      const from = input.recorded !== undefined ? 'recorded in the state file' : 'set by COMPOSE_PROJECT_NAME or the compose file\'s "name:"';
      throw new ProjectClashError(
        fixed,
        others,
        `the compose project name "${fixed}" (${from}) is used by the deployment in ${others.join(', ')}; nothing was changed. ` +
          (input.recorded !== undefined ? 'Remove that deployment, or remove composeProject from the state file to get a name of its own.' : 'Choose another name.'),
      );
    }
    return { name: fixed, origin: input.recorded !== undefined ? 'recorded' : 'chosen' };
  }
  const usage = await input.usage(input.composeName);
  const others = foreignDirs(usage, input.dir);
  const orphan = !input.hasState && unattributed(usage);
  if (others.length === 0 && !orphan) return { name: input.composeName, origin: 'folder' };
  for (let attempt = 0; attempt < MAX_DERIVED; attempt++) {
    const name = derivedProjectName(input.dir, attempt);
    const u = await input.usage(name);
    if (foreignDirs(u, input.dir).length === 0) return { name, origin: 'derived', clash: { name: input.composeName, dirs: others, unattributed: orphan && others.length === 0 } };
  }
  throw new ProjectClashError(input.composeName, others, `no free compose project name for ${input.dir} (tried ${MAX_DERIVED}); set COMPOSE_PROJECT_NAME to a name of your own`);
}

/** The note the deploy prints when it derived a name. */
export function derivedNote(id: ProjectIdentity): string | undefined {
  if (id.origin !== 'derived' || !id.clash) return undefined;
  const why = id.clash.unattributed
    ? `networks or volumes named after "${id.clash.name}" exist and no container says which folder they belong to`
    : `the compose project "${id.clash.name}" belongs to the deployment in ${id.clash.dirs.join(', ')}`;
  return `Compose project: ${id.name} (${why}; that one is left as it is). The name is recorded in the state file.` +
    (id.clash.unattributed ? ` If they are this folder's data, deploy with COMPOSE_PROJECT_NAME=${id.clash.name}.` : '');
}

/** chooseProjectName with the engine and the folder's state file. */
export async function identifyProject(
  engine: Engine,
  dir: string,
  composeName: string,
  state: { composeProject?: unknown } | undefined,
  signal?: AbortSignal,
): Promise<ProjectIdentity> {
  let folderName: string | undefined;
  try {
    folderName = normalizeProjectName(path.basename(path.resolve(dir)));
  } catch {
    folderName = undefined;
  }
  const recorded = typeof state?.composeProject === 'string' && state.composeProject !== '' ? state.composeProject : undefined;
  return chooseProjectName({
    dir: path.resolve(dir),
    composeName,
    userChosen: composeName !== folderName,
    ...(recorded !== undefined ? { recorded } : {}),
    hasState: state !== undefined,
    usage: (name) => projectUsage(engine, name, signal),
  });
}
