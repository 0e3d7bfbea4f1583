// Containers of one compose project that point at a network that no longer exists: a stopped
// container keeps its network's ID (NetworkSettings.Networks[*].NetworkID), so when the network is
// removed and the project's network re-created, starting it fails with `network <id> not found`
// (docker/compose#8539). Compose's answer is `up --force-recreate`; local.recreate-container
// removes exactly these containers so the retry creates them anew.

import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import { LABEL_PROJECT, LABEL_SERVICE, LABEL_WORKING_DIR, projectFilters } from './labels.js';
import { containerDisplayName } from './ps.js';

export interface StaleContainer {
  id: string;
  name: string;
  service: string;
  /** IDs of the networks it points at that are gone. */
  goneNetworks: string[];
}

interface InspectedNetworks {
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string } | null> | null };
}

/** Whether a network (by ID) exists; only a 404 says it does not. */
async function networkExists(engine: Engine, id: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await engine.call('list', (d) => d.getNetwork(id).inspect() as Promise<unknown>, { target: id, signal });
    return true;
  } catch (err) {
    if (hasStatus(err, 404)) return false;
    throw err;
  }
}

/**
 * The project's containers — only those labelled with this project AND this working directory,
 * never another folder's stack of the same name — whose networks are gone.
 */
export async function containersOnGoneNetworks(engine: Engine, project: string, workingDir: string, signal?: AbortSignal): Promise<StaleContainer[]> {
  const list = await engine.call('list', (d) => d.listContainers({ all: true, filters: projectFilters(project), ...abortOpt(signal) }), { signal });
  const ours = list.filter((c) => c.Labels?.[LABEL_PROJECT] === project && c.Labels?.[LABEL_WORKING_DIR] === workingDir);
  const exists = new Map<string, Promise<boolean>>();
  const stale: StaleContainer[] = [];
  for (const c of ours) {
    const info = (await engine.call('container.inspect', (d) => d.getContainer(c.Id).inspect(abortOpt(signal)) as Promise<InspectedNetworks>, { target: c.Id, signal })) ?? {};
    const ids = Object.values(info.NetworkSettings?.Networks ?? {})
      .map((n) => n?.NetworkID ?? '')
      .filter((id) => id !== '');
    const gone: string[] = [];
    for (const id of ids) {
      if (!exists.has(id)) exists.set(id, networkExists(engine, id, signal));
      if (!(await exists.get(id))) gone.push(id);
    }
    if (gone.length > 0) stale.push({ id: c.Id, name: containerDisplayName(c), service: c.Labels?.[LABEL_SERVICE] ?? '', goneNetworks: gone });
  }
  return stale;
}
