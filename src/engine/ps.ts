// What `docker compose ps` lists: the project's service containers, found by label, with
// state and published ports. Plus `findPublishers`: who (any container, any project) holds a
// host port, and `findByAddress`: whose address a docker-proxy forwards to.

import type Docker from 'dockerode';
import type { Engine } from './client.js';
import { abortOpt } from './client.js';
import {
  LABEL_CONFIG_FILES,
  LABEL_CONFIG_HASH,
  LABEL_CONTAINER_NUMBER,
  LABEL_PROJECT,
  LABEL_SERVICE,
  LABEL_WORKING_DIR,
  projectContainerFilters,
} from './labels.js';

export interface PublishedPort {
  /** Host address as the engine reports it ('0.0.0.0', '::', '127.0.0.1'); '' when not published. */
  hostIp: string;
  /** Undefined for a port exposed but not published. */
  hostPort?: number;
  containerPort: number;
  protocol: string;
}

export interface ProjectContainer {
  id: string;
  /** Without the leading '/'. */
  name: string;
  project: string;
  service: string;
  number: number;
  /** Engine state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  /** Human status, e.g. "Up 3 minutes", "Exited (1) 2 seconds ago". */
  status: string;
  image: string;
  configHash?: string;
  ports: PublishedPort[];
  labels: Record<string, string>;
}

export interface PsOptions {
  /** Include stopped containers (`docker compose ps -a`). Default false, like compose. */
  all?: boolean;
  service?: string;
  signal?: AbortSignal;
}

export function containerDisplayName(info: Pick<Docker.ContainerInfo, 'Names' | 'Id'>): string {
  const first = info.Names[0];
  return first !== undefined ? first.replace(/^\//, '') : info.Id.slice(0, 12);
}

/** Ports of a list entry, de-duplicated (IPv4 and IPv6 bindings of one mapping are both kept, exact duplicates dropped). */
export function publishedPorts(info: Pick<Docker.ContainerInfo, 'Ports'>): PublishedPort[] {
  const seen = new Set<string>();
  const out: PublishedPort[] = [];
  for (const p of info.Ports ?? []) {
    const key = `${p.IP ?? ''}|${p.PublicPort ?? ''}|${p.PrivatePort}|${p.Type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const port: PublishedPort = { hostIp: p.IP ?? '', containerPort: p.PrivatePort, protocol: p.Type };
    if (typeof p.PublicPort === 'number' && p.PublicPort > 0) port.hostPort = p.PublicPort;
    out.push(port);
  }
  return out.sort((a, b) => a.containerPort - b.containerPort || (a.hostIp < b.hostIp ? -1 : a.hostIp > b.hostIp ? 1 : 0));
}

/** Raw list entries of the project's service containers (label filters, like compose). */
export async function listProjectContainers(
  engine: Engine,
  project: string,
  opts: { all?: boolean; service?: string; signal?: AbortSignal } = {},
): Promise<Docker.ContainerInfo[]> {
  const list = await engine.call(
    'list',
    (d) => d.listContainers({ all: opts.all ?? true, filters: projectContainerFilters(project, opts.service), ...abortOpt(opts.signal) }),
    { signal: opts.signal },
  );
  return list.filter((c) => c.Labels?.[LABEL_PROJECT] === project);
}

export function toProjectContainer(info: Docker.ContainerInfo): ProjectContainer {
  const labels = info.Labels ?? {};
  const c: ProjectContainer = {
    id: info.Id,
    name: containerDisplayName(info),
    project: labels[LABEL_PROJECT] ?? '',
    service: labels[LABEL_SERVICE] ?? '',
    number: Number(labels[LABEL_CONTAINER_NUMBER] ?? '1') || 1,
    state: info.State,
    status: info.Status,
    image: info.Image,
    ports: publishedPorts(info),
    labels,
  };
  const hash = labels[LABEL_CONFIG_HASH];
  if (hash !== undefined) c.configHash = hash;
  return c;
}

/** The project's containers, sorted by service then number. */
export async function ps(engine: Engine, project: string, opts: PsOptions = {}): Promise<ProjectContainer[]> {
  const list = await listProjectContainers(engine, project, { all: opts.all ?? false, service: opts.service, signal: opts.signal });
  return list
    .map(toProjectContainer)
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.number - b.number));
}

export interface PortPublisher {
  id: string;
  name: string;
  image: string;
  state: string;
  /** Compose labels, when the container belongs to a compose project. */
  project?: string;
  service?: string;
  configFiles?: string[];
  workingDir?: string;
  /** The bindings of this container on the asked host port. */
  bindings: PublishedPort[];
}

/** Every running container (any project, or none) publishing `hostPort` on the host. */
export async function findPublishers(
  engine: Engine,
  hostPort: number,
  opts: { protocol?: 'tcp' | 'udp'; signal?: AbortSignal } = {},
): Promise<PortPublisher[]> {
  const list = await engine.call('list', (d) => d.listContainers({ all: false, ...abortOpt(opts.signal) }), { signal: opts.signal });
  const out: PortPublisher[] = [];
  for (const info of list) {
    const bindings = publishedPorts(info).filter(
      (p) => p.hostPort === hostPort && (opts.protocol === undefined || p.protocol === opts.protocol),
    );
    if (bindings.length > 0) out.push(publisherOf(info, bindings));
  }
  return out;
}

/**
 * The containers with `ip` on one of their networks: whom a `docker-proxy -container-ip ip`
 * forwards to. The list entry carries each network's addresses, so one call answers.
 */
export async function findByAddress(engine: Engine, ip: string, opts: { signal?: AbortSignal } = {}): Promise<PortPublisher[]> {
  const list = await engine.call('list', (d) => d.listContainers({ all: true, ...abortOpt(opts.signal) }), { signal: opts.signal });
  return list
    .filter((info) => Object.values(info.NetworkSettings?.Networks ?? {}).some((n) => n.IPAddress === ip || n.GlobalIPv6Address === ip))
    .map((info) => publisherOf(info, publishedPorts(info)));
}

function publisherOf(info: Docker.ContainerInfo, bindings: PublishedPort[]): PortPublisher {
  const labels = info.Labels ?? {};
  const pub: PortPublisher = { id: info.Id, name: containerDisplayName(info), image: info.Image, state: info.State, bindings };
  if (labels[LABEL_PROJECT] !== undefined) pub.project = labels[LABEL_PROJECT];
  if (labels[LABEL_SERVICE] !== undefined) pub.service = labels[LABEL_SERVICE];
  const files = labels[LABEL_CONFIG_FILES];
  if (files !== undefined) pub.configFiles = files === '' ? [] : files.split(',');
  if (labels[LABEL_WORKING_DIR] !== undefined) pub.workingDir = labels[LABEL_WORKING_DIR];
  return pub;
}
