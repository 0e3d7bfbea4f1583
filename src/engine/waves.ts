// Dependency waves (Kahn's algorithm): wave 0 holds services with no dependencies, wave n
// those whose dependencies are all in earlier waves. Within a wave, file order is kept.

export interface DependencyNode {
  name: string;
  dependsOn: readonly string[];
}

/** `selected` plus everything they depend on, transitively, in the nodes' order. Unknown names throw. */
export function withDependencies<T extends DependencyNode>(nodes: readonly T[], selected?: readonly string[]): T[] {
  if (selected === undefined) return [...nodes];
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const keep = new Set<string>();
  const stack = [...selected];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (keep.has(name)) continue;
    const node = byName.get(name);
    if (!node) throw new Error(`no such service: ${name}`);
    keep.add(name);
    for (const dep of node.dependsOn) if (byName.has(dep)) stack.push(dep);
  }
  return nodes.filter((n) => keep.has(n.name));
}

/**
 * Group nodes into waves. Dependencies on names outside `nodes` are treated as satisfied.
 * A cycle (the compose loader rejects them) throws instead of looping.
 */
export function dependencyWaves<T extends DependencyNode>(nodes: readonly T[]): T[][] {
  const names = new Set(nodes.map((n) => n.name));
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    const deps = [...new Set(n.dependsOn)].filter((d) => names.has(d) && d !== n.name);
    pending.set(n.name, deps.length);
    for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), n.name]);
    if (n.dependsOn.includes(n.name)) pending.set(n.name, Number.POSITIVE_INFINITY);
  }
  const waves: T[][] = [];
  let remaining = nodes.filter(() => true);
  while (remaining.length > 0) {
    const wave = remaining.filter((n) => pending.get(n.name) === 0);
    if (wave.length === 0) {
      throw new Error(`dependency cycle among services: ${remaining.map((n) => n.name).join(', ')}`);
    }
    waves.push(wave);
    const done = new Set(wave.map((n) => n.name));
    for (const n of wave) for (const d of dependents.get(n.name) ?? []) pending.set(d, (pending.get(d) ?? 0) - 1);
    remaining = remaining.filter((n) => !done.has(n.name));
  }
  return waves;
}
