// A machine's shape as plain nodes and edges, read from its state nodes (`machine.root`).
// The exporters (Mermaid, DOT) and the docs render this; nothing here runs the machine.
//
// Unlike xstate's JSON definition and `toDirectedGraph`, this keeps eventless (`always`)
// transitions, names guards on every edge, and labels invoke results by the actor they
// come from (`done: composeUp`, `error: composeUp [guard]`).

import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export type NodeType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface GraphInvoke {
  /** The invoke's id: its result events are `xstate.done.actor.<id>` / `xstate.error.actor.<id>`. */
  id: string;
  /** The actor it runs (the name given to `setup({ actors })`). */
  src: string;
}

export interface GraphNode {
  /** The state node's id, e.g. `deploy-local.composeUp` (unique in the machine). */
  id: string;
  key: string;
  /** Keys from the root (exclusive) down to this node. */
  path: string[];
  type: NodeType;
  /** Parent node id; undefined for the root. */
  parent: string | undefined;
  /** Child node ids, in document order. */
  children: string[];
  /** The initial child (compound) or every region (parallel); empty otherwise. */
  initial: string[];
  invokes: GraphInvoke[];
  entry: string[];
  exit: string[];
  description: string | undefined;
}

export type EdgeKind = 'event' | 'always' | 'done' | 'error' | 'after' | 'state-done';

export interface GraphEdge {
  /** The node the transition is defined on. */
  source: string;
  /** Target node ids; empty for a targetless transition (actions only, no state change). */
  targets: string[];
  /** The event type as xstate sees it; '' for an eventless (`always`) transition. */
  eventType: string;
  kind: EdgeKind;
  /** For `done`/`error`: the invoke whose result this is. */
  invoke: GraphInvoke | undefined;
  /** The guard, rendered (`repairAllowed`, `!a && b`, `in(#x.y)`); undefined when unguarded. */
  guard: string | undefined;
  actions: string[];
  /** Position among the transitions for the same event on the same node (guards are tried in order). */
  branch: number;
  reenter: boolean;
  /** What people read on the edge: `done: composeUp [repairAllowed]`. */
  label: string;
}

export interface MachineGraph {
  id: string;
  root: string;
  /** Every state node including the root, parents before children, in document order. */
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const DONE_ACTOR = 'xstate.done.actor.';
const ERROR_ACTOR = 'xstate.error.actor.';
const DONE_STATE = 'xstate.done.state.';
const AFTER = 'xstate.after.';

/** A guard as people read it. Higher-order guards (`and`/`or`/`not`/`stateIn`) are spelled out. */
export function guardName(guard: unknown): string {
  if (guard === undefined || guard === null) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { name?: string; guards?: unknown[]; stateValue?: unknown; check?: unknown };
    if (typeof g.check === 'function') {
      const parts = (g.guards ?? []).map((x) => guardName(x));
      if (g.name === 'not') return `!${wrap(parts[0] ?? '?')}`;
      if (g.name === 'and') return parts.map(wrap).join(' && ');
      if (g.name === 'or') return parts.map(wrap).join(' || ');
      if (g.name === 'stateIn') return `in(${typeof g.stateValue === 'string' ? g.stateValue : JSON.stringify(g.stateValue)})`;
    }
    return g.name ? g.name : 'inline';
  }
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') {
    const params = 'params' in guard ? paramsText(guard.params) : '';
    return params ? `${guard.type}(${params})` : guard.type;
  }
  return 'inline';
}

/** Guard parameters, short: `azure.login` for one, `kind=vault, strict=true` for several. */
function paramsText(params: unknown): string {
  if (params === undefined || params === null || typeof params === 'function') return '';
  if (typeof params === 'string' || typeof params === 'number' || typeof params === 'boolean') return String(params);
  if (typeof params !== 'object') return '';
  const entries = Object.entries(params as Record<string, unknown>);
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  if (entries.length === 1) return show(entries[0]![1]);
  return entries.map(([k, v]) => `${k}=${show(v)}`).join(', ');
}

function wrap(s: string): string {
  return /\s/.test(s) ? `(${s})` : s;
}

/** An action as people read it: its name, `assign` for inline assigns, `inline` otherwise. */
export function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const a = action as { type?: unknown; name?: string };
    if (typeof a.type === 'string') return a.type.replace(/^xstate\./, '');
    return a.name ? a.name : 'inline';
  }
  if (typeof action === 'object' && action !== null && 'type' in action && typeof action.type === 'string') return action.type;
  return 'inline';
}

function srcName(src: unknown, id: string): string {
  if (typeof src === 'string') return src;
  if (typeof src === 'object' && src !== null && 'id' in src && typeof src.id === 'string') return src.id;
  return id;
}

function invokesOf(node: AnyStateNode): GraphInvoke[] {
  return node.invoke.map((inv) => ({ id: inv.id, src: srcName(inv.src, inv.id) }));
}

/** Every state node under (and including) `node`, parents first, in document order. */
export function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  const out: AnyStateNode[] = [node];
  for (const child of Object.values(node.states) as AnyStateNode[]) out.push(...allStateNodes(child));
  return out;
}

/** The transitions defined on one node: every event's list (guard branches in order), then `always`. */
export function transitionsOf(node: AnyStateNode): { eventType: string; branch: number; transition: AnyTransitionDefinition }[] {
  const out: { eventType: string; branch: number; transition: AnyTransitionDefinition }[] = [];
  for (const [eventType, list] of node.transitions) {
    list.forEach((transition, branch) => out.push({ eventType, branch, transition }));
  }
  (node.always ?? []).forEach((transition, branch) => out.push({ eventType: '', branch, transition }));
  return out;
}

function findInvoke(machine: AnyStateMachine, id: string): GraphInvoke | undefined {
  for (const node of allStateNodes(machine.root)) {
    const hit = node.invoke.find((inv) => inv.id === id);
    if (hit) return { id: hit.id, src: srcName(hit.src, hit.id) };
  }
  return undefined;
}

function kindOf(eventType: string): EdgeKind {
  if (eventType === '') return 'always';
  if (eventType.startsWith(DONE_ACTOR)) return 'done';
  if (eventType.startsWith(ERROR_ACTOR)) return 'error';
  if (eventType.startsWith(DONE_STATE)) return 'state-done';
  if (eventType.startsWith(AFTER)) return 'after';
  return 'event';
}

function eventLabel(kind: EdgeKind, eventType: string, invoke: GraphInvoke | undefined): string {
  switch (kind) {
    case 'always':
      return 'always';
    case 'done':
      return `done: ${invoke?.src ?? eventType.slice(DONE_ACTOR.length)}`;
    case 'error':
      return `error: ${invoke?.src ?? eventType.slice(ERROR_ACTOR.length)}`;
    case 'state-done':
      return 'done';
    case 'after': {
      // xstate.after.<delay>.<node id>
      const rest = eventType.slice(AFTER.length);
      const delay = rest.slice(0, rest.indexOf('.') === -1 ? undefined : rest.indexOf('.'));
      return /^\d+$/.test(delay) ? `after ${delay} ms` : `after ${delay}`;
    }
    case 'event':
      return eventType;
  }
}

/**
 * xstate implements `after` with a `raise` on entry and a `cancel` on exit per delay; the edges
 * already say `after …`, so those are not listed as the node's actions.
 */
function withoutDelayPlumbing(names: string[], builtin: string, count: number): string[] {
  let left = count;
  return names.filter((n) => !(n === builtin && left-- > 0));
}

/** The machine as nodes and edges. Pure: reads state nodes only. */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const stateNodes = allStateNodes(machine.root);
  const nodes: GraphNode[] = stateNodes.map((node) => ({
    id: node.id,
    key: node.key,
    path: [...node.path],
    type: node.type,
    parent: node.parent?.id,
    children: (Object.values(node.states) as AnyStateNode[]).map((c) => c.id),
    initial:
      node.type === 'compound'
        ? node.initial.target.map((t) => t.id)
        : node.type === 'parallel'
          ? (Object.values(node.states) as AnyStateNode[]).map((c) => c.id)
          : [],
    invokes: invokesOf(node),
    entry: withoutDelayPlumbing(node.entry.map(actionName), 'raise', node.after.length),
    exit: withoutDelayPlumbing(node.exit.map(actionName), 'cancel', node.after.length),
    description: node.description,
  }));
  const edges: GraphEdge[] = [];
  for (const node of stateNodes) {
    for (const { eventType, branch, transition } of transitionsOf(node)) {
      const kind = kindOf(eventType);
      const invokeId = kind === 'done' ? eventType.slice(DONE_ACTOR.length) : kind === 'error' ? eventType.slice(ERROR_ACTOR.length) : undefined;
      const invoke = invokeId === undefined ? undefined : (invokesOf(node).find((i) => i.id === invokeId) ?? findInvoke(machine, invokeId));
      const guard = transition.guard === undefined ? undefined : guardName(transition.guard);
      const label = eventLabel(kind, eventType, invoke) + (guard ? ` [${guard}]` : '');
      edges.push({
        source: node.id,
        targets: (transition.target ?? []).map((t: AnyStateNode) => t.id),
        eventType,
        kind,
        invoke,
        guard,
        actions: transition.actions.map(actionName),
        branch,
        reenter: Boolean(transition.reenter),
        label,
      });
    }
  }
  return { id: machine.id, root: machine.root.id, nodes, edges };
}

/** The node by id; throws on an id the graph does not have (a bug in the caller). */
export function nodeById(graph: MachineGraph, id: string): GraphNode {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no state node '${id}' in machine '${graph.id}'`);
  return node;
}
