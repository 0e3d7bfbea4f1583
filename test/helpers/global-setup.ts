// vitest globalSetup of the `integration` project: the Docker engine must answer (the tests FAIL
// without it, never skip), the local test images must exist, and leftovers of aborted runs go.

import Docker from 'dockerode';
import { buildTestImages } from './images.js';
import { removeStaleTestProjects } from './docker-cleanup.js';

const PING_TIMEOUT_MS = 10_000;

function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

export async function assertEngineReachable(docker: Docker): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    throw new Error(
      `The integration tests need a running Docker engine, and none answers at ${engineAddress()} ` +
        `(${(err as Error).message}). Run \`sudo bash scripts/ci-setup.sh\` (installs docker.io and busybox-static, starts dockerd) ` +
        `or start Docker yourself. These tests fail rather than skip without an engine${process.env.CI === 'true' ? ' (CI=true)' : ''}.`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}

export default async function setup(): Promise<void> {
  const docker = new Docker();
  await assertEngineReachable(docker);
  await removeStaleTestProjects({ docker });
  await buildTestImages({ docker });
}
