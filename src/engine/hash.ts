// The config hash written to `com.docker.compose.config-hash`: sha256 over a canonical JSON
// (object keys sorted, undefined dropped, arrays in order) of exactly the service fields that
// define the container (fields a file does not use are undefined and dropped, so adding a field
// does not change the hash of existing containers). `up` compares it with the running container's label: equal → keep,
// different → recreate. Things that do not change the container (depends_on, build context)
// stay out; the image *ID* is in, so a rebuilt or re-pulled image recreates the container.

import { createHash } from 'node:crypto';
import type { ServiceSpec } from '../compose/model.js';

/** JSON with object keys sorted at every level; `undefined` members are dropped like JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value) as string | undefined;
    return s ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

export interface HashedImage {
  /** Image reference the container is created from. */
  name: string;
  /** Image ID (sha256:…) when known. */
  id?: string;
}

/** The fields of a service that define its container, in a fixed shape. */
export function hashInput(service: ServiceSpec, image: HashedImage): Record<string, unknown> {
  return {
    image: image.name,
    imageId: image.id,
    command: service.command,
    entrypoint: service.entrypoint,
    environment: service.environment,
    ports: service.ports.map((p) => ({ hostIp: p.hostIp, published: p.published, target: p.target, protocol: p.protocol })),
    // Every field of the mount; the optional ones are absent for older files, so their hash is unchanged.
    volumes: service.volumes.map((v) => ({ ...v })),
    restart: service.restart,
    containerName: service.containerName,
    labels: service.labels,
    unsetEnvironment: service.unsetEnvironment,
    restartMaxRetries: service.restartMaxRetries,
    healthcheck: service.healthcheck,
    networkMode: service.networkMode,
    networks: service.networks,
    expose: service.expose,
    platform: service.platform,
    options: service.options,
  };
}

/** sha256 hex of the canonical JSON of `hashInput`. */
export function serviceConfigHash(service: ServiceSpec, image: HashedImage): string {
  return createHash('sha256').update(canonicalJson(hashInput(service, image))).digest('hex');
}
