// removeComposeProject() and removeStaleTestProjects(): label-based cleanup that tolerates "gone".

import { spawnSync } from 'node:child_process';
import type Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPOSE_PROJECT_LABEL, removeComposeProject, removeStaleTestProjects, testProjectName } from '../../helpers/docker-cleanup.js';
import { IMAGES } from '../../helpers/images.js';
import { docker } from './support.js';

const created: string[] = [];
afterAll(async () => {
  for (const p of created) await removeComposeProject(p).catch(() => undefined);
});

/** A small fake compose project: a network, a volume and a running container on both. */
async function fakeProject(project: string): Promise<void> {
  created.push(project);
  const labels = { [COMPOSE_PROJECT_LABEL]: project };
  await docker.createNetwork({ Name: `${project}_default`, Labels: { ...labels, 'com.docker.compose.network': 'default' } });
  await docker.createVolume({ Name: `${project}_data`, Labels: { ...labels, 'com.docker.compose.volume': 'data' } });
  const c = await docker.createContainer({
    Image: IMAGES.base,
    Cmd: ['sleep', '300'],
    Labels: { ...labels, 'com.docker.compose.service': 'app' },
    HostConfig: { NetworkMode: `${project}_default`, Binds: [`${project}_data:/data`] },
  });
  await c.start();
}

async function leftovers(project: string): Promise<number> {
  const filters = JSON.stringify({ label: [`${COMPOSE_PROJECT_LABEL}=${project}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const volumes: Docker.VolumeInspectInfo[] = (await docker.listVolumes({ filters })).Volumes ?? [];
  return containers.length + networks.length + volumes.length;
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8', timeout: 10_000 });
  return Number(r.stdout);
}

describe('docker cleanup', () => {
  it('names test projects gdl-test-<slug>-p<pid>', () => {
    expect(testProjectName('Deploy Local!')).toBe(`gdl-test-deploy-local-p${process.pid}`);
  });

  it('removes containers, networks and volumes of a project, and tolerates a missing one', async () => {
    const project = testProjectName('cleanup');
    await fakeProject(project);
    expect(await leftovers(project)).toBe(3);
    await removeComposeProject(project, { volumes: true });
    expect(await leftovers(project)).toBe(0);
    await removeComposeProject(project, { volumes: true });
    await removeComposeProject('gdl-test-never-existed', { volumes: false });
  });

  it('keeps volumes when asked to', async () => {
    const project = testProjectName('keepvol');
    await fakeProject(project);
    await removeComposeProject(project, { volumes: false });
    expect(await leftovers(project)).toBe(1);
    await removeComposeProject(project);
    expect(await leftovers(project)).toBe(0);
  });

  it('removes projects of dead runs and keeps those of live ones', async () => {
    const dead = `gdl-test-stale-p${deadPid()}`;
    const live = testProjectName('live');
    await fakeProject(dead);
    await fakeProject(live);
    const removed = await removeStaleTestProjects({ docker, all: false });
    expect(removed).toContain(dead);
    expect(removed).not.toContain(live);
    expect(await leftovers(dead)).toBe(0);
    expect(await leftovers(live)).toBe(3);
  });
});
