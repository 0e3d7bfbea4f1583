// Shared setup for the CLI integration tests: a deployment directory whose basename is a
// test project name (so the compose project is recognised and cleaned), a release server.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { removeComposeProject, testProjectName } from '../../helpers/docker-cleanup.js';

export const docker = new Docker({ socketPath: '/var/run/docker.sock' });

export interface TestDir {
  root: string;
  dir: string;
  project: string;
  cleanup(): Promise<void>;
}

export async function makeTestDir(slug: string): Promise<TestDir> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gdl-cli-'));
  const project = testProjectName(slug);
  const dir = path.join(root, project);
  return {
    root,
    dir,
    project,
    cleanup: async () => {
      await removeComposeProject(project, { volumes: true });
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** makeTestDir with the folder made and these files in it (`.env` mode 0600, others 0644). */
export async function makeTestDirWith(slug: string, files: Record<string, string>): Promise<TestDir> {
  const t = await makeTestDir(slug);
  await mkdir(t.dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(t.dir, name), text, { mode: name === '.env' ? 0o600 : 0o644 });
  return t;
}

/** Containers of a compose project, listed by the Engine's label filter as `docker compose ps -a` does. */
export async function composeContainers(project: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
}

export async function composeVolumes(project: string): Promise<string[]> {
  const res = await docker.listVolumes({ filters: { label: [`com.docker.compose.project=${project}`] } });
  return (res.Volumes ?? []).map((v) => v.Name).sort();
}

export async function composeNetworks(project: string): Promise<string[]> {
  const res = await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } });
  return res.map((n) => n.Name).sort();
}

export function reportLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^(Detected:|Repair:|Retry 1\/1:|Outcome:)/.test(l));
}
