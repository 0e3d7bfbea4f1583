// What `status` says about a local deployment: taken from this folder's own containers (their
// state and the host ports they publish), never from the well-known bundle ports, which may be
// another project's. Pure, but for `observeStack`.

import type { Engine } from '../engine/client.js';
import { listProjectContainers, toProjectContainer, type ProjectContainer } from '../engine/ps.js';
import { BUNDLE_ROLES, ROLE_CONTAINER_PORT, ROLE_SERVICE, type BundleRole, type Endpoints } from './ports.js';
import { hostUrl } from './plan.js';
import { sameDir } from './project-identity.js';
import type { EndpointHealth } from './discovery.js';
import type { LocalState } from './state.js';

/** For scripts (exit codes in src/io/exit-codes.ts) and people. */
export type StackState = 'healthy' | 'degraded' | 'stopped' | 'missing';

/** This folder's containers of the project (another folder's under the same name are not). */
export async function observeContainers(engine: Engine, project: string, dir: string): Promise<ProjectContainer[]> {
  const list = await listProjectContainers(engine, project, { all: true });
  return list.map(toProjectContainer).filter((c) => {
    const wd = c.labels['com.docker.compose.project.working_dir'];
    return wd !== undefined && sameDir(wd, dir);
  });
}

/**
 * Each role's URL from what the running containers publish: the role's service publishing the
 * role's container port, else any container publishing that port. A role nobody publishes has
 * no endpoint.
 */
export function endpointsFromContainers(containers: readonly ProjectContainer[]): Partial<Endpoints> {
  const out: Partial<Endpoints> = {};
  const running = containers.filter((c) => c.state === 'running');
  for (const role of BUNDLE_ROLES) {
    const publishes = (c: ProjectContainer) => c.ports.find((p) => p.containerPort === ROLE_CONTAINER_PORT[role] && p.hostPort !== undefined && p.protocol === 'tcp');
    const owner = running.find((c) => c.service === ROLE_SERVICE[role] && publishes(c)) ?? running.find((c) => publishes(c));
    const port = owner ? publishes(owner) : undefined;
    if (port?.hostPort !== undefined) out[role] = hostUrl(port.hostIp === '::' ? '' : port.hostIp, port.hostPort);
  }
  return out;
}

export interface StackVerdict {
  state: StackState;
  /** One line for people. */
  summary: string;
  /** What to do next, when something is. */
  next?: string;
}

const ROLE_NAME: Record<BundleRole, string> = { backend: 'backend', grafana: 'Grafana', configUi: 'config UI' };

/** Pure. `containers` undefined: the engine could not be asked (`engineError` says why). */
export function decideStack(input: {
  state?: Pick<LocalState, 'status'>;
  containers?: readonly ProjectContainer[];
  engineError?: string;
  health: readonly EndpointHealth[];
  startCommand: string;
}): StackVerdict {
  const { containers, health } = input;
  if (containers === undefined) {
    return { state: 'degraded', summary: `the Docker engine does not answer (${input.engineError ?? 'unknown error'}); the containers' state is unknown`, next: 'Start Docker, then run status again.' };
  }
  if (containers.length === 0) {
    if (input.state?.status === 'prepared') return { state: 'stopped', summary: 'prepared, not started (deploy --start=false): the files are ready, no container exists yet', next: `Start it with \`${input.startCommand}\`.` };
    if (input.state?.status === 'removed') return { state: 'missing', summary: 'removed by cleanup --keep-data: no containers; the data volumes are kept', next: `Deploy again to use them.` };
    if (input.state) return { state: 'missing', summary: 'the state file records a deployment, but none of its containers exists', next: `Deploy again, or \`${input.startCommand}\` to recreate them.` };
    return { state: 'missing', summary: 'nothing is deployed in this folder' };
  }
  const running = containers.filter((c) => c.state === 'running');
  if (running.length === 0) {
    return { state: 'stopped', summary: `stopped: ${containers.length} container(s), none running`, next: `Start it with \`${input.startCommand}\`.` };
  }
  const problems: string[] = [];
  for (const c of containers) if (c.state !== 'running') problems.push(`${c.service || c.name} ${c.state}`);
  const backend = health.find((h) => h.name === 'backend');
  if (!backend) problems.push('no container publishes the backend (container port 8080)');
  for (const h of health) {
    if (!h.healthy) problems.push(`${ROLE_NAME[h.name]} not healthy at ${h.url} (${h.status !== undefined ? `HTTP ${h.status}${h.status === 428 ? ', migration pending' : ''}` : (h.error ?? 'no answer')})`);
  }
  if (problems.length === 0) return { state: 'healthy', summary: `running: ${running.length}/${containers.length} container(s) up, every published endpoint healthy` };
  return { state: 'degraded', summary: `degraded: ${running.length}/${containers.length} container(s) up; ${problems.join('; ')}`, next: `Run \`${input.startCommand}\` to start what is down and wait for health.` };
}
