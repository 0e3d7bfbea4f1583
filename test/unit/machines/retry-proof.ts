// The bounded-retry proof, over a machine's state nodes only (no run, no guards evaluated).
//
// The graph: one vertex per leaf state (atomic, final, history); from each leaf, every transition
// defined on it or on an ancestor (events, invoke done/error, `after`, `always`, a compound's
// onDone), whatever its guard, leads to the leaves its target enters. Ignoring guards makes this an
// over-approximation: every run of the machine is a path here, so what holds on every path holds
// on every run.
//
// What must hold: the graph has no cycle; on every path from the initial state, the states that
// invoke a deploy attempt are entered at most twice in total, and each repair state at most once.

import { createMachine, type AnyStateMachine, type AnyStateNode } from 'xstate';

/**
 * Actor names (invoke `src`) that make a deploy attempt. The proof reads the states' tags; these
 * names only check the tags: a state that invokes one of them without the 'attempt' tag is a
 * violation (a forgotten tag must not shrink what the proof counts).
 */
export const DEPLOY_ACTOR_SRCS: readonly string[] = ['composeUp', 'deploy', 'deployArm', 'armDeploy', 'deployTemplate'];

/** The tags (machines/kit.ts) the proof counts: a deploy attempt, a repair. */
export const ATTEMPT_TAG = 'attempt';
export const REPAIR_TAG = 'repair';

export function isRepairNode(node: AnyStateNode): boolean {
  return node.tags.includes(REPAIR_TAG);
}

export function isDeployNode(node: AnyStateNode): boolean {
  return node.tags.includes(ATTEMPT_TAG);
}

/** States whose actors say they attempt or repair, without the tag that says so. */
function untagged(nodes: readonly AnyStateNode[], deploySrcs: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    const srcs = n.invoke.map((inv) => inv.src).filter((src): src is string => typeof src === 'string');
    if (srcs.some((src) => deploySrcs.includes(src)) && !isDeployNode(n)) out.push(`state '${n.key}' invokes a deploy actor but is not tagged '${ATTEMPT_TAG}'`);
    if (srcs.some((src) => /repair/i.test(src)) && !isRepairNode(n)) out.push(`state '${n.key}' invokes a repair actor but is not tagged '${REPAIR_TAG}'`);
  }
  return out;
}

function children(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states) as AnyStateNode[];
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...children(node).flatMap(allNodes)];
}

function ancestorsOf(node: AnyStateNode): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}

/** Leaves entered when entering `node` (its initial descendants; for history, any leaf of its parent). */
function entryLeaves(node: AnyStateNode): AnyStateNode[] {
  switch (node.type) {
    case 'atomic':
    case 'final':
      return [node];
    case 'history':
      return node.parent ? allNodes(node.parent).filter((n) => n.type === 'atomic' || n.type === 'final') : [];
    case 'parallel':
      return children(node).flatMap(entryLeaves);
    case 'compound':
      return node.initial.target.flatMap((t: AnyStateNode) => entryLeaves(t));
  }
}

/** Nodes entered going from `target` down to `leaf` (both included). */
function chainDown(target: AnyStateNode, leaf: AnyStateNode): AnyStateNode[] {
  const chain: AnyStateNode[] = [];
  for (let n: AnyStateNode | undefined = leaf; n && n !== target; n = n.parent) chain.unshift(n);
  chain.unshift(target);
  return chain;
}

export interface ProofEdge {
  from: string;
  to: string;
  /** State node ids entered by taking this edge (the target chain down to the leaf). */
  entered: string[];
  /** The transition, for messages: `retryOnce --error: retryComposeUp--> repair`. */
  via: string;
}

export interface ProofGraph {
  initial: string;
  initialEntered: string[];
  leaves: string[];
  edges: ProofEdge[];
}

/** The guard-free graph over leaf states. */
export function proofGraph(machine: AnyStateMachine): ProofGraph {
  const nodes = allNodes(machine.root);
  const leaves = nodes.filter((n) => n.type === 'atomic' || n.type === 'final' || n.type === 'history');
  const edges: ProofEdge[] = [];
  for (const leaf of leaves) {
    if (leaf.type === 'final' && leaf.parent === machine.root) continue; // the machine is done
    for (const owner of [leaf, ...ancestorsOf(leaf)]) {
      const transitions = [...[...owner.transitions.values()].flat(), ...(owner.always ?? [])];
      for (const t of transitions) {
        for (const target of (t.target ?? []) as AnyStateNode[]) {
          for (const to of entryLeaves(target)) {
            const left = new Set([leaf, ...ancestorsOf(leaf)].map((n) => n.id));
            const entered = new Set(chainDown(target, to).map((n) => n.id));
            for (const n of [to, ...ancestorsOf(to)]) if (!left.has(n.id)) entered.add(n.id);
            const eventType = t.eventType as string;
            const event = eventType === '' ? 'always' : eventType.replace(/^xstate\.(done|error)\.actor\./, '$1: ');
            edges.push({ from: leaf.id, to: to.id, entered: [...entered], via: `${owner.key} --${event}--> ${target.key}` });
          }
        }
      }
    }
  }
  const initialLeaves = entryLeaves(machine.root);
  const first = initialLeaves[0];
  if (!first) throw new Error(`machine '${machine.id}' has no initial state`);
  return {
    initial: first.id,
    initialEntered: chainDown(machine.root, first)
      .slice(1)
      .map((n) => n.id),
    leaves: leaves.map((n) => n.id),
    edges,
  };
}

/** A cycle as a list of leaf ids (first = last), or undefined. */
export function findCycle(graph: ProofGraph): string[] | undefined {
  const out = new Map<string, ProofEdge[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const color = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const visit = (v: string): string[] | undefined => {
    color.set(v, 'grey');
    stack.push(v);
    for (const e of out.get(v) ?? []) {
      const c = color.get(e.to);
      if (c === 'grey') return [...stack.slice(stack.indexOf(e.to)), e.to];
      if (c === undefined) {
        const found = visit(e.to);
        if (found) return found;
      }
    }
    stack.pop();
    color.set(v, 'black');
    return undefined;
  };
  for (const v of graph.leaves) {
    if (color.has(v)) continue;
    const found = visit(v);
    if (found) return found;
  }
  return undefined;
}

export interface ProofResult {
  machine: string;
  ok: boolean;
  violations: string[];
  deployStates: string[];
  repairStates: string[];
  /** The most deploy-attempt entries on any path, and that path (leaf keys). */
  maxDeployAttempts: number;
  worstPath: string[];
  leaves: number;
  edges: number;
}

const short = (id: string): string => id.slice(id.indexOf('.') + 1);

/**
 * The most `weight` collected on a path from the initial leaf, with the path. For an acyclic graph
 * this is exact (dynamic programming over a topological order); for a cyclic one it unrolls each
 * edge at most twice, which is enough to show a count going past its bound.
 */
function heaviestPath(graph: ProofGraph, weight: (entered: string[]) => number): { total: number; path: string[] } {
  const out = new Map<string, ProofEdge[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  let best = { total: weight(graph.initialEntered), path: [graph.initial] };
  const used = new Map<ProofEdge, number>();
  let budget = 200_000;
  const memo = new Map<string, { total: number; path: string[] }>();
  const acyclic = findCycle(graph) === undefined;
  // Acyclic: best continuation from each leaf, memoised.
  const fromLeaf = (v: string): { total: number; path: string[] } => {
    const hit = memo.get(v);
    if (hit) return hit;
    let res = { total: 0, path: [v] };
    for (const e of out.get(v) ?? []) {
      const next = fromLeaf(e.to);
      const total = weight(e.entered) + next.total;
      if (total > res.total) res = { total, path: [v, ...next.path] };
    }
    memo.set(v, res);
    return res;
  };
  if (acyclic) {
    const rest = fromLeaf(graph.initial);
    return { total: best.total + rest.total, path: rest.path };
  }
  const walk = (v: string, total: number, path: string[]): void => {
    if (--budget < 0) return;
    if (total > best.total) best = { total, path: [...path] };
    for (const e of out.get(v) ?? []) {
      const n = used.get(e) ?? 0;
      if (n >= 2) continue;
      used.set(e, n + 1);
      path.push(e.to);
      walk(e.to, total + weight(e.entered), path);
      path.pop();
      used.set(e, n);
    }
  };
  walk(graph.initial, best.total, [graph.initial]);
  return best;
}

/** Check the bounded-retry rule on one machine. Never throws for a broken machine: it reports. */
export function proveBoundedRetry(name: string, machine: AnyStateMachine, deploySrcs: readonly string[] = DEPLOY_ACTOR_SRCS): ProofResult {
  const graph = proofGraph(machine);
  const nodes = allNodes(machine.root);
  const deployStates = nodes.filter((n) => isDeployNode(n)).map((n) => n.id);
  const repairStates = nodes.filter(isRepairNode).map((n) => n.id);
  const violations: string[] = untagged(nodes, deploySrcs);
  if (deployStates.length === 0) {
    violations.push(`no state is tagged '${ATTEMPT_TAG}' (a deploy attempt): tag this machine's deploy states`);
  }
  if (repairStates.length === 0) violations.push(`no state is tagged '${REPAIR_TAG}'`);
  const cycle = findCycle(graph);
  if (cycle) violations.push(`cycle: ${cycle.map(short).join(' → ')}`);

  const deploySet = new Set(deployStates);
  const deploy = heaviestPath(graph, (entered) => entered.filter((id) => deploySet.has(id)).length);
  if (deploy.total > 2) {
    violations.push(`deploy attempts entered ${deploy.total} times on the path ${deploy.path.map(short).join(' → ')}`);
  }
  for (const r of repairStates) {
    const worst = heaviestPath(graph, (entered) => (entered.includes(r) ? 1 : 0));
    if (worst.total > 1) violations.push(`repair state '${short(r)}' entered ${worst.total} times on the path ${worst.path.map(short).join(' → ')}`);
  }
  return {
    machine: name,
    ok: violations.length === 0,
    violations,
    deployStates: deployStates.map(short),
    repairStates: repairStates.map(short),
    maxDeployAttempts: deploy.total,
    worstPath: deploy.path.map(short),
    leaves: graph.leaves.length,
    edges: graph.edges.length,
  };
}

// ── Mutants: broken copies that the proof must catch ─────────────────────────

type Config = Record<string, unknown>;

/** A copy of plain objects and arrays; functions and other values are shared. */
function cloneConfig<T>(x: T): T {
  if (Array.isArray(x)) return x.map((v: unknown) => cloneConfig(v)) as T;
  if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, cloneConfig(v)])) as T;
  }
  return x;
}

function configAt(root: Config, path: readonly string[]): Config {
  let cur = root;
  for (const key of path) {
    const states = cur.states as Record<string, Config> | undefined;
    const next = states?.[key];
    if (!next) throw new Error(`no state config at ${path.join('.')}`);
    cur = next;
  }
  return cur;
}

/**
 * A copy of `machine` whose invoke `invokeId` in the state at `path` sends its error to `target`
 * (a state node id): the "retry's failure goes back to repair" bug.
 */
export function withErrorRedirected(machine: AnyStateMachine, path: readonly string[], invokeId: string, target: string): AnyStateMachine {
  const config = cloneConfig(machine.config as unknown as Config);
  const state = configAt(config, path);
  const invokes = (Array.isArray(state.invoke) ? state.invoke : [state.invoke]) as Config[];
  const inv = invokes.find((i) => i.id === invokeId || (i.id === undefined && i.src === invokeId));
  if (!inv) throw new Error(`no invoke '${invokeId}' at ${path.join('.')}`);
  inv.onError = { target: `#${target}` };
  return createMachine(config as Parameters<typeof createMachine>[0]).provide(machine.implementations as never);
}

export interface Mutant {
  description: string;
  machine: AnyStateMachine;
}

/** For every repair state R and every deploy state D reachable after it: D's failure → R. */
export function retryMutants(machine: AnyStateMachine): Mutant[] {
  const graph = proofGraph(machine);
  const nodes = allNodes(machine.root);
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const reachable = (from: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length) {
      const v = todo.pop()!;
      for (const w of out.get(v) ?? []) {
        if (seen.has(w)) continue;
        seen.add(w);
        todo.push(w);
      }
    }
    return seen;
  };
  const mutants: Mutant[] = [];
  for (const repair of nodes.filter(isRepairNode)) {
    const after = new Set([...entryLeaves(repair)].flatMap((l) => [...reachable(l.id)]));
    for (const d of nodes.filter((n) => isDeployNode(n))) {
      const dLeaves = entryLeaves(d).map((l) => l.id);
      if (!dLeaves.some((l) => after.has(l))) continue;
      for (const inv of d.invoke) {
        mutants.push({
          description: `${short(d.id)}'s error (${inv.id}) → ${short(repair.id)}`,
          machine: withErrorRedirected(machine, d.path, inv.id, repair.id),
        });
      }
    }
  }
  return mutants;
}
