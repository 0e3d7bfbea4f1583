// Named volumes of the project, named and labelled like Docker Compose v2 does:
// `<project>_<name>`, labels project / volume=<name> / version.

import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import { COMPOSE_VERSION, LABEL_PROJECT, LABEL_VERSION, LABEL_VOLUME, projectFilters } from './labels.js';

export function volumeName(project: string, name: string): string {
  return `${project}_${name}`;
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

/** Create each `<project>_<key>` unless it exists (volume create is idempotent in the daemon too). All at once; results in `keys` order. */
export async function ensureVolumes(engine: Engine, project: string, keys: readonly string[], signal?: AbortSignal): Promise<EnsuredVolume[]> {
  const results = await Promise.allSettled(
    keys.map(async (key): Promise<EnsuredVolume> => {
      const name = volumeName(project, key);
      if (await volumeExists(engine, name, signal)) return { key, name, created: false };
      await engine.call(
        'volume.create',
        (d) =>
          d.createVolume({
            Name: name,
            Driver: 'local',
            Labels: { [LABEL_PROJECT]: project, [LABEL_VOLUME]: key, [LABEL_VERSION]: COMPOSE_VERSION },
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
