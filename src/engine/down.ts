// `docker compose down [-v]`: stop then remove the project's containers (found by label),
// then its network, then — when asked — its named volumes. `onlyContainers` undoes one
// attempt: only those container ids go, and the network/volumes only if nothing of the
// project is left.

import type Docker from 'dockerode';
import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import type { EngineEventListener } from './events.js';
import { LABEL_PROJECT, LABEL_SERVICE, projectFilters } from './labels.js';
import { listProjectNetworks, removeNetwork } from './network.js';
import { containerDisplayName } from './ps.js';
import { settleAll, type ContainerCallContext } from './start.js';
import { stopContainer } from './stop.js';
import { listProjectVolumes, removeVolume } from './volume.js';

/** Remove a container; false when it was already gone. `volumes` also removes its anonymous volumes. */
export async function removeContainer(
  engine: Engine,
  id: string,
  ctx: ContainerCallContext & { volumes?: boolean; force?: boolean } = {},
): Promise<boolean> {
  try {
    await engine.call(
      'container.remove',
      (d) => d.getContainer(id).remove({ v: ctx.volumes ?? false, force: ctx.force ?? false, ...abortOpt(ctx.signal) }) as Promise<unknown>,
      { target: id, service: ctx.service, signal: ctx.signal },
    );
    return true;
  } catch (err) {
    // 404: gone already. 409 "removal already in progress": someone else is removing it.
    if (hasStatus(err, 404)) return false;
    if (hasStatus(err, 409) && /already in progress/i.test(err.facts.rawMessage)) return false;
    throw err;
  }
}

export interface DownOptions {
  /** Also remove the project's named volumes (`down -v`) and the containers' anonymous volumes. */
  volumes: boolean;
  /** Only these container ids (full or unique prefix); the network/volumes go only if no project container is left. */
  onlyContainers?: readonly string[];
  timeoutSeconds?: number;
  signal?: AbortSignal;
  onEvent?: EngineEventListener;
}

export interface DownResult {
  removedContainers: string[];
  removedNetworks: string[];
  removedVolumes: string[];
  /** True when `onlyContainers` left project containers behind, so network and volumes were kept. */
  keptShared: boolean;
}

async function allProjectContainers(engine: Engine, project: string, signal?: AbortSignal): Promise<Docker.ContainerInfo[]> {
  // Every container of the project, one-offs included (like compose down).
  const list = await engine.call('list', (d) => d.listContainers({ all: true, filters: projectFilters(project), ...abortOpt(signal) }), {
    signal,
  });
  return list.filter((c) => c.Labels?.[LABEL_PROJECT] === project);
}

function matchesAny(id: string, wanted: readonly string[]): boolean {
  return wanted.some((w) => w.length > 0 && id.startsWith(w));
}

export async function down(engine: Engine, project: string, opts: DownOptions): Promise<DownResult> {
  const { signal } = opts;
  const all = await allProjectContainers(engine, project, signal);
  const targets = opts.onlyContainers ? all.filter((c) => matchesAny(c.Id, opts.onlyContainers ?? [])) : all;

  // Every container at once, each stopped (when running) then removed: no ordering is needed
  // between services, and a container that was never started is removed without waiting for
  // the others' stops.
  const removedContainers: string[] = [];
  await settleAll(
    targets.map(async (c) => {
      const service = c.Labels?.[LABEL_SERVICE] ?? '';
      if (c.State === 'running' || c.State === 'restarting' || c.State === 'paused') {
        if (await stopContainer(engine, c.Id, { service, signal, timeoutSeconds: opts.timeoutSeconds })) {
          opts.onEvent?.({ type: 'container', service, name: containerDisplayName(c), containerId: c.Id, action: 'stopped' });
        }
      }
      if (await removeContainer(engine, c.Id, { service, signal, volumes: opts.volumes })) {
        removedContainers.push(c.Id);
        opts.onEvent?.({ type: 'container', service, name: containerDisplayName(c), containerId: c.Id, action: 'removed' });
      }
    }),
  );

  const result: DownResult = { removedContainers, removedNetworks: [], removedVolumes: [], keptShared: false };
  if (opts.onlyContainers) {
    const left = await allProjectContainers(engine, project, signal);
    if (left.length > 0) {
      result.keptShared = true;
      return result;
    }
  }
  for (const net of await listProjectNetworks(engine, project, signal)) {
    if (await removeNetwork(engine, net.id, signal)) {
      result.removedNetworks.push(net.name);
      opts.onEvent?.({ type: 'network', name: net.name, action: 'removed' });
    }
  }
  if (opts.volumes) {
    for (const name of await listProjectVolumes(engine, project, signal)) {
      if (await removeVolume(engine, name, signal)) {
        result.removedVolumes.push(name);
        opts.onEvent?.({ type: 'volume', name, action: 'removed' });
      }
    }
  }
  return result;
}
