// Named volumes of the project, named and labelled like Docker Compose v2 does:
// `<project>_<key>` (or the file's `name:`), labels project / volume=<key> / version. An
// `external` volume is looked up and mounted as it is: never created, replaced or removed (the
// user's data lives there). A missing one is an error before any container is created, like
// Compose v2's "external volume X not found".

import type { ComposeProject } from '../compose/model.js';
import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import { COMPOSE_VERSION, LABEL_PROJECT, LABEL_VERSION, LABEL_VOLUME, projectFilters } from './labels.js';

export function volumeName(project: string, name: string): string {
  return `${project}_${name}`;
}

/** The engine name of the project's volume `key`. */
export function volumeNameFor(project: Pick<ComposeProject, 'name' | 'volumeSpecs'>, key: string): string {
  return project.volumeSpecs?.[key]?.name ?? volumeName(project.name, key);
}

/** An `external: true` volume or network that the engine does not have. */
export class ExternalResourceMissing extends Error {
  override readonly name = 'ExternalResourceMissing';
  constructor(
    readonly kind: 'volume' | 'network',
    readonly key: string,
    readonly engineName: string,
  ) {
    super(
      kind === 'volume'
        ? `external volume "${engineName}" not found (volumes.${key} is declared external: true)`
        : `network ${engineName} declared as external, but could not be found (networks.${key})`,
    );
  }

  /** What to do next. */
  get hint(): string {
    return `create it first (docker ${this.kind} create ${this.engineName}), or remove "external: true" to let the project create its own`;
  }
}

export interface EnsuredVolume {
  /** Short name in the compose file. */
  key: string;
  /** Engine name `<project>_<key>`. */
  name: string;
  created: boolean;
}

async function volumeExists(engine: Engine, name: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await engine.call('list', (d) => d.getVolume(name).inspect(abortOpt(signal)) as Promise<unknown>, {
      target: name,
      signal,
    });
    return true;
  } catch (err) {
    if (hasStatus(err, 404)) return false;
    throw err;
  }
}

/**
 * Create each volume unless it exists (volume create is idempotent in the daemon too); an external
 * one must exist. All at once; results in `keys` order. `project` may be a bare project name.
 */
export async function ensureVolumes(engine: Engine, project: string | Pick<ComposeProject, 'name' | 'volumeSpecs'>, keys: readonly string[], signal?: AbortSignal): Promise<EnsuredVolume[]> {
  const p = typeof project === 'string' ? { name: project } : project;
  const results = await Promise.allSettled(
    keys.map(async (key): Promise<EnsuredVolume> => {
      const spec = p.volumeSpecs?.[key];
      const name = volumeNameFor(p, key);
      if (await volumeExists(engine, name, signal)) return { key, name, created: false };
      if (spec?.external) throw new ExternalResourceMissing('volume', key, name);
      await engine.call(
        'volume.create',
        (d) =>
          d.createVolume({
            Name: name,
            Driver: spec?.driver ?? 'local',
            ...(spec && Object.keys(spec.driverOpts).length > 0 ? { DriverOpts: spec.driverOpts } : {}),
            Labels: { ...spec?.labels, [LABEL_PROJECT]: p.name, [LABEL_VOLUME]: key, [LABEL_VERSION]: COMPOSE_VERSION },
            ...abortOpt(signal),
          }),
        { target: name, signal },
      );
      return { key, name, created: true };
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<EnsuredVolume>).value);
}

/** Volumes labelled for the project. */
export async function listProjectVolumes(engine: Engine, project: string, signal?: AbortSignal): Promise<string[]> {
  const res = await engine.call(
    'list',
    (d) => d.listVolumes({ filters: projectFilters(project), ...abortOpt(signal) }),
    { signal },
  );
  return (res.Volumes ?? []).filter((v) => v.Labels?.[LABEL_PROJECT] === project).map((v) => v.Name);
}

/** Remove a volume; false when it did not exist. A volume in use fails with 409 (EngineError 'volume.remove'). */
export async function removeVolume(engine: Engine, name: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await engine.call('volume.remove', (d) => d.getVolume(name).remove(abortOpt(signal)) as Promise<unknown>, {
      target: name,
      signal,
    });
    return true;
  } catch (err) {
    if (hasStatus(err, 404)) return false;
    throw err;
  }
}
