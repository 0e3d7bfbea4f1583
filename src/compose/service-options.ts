// The service keys that pass to the container as they are (user, healthcheck, ulimits, logging,
// …), parsed the way compose-go parses them: durations like Go's time.ParseDuration, byte sizes
// like go-units' RAMInBytes (base 1024, suffix b/k/m/g/t/p with an optional "b"), booleans that
// may arrive as strings after interpolation. The schema has already checked the shapes.
import { ComposeError } from './errors.js';
import { scalarText, stringMap } from './values.js';
import type { SourceRef } from './errors.js';
import type { ContainerOptions, Healthcheck } from './model.js';

import type { Mapping } from './values.js';
type At = (...rest: (string | number)[]) => SourceRef;

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go duration ("1m30s", "500ms", "10s") in nanoseconds. */
export function parseDuration(value: unknown, at: SourceRef, what: string): number {
  const text = String(value).trim();
  const fail = (): ComposeError => new ComposeError({ ...at, message: `${what}: invalid duration ${JSON.stringify(value)}`, hint: 'write a duration such as 30s, 1m30s or 500ms' });
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw fail();
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (DURATION_UNITS[p[2] ?? ''] ?? 0), 0));
}

/** Byte size ("64m", "1gb", 1024) in bytes. */
export function parseBytes(value: unknown, at: SourceRef, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)b?$/i.exec(String(value).trim());
  if (!m) throw new ComposeError({ ...at, message: `${what}: invalid size ${JSON.stringify(value)}`, hint: 'write a size such as 64m, 1g or a number of bytes' });
  const power = ' kmgtp'.indexOf((m[2] ?? '').toLowerCase() || ' ');
  return Math.round(Number(m[1]) * 1024 ** power);
}

export function parseBool(value: unknown, at: SourceRef, what: string): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['true', 'yes', 'y', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'n', 'off', '0'].includes(text)) return false;
  throw new ComposeError({ ...at, message: `${what} must be true or false, not ${JSON.stringify(value)}`, hint: `write ${what}: true or ${what}: false` });
}

function parseInteger(value: unknown, at: SourceRef, what: string): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n)) throw new ComposeError({ ...at, message: `${what} must be an integer, not ${JSON.stringify(value)}`, hint: `write ${what} as a whole number` });
  return n;
}

function strings(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `healthcheck:` in the engine's form; `disable: true` (or test NONE) turns the image's check off. */
export function parseHealthcheck(value: unknown, at: At): Healthcheck | undefined {
  if (value === undefined || value === null) return undefined;
  const h = value as Mapping;
  if (h.disable !== undefined && parseBool(h.disable, at('disable'), 'healthcheck.disable')) return { test: ['NONE'] };
  const out: Healthcheck = {};
  if (h.test !== undefined && h.test !== null) {
    // compose-go: a string is CMD-SHELL; a list starts with NONE, CMD or CMD-SHELL.
    const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : (h.test as unknown[]).map(String);
    if (!['NONE', 'CMD', 'CMD-SHELL'].includes(test[0] ?? '')) {
      throw new ComposeError({ ...at('test'), message: `healthcheck.test must start with "CMD", "CMD-SHELL" or "NONE", not ${JSON.stringify(test[0])}`, hint: 'write test: ["CMD", "curl", "-f", "http://localhost"] or test: curl -f http://localhost' });
    }
    out.test = test;
  }
  const durations = [
    ['interval', 'intervalNs'],
    ['timeout', 'timeoutNs'],
    ['start_period', 'startPeriodNs'],
    ['start_interval', 'startIntervalNs'],
  ] as const;
  for (const [key, field] of durations) if (h[key] !== undefined && h[key] !== null) out[field] = parseDuration(h[key], at(key), `healthcheck.${key}`);
  if (h.retries !== undefined && h.retries !== null) out.retries = parseInteger(h.retries, at('retries'), 'healthcheck.retries');
  return out;
}

/** Every key of ContainerOptions, from the service mapping. */
export function parseContainerOptions(spec: Mapping, at: At): ContainerOptions | undefined {
  const o: ContainerOptions = {};
  const str = (key: string): string | undefined => (spec[key] === undefined || spec[key] === null ? undefined : scalarText(spec[key]));
  const bool = (key: string): boolean | undefined => (spec[key] === undefined || spec[key] === null ? undefined : parseBool(spec[key], at(key), key));
  const set = <K extends keyof ContainerOptions>(k: K, v: ContainerOptions[K] | undefined): void => {
    if (v !== undefined) o[k] = v;
  };
  set('user', str('user'));
  set('workingDir', str('working_dir'));
  set('hostname', str('hostname'));
  set('domainname', str('domainname'));
  set('tty', bool('tty'));
  set('stdinOpen', bool('stdin_open'));
  set('init', bool('init'));
  set('stopSignal', str('stop_signal'));
  if (spec.stop_grace_period !== undefined && spec.stop_grace_period !== null) {
    o.stopGracePeriodSeconds = Math.ceil(parseDuration(spec.stop_grace_period, at('stop_grace_period'), 'stop_grace_period') / 1e9);
  }
  set('privileged', bool('privileged'));
  set('readOnly', bool('read_only'));
  set('capAdd', strings(spec.cap_add));
  set('capDrop', strings(spec.cap_drop));
  set('securityOpt', strings(spec.security_opt));
  if (spec.shm_size !== undefined && spec.shm_size !== null) o.shmSizeBytes = parseBytes(spec.shm_size, at('shm_size'), 'shm_size');
  if (spec.ulimits !== undefined && spec.ulimits !== null) {
    o.ulimits = Object.entries(spec.ulimits as Mapping).map(([name, v]) => {
      if (typeof v === 'object' && v !== null) {
        const l = v as Mapping;
        return { name, soft: parseInteger(l.soft, at('ulimits', name, 'soft'), `ulimits.${name}.soft`), hard: parseInteger(l.hard, at('ulimits', name, 'hard'), `ulimits.${name}.hard`) };
      }
      const n = parseInteger(v, at('ulimits', name), `ulimits.${name}`);
      return { name, soft: n, hard: n };
    });
  }
  if (spec.sysctls !== undefined && spec.sysctls !== null) o.sysctls = stringMap(spec.sysctls);
  set('groupAdd', strings(spec.group_add));
  if (spec.extra_hosts !== undefined && spec.extra_hosts !== null) o.extraHosts = extraHosts(spec.extra_hosts);
  set('dns', strings(spec.dns));
  set('dnsSearch', strings(spec.dns_search));
  set('dnsOpt', strings(spec.dns_opt));
  if (spec.tmpfs !== undefined && spec.tmpfs !== null) {
    // "/run:size=64m" → Tmpfs {"/run": "size=64m"} (the engine's form).
    o.tmpfs = Object.fromEntries((strings(spec.tmpfs) ?? []).map((t) => {
      const i = t.indexOf(':');
      return i === -1 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)];
    }));
  }
  if (spec.logging !== undefined && spec.logging !== null) {
    const l = spec.logging as Mapping;
    o.logging = { options: stringMap(l.options) };
    if (l.driver !== undefined && l.driver !== null) o.logging.driver = scalarText(l.driver);
  }
  const limits = ((spec.deploy as Mapping | undefined)?.resources as Mapping | undefined)?.limits as Mapping | undefined;
  const memory = spec.mem_limit ?? limits?.memory;
  if (memory !== undefined && memory !== null) o.memoryBytes = parseBytes(memory, at(spec.mem_limit !== undefined ? 'mem_limit' : 'deploy'), 'mem_limit');
  const cpus = spec.cpus ?? limits?.cpus;
  if (cpus !== undefined && cpus !== null) {
    const n = Number(cpus);
    if (!Number.isFinite(n) || n < 0) throw new ComposeError({ ...at('cpus'), message: `cpus: invalid value ${JSON.stringify(cpus)}`, hint: 'write a number of CPUs such as 0.5 or 2' });
    o.nanoCpus = Math.round(n * 1e9);
  }
  const pids = spec.pids_limit ?? limits?.pids;
  if (pids !== undefined && pids !== null) o.pidsLimit = parseInteger(pids, at('pids_limit'), 'pids_limit');
  return Object.keys(o).length > 0 ? o : undefined;
}

/** `extra_hosts` as the engine's "host:ip" list; compose also takes "host=ip" and a mapping. */
function extraHosts(value: unknown): string[] {
  const entries = Array.isArray(value) ? value.map(String).map((s) => s.replace(/^([^=:]+)=/, '$1:')) : Object.entries(value as Mapping).map(([h, ip]) => `${h}:${String(ip)}`);
  return entries;
}
