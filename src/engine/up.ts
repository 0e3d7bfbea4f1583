// `docker compose up -d`, converging like Compose v2: network and volumes first, images
// (pull or build) next, then the containers wave by wave in dependency order, each wave's
// services in parallel. Per service:
//   no container                         → create, start          (created, started)
//   same config hash, running            → leave it               (unchanged)
//   same config hash, not running        → start it               (started)
//   different config hash                → stop, remove, create, start (removed, recreated, started)
// Named volumes are never touched by a recreate. A failure (e.g. the daemon cannot bind a
// published port) is thrown as the EngineError with the service name once the wave's other
// operations have settled; what was created stays for the caller to inspect or tear down
// (the `created`/`recreated` events carry the container ids).

import type { ComposeProject, ServiceSpec } from '../compose/model.js';
import type { Engine } from './client.js';
import { createServiceContainer, imageNameFor } from './create.js';
import { removeContainer } from './down.js';
import type { ContainerAction, EngineEventListener } from './events.js';
import { serviceConfigHash } from './hash.js';
import { buildImage, ensureImage, inspectImage } from './images.js';
import { LABEL_CONFIG_HASH, LABEL_CONTAINER_NUMBER } from './labels.js';
import { ensureNetwork, type EnsuredNetwork } from './network.js';
import { containerDisplayName, listProjectContainers } from './ps.js';
import { settleAll, startContainer } from './start.js';
import { stopContainer } from './stop.js';
import { ensureVolumes, type EnsuredVolume } from './volume.js';
import { dependencyWaves, withDependencies } from './waves.js';

export interface UpOptions {
  /** Only these services (and, transitively, what they depend on). Default: all. */
  services?: readonly string[];
  onEvent?: EngineEventListener;
  signal?: AbortSignal;
  /** Build images of services with `build:` even when the image exists (`up --build`). */
  build?: boolean;
  /** Grace period when stopping a container to recreate it. */
  stopTimeoutSeconds?: number;
}

export type ServiceOutcome = Exclude<ContainerAction, 'stopped' | 'removed'>;

export interface UpServiceResult {
  service: string;
  container: string;
  containerId: string;
  outcome: ServiceOutcome;
}

export interface UpResult {
  network: EnsuredNetwork;
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
  if (service.build) {
    const present = opts.build ? undefined : await inspectImage(engine, name, ctx);
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

async function converge(engine: Engine, project: ComposeProject, service: ServiceSpec, image: ResolvedImage, opts: UpOptions): Promise<UpServiceResult> {
  const { signal, onEvent: emit } = opts;
  const svc = service.name;
  const configHash = serviceConfigHash(service, image);
  const ctx = { service: svc, signal };
  const existing = await listProjectContainers(engine, project.name, { all: true, service: svc, signal });
  // Container #1 is ours; extra replicas (a former scale-up) are removed like compose scales down.
  const sorted = [...existing].sort(
    (a, b) => (Number(a.Labels?.[LABEL_CONTAINER_NUMBER]) || 1) - (Number(b.Labels?.[LABEL_CONTAINER_NUMBER]) || 1),
  );
  const [current, ...extra] = sorted;
  for (const c of extra) {
    await stopContainer(engine, c.Id, { ...ctx, timeoutSeconds: opts.stopTimeoutSeconds });
    if (await removeContainer(engine, c.Id, ctx)) {
      emit?.({ type: 'container', service: svc, name: containerDisplayName(c), containerId: c.Id, action: 'removed' });
    }
  }

  if (current && current.Labels?.[LABEL_CONFIG_HASH] === configHash) {
    const name = containerDisplayName(current);
    if (current.State === 'running' || current.State === 'restarting') {
      emit?.({ type: 'container', service: svc, name, containerId: current.Id, action: 'unchanged' });
      return { service: svc, container: name, containerId: current.Id, outcome: 'unchanged' };
    }
    await startContainer(engine, current.Id, ctx);
    emit?.({ type: 'container', service: svc, name, containerId: current.Id, action: 'started' });
    return { service: svc, container: name, containerId: current.Id, outcome: 'started' };
  }

  const blueprint = { project, service, image: image.name, imageId: image.id, configHash };
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
  const created = await createServiceContainer(engine, blueprint, signal);
  emit?.(
    previousId !== undefined
      ? { type: 'container', service: svc, name: created.name, containerId: created.id, action: 'recreated', previousId }
      : { type: 'container', service: svc, name: created.name, containerId: created.id, action: 'created' },
  );
  await startContainer(engine, created.id, ctx);
  emit?.({ type: 'container', service: svc, name: created.name, containerId: created.id, action: 'started' });
  return { service: svc, container: created.name, containerId: created.id, outcome };
}

export async function up(engine: Engine, project: ComposeProject, opts: UpOptions = {}): Promise<UpResult> {
  const { signal, onEvent: emit } = opts;
  signal?.throwIfAborted();
  const selected = withDependencies(project.services, opts.services);
  const waves = dependencyWaves(selected);

  const network = await ensureNetwork(engine, project.name, signal);
  emit?.({ type: 'network', name: network.name, action: network.created ? 'created' : 'exists' });

  // Declared volumes (compose creates them all) plus any named volume a selected service mounts.
  const volumeKeys = [...project.volumes];
  for (const s of selected) {
    for (const v of s.volumes) if (v.type === 'volume' && v.source !== '' && !volumeKeys.includes(v.source)) volumeKeys.push(v.source);
  }
  const volumes = await ensureVolumes(engine, project.name, volumeKeys, signal);
  for (const v of volumes) emit?.({ type: 'volume', name: v.name, action: v.created ? 'created' : 'exists' });

  const images = new Map<string, ResolvedImage>();
  await settleAll(
    selected.map(async (s) => {
      images.set(s.name, await resolveImage(engine, project, s, opts));
    }),
  );

  const services: UpServiceResult[] = [];
  for (const [index, wave] of waves.entries()) {
    signal?.throwIfAborted();
    emit?.({ type: 'wave', index, services: wave.map((s) => s.name) });
    const results = await settleAll(wave.map((s) => converge(engine, project, s, images.get(s.name) as ResolvedImage, opts)));
    services.push(...results);
  }
  return { network, volumes, waves: waves.map((w) => w.map((s) => s.name)), services };
}
