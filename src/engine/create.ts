// One service's container, specified exactly as Docker Compose v2 would create it: name,
// labels, environment, ports, mounts, restart policy, network with aliases.

import type Docker from 'dockerode';
import type { ComposeProject, ServiceSpec } from '../compose/model.js';
import type { Engine } from './client.js';
import { abortOpt } from './client.js';
import {
  COMPOSE_VERSION,
  LABEL_CONFIG_FILES,
  LABEL_CONFIG_HASH,
  LABEL_CONTAINER_NUMBER,
  LABEL_DEPENDS_ON,
  LABEL_IMAGE,
  LABEL_ONEOFF,
  LABEL_PROJECT,
  LABEL_SERVICE,
  LABEL_VERSION,
  LABEL_WORKING_DIR,
  ONEOFF_FALSE,
} from './labels.js';
import { defaultNetworkName } from './network.js';
import { volumeName } from './volume.js';

/** `container_name`, else `<project>-<service>-1` (Compose v2's separator and number). */
export function containerNameFor(project: string, service: Pick<ServiceSpec, 'name' | 'containerName'>): string {
  return service.containerName ?? `${project}-${service.name}-1`;
}

/** `image:`, else Compose v2's name for a built image: `<project>-<service>`. */
export function imageNameFor(project: string, service: Pick<ServiceSpec, 'name' | 'image'>): string {
  return service.image ?? `${project}-${service.name}`;
}

/** The depends_on label value: `svc:service_started:false` per dependency, comma-joined. */
export function dependsOnLabelValue(service: Pick<ServiceSpec, 'dependsOn'>): string {
  return service.dependsOn.map((d) => `${d}:service_started:false`).join(',');
}

export interface ContainerBlueprint {
  project: ComposeProject;
  service: ServiceSpec;
  /** Image reference to create from. */
  image: string;
  /** Image ID (sha256:…), written to com.docker.compose.image. */
  imageId?: string;
  configHash: string;
}

/** The labels compose puts on a service container (the file's own labels first, ours win). */
export function containerLabels(bp: ContainerBlueprint): Record<string, string> {
  const labels: Record<string, string> = {
    ...bp.service.labels,
    [LABEL_PROJECT]: bp.project.name,
    [LABEL_SERVICE]: bp.service.name,
    [LABEL_CONTAINER_NUMBER]: '1',
    [LABEL_ONEOFF]: ONEOFF_FALSE,
    [LABEL_WORKING_DIR]: bp.project.workingDir,
    [LABEL_CONFIG_FILES]: bp.project.configFiles.join(','),
    [LABEL_CONFIG_HASH]: bp.configHash,
    [LABEL_DEPENDS_ON]: dependsOnLabelValue(bp.service),
    [LABEL_VERSION]: COMPOSE_VERSION,
  };
  if (bp.imageId !== undefined) labels[LABEL_IMAGE] = bp.imageId;
  return labels;
}

/** POST /containers/create body (plus `name`) for the blueprint. Pure. */
export function containerCreateOptions(bp: ContainerBlueprint): Docker.ContainerCreateOptions {
  const { project, service } = bp;
  const name = containerNameFor(project.name, service);
  const network = defaultNetworkName(project.name);

  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of service.ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    const list = bindings[key] ?? (bindings[key] = []);
    list.push({ HostIp: p.hostIp, HostPort: p.published === undefined ? '' : String(p.published) });
  }

  const binds: string[] = [];
  const mounts: Docker.MountConfig = [];
  for (const v of service.volumes) {
    if (v.type === 'bind') {
      // Binds (not Mounts) so the daemon creates a missing host directory, like compose's create_host_path.
      binds.push(`${v.source}:${v.target}:${v.readOnly ? 'ro' : 'rw'}`);
    } else if (v.source === '') {
      mounts.push({ Type: 'volume', Source: '', Target: v.target, ReadOnly: v.readOnly }); // anonymous
    } else {
      mounts.push({ Type: 'volume', Source: volumeName(project.name, v.source), Target: v.target, ReadOnly: v.readOnly });
    }
  }

  const env = Object.keys(service.environment)
    .sort()
    .map((k) => `${k}=${service.environment[k] ?? ''}`);

  const restart = service.restart ?? 'no';
  const hostConfig: Docker.HostConfig = {
    NetworkMode: network,
    RestartPolicy: restart === 'on-failure' ? { Name: restart, MaximumRetryCount: 0 } : { Name: restart },
    PortBindings: bindings,
  };
  if (binds.length > 0) hostConfig.Binds = binds;
  if (mounts.length > 0) hostConfig.Mounts = mounts;

  const opts: Docker.ContainerCreateOptions = {
    name,
    Image: bp.image,
    Env: env,
    Labels: containerLabels(bp),
    ExposedPorts: exposed,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    HostConfig: hostConfig,
    NetworkingConfig: {
      EndpointsConfig: { [network]: { Aliases: [name, service.name] } },
    },
  };
  if (service.command !== undefined) opts.Cmd = [...service.command];
  if (service.entrypoint !== undefined) opts.Entrypoint = [...service.entrypoint];
  return opts;
}

/** Create (not start) the service's container. */
export async function createServiceContainer(engine: Engine, bp: ContainerBlueprint, signal?: AbortSignal): Promise<{ id: string; name: string }> {
  const options = { ...containerCreateOptions(bp), ...abortOpt(signal) };
  const name = options.name as string;
  const container = await engine.call('container.create', (d) => d.createContainer(options), {
    service: bp.service.name,
    target: name,
    signal,
  });
  return { id: container.id, name };
}
