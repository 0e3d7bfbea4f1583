// `docker compose up -d`, converging like Compose v2: network, volumes, images (pull or build)
// and the list of what exists are prepared at once; then every service that has no container
// yet is created (all in parallel), and each service is started as soon as the services it
// depends on are started — and, for depends_on conditions, healthy (service_healthy) or exited 0
// (service_completed_successfully), within the deadline (wait.ts) — no service waits for an
// unrelated one, so a wave is never held back by its slowest member. Per service:
//   no container                         → create, start          (created, started)
//   same config hash, running            → leave it               (unchanged)
//   same config hash, not running        → start it               (started)
//   different config hash                → stop, remove, create, start (removed, recreated, started)
// Named volumes are never touched by a recreate. A failure (e.g. the daemon cannot bind a
// published port) stops any further start and is thrown as the EngineError with the service
// name once the operations in flight have settled; what was created stays for the caller to
// inspect or tear down (the `created`/`recreated` events carry the container ids).

import type Docker from 'dockerode';
import type { ComposeProject, ServiceSpec } from '../compose/model.js';
import type { Engine } from './client.js';
import { createServiceContainer, imageNameFor } from './create.js';
import { removeContainer } from './down.js';
import type { ContainerAction, EngineEventListener } from './events.js';
import { serviceConfigHash } from './hash.js';
import { buildImage, ensureImage, inspectImage } from './images.js';
import { ensureProjectNetworks, type EnsuredNetwork } from './network.js';
import { LABEL_CONFIG_HASH, LABEL_CONTAINER_NUMBER, LABEL_SERVICE } from './labels.js';
import { containerDisplayName, listProjectContainers } from './ps.js';
import { settleAll, startContainer } from './start.js';
import { stopContainer } from './stop.js';
import { ensureVolumes, type EnsuredVolume } from './volume.js';
import { waitForCondition } from './wait.js';
import { DEFAULT_NETWORK_KEY } from './labels.js';
import { dependencyWaves, withDependencies } from '../compose/order.js';

export interface UpOptions {
  /** Only these services (and, transitively, what they depend on). Default: all. */
  services?: readonly string[];
  onEvent?: EngineEventListener;
  signal?: AbortSignal;
  /** Build images of services with `build:` even when the image exists (`up --build`). */
  build?: boolean;
  /** Grace period when stopping a container to recreate it. */
  stopTimeoutSeconds?: number;
  /**
   * Epoch ms by which every depends_on condition (service_healthy, service_completed_successfully)
   * must hold; default 5 minutes from the call.
   */
  deadline?: number;
}

/** How long depends_on conditions may take when the caller gives no deadline. */
export const DEFAULT_DEPENDENCY_WAIT_MS = 300_000;

export type ServiceOutcome = Exclude<ContainerAction, 'stopped' | 'removed'>;

export interface UpServiceResult {
  service: string;
  container: string;
  containerId: string;
  outcome: ServiceOutcome;
}

export interface UpResult {
  /** The first network the services join (the project's default network for most files). */
  network: EnsuredNetwork;
  /** Every network the selected services join, in first-use order. */
  networks: EnsuredNetwork[];
  volumes: EnsuredVolume[];
  /** Service names per wave, in start order. */
  waves: string[][];
  services: UpServiceResult[];
}

interface ResolvedImage {
  name: string;
  id: string;
}

async function resolveImage(engine: Engine, project: ComposeProject, service: ServiceSpec, opts: UpOptions): Promise<ResolvedImage> {
  const name = imageNameFor(project.name, service);
  const emit = opts.onEvent;
  const ctx = { signal: opts.signal, service: service.name };
  if (service.pullPolicy === 'never' && !service.build) {
    // pull_policy: never — use the local image; Compose fails the same way when it is absent.
    const present = await inspectImage(engine, name, ctx);
    if (!present) throw new ImageNotPresent(service.name, name);
    emit?.({ type: 'image', service: service.name, image: name, action: 'present', id: present.Id });
    return { name, id: present.Id };
  }
  if (service.build) {
    const present = opts.build || service.pullPolicy === 'build' ? undefined : await inspectImage(engine, name, ctx);
    if (present) {
      emit?.({ type: 'image', service: service.name, image: name, action: 'present', id: present.Id });
      return { name, id: present.Id };
    }
    emit?.({ type: 'image', service: service.name, image: name, action: 'building' });
    const { id } = await buildImage(engine, service.build, name, (progress) => emit?.({ type: 'build-progress', service: service.name, progress }), ctx);
    emit?.({ type: 'image', service: service.name, image: name, action: 'built', id });
    return { name, id };
  }
  let announced = false;
  const { id, pulled } = await ensureImage(
    engine,
    name,
    (progress) => {
      if (!announced) {
        announced = true;
        emit?.({ type: 'image', service: service.name, image: name, action: 'pulling' });
      }
      emit?.({ type: 'pull-progress', service: service.name, progress });
    },
    ctx,
  );
  emit?.({ type: 'image', service: service.name, image: name, action: pulled ? 'pulled' : 'present', id });
  return { name, id };
}

/** pull_policy: never, and the image is not on the engine. */
export class ImageNotPresent extends Error {
  override readonly name = 'ImageNotPresent';
  readonly hint: string;
  constructor(
    readonly service: string,
    readonly image: string,
  ) {
    super(`service "${service}": image ${image} is not present and its pull_policy is never`);
    this.hint = `build or pull ${image} first, or set pull_policy: missing`;
  }
}

/** Thrown by a service's task when an earlier failure means it must not start. */
class NotStarted extends Error {
  override readonly name = 'NotStarted';
}

/** The service's current container (#1) and any extra replicas, from the project's container list. */
function containersOf(existing: readonly Docker.ContainerInfo[], service: string): { current?: Docker.ContainerInfo; extra: Docker.ContainerInfo[] } {
  // Container #1 is ours; extra replicas (a former scale-up) are removed like compose scales down.
  const sorted = existing
    .filter((c) => c.Labels?.[LABEL_SERVICE] === service)
    .sort((a, b) => (Number(a.Labels?.[LABEL_CONTAINER_NUMBER]) || 1) - (Number(b.Labels?.[LABEL_CONTAINER_NUMBER]) || 1));
  const [current, ...extra] = sorted;
  return current ? { current, extra } : { extra };
}

interface ServicePlan {
  service: ServiceSpec;
  image: ResolvedImage;
  configHash: string;
  current?: Docker.ContainerInfo;
  extra: Docker.ContainerInfo[];
}

function planService(service: ServiceSpec, image: ResolvedImage, existing: readonly Docker.ContainerInfo[]): ServicePlan {
  return { service, image, configHash: serviceConfigHash(service, image), ...containersOf(existing, service.name) };
}

/** A fresh service (no container at all) gets its container before its turn to start. */
function isFresh(plan: ServicePlan): boolean {
  return plan.current === undefined && plan.extra.length === 0;
}

async function createFor(engine: Engine, project: ComposeProject, plan: ServicePlan, opts: UpOptions, previousId?: string): Promise<{ id: string; name: string }> {
  const blueprint = { project, service: plan.service, image: plan.image.name, imageId: plan.image.id, configHash: plan.configHash };
  const created = await createServiceContainer(engine, blueprint, opts.signal);
  const svc = plan.service.name;
  opts.onEvent?.(
    previousId !== undefined
      ? { type: 'container', service: svc, name: created.name, containerId: created.id, action: 'recreated', previousId }
      : { type: 'container', service: svc, name: created.name, containerId: created.id, action: 'created' },
  );
  return created;
}

/** Bring one service to its desired state. `created` is its container when it was made ahead of its turn. */
async function converge(engine: Engine, project: ComposeProject, plan: ServicePlan, opts: UpOptions, created?: { id: string; name: string }): Promise<UpServiceResult> {
  const { signal, onEvent: emit } = opts;
  const svc = plan.service.name;
  const ctx = { service: svc, signal };
  if (created) {
    await startContainer(engine, created.id, ctx);
    emit?.({ type: 'container', service: svc, name: created.name, containerId: created.id, action: 'started' });
    return { service: svc, container: created.name, containerId: created.id, outcome: 'created' };
  }
  const { current, extra } = plan;
  for (const c of extra) {
    await stopContainer(engine, c.Id, { ...ctx, timeoutSeconds: opts.stopTimeoutSeconds });
    if (await removeContainer(engine, c.Id, ctx)) {
      emit?.({ type: 'container', service: svc, name: containerDisplayName(c), containerId: c.Id, action: 'removed' });
    }
  }

  if (current && current.Labels?.[LABEL_CONFIG_HASH] === plan.configHash) {
    const name = containerDisplayName(current);
    if (current.State === 'running' || current.State === 'restarting') {
      emit?.({ type: 'container', service: svc, name, containerId: current.Id, action: 'unchanged' });
      return { service: svc, container: name, containerId: current.Id, outcome: 'unchanged' };
    }
    await startContainer(engine, current.Id, ctx);
    emit?.({ type: 'container', service: svc, name, containerId: current.Id, action: 'started' });
    return { service: svc, container: name, containerId: current.Id, outcome: 'started' };
  }

  let outcome: ServiceOutcome = 'created';
  let previousId: string | undefined;
  if (current) {
    // Diverged: replace it. Named volumes are separate objects and survive; anonymous ones go.
    previousId = current.Id;
    await stopContainer(engine, current.Id, { ...ctx, timeoutSeconds: opts.stopTimeoutSeconds });
    if (await removeContainer(engine, current.Id, ctx)) {
      emit?.({ type: 'container', service: svc, name: containerDisplayName(current), containerId: current.Id, action: 'removed' });
    }
    outcome = 'recreated';
  }
  const made = await createFor(engine, project, plan, opts, previousId);
  await startContainer(engine, made.id, ctx);
  emit?.({ type: 'container', service: svc, name: made.name, containerId: made.id, action: 'started' });
  return { service: svc, container: made.name, containerId: made.id, outcome };
}

export async function up(engine: Engine, project: ComposeProject, opts: UpOptions = {}): Promise<UpResult> {
  const { signal, onEvent: emit } = opts;
  signal?.throwIfAborted();
  const selected = withDependencies(project.services, opts.services);
  const waves = dependencyWaves(selected, { unknown: 'satisfied' });

  // Declared volumes (compose creates them all) plus any named volume a selected service mounts.
  const volumeKeys = [...project.volumes];
  for (const s of selected) {
    for (const v of s.volumes) if (v.type === 'volume' && v.source !== '' && !volumeKeys.includes(v.source)) volumeKeys.push(v.source);
  }
  // The networks the selected services join (Compose v2 creates only those); none for network_mode.
  const networkKeys: string[] = [];
  for (const s of selected) {
    if (s.networkMode !== undefined) continue;
    for (const key of s.networks?.map((n) => n.key) ?? [DEFAULT_NETWORK_KEY]) if (!networkKeys.includes(key)) networkKeys.push(key);
  }
  const deadline = opts.deadline ?? Date.now() + DEFAULT_DEPENDENCY_WAIT_MS;

  // Independent of each other: one round of requests instead of a chain of them.
  const images = new Map<string, ResolvedImage>();
  const networkP = ensureProjectNetworks(engine, project, networkKeys.length > 0 ? networkKeys : [DEFAULT_NETWORK_KEY], signal);
  const volumesP = ensureVolumes(engine, project, volumeKeys, signal);
  const existingP = listProjectContainers(engine, project.name, { all: true, signal });
  const imagesP = settleAll(
    selected.map(async (s) => {
      images.set(s.name, await resolveImage(engine, project, s, opts));
    }),
  );
  await settleAll<unknown>([networkP, volumesP, existingP, imagesP]);
  const [networks, volumes, existing] = [await networkP, await volumesP, await existingP];
  const network = networks[0] as EnsuredNetwork;
  for (const n of networks) emit?.({ type: 'network', name: n.name, action: n.created ? 'created' : 'exists' });
  for (const v of volumes) emit?.({ type: 'volume', name: v.name, action: v.created ? 'created' : 'exists' });

  const plans = new Map(selected.map((s) => [s.name, planService(s, images.get(s.name) as ResolvedImage, existing)]));
  const waveOf = new Map<string, number>();
  for (const [index, wave] of waves.entries()) for (const s of wave) waveOf.set(s.name, index);
  const announced = new Set<number>();
  let failed = false;

  // Fresh services: every container is created now, in parallel, ahead of its turn to start.
  const early = new Map<string, Promise<{ id: string; name: string }>>();
  for (const plan of plans.values()) {
    if (!isFresh(plan)) continue;
    const made = createFor(engine, project, plan, opts);
    made.catch(() => {
      failed = true;
    });
    early.set(plan.service.name, made);
  }

  // Each service starts once the services it depends on are started, unless something failed.
  const tasks = new Map<string, Promise<UpServiceResult>>();
  const taskFor = (name: string): Promise<UpServiceResult> => {
    let task = tasks.get(name);
    if (task) return task;
    const plan = plans.get(name) as ServicePlan;
    const deps = [...new Set(plan.service.dependsOn)].filter((d) => d !== name && plans.has(d));
    task = (async () => {
      const settled = await Promise.allSettled(deps.map((d) => taskFor(d)));
      if (failed || settled.some((r) => r.status === 'rejected')) throw new NotStarted(name);
      try {
        // depends_on conditions: the dependency is started; now wait for healthy / completed.
        await Promise.all(
          (plan.service.conditions ?? []).map(async (c) => {
            const i = deps.indexOf(c.service);
            const dep = i === -1 ? undefined : (settled[i] as PromiseFulfilledResult<UpServiceResult>).value;
            if (dep) await waitForCondition(engine, dep.containerId, c.condition, { service: name, dependency: c.service, deadline, signal });
          }),
        );
      } catch (err) {
        failed = true;
        throw err;
      }
      const created = await early.get(name);
      signal?.throwIfAborted();
      const index = waveOf.get(name) ?? 0;
      if (!announced.has(index)) {
        announced.add(index);
        emit?.({ type: 'wave', index, services: (waves[index] ?? []).map((s) => s.name) });
      }
      try {
        return await converge(engine, project, plan, opts, created);
      } catch (err) {
        failed = true;
        throw err;
      }
    })();
    tasks.set(name, task);
    return task;
  };
  const order = waves.flat().map((s) => s.name);
  const outcomes = await Promise.allSettled([...order.map((n) => taskFor(n)), ...early.values()]);
  // The first real failure (in start order); services that were held back by it are not failures.
  const failure = outcomes.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof NotStarted));
  if (failure) throw failure.reason;
  const services = order.map((_, i) => (outcomes[i] as PromiseFulfilledResult<UpServiceResult>).value);
  return { network, networks, volumes, waves: waves.map((w) => w.map((s) => s.name)), services };
}
