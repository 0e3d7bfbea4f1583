// `depends_on` parsing and start/stop ordering, for the loader and the engine alike (the one
// place dependency waves are computed). Ordering is in waves (Kahn's algorithm: wave 0 holds
// the services without dependencies, wave n those whose dependencies are all in earlier waves;
// file order inside a wave), which also detects cycles without recursion.
import { ComposeError, UNKNOWN_SOURCE } from './errors.js';
import type { SourceRef } from './errors.js';
import type { DependencyCondition } from './model.js';

export type { DependencyCondition } from './model.js';

export interface Dependency {
  service: string;
  condition: DependencyCondition;
  /** `required: false` lets the dependency be absent (compose 2.20+). */
  required: boolean;
}

export interface DependencyNode {
  name: string;
  dependsOn: readonly string[];
}

/** Where a service is declared, for errors. */
export type ServiceLocator = (service: string) => SourceRef;

const CONDITIONS: readonly string[] = ['service_started', 'service_healthy', 'service_completed_successfully'];
const MAP_KEYS = new Set(['condition', 'required', 'restart']);
const HINT = 'write depends_on as a list of service names, or as {SERVICE: {condition: service_started|service_healthy|service_completed_successfully}}';

/** Parses `depends_on` in list form or map form, in file order, without duplicates. */
export function parseDependsOn(value: unknown, at: SourceRef = UNKNOWN_SOURCE): Dependency[] {
  const fail = (message: string): ComposeError => new ComposeError({ ...at, message, hint: HINT });
  if (value === null || value === undefined) return [];
  const deps = new Map<string, Dependency>();
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'string' || !item) throw fail(`depends_on entries must be service names, got ${JSON.stringify(item)}`);
      deps.set(item, { service: item, condition: 'service_started', required: true });
    }
    return [...deps.values()];
  }
  if (typeof value !== 'object') throw fail('depends_on must be a list or a mapping');
  for (const [service, spec] of Object.entries(value as Record<string, unknown>)) {
    if (spec === null || spec === undefined) {
      deps.set(service, { service, condition: 'service_started', required: true });
      continue;
    }
    if (typeof spec !== 'object' || Array.isArray(spec)) throw fail(`depends_on.${service} must be a mapping`);
    const fields = spec as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (!MAP_KEYS.has(key)) throw fail(`depends_on.${service}: unknown key "${key}"`);
    const condition = fields.condition ?? 'service_started';
    if (typeof condition !== 'string' || !CONDITIONS.includes(condition)) {
      throw fail(`depends_on.${service}: unknown condition ${JSON.stringify(condition)}`);
    }
    const required = fields.required ?? true;
    if (typeof required !== 'boolean') throw fail(`depends_on.${service}: "required" must be true or false`);
    deps.set(service, { service, condition: condition as DependencyCondition, required });
  }
  return [...deps.values()];
}

export interface WaveOptions {
  /** Where a service's depends_on is, for errors. */
  locate?: ServiceLocator;
  /**
   * 'error' (the loader): a dependency on a service that is not defined is a ComposeError.
   * 'satisfied' (the engine, reading depends_on labels of a subset): it does not hold anything back.
   */
  unknown?: 'error' | 'satisfied';
}

/**
 * Start order: each wave depends only on earlier waves; within a wave, the input order is kept.
 * Cycles (and, unless `unknown: 'satisfied'`, unknown dependencies) are ComposeErrors.
 */
export function dependencyWaves<T extends DependencyNode>(services: readonly T[], opts: WaveOptions | ServiceLocator = {}): T[][] {
  const { locate = () => UNKNOWN_SOURCE, unknown = 'error' } = typeof opts === 'function' ? { locate: opts } : opts;
  const names = new Set(services.map((s) => s.name));
  const depsOf = new Map<string, string[]>();
  for (const s of services) {
    for (const dep of s.dependsOn) {
      if (!names.has(dep) && unknown === 'error') {
        throw new ComposeError({
          ...locate(s.name),
          message: `service "${s.name}" depends on undefined service "${dep}"`,
          hint: `define "${dep}" under services, or remove it from depends_on of "${s.name}"`,
        });
      }
    }
    depsOf.set(s.name, s.dependsOn.filter((d) => names.has(d)));
  }
  const waves: T[][] = [];
  const placed = new Set<string>();
  let remaining = [...services];
  while (remaining.length > 0) {
    const wave = remaining.filter((s) => (depsOf.get(s.name) ?? []).every((d) => placed.has(d)));
    if (wave.length === 0) throw cycleError(remaining, placed, locate);
    waves.push(wave);
    for (const s of wave) placed.add(s.name);
    remaining = remaining.filter((s) => !placed.has(s.name));
  }
  return waves;
}

/** Stop order: the start waves reversed (dependents stop before what they depend on). */
export function stopWaves<T extends DependencyNode>(services: readonly T[], opts?: WaveOptions | ServiceLocator): T[][] {
  return dependencyWaves(services, opts).reverse();
}

/**
 * The named services plus everything they transitively depend on, in input order; all of them
 * when `names` is undefined. An unknown name is a ComposeError.
 */
export function withDependencies<T extends DependencyNode>(services: readonly T[], names?: readonly string[]): T[] {
  if (names === undefined) return [...services];
  const byName = new Map(services.map((s) => [s.name, s]));
  const wanted = new Set<string>();
  const stack = [...names];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (wanted.has(name)) continue;
    const node = byName.get(name);
    if (!node) {
      throw new ComposeError({ ...UNKNOWN_SOURCE, message: `no such service: ${name}`, hint: `services in this project: ${[...byName.keys()].join(', ') || '(none)'}` });
    }
    wanted.add(name);
    for (const dep of node.dependsOn) if (byName.has(dep)) stack.push(dep);
  }
  return services.filter((s) => wanted.has(s.name));
}

/**
 * Every service left unplaced waits on another unplaced one, so following unplaced
 * dependencies from any of them must revisit a service within `remaining.length` steps.
 */
function cycleError(remaining: readonly DependencyNode[], placed: ReadonlySet<string>, locate: ServiceLocator): ComposeError {
  const byName = new Map(remaining.map((s) => [s.name, s]));
  const path: string[] = [];
  let current = remaining[0];
  while (current && !path.includes(current.name)) {
    path.push(current.name);
    const next: string | undefined = current.dependsOn.find((d) => !placed.has(d));
    current = next === undefined ? undefined : byName.get(next);
  }
  const start = current ? path.indexOf(current.name) : 0;
  const cycle = [...path.slice(start), path[start] ?? ''];
  return new ComposeError({
    ...locate(cycle[0] ?? ''),
    message: `dependency cycle: ${cycle.join(' -> ')}`,
    hint: 'remove one of these depends_on entries so the services can start in order',
  });
}
