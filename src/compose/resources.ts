// Top-level volumes, networks, secrets and configs: their engine names and settings, following
// compose-spec 06-networks.md / 07-volumes.md / 08-configs.md / 09-secrets.md and compose-go:
// `name:` is used verbatim; an `external` resource without `name:` is the key itself (never
// project-prefixed); anything else is `<project>_<key>`. The legacy `external: {name: x}` is
// `external: true` with `name: x`.
import path from 'node:path';
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import type { YamlPath } from './interpolate.js';
import type { NetworkSpec, VolumeSpec } from './model.js';
import { parseBool } from './service-options.js';
import { isMapping, stringMap } from './values.js';
import type { Mapping } from './values.js';

type Locate = (path: YamlPath, key?: boolean) => SourceRef;

/** Name and external flag of one top-level resource. */
function identity(section: string, key: string, spec: Mapping, project: string, locate: Locate): { name: string; external: boolean } {
  const ext = spec.external;
  let external = false;
  let name = typeof spec.name === 'string' && spec.name !== '' ? spec.name : undefined;
  if (isMapping(ext)) {
    // Legacy `external: {name: x}` (compose file format 3.x).
    external = true;
    if (typeof ext.name === 'string') {
      if (name !== undefined && name !== ext.name) {
        throw new ComposeError({ ...locate([section, key, 'external', 'name'], true), message: `${section}.${key}: name "${name}" and external.name "${ext.name}" differ`, hint: 'keep only name: with external: true' });
      }
      name = ext.name;
    }
  } else if (ext !== undefined && ext !== null) {
    external = parseBool(ext, locate([section, key, 'external']), `${section}.${key}.external`);
  }
  if (external) {
    // compose-go: an external resource may carry nothing but its name.
    for (const k of Object.keys(spec)) {
      if (k !== 'external' && k !== 'name' && !k.startsWith('x-')) {
        throw new ComposeError({ ...locate([section, key, k], true), message: `${section}.${key}: "${k}" cannot be set on an external ${section.slice(0, -1)}`, hint: `remove ${k}: the ${section.slice(0, -1)} exists already and is used as it is` });
      }
    }
  }
  return { name: name ?? (external ? key : `${project}_${key}`), external };
}

export function topLevelVolumes(model: Mapping, project: string, locate: Locate): Record<string, VolumeSpec> {
  const out: Record<string, VolumeSpec> = {};
  for (const [key, raw] of Object.entries((model.volumes as Mapping | null | undefined) ?? {})) {
    const spec = isMapping(raw) ? raw : {};
    const v: VolumeSpec = { ...identity('volumes', key, spec, project, locate), driverOpts: stringMap(spec.driver_opts), labels: stringMap(spec.labels) };
    if (typeof spec.driver === 'string') v.driver = spec.driver;
    out[key] = v;
  }
  return out;
}

export function topLevelNetworks(model: Mapping, project: string, locate: Locate): Record<string, NetworkSpec> {
  const out: Record<string, NetworkSpec> = {};
  for (const [key, raw] of Object.entries((model.networks as Mapping | null | undefined) ?? {})) {
    const spec = isMapping(raw) ? raw : {};
    const at = (...rest: string[]): SourceRef => locate(['networks', key, ...rest]);
    const n: NetworkSpec = {
      ...identity('networks', key, spec, project, locate),
      driverOpts: stringMap(spec.driver_opts),
      internal: spec.internal === undefined || spec.internal === null ? false : parseBool(spec.internal, at('internal'), `networks.${key}.internal`),
      attachable: spec.attachable === undefined || spec.attachable === null ? false : parseBool(spec.attachable, at('attachable'), `networks.${key}.attachable`),
      labels: stringMap(spec.labels),
    };
    if (typeof spec.driver === 'string') n.driver = spec.driver;
    if (spec.enable_ipv6 !== undefined && spec.enable_ipv6 !== null) n.enableIpv6 = parseBool(spec.enable_ipv6, at('enable_ipv6'), `networks.${key}.enable_ipv6`);
    if (isMapping(spec.ipam)) {
      const ipam = spec.ipam;
      n.ipam = {
        config: (Array.isArray(ipam.config) ? ipam.config : []).filter(isMapping).map((c) => {
          const entry: NonNullable<NetworkSpec['ipam']>['config'][number] = {};
          if (typeof c.subnet === 'string') entry.subnet = c.subnet;
          if (typeof c.ip_range === 'string') entry.ipRange = c.ip_range;
          if (typeof c.gateway === 'string') entry.gateway = c.gateway;
          if (isMapping(c.aux_addresses)) entry.auxAddresses = stringMap(c.aux_addresses);
          return entry;
        }),
        options: stringMap(ipam.options),
      };
      if (typeof ipam.driver === 'string') n.ipam.driver = ipam.driver;
    }
    out[key] = n;
  }
  return out;
}

/**
 * File-based secrets or configs: key → absolute host file. compose-spec 09-secrets.md: `file:`
 * is relative to the project directory; the file is bind-mounted read-only.
 */
export function fileResources(model: Mapping, section: 'secrets' | 'configs', dir: string, locate: Locate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries((model[section] as Mapping | null | undefined) ?? {})) {
    const spec = isMapping(raw) ? raw : {};
    if (typeof spec.file !== 'string') {
      const other = spec.environment !== undefined ? 'environment' : spec.content !== undefined ? 'content' : undefined;
      throw new ComposeError({
        ...locate([section, key], true),
        message: other ? `${section}.${key}: "${other}" ${section} are not supported` : `${section}.${key}: "file" is required`,
        hint: `write the value to a file next to the compose file and set ${section}.${key}.file to it`,
      });
    }
    out[key] = path.resolve(dir, spec.file);
  }
  return out;
}
