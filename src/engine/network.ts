// The project's default network, named and labelled like Docker Compose v2 does:
// `<project>_default`, bridge driver, labels project / network=default / version.

import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import { COMPOSE_VERSION, DEFAULT_NETWORK_KEY, LABEL_NETWORK, LABEL_PROJECT, LABEL_VERSION, projectFilters } from './labels.js';

export function defaultNetworkName(project: string): string {
  return `${project}_${DEFAULT_NETWORK_KEY}`;
}

export interface EnsuredNetwork {
  name: string;
  id: string;
  created: boolean;
}

async function inspectNetwork(engine: Engine, name: string, signal?: AbortSignal): Promise<{ Id: string; Name: string } | undefined> {
  try {
    const info = await engine.call(
      'list',
      (d) => d.getNetwork(name).inspect() as Promise<{ Id: string; Name: string }>,
      { target: name, signal },
    );
    // Inspect also resolves IDs and ID prefixes; only an exact name counts.
    return info.Name === name ? info : undefined;
  } catch (err) {
    if (hasStatus(err, 404)) return undefined;
    throw err;
  }
}

/** Create `<project>_default` unless it exists. Idempotent; a concurrent creator is tolerated. */
export async function ensureNetwork(engine: Engine, project: string, signal?: AbortSignal): Promise<EnsuredNetwork> {
  const name = defaultNetworkName(project);
  const existing = await inspectNetwork(engine, name, signal);
  if (existing) return { name, id: existing.Id, created: false };
  try {
    const net = await engine.call(
      'network.create',
      (d) =>
        d.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: { [LABEL_PROJECT]: project, [LABEL_NETWORK]: DEFAULT_NETWORK_KEY, [LABEL_VERSION]: COMPOSE_VERSION },
          ...abortOpt(signal),
        }),
      { target: name, signal },
    );
    return { name, id: net.id, created: true };
  } catch (err) {
    // 409: created meanwhile by someone else (CheckDuplicate).
    if (hasStatus(err, 409)) {
      const now = await inspectNetwork(engine, name, signal);
      if (now) return { name, id: now.Id, created: false };
    }
    throw err;
  }
}

/** Names of the networks labelled for the project. */
export async function listProjectNetworks(engine: Engine, project: string, signal?: AbortSignal): Promise<{ id: string; name: string }[]> {
  const nets = await engine.call(
    'list',
    (d) => d.listNetworks({ filters: projectFilters(project), ...abortOpt(signal) }),
    { signal },
  );
  return nets.filter((n) => n.Labels?.[LABEL_PROJECT] === project).map((n) => ({ id: n.Id, name: n.Name }));
}

/** Remove a network by name or id; false when it did not exist. */
export async function removeNetwork(engine: Engine, nameOrId: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await engine.call('network.remove', (d) => d.getNetwork(nameOrId).remove(abortOpt(signal)) as Promise<unknown>, {
      target: nameOrId,
      signal,
    });
    return true;
  } catch (err) {
    if (hasStatus(err, 404)) return false;
    throw err;
  }
}
