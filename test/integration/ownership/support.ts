// What the ownership tests compare before and after: every container, network and volume of a
// compose project (ids, states, the bytes in each volume) and every byte of a folder.

import { createHash } from 'node:crypto';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { docker } from '../cli/support.js';
import { snapshotDir } from '../reliability/support.js';

/** Every byte of a folder (or a volume's data): relative path → type, mode, content hash. */
export const hashTree = snapshotDir;

export interface ProjectSnapshot {
  containers: { id: string; name: string; state: string; created: number; workingDir?: string; configHash?: string; image: string }[];
  networks: { id: string; name: string }[];
  volumes: { name: string; mountpoint: string; files: Record<string, string> }[];
}

/** The project's containers, networks and volumes as the engine has them, with the volumes' bytes. */
export async function snapshotProject(project: string): Promise<ProjectSnapshot> {
  const filters = { label: [`com.docker.compose.project=${project}`] };
  const containers = (await docker.listContainers({ all: true, filters }))
    .map((c) => ({
      id: c.Id,
      name: c.Names[0] ?? '',
      state: c.State,
      created: c.Created,
      image: c.ImageID,
      ...(c.Labels['com.docker.compose.project.working_dir'] ? { workingDir: c.Labels['com.docker.compose.project.working_dir'] } : {}),
      ...(c.Labels['com.docker.compose.config-hash'] ? { configHash: c.Labels['com.docker.compose.config-hash'] } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const networks = (await docker.listNetworks({ filters })).map((n) => ({ id: n.Id, name: n.Name })).sort((a, b) => a.name.localeCompare(b.name));
  const { Volumes } = await docker.listVolumes({ filters });
  const volumes = await Promise.all(
    (Volumes ?? [])
      .map((v) => v.Name)
      .sort()
      .map(async (name) => {
        const mountpoint = ((await docker.getVolume(name).inspect()) as { Mountpoint: string }).Mountpoint;
        return { name, mountpoint, files: await hashTree(mountpoint) };
      }),
  );
  return { containers, networks, volumes };
}

/** Put data the user cares about into each of the project's volumes (as the real MySQL/Grafana would). */
export async function writeVolumeData(project: string, seed: string): Promise<void> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`com.docker.compose.project=${project}`] } });
  for (const v of Volumes ?? []) {
    const mp = ((await docker.getVolume(v.Name).inspect()) as { Mountpoint: string }).Mountpoint;
    await mkdir(path.join(mp, 'data'), { recursive: true });
    const bytes = createHash('sha512').update(`${seed}:${v.Name}`).digest();
    await writeFile(path.join(mp, 'data', 'ibdata1'), Buffer.concat([bytes, bytes, bytes]));
    await writeFile(path.join(mp, `${seed}.txt`), `user data of ${v.Name}\n`);
  }
}
