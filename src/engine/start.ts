// Start containers: one (tolerating "already started"), or the project's (all or one
// service) in dependency order read back from the containers' depends_on labels.

import type Docker from 'dockerode';
import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import type { EngineEventListener } from './events.js';
import { LABEL_DEPENDS_ON, LABEL_SERVICE } from './labels.js';
import { containerDisplayName, listProjectContainers } from './ps.js';
import { dependencyWaves } from '../compose/order.js';

export interface ContainerCallContext {
  service?: string;
  signal?: AbortSignal;
}

/** Start a container. Returns false when it was already running (HTTP 304). */
export async function startContainer(engine: Engine, id: string, ctx: ContainerCallContext = {}): Promise<boolean> {
  try {
    await engine.call('container.start', (d) => d.getContainer(id).start(abortOpt(ctx.signal)) as Promise<unknown>, {
      target: id,
      service: ctx.service,
      signal: ctx.signal,
    });
    return true;
  } catch (err) {
    if (hasStatus(err, 304)) return false;
    throw err;
  }
}

/** Services named in a `com.docker.compose.depends_on` value (`svc:condition:restart,…`). */
export function parseDependsOnLabel(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(',')
    .map((part) => part.split(':')[0]?.trim() ?? '')
    .filter((s) => s !== '');
}

/** The containers grouped into dependency waves by their service and depends_on labels. */
export function containerWaves(containers: readonly Docker.ContainerInfo[]): Docker.ContainerInfo[][] {
  const services = new Map<string, string[]>();
  for (const c of containers) {
    const svc = c.Labels?.[LABEL_SERVICE] ?? '';
    if (!services.has(svc)) services.set(svc, parseDependsOnLabel(c.Labels?.[LABEL_DEPENDS_ON]));
  }
  const waves = dependencyWaves([...services].map(([name, dependsOn]) => ({ name, dependsOn })), { unknown: 'satisfied' });
  return waves.map((wave) => {
    const names = new Set(wave.map((w) => w.name));
    return containers.filter((c) => names.has(c.Labels?.[LABEL_SERVICE] ?? ''));
  });
}

/** Settle all, then throw the first failure (no operation is left running behind an error). */
export async function settleAll<T>(tasks: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

export interface StartOptions {
  /** Only this service's containers (its dependencies are not started). */
  service?: string;
  signal?: AbortSignal;
  onEvent?: EngineEventListener;
}

/** `docker compose start [service]`: start the project's stopped containers. Returns the ids started. */
export async function start(engine: Engine, project: string, opts: StartOptions = {}): Promise<string[]> {
  const containers = await listProjectContainers(engine, project, { all: true, service: opts.service, signal: opts.signal });
  const started: string[] = [];
  for (const wave of containerWaves(containers)) {
    await settleAll(
      wave
        .filter((c) => c.State !== 'running')
        .map(async (c) => {
          const service = c.Labels?.[LABEL_SERVICE] ?? '';
          if (await startContainer(engine, c.Id, { service, signal: opts.signal })) {
            started.push(c.Id);
            opts.onEvent?.({ type: 'container', service, name: containerDisplayName(c), containerId: c.Id, action: 'started' });
          }
        }),
    );
  }
  return started;
}
