// The machines as artifacts: Mermaid, Graphviz DOT and JSON, written over the state nodes.
// Pure functions of a machine; `gh-devlake machines show` and docs/machines.md use them.

import type { AnyStateMachine } from 'xstate';
import { toDot } from './dot.js';
import { toJson } from './json.js';
import { toMermaid } from './mermaid.js';

export { machineGraph, guardName, actionName, allStateNodes, transitionsOf, nodeById } from './graph.js';
export type { MachineGraph, GraphNode, GraphEdge, GraphInvoke, EdgeKind, NodeType } from './graph.js';
export { toMermaid, mermaidText } from './mermaid.js';
export { toDot, dotString } from './dot.js';
export { toJson, machineJson } from './json.js';
export { renderMachinesDoc, dotDigest, svgIsFresh, SVG_DIGEST_PREFIX } from './doc.js';

export const MACHINE_FORMATS = ['mermaid', 'dot', 'json'] as const;
export type MachineFormat = (typeof MACHINE_FORMATS)[number];

export function isMachineFormat(s: string): s is MachineFormat {
  return (MACHINE_FORMATS as readonly string[]).includes(s);
}

/** The machine in one of the formats, as text ending with a newline. */
export function renderMachine(machine: AnyStateMachine, format: MachineFormat): string {
  switch (format) {
    case 'mermaid':
      return toMermaid(machine);
    case 'dot':
      return toDot(machine);
    case 'json':
      return toJson(machine);
  }
}
