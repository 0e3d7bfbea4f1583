// What every scenario shares: the engine, paths, the loopback release servers, the log, and
// the compose projects alive right now (removed on the way out, even after Ctrl-C).

import type Docker from 'dockerode';
import type { ReleaseServer } from '../../test/helpers/release-server.js';
import { removeComposeProject } from '../../test/helpers/docker-cleanup.js';

export interface BenchContext {
  docker: Docker;
  /** Repository root. */
  root: string;
  /** The built CLI (`<root>/gh-devlake`). */
  cli: string;
  /** A temp folder for deployment directories. */
  tmp: string;
  /** The release server every deploy downloads from. */
  release: ReleaseServer;
  /** The same files, with a backend that only starts answering after READINESS_DELAY_S. */
  delayedRelease: ReleaseServer;
  runs: number;
  quietTimeoutMs: number;
  log: (text: string) => void;
  /** Compose projects that exist right now. */
  active: Set<string>;
}

/** The run could not be measured fairly (a port taken by someone else, a stray failure): retry it. */
export class Interference extends Error {
  override readonly name = 'Interference';
}

export async function removeProject(ctx: BenchContext, project: string): Promise<void> {
  try {
    await removeComposeProject(project, { docker: ctx.docker, volumes: true });
  } finally {
    ctx.active.delete(project);
  }
}
