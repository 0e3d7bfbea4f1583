// Stop containers: one (tolerating "already stopped"), or the project's (all or one
// service) in reverse dependency order.

import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import type { EngineEventListener } from './events.js';
import { LABEL_SERVICE } from './labels.js';
import { containerDisplayName, listProjectContainers } from './ps.js';
import { containerWaves, settleAll, type ContainerCallContext } from './start.js';

/** Compose's default stop grace period. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;

/** Stop a container (SIGTERM, then SIGKILL after `timeoutSeconds`). False when it was not running (HTTP 304). */
export async function stopContainer(
  engine: Engine,
  id: string,
  ctx: ContainerCallContext & { timeoutSeconds?: number } = {},
): Promise<boolean> {
  try {
    await engine.call(
      'container.stop',
      (d) => d.getContainer(id).stop({ t: ctx.timeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS, ...abortOpt(ctx.signal) }) as Promise<unknown>,
      { target: id, service: ctx.service, signal: ctx.signal },
    );
    return true;
  } catch (err) {
    if (hasStatus(err, 304)) return false;
    throw err;
  }
}

export interface StopOptions {
  service?: string;
  timeoutSeconds?: number;
  signal?: AbortSignal;
  onEvent?: EngineEventListener;
}

/** `docker compose stop [service]`. Returns the ids stopped. */
export async function stop(engine: Engine, project: string, opts: StopOptions = {}): Promise<string[]> {
  const containers = await listProjectContainers(engine, project, { all: false, service: opts.service, signal: opts.signal });
  const stopped: string[] = [];
  for (const wave of containerWaves(containers).reverse()) {
    await settleAll(
      wave.map(async (c) => {
        const service = c.Labels?.[LABEL_SERVICE] ?? '';
        const ctx = { service, signal: opts.signal, timeoutSeconds: opts.timeoutSeconds };
        if (await stopContainer(engine, c.Id, ctx)) {
          stopped.push(c.Id);
          opts.onEvent?.({ type: 'container', service, name: containerDisplayName(c), containerId: c.Id, action: 'stopped' });
        }
      }),
    );
  }
  return stopped;
}
