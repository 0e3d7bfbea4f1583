// Model-based testing of the machines with xstate/graph.
//
// 1. The model: for each input, `getAdjacencyMap` explores the machine with the pure transition
//    function. The events offered in a state are the ones it handles; for an invoked actor, its
//    done event with each output the fixtures allow and its error event with each error payload
//    (one per taxonomy class). A snapshot is its state value plus its context.
// 2. Paths: a set of paths from the initial state to a final one that together walk every edge
//    of the adjacency map (the shortest way to the edge, the edge, the shortest way to the end).
// 3. Each path runs against the real machine in a real actor, with every actor provided as a fake
//    the test settles (resolve/reject as the path says) and every non-assign action as a spy. After
//    each step the actor's state value, context and the actions it ran must be what the pure
//    transition function said. An edge counts as walked only when its step matched.

import { createActor, createEmptyActor, fromPromise } from 'xstate';
import type { AnyActorRef, AnyActorScope, AnyEventObject, AnyMachineSnapshot, AnyStateMachine, AnyStateNode, AnyTransitionDefinition, InspectionEvent, StateValue } from 'xstate';
import { getAdjacencyMap, serializeSnapshot } from 'xstate/graph';
import { errorsFor, inputsFor, outputsFor } from './model-fixtures.js';

const DONE = 'xstate.done.actor.';
const ERROR = 'xstate.error.actor.';

export interface ModelEdge {
  id: string;
  inputIndex: number;
  from: string;
  to: string;
  event: AnyEventObject;
}

export interface ModelStep {
  edge: ModelEdge;
  event: AnyEventObject;
  /** The snapshot the pure transition function reaches. */
  snapshot: AnyMachineSnapshot;
  /** Names of the non-builtin actions it executes, in order. */
  actions: string[];
}

export interface ModelPath {
  inputIndex: number;
  input: unknown;
  initialActions: string[];
  steps: ModelStep[];
}

export interface Model {
  name: string;
  machine: AnyStateMachine;
  inputs: unknown[];
  edges: ModelEdge[];
  states: number;
  paths: ModelPath[];
}

function activeNodes(node: AnyStateNode, value: StateValue): AnyStateNode[] {
  if (typeof value === 'string') {
    const child = (node.states as Record<string, AnyStateNode>)[value];
    return child ? [node, child] : [node];
  }
  const out: AnyStateNode[] = [node];
  for (const [key, sub] of Object.entries(value)) {
    const child = (node.states as Record<string, AnyStateNode>)[key];
    if (child && sub !== undefined) out.push(...activeNodes(child, sub));
  }
  return out;
}

function childOf(snapshot: AnyMachineSnapshot, id: string): { src: string; input: unknown } | undefined {
  const child = (snapshot.children as Record<string, AnyActorRef | undefined>)[id];
  if (!child) return undefined;
  const src = (child as unknown as { src: unknown }).src;
  const input = (child.getSnapshot() as { input?: unknown }).input;
  return { src: typeof src === 'string' ? src : id, input };
}

/** The events a snapshot can take: invoke results from the fixtures, other events bare. */
export function eventsFor(name: string, machine: AnyStateMachine, snapshot: AnyMachineSnapshot): AnyEventObject[] {
  if (snapshot.status !== 'active') return [];
  const types = [...new Set(activeNodes(machine.root, snapshot.value as StateValue).flatMap((n) => n.ownEvents as string[]))];
  const out: AnyEventObject[] = [];
  for (const type of types) {
    const isDone = type.startsWith(DONE);
    const isError = type.startsWith(ERROR);
    const child = isDone || isError ? childOf(snapshot, type.slice(isDone ? DONE.length : ERROR.length)) : undefined;
    if (!child) {
      out.push({ type });
      continue;
    }
    const ctx = { machine: name, input: child.input, machineInput: (snapshot.context as { input?: unknown } | undefined)?.input };
    if (isDone) for (const output of outputsFor(child.src, ctx)) out.push({ type, output });
    else for (const error of errorsFor(child.src, ctx)) out.push({ type, error });
  }
  return out;
}

/** Names of executable actions that are not xstate's own (spawn, stop, assign…). */
export function customActions(actions: readonly { type: string }[]): string[] {
  return actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'));
}

/**
 * xstate's pure `initialTransition` / `transition`, with one inert actor scope reused (the
 * exported functions build a throwaway actor of the machine on every call, ~1 ms each).
 */
export function pureTransitions(machine: AnyStateMachine): {
  initial(input: unknown): [AnyMachineSnapshot, string[]];
  transition(snapshot: AnyMachineSnapshot, event: AnyEventObject): [AnyMachineSnapshot, string[]];
} {
  let executed: { type: string }[] = [];
  const self = createEmptyActor();
  const scope = {
    self,
    logger: () => undefined,
    id: '',
    sessionId: 'model',
    defer: () => undefined,
    system: self.system,
    stopChild: () => undefined,
    emit: () => undefined,
    actionExecutor: (action: { type: string }) => void executed.push(action),
  } as unknown as AnyActorScope;
  return {
    initial(input) {
      executed = [];
      const snapshot = machine.getInitialSnapshot(scope as never, input) as AnyMachineSnapshot;
      return [snapshot, customActions(executed)];
    },
    transition(snapshot, event) {
      executed = [];
      const next = machine.transition(snapshot, event, scope as never) as AnyMachineSnapshot;
      return [next, customActions(executed)];
    },
  };
}

/** Build the model of one machine: adjacency maps per input, and a path cover. */
export function buildModel(name: string, machine: AnyStateMachine, inputs: unknown[] = inputsFor(name)): Model {
  const edges: ModelEdge[] = [];
  const snapshots = new Map<string, AnyMachineSnapshot>();
  const out = new Map<string, ModelEdge[]>();
  const initials: string[] = [];
  const finals = new Set<string>();
  inputs.forEach((input, inputIndex) => {
    const adjacency = getAdjacencyMap(machine, { input, events: (s: AnyMachineSnapshot) => eventsFor(name, machine, s) });
    const keys = Object.keys(adjacency);
    const first = keys[0];
    if (first === undefined) throw new Error(`${name}: empty adjacency map`);
    initials.push(`${inputIndex}|${first}`);
    for (const [key, value] of Object.entries(adjacency) as [string, { state: AnyMachineSnapshot; transitions: Record<string, { event: AnyEventObject; state: AnyMachineSnapshot }> }][]) {
      const from = `${inputIndex}|${key}`;
      snapshots.set(from, value.state);
      if (value.state.status === 'done') finals.add(from);
      for (const [eventKey, t] of Object.entries(value.transitions)) {
        const to = `${inputIndex}|${serializeSnapshot(t.state)}`;
        const edge: ModelEdge = { id: `${from} ${eventKey}`, inputIndex, from, to, event: t.event };
        edges.push(edge);
        out.set(from, [...(out.get(from) ?? []), edge]);
      }
    }
  });

  // Shortest way in (BFS from the initial states) and out (BFS back from the final states).
  const into = new Map<string, ModelEdge | null>();
  for (const init of initials) into.set(init, null);
  const queue = [...initials];
  while (queue.length) {
    const v = queue.shift()!;
    for (const e of out.get(v) ?? []) {
      if (!into.has(e.to)) {
        into.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  const incoming = new Map<string, ModelEdge[]>();
  for (const e of edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
  const onward = new Map<string, ModelEdge | null>();
  for (const f of finals) onward.set(f, null);
  const back = [...finals];
  while (back.length) {
    const v = back.shift()!;
    for (const e of incoming.get(v) ?? []) {
      if (!onward.has(e.from)) {
        onward.set(e.from, e);
        back.push(e.from);
      }
    }
  }

  const covered = new Set<string>();
  const paths: ModelPath[] = [];
  const pure = pureTransitions(machine);
  for (const edge of edges) {
    if (covered.has(edge.id)) continue;
    const prefix: ModelEdge[] = [];
    for (let e = into.get(edge.from); e; e = into.get(e.from)) prefix.unshift(e);
    const suffix: ModelEdge[] = [];
    for (let e = onward.get(edge.to); e; e = onward.get(e.to)) suffix.push(e);
    if (!into.has(edge.from)) throw new Error(`${name}: state not reachable: ${edge.from}`);
    if (!onward.has(edge.to)) throw new Error(`${name}: no way to a final state from ${edge.to}`);
    const walk = [...prefix, edge, ...suffix];
    for (const e of walk) covered.add(e.id);
    const input = inputs[edge.inputIndex];
    const [s0, a0] = pure.initial(input);
    let snapshot = s0;
    const steps: ModelStep[] = [];
    for (const e of walk) {
      const [next, actions] = pure.transition(snapshot, e.event);
      snapshot = next;
      steps.push({ edge: e, event: e.event, snapshot, actions });
    }
    paths.push({ inputIndex: edge.inputIndex, input, initialActions: a0, steps });
  }
  return { name, machine, inputs, edges, states: snapshots.size, paths };
}

// ── Running a path against a live actor ──────────────────────────────────────

/** A transition of the machine as a stable key: `<node id> <event type> #<branch>`. */
export function transitionKey(t: AnyTransitionDefinition): string {
  const source = t.source as AnyStateNode;
  const eventType = t.eventType as string;
  const list = eventType === '' ? (source.always ?? []) : (source.transitions.get(eventType) ?? []);
  return `${source.id} ${eventType || 'always'} #${list.indexOf(t)}`;
}

/** Every transition the machine defines (each guard branch separately), as keys. */
export function allTransitionKeys(machine: AnyStateMachine): string[] {
  const keys: string[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const list of node.transitions.values()) for (const t of list) keys.push(transitionKey(t));
    for (const t of node.always ?? []) keys.push(transitionKey(t));
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return keys;
}

export interface ActorCall {
  src: string;
  id: string;
  input: unknown;
}

export interface RunResult {
  /** Steps whose live outcome matched the model. */
  matched: ModelStep[];
  problems: string[];
  /** Every actor invocation, in order. */
  calls: ActorCall[];
  /** Every spied action, in order. */
  actions: string[];
  /** Machine transitions taken (keys as `transitionKey`). */
  transitions: Set<string>;
  /** State values after each step. */
  values: StateValue[];
  final: AnyMachineSnapshot;
}

function isBuiltin(impl: unknown): boolean {
  const type = typeof impl === 'function' ? (impl as unknown as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type.startsWith('xstate.');
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(cond: () => boolean, what: string, limit = 2000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (cond()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A runner for one machine: the machine is provided once with fake actors (each invocation waits
 * for the test to settle it) and spy actions; `run` drives one path on a fresh actor.
 */
export function pathRunner(machine: AnyStateMachine): (path: ModelPath) => Promise<RunResult> {
  let pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let calls: ActorCall[] = [];
  let log: string[] = [];
  const actors = Object.fromEntries(
    Object.keys(machine.implementations.actors).map((src) => [
      src,
      fromPromise<unknown, unknown>(
        ({ input, self }) =>
          new Promise((resolve, reject) => {
            calls.push({ src, id: self.id, input });
            pending.set(self.id, { resolve, reject });
          }),
      ),
    ]),
  );
  const actions = Object.fromEntries(
    Object.entries(machine.implementations.actions)
      .filter(([, impl]) => !isBuiltin(impl))
      .map(([name]) => [name, () => void log.push(name)]),
  );
  const provided = machine.provide({ actors, actions } as never);

  return async (path) => {
    pending = new Map();
    calls = [];
    log = [];
    const transitions = new Set<string>();
    const rootRef: { current?: AnyActorRef } = {};
    const inspect = (ev: InspectionEvent): void => {
      if (ev.type !== '@xstate.microstep' || ev.actorRef !== rootRef.current) return;
      for (const t of (ev as { _transitions: AnyTransitionDefinition[] })._transitions) transitions.add(transitionKey(t));
    };
    let emitted = 0;
    const actor = createActor(provided, { input: path.input, inspect });
    rootRef.current = actor;
    actor.subscribe({ next: () => void emitted++, error: () => undefined });
    actor.start();

    const problems: string[] = [];
    const matched: ModelStep[] = [];
    const values: StateValue[] = [];
    if (!same(log, path.initialActions)) problems.push(`initial actions ${JSON.stringify(log)} ≠ ${JSON.stringify(path.initialActions)}`);
    let seen = log.length;
    for (const [i, step] of path.steps.entries()) {
      const where = `step ${i + 1} (${step.event.type})`;
      const before = emitted;
      try {
        const { type } = step.event;
        if (type.startsWith(DONE) || type.startsWith(ERROR)) {
          const id = type.slice(type.startsWith(DONE) ? DONE.length : ERROR.length);
          await until(() => pending.has(id), `actor '${id}' to be invoked`);
          const p = pending.get(id)!;
          pending.delete(id);
          if (type.startsWith(DONE)) p.resolve((step.event as { output?: unknown }).output);
          else p.reject((step.event as { error?: unknown }).error);
        } else {
          actor.send(step.event);
        }
        await until(() => emitted > before, 'the next snapshot');
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
        break;
      }
      const snap = actor.getSnapshot() as AnyMachineSnapshot;
      values.push(snap.value as StateValue);
      const ran = log.slice(seen);
      seen = log.length;
      const bad: string[] = [];
      if (!same(snap.value, step.snapshot.value)) bad.push(`state ${JSON.stringify(snap.value)} ≠ ${JSON.stringify(step.snapshot.value)}`);
      if (!same(snap.context, step.snapshot.context)) bad.push('context differs');
      if (snap.status !== step.snapshot.status) bad.push(`status ${snap.status} ≠ ${step.snapshot.status}`);
      if (!same(ran, step.actions)) bad.push(`actions ${JSON.stringify(ran)} ≠ ${JSON.stringify(step.actions)}`);
      if (bad.length) {
        problems.push(`${where}: ${bad.join('; ')}`);
        break;
      }
      matched.push(step);
    }
    const final = actor.getSnapshot() as AnyMachineSnapshot;
    actor.stop();
    return { matched, problems, calls, actions: log, transitions, values, final };
  };
}
