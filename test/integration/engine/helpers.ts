// Fixtures for the engine integration tests: a busybox base image of our own, unique project
// names, free random high ports, service/project builders, and label-based cleanup that
// removes everything of a project even when a test failed half-way.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ComposeProject, ServiceSpec } from '../../../src/compose/model.js';
import { readJsonLines, streamError } from '../../../src/engine/stream.js';

export const BASE_IMAGE = 'gh-devlake-test/engine-base:latest';
const BUSYBOX = process.env.GDL_TEST_BUSYBOX ?? '/usr/bin/busybox';

/** `gdl-engtest-<slug>-<random>`: unique per test file and run. */
export function uniqueProject(slug: string): string {
  return `gdl-engtest-${slug}-${randomBytes(3).toString('hex')}`;
}

export { freePort } from '../../helpers/free-port.js';

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Build `gh-devlake-test/engine-base:latest` (scratch + static busybox) unless present. Bounded. */
export async function ensureBaseImage(docker: Docker, timeoutMs = 120_000): Promise<void> {
  if (await imageExists(docker, BASE_IMAGE)) return;
  const ctx = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-engtest-base-'));
  try {
    await fs.copyFile(BUSYBOX, path.join(ctx, 'busybox'));
    await fs.chmod(path.join(ctx, 'busybox'), 0o755);
    await fs.writeFile(
      path.join(ctx, 'Dockerfile'),
      ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox","--install","-s","/bin"]', 'CMD ["/bin/sh"]', ''].join('\n'),
    );
    const signal = AbortSignal.timeout(timeoutMs);
    const stream = await docker.buildImage({ context: ctx, src: ['Dockerfile', 'busybox'] }, { t: BASE_IMAGE, rm: true, abortSignal: signal });
    let failure: string | undefined;
    await readJsonLines(stream, (m) => (failure ??= streamError(m)), signal);
    if (failure) throw new Error(`building ${BASE_IMAGE}: ${failure}`);
  } finally {
    await fs.rm(ctx, { recursive: true, force: true });
  }
}

/** A busybox httpd service. */
export function httpService(name: string, over: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    image: BASE_IMAGE,
    command: ['httpd', '-f', '-p', '8000'],
    environment: {},
    ports: [],
    volumes: [],
    dependsOn: [],
    labels: {},
    ...over,
  };
}

export function makeProject(name: string, services: ServiceSpec[], volumes: string[] = [], workingDir = '/tmp/gdl-engtest'): ComposeProject {
  return { name, workingDir, configFiles: [path.join(workingDir, 'docker-compose.yml')], services, volumes };
}

async function ignore404(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode;
    if (code !== 404 && code !== 409) throw err;
  }
}

/** Remove every container, network and volume labelled for `project` (forced). */
export async function purgeProject(docker: Docker, project: string): Promise<void> {
  const label = { label: [`com.docker.compose.project=${project}`] };
  const containers = await docker.listContainers({ all: true, filters: label });
  await Promise.all(containers.map((c) => ignore404(docker.getContainer(c.Id).remove({ force: true, v: true }))));
  for (const n of await docker.listNetworks({ filters: label })) await ignore404(docker.getNetwork(n.Id).remove());
  const { Volumes } = await docker.listVolumes({ filters: label });
  for (const v of Volumes ?? []) await ignore404(docker.getVolume(v.Name).remove());
}

/** Listen on host:port from this process (a "user's server" holding the port). */
export async function holdPort(port: number, host = '0.0.0.0'): Promise<{ close(): Promise<void> }> {
  const srv = net.createServer((c) => c.destroy());
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ port, host, exclusive: true }, () => resolve());
  });
  return { close: () => new Promise<void>((resolve) => srv.close(() => resolve())) };
}

/** GET http://127.0.0.1:port/ until it answers (any status) or the deadline passes. */
export async function waitHttp(port: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.status;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms: ${String(last)}`);
}
