// The machine's JSON definition: xstate's own (`machine.toJSON()`), completed where it is lossy.
// xstate leaves out eventless (`always`) transitions and drops guards that are functions
// (`and`/`or`/`not`, inline); here every node gets its `always` list and every guard its name.

import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { actionName, guardName } from './graph.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function transitionJson(t: AnyTransitionDefinition): Json {
  const out: { [key: string]: Json } = {
    target: (t.target ?? []).map((n: AnyStateNode) => `#${n.id}`),
    source: `#${t.source.id}`,
    actions: t.actions.map(actionName),
    eventType: t.eventType as string,
    reenter: Boolean(t.reenter),
  };
  if (t.guard !== undefined) out.guard = guardName(t.guard);
  return out;
}

function isObject(x: Json | undefined): x is { [key: string]: Json } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The definition as plain JSON data (no functions, no cycles). */
export function machineJson(machine: AnyStateMachine): Json {
  const def = JSON.parse(JSON.stringify(machine.toJSON())) as Json;
  // Walk the JSON and the state nodes together (the JSON's `states` mirror `node.states`).
  const fill = (json: Json | undefined, node: AnyStateNode): void => {
    if (!isObject(json)) return;
    const transitions = [...node.transitions.values()].flat().map(transitionJson);
    json.transitions = transitions;
    const on: { [key: string]: Json } = {};
    for (const [eventType, list] of node.transitions) on[eventType] = list.map(transitionJson);
    json.on = on;
    if (node.always && node.always.length > 0) json.always = node.always.map(transitionJson);
    const states = json.states;
    for (const [key, child] of Object.entries(node.states) as [string, AnyStateNode][]) {
      if (isObject(states)) fill(states[key], child);
    }
  };
  fill(def, machine.root);
  return def;
}

/** `machineJson` as text, two-space indented, with a final newline. */
export function toJson(machine: AnyStateMachine): string {
  return JSON.stringify(machineJson(machine), null, 2) + '\n';
}
