// The project's networks, named and labelled like Docker Compose v2 does: `<project>_<key>` (or
// the file's `name:`), bridge driver unless the file says otherwise, labels project /
// network=<key> / version. An `external` network is looked up and used, never created; a
// missing one is an error before any container is created (Compose v2: "network X declared as
// external, but could not be found").

import type { ComposeProject, NetworkSpec } from '../compose/model.js';
import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import { COMPOSE_VERSION, DEFAULT_NETWORK_KEY, LABEL_NETWORK, LABEL_PROJECT, LABEL_VERSION, projectFilters } from './labels.js';
import { ExternalResourceMissing } from './volume.js';

export function defaultNetworkName(project: string): string {
  return `${project}_${DEFAULT_NETWORK_KEY}`;
}

/** The engine name of the project's network `key`. */
export function networkNameFor(project: Pick<ComposeProject, 'name' | 'networks'>, key: string): string {
  return project.networks?.[key]?.name ?? `${project.name}_${key}`;
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
  return ensureProjectNetwork(engine, { name: project }, DEFAULT_NETWORK_KEY, signal);
}

/** Ensure every network in `keys` (the ones the services join); results in `keys` order. */
export async function ensureProjectNetworks(engine: Engine, project: Pick<ComposeProject, 'name' | 'networks'>, keys: readonly string[], signal?: AbortSignal): Promise<EnsuredNetwork[]> {
  const results = await Promise.allSettled(keys.map((key) => ensureProjectNetwork(engine, project, key, signal)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<EnsuredNetwork>).value);
}

async function ensureProjectNetwork(engine: Engine, project: Pick<ComposeProject, 'name' | 'networks'>, key: string, signal?: AbortSignal): Promise<EnsuredNetwork> {
  const spec: NetworkSpec | undefined = project.networks?.[key];
  const name = networkNameFor(project, key);
  const existing = await inspectNetwork(engine, name, signal);
  if (existing) return { name, id: existing.Id, created: false };
  if (spec?.external) throw new ExternalResourceMissing('network', key, name);
  try {
    const net = await engine.call(
      'network.create',
      (d) =>
        d.createNetwork({
          Name: name,
          Driver: spec?.driver ?? 'bridge',
          CheckDuplicate: true,
          Labels: { ...spec?.labels, [LABEL_PROJECT]: project.name, [LABEL_NETWORK]: key, [LABEL_VERSION]: COMPOSE_VERSION },
          ...(spec && Object.keys(spec.driverOpts).length > 0 ? { Options: spec.driverOpts } : {}),
          ...(spec?.internal ? { Internal: true } : {}),
          ...(spec?.attachable ? { Attachable: true } : {}),
          ...(spec?.enableIpv6 !== undefined ? { EnableIPv6: spec.enableIpv6 } : {}),
          ...(spec?.ipam ? { IPAM: ipamFor(spec.ipam) } : {}),
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

function ipamFor(ipam: NonNullable<NetworkSpec['ipam']>): { Driver: string; Config: Record<string, unknown>[]; Options: Record<string, string> } {
  return {
    Driver: ipam.driver ?? 'default',
    Config: ipam.config.map((c) => ({
      ...(c.subnet !== undefined ? { Subnet: c.subnet } : {}),
      ...(c.ipRange !== undefined ? { IPRange: c.ipRange } : {}),
      ...(c.gateway !== undefined ? { Gateway: c.gateway } : {}),
      ...(c.auxAddresses !== undefined ? { AuxiliaryAddresses: c.auxAddresses } : {}),
    })),
    Options: ipam.options,
  };
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
