// Mermaid `stateDiagram-v2` from a machine graph.
//
// Mermaid's state-diagram lexer ends a label at ':' or ';', so those are written as the entity
// codes `#58;` and `#59;`, which Mermaid turns back into the characters when it draws.
// State ids may not contain '-' or '.', so every state gets a plain alias and keeps its key as
// its shown name.

import type { AnyStateMachine } from 'xstate';
import { machineGraph, nodeById, type GraphEdge, type GraphNode, type MachineGraph } from './graph.js';

/** Words Mermaid's lexer reads as keywords: such a state key gets an alias. */
const RESERVED = new Set(['state', 'note', 'class', 'classdef', 'default', 'direction', 'end', 'scale', 'as', 'hide', 'stateDiagram', 'stateDiagram-v2']);

const ENTITIES: Record<string, string> = { '#': '#35;', ':': '#58;', ';': '#59;', '"': '#quot;' };

/** Text safe inside a Mermaid state-diagram label or description. */
export function mermaidText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[#:;"]/g, (c) => ENTITIES[c] ?? c);
}

/** Alias per node id: the path joined with '_', made unique. The root has none. */
function aliases(graph: MachineGraph): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const node of graph.nodes) {
    if (node.id === graph.root) continue;
    let base = node.path.join('_').replace(/[^A-Za-z0-9_]/g, '_');
    if (base === '' || RESERVED.has(base.toLowerCase()) || /^\d/.test(base)) base = `s_${base}`;
    let alias = base;
    for (let i = 2; used.has(alias); i++) alias = `${base}_${i}`;
    used.add(alias);
    out.set(node.id, alias);
  }
  return out;
}

function describe(node: GraphNode): string[] {
  const lines: string[] = [];
  if (node.entry.length > 0) lines.push(`entry / ${node.entry.join(', ')}`);
  for (const inv of node.invokes) lines.push(inv.id === inv.src ? `invoke ${inv.src}` : `invoke ${inv.src} (id ${inv.id})`);
  if (node.exit.length > 0) lines.push(`exit / ${node.exit.join(', ')}`);
  if (node.description) lines.push(node.description);
  return lines;
}

/** Ancestor ids of a node, nearest first, root last. */
function ancestors(graph: MachineGraph, id: string): string[] {
  const out: string[] = [];
  let cur = nodeById(graph, id).parent;
  while (cur !== undefined) {
    out.push(cur);
    cur = nodeById(graph, cur).parent;
  }
  return out;
}

/** The composite whose block an edge is written in: the lowest common ancestor of its ends. */
function blockOf(graph: MachineGraph, source: string, target: string): string {
  const a = [source, ...ancestors(graph, source)];
  const b = new Set([target, ...ancestors(graph, target)]);
  for (const id of a) {
    if (b.has(id) && id !== source && id !== target) return id;
    if (b.has(id)) return nodeById(graph, id).parent ?? graph.root;
  }
  return graph.root;
}

function edgeLines(graph: MachineGraph, edge: GraphEdge, alias: Map<string, string>): { block: string; line: string }[] {
  const label = mermaidText(edge.targets.length === 0 ? `${edge.label} (no state change)` : edge.label);
  let from = alias.get(edge.source);
  let suffix = '';
  if (from === undefined) {
    // A transition on the root applies in every state: draw it from the initial state, marked so.
    const first = nodeById(graph, graph.root).initial[0];
    from = first === undefined ? undefined : alias.get(first);
    suffix = ' (any state)';
    if (from === undefined) return [];
  }
  const targets = edge.targets.length > 0 ? edge.targets : [edge.source];
  return targets.flatMap((t) => {
    const to = alias.get(t) ?? from;
    return [{ block: blockOf(graph, edge.source, t), line: `${from} --> ${to} : ${label}${suffix}` }];
  });
}

/** The machine as a Mermaid `stateDiagram-v2`, deterministic line for line. */
export function toMermaid(machine: AnyStateMachine | MachineGraph): string {
  const graph = 'nodes' in machine ? machine : machineGraph(machine);
  const alias = aliases(graph);
  const edgesByBlock = new Map<string, string[]>();
  for (const edge of graph.edges) {
    for (const { block, line } of edgeLines(graph, edge, alias)) {
      const list = edgesByBlock.get(block) ?? [];
      list.push(line);
      edgesByBlock.set(block, list);
    }
  }

  const out: string[] = ['stateDiagram-v2'];
  const emit = (nodeId: string, indent: string): void => {
    const node = nodeById(graph, nodeId);
    const children = node.children.map((c) => nodeById(graph, c));
    // Declarations: shown name when it differs from the alias, descriptions, composites.
    const regions = node.type === 'parallel';
    children.forEach((child, i) => {
      const a = alias.get(child.id) ?? child.key;
      if (regions && i > 0) out.push(`${indent}--`);
      if (child.key !== a) out.push(`${indent}state "${mermaidText(child.key)}" as ${a}`);
      if (child.children.length > 0) {
        out.push(`${indent}state ${a} {`);
        emit(child.id, indent + '  ');
        out.push(`${indent}}`);
      }
      for (const d of describe(child)) out.push(`${indent}${a} : ${mermaidText(d)}`);
    });
    if (node.type === 'compound') {
      for (const init of node.initial) {
        const a = alias.get(init);
        if (a) out.push(`${indent}[*] --> ${a}`);
      }
    }
    out.push(...(edgesByBlock.get(node.id) ?? []).map((l) => indent + l));
    for (const child of children) {
      if (child.type === 'final') out.push(`${indent}${alias.get(child.id) ?? child.key} --> [*]`);
    }
  };
  emit(graph.root, '  ');
  return out.join('\n') + '\n';
}
