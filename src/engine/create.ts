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
import { DEFAULT_NETWORK_KEY } from './labels.js';
import { defaultNetworkName, networkNameFor } from './network.js';
import { volumeNameFor } from './volume.js';

/** `container_name`, else `<project>-<service>-1` (Compose v2's separator and number). */
export function containerNameFor(project: string, service: Pick<ServiceSpec, 'name' | 'containerName'>): string {
  return service.containerName ?? `${project}-${service.name}-1`;
}

/** `image:`, else Compose v2's name for a built image: `<project>-<service>`. */
export function imageNameFor(project: string, service: Pick<ServiceSpec, 'name' | 'image'>): string {
  return service.image ?? `${project}-${service.name}`;
}

/** The depends_on label value: `svc:condition:false` per dependency, comma-joined (Compose v2's format). */
export function dependsOnLabelValue(service: Pick<ServiceSpec, 'dependsOn' | 'conditions'>): string {
  const condition = (d: string): string => service.conditions?.find((c) => c.service === d)?.condition ?? 'service_started';
  return service.dependsOn.map((d) => `${d}:${condition(d)}:false`).join(',');
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

/** The engine name of each network the service joins, with its endpoint settings (file order). */
function serviceNetworks(project: ComposeProject, service: ServiceSpec): { name: string; aliases: string[]; ipv4Address?: string }[] {
  const joined = service.networks ?? [{ key: DEFAULT_NETWORK_KEY, aliases: [] }];
  return joined.map((n) => {
    const out: { name: string; aliases: string[]; ipv4Address?: string } = { name: networkNameFor(project, n.key), aliases: n.aliases };
    if (n.ipv4Address !== undefined) out.ipv4Address = n.ipv4Address;
    return out;
  });
}

/** `service:x` → `container:<x's container name>`; everything else as written. */
function networkModeFor(project: ComposeProject, mode: string): string {
  const service = /^service:(.+)$/.exec(mode)?.[1];
  if (service === undefined) return mode;
  const other = project.services.find((s) => s.name === service);
  return `container:${containerNameFor(project.name, other ?? { name: service })}`;
}

function mountsFor(project: ComposeProject, service: ServiceSpec): { binds: string[]; mounts: Docker.MountConfig } {
  const binds: string[] = [];
  const mounts: Docker.MountConfig = [];
  for (const v of service.volumes) {
    if (v.type === 'bind') {
      if (v.createHostPath === false || v.propagation !== undefined) {
        // Mounts (not Binds): the daemon refuses a missing host path, as create_host_path: false asks.
        const m: Docker.MountSettings = { Type: 'bind', Source: v.source, Target: v.target, ReadOnly: v.readOnly };
        if (v.propagation !== undefined) m.BindOptions = { Propagation: v.propagation as 'private' };
        mounts.push(m);
      } else {
        // Binds so the daemon creates a missing host directory, like compose's create_host_path.
        const opts = [v.readOnly ? 'ro' : 'rw', ...(v.selinux ? [v.selinux] : [])];
        binds.push(`${v.source}:${v.target}:${opts.join(',')}`);
      }
    } else if (v.type === 'tmpfs') {
      const m: Docker.MountSettings = { Type: 'tmpfs', Source: '', Target: v.target };
      if (v.sizeBytes !== undefined || v.mode !== undefined) {
        m.TmpfsOptions = { ...(v.sizeBytes !== undefined ? { SizeBytes: v.sizeBytes } : {}), ...(v.mode !== undefined ? { Mode: v.mode } : {}) } as Docker.MountSettings['TmpfsOptions'];
      }
      mounts.push(m);
    } else {
      // source '' is an anonymous volume: the engine names it.
      const m: Docker.MountSettings = { Type: 'volume', Source: v.source === '' ? '' : volumeNameFor(project, v.source), Target: v.target, ReadOnly: v.readOnly };
      if (v.noCopy || v.subpath !== undefined) m.VolumeOptions = { ...(v.noCopy ? { NoCopy: true } : {}), ...(v.subpath !== undefined ? { Subpath: v.subpath } : {}) } as Docker.MountSettings['VolumeOptions'];
      mounts.push(m);
    }
  }
  return { binds, mounts };
}

/** The healthcheck in the engine's form (nanosecond durations, as compose-go converts them). */
function healthcheckFor(service: ServiceSpec): Docker.HealthConfig | undefined {
  const h = service.healthcheck;
  if (!h) return undefined;
  const out: Docker.HealthConfig = {};
  if (h.test !== undefined) out.Test = h.test;
  if (h.intervalNs !== undefined) out.Interval = h.intervalNs;
  if (h.timeoutNs !== undefined) out.Timeout = h.timeoutNs;
  if (h.startPeriodNs !== undefined) out.StartPeriod = h.startPeriodNs;
  if (h.startIntervalNs !== undefined) (out as Record<string, unknown>).StartInterval = h.startIntervalNs;
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}

/** The pass-through settings: config fields and host-config fields. */
function optionsFor(service: ServiceSpec): { config: Partial<Docker.ContainerCreateOptions>; host: Docker.HostConfig } {
  const o = service.options ?? {};
  const config: Partial<Docker.ContainerCreateOptions> = {};
  const host: Docker.HostConfig = {};
  if (o.user !== undefined) config.User = o.user;
  if (o.workingDir !== undefined) config.WorkingDir = o.workingDir;
  if (o.hostname !== undefined) config.Hostname = o.hostname;
  if (o.domainname !== undefined) config.Domainname = o.domainname;
  if (o.tty !== undefined) config.Tty = o.tty;
  if (o.stdinOpen !== undefined) config.OpenStdin = o.stdinOpen;
  if (o.stopSignal !== undefined) config.StopSignal = o.stopSignal;
  if (o.stopGracePeriodSeconds !== undefined) config.StopTimeout = o.stopGracePeriodSeconds;
  if (o.init !== undefined) host.Init = o.init;
  if (o.privileged !== undefined) host.Privileged = o.privileged;
  if (o.readOnly !== undefined) host.ReadonlyRootfs = o.readOnly;
  if (o.capAdd !== undefined) host.CapAdd = o.capAdd;
  if (o.capDrop !== undefined) host.CapDrop = o.capDrop;
  if (o.securityOpt !== undefined) host.SecurityOpt = o.securityOpt;
  if (o.shmSizeBytes !== undefined) host.ShmSize = o.shmSizeBytes;
  if (o.ulimits !== undefined) host.Ulimits = o.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }));
  if (o.sysctls !== undefined) host.Sysctls = o.sysctls;
  if (o.groupAdd !== undefined) host.GroupAdd = o.groupAdd;
  if (o.extraHosts !== undefined) host.ExtraHosts = o.extraHosts;
  if (o.dns !== undefined) host.Dns = o.dns;
  if (o.dnsSearch !== undefined) host.DnsSearch = o.dnsSearch;
  if (o.dnsOpt !== undefined) host.DnsOptions = o.dnsOpt;
  if (o.tmpfs !== undefined) host.Tmpfs = o.tmpfs;
  if (o.logging !== undefined) host.LogConfig = { Type: o.logging.driver ?? '', Config: o.logging.options };
  if (o.memoryBytes !== undefined) host.Memory = o.memoryBytes;
  if (o.nanoCpus !== undefined) host.NanoCpus = o.nanoCpus;
  if (o.pidsLimit !== undefined) host.PidsLimit = o.pidsLimit;
  return { config, host };
}

/** POST /containers/create body (plus `name` and `platform`, which go in the query). Pure. */
export function containerCreateOptions(bp: ContainerBlueprint): Docker.ContainerCreateOptions {
  const { project, service } = bp;
  const name = containerNameFor(project.name, service);

  const exposed: Record<string, Record<string, never>> = {};
  for (const e of service.expose ?? []) exposed[e] = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of service.ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    const list = bindings[key] ?? (bindings[key] = []);
    list.push({ HostIp: p.hostIp, HostPort: p.published === undefined ? '' : String(p.published) });
  }

  const { binds, mounts } = mountsFor(project, service);
  const env = Object.keys(service.environment)
    .sort()
    .map((k) => `${k}=${service.environment[k] ?? ''}`);
  // A bare key that is unset: "KEY" without "=" (Compose v2's ToMobyEnv); the engine then drops the image's KEY.
  for (const k of service.unsetEnvironment ?? []) env.push(k);

  const restart = service.restart ?? 'no';
  const networks = service.networkMode === undefined ? serviceNetworks(project, service) : [];
  const [primary] = networks;
  const { config, host } = optionsFor(service);
  const hostConfig: Docker.HostConfig = {
    NetworkMode: service.networkMode !== undefined ? networkModeFor(project, service.networkMode) : (primary?.name ?? defaultNetworkName(project.name)),
    RestartPolicy: restart === 'on-failure' ? { Name: restart, MaximumRetryCount: service.restartMaxRetries ?? 0 } : { Name: restart },
    PortBindings: bindings,
    ...host,
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
    ...config,
    HostConfig: hostConfig,
  };
  // The engine connects a container to one network at create; the others are joined before start
  // (connectExtraNetworks), as Compose v2 does.
  if (primary) opts.NetworkingConfig = { EndpointsConfig: { [primary.name]: endpointConfig(name, service, primary) } };
  const health = healthcheckFor(service);
  if (health) opts.Healthcheck = health;
  if (service.platform !== undefined) (opts as Record<string, unknown>).platform = service.platform;
  if (service.command !== undefined) opts.Cmd = [...service.command];
  if (service.entrypoint !== undefined) opts.Entrypoint = [...service.entrypoint];
  return opts;
}

/** Endpoint settings on one network: the container name, the service name and the file's aliases. */
export function endpointConfig(container: string, service: ServiceSpec, network: { aliases: string[]; ipv4Address?: string }): Docker.EndpointSettings {
  const ep: Docker.EndpointSettings = { Aliases: [...new Set([container, service.name, ...network.aliases])] };
  if (network.ipv4Address !== undefined) ep.IPAMConfig = { IPv4Address: network.ipv4Address };
  return ep;
}

/** The networks after the first, to connect the created container to before it starts. */
export function extraNetworks(project: ComposeProject, service: ServiceSpec): { name: string; endpoint: Docker.EndpointSettings }[] {
  if (service.networkMode !== undefined) return [];
  const container = containerNameFor(project.name, service);
  return serviceNetworks(project, service)
    .slice(1)
    .map((n) => ({ name: n.name, endpoint: endpointConfig(container, service, n) }));
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
  for (const n of extraNetworks(bp.project, bp.service)) {
    await engine.call('network.connect', (d) => d.getNetwork(n.name).connect({ Container: container.id, EndpointConfig: n.endpoint, ...abortOpt(signal) }) as Promise<unknown>, {
      service: bp.service.name,
      target: n.name,
      signal,
    });
  }
  return { id: container.id, name };
}
