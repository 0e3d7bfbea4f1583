// Graphviz DOT from a machine graph. Compound states become clusters; an edge into a compound
// state points at its initial marker, clipped at the cluster (`compound=true` + `lhead`).

import type { AnyStateMachine } from 'xstate';
import { machineGraph, nodeById, type GraphNode, type MachineGraph } from './graph.js';

/** A DOT double-quoted string. */
export function dotString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n') + '"';
}

function clusterName(node: GraphNode): string {
  return `cluster_${node.path.join('_').replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** The point inside a composite that edges into it attach to. */
function initialMarker(node: GraphNode): string {
  return `${node.id}.__initial`;
}

function nodeLabel(node: GraphNode): string {
  const lines = [node.key];
  if (node.entry.length > 0) lines.push(`entry / ${node.entry.join(', ')}`);
  for (const inv of node.invokes) lines.push(inv.id === inv.src ? `invoke ${inv.src}` : `invoke ${inv.src} (id ${inv.id})`);
  if (node.exit.length > 0) lines.push(`exit / ${node.exit.join(', ')}`);
  return lines.join('\n');
}

/** The machine as a Graphviz digraph, deterministic line for line. */
export function toDot(machine: AnyStateMachine | MachineGraph): string {
  const graph = 'nodes' in machine ? machine : machineGraph(machine);
  const root = nodeById(graph, graph.root);
  const out: string[] = [
    `digraph ${dotString(graph.id)} {`,
    '  compound=true;',
    '  rankdir=TB;',
    '  fontname="Helvetica";',
    '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];

  /** Where an edge into `id` lands, and the cluster to clip it at. */
  const entryPoint = (id: string): { node: string; lhead?: string } => {
    const n = nodeById(graph, id);
    return n.children.length > 0 ? { node: initialMarker(n), lhead: clusterName(n) } : { node: n.id };
  };
  const exitPoint = (id: string): { node: string; ltail?: string } => {
    const n = nodeById(graph, id);
    return n.children.length > 0 ? { node: initialMarker(n), ltail: clusterName(n) } : { node: n.id };
  };

  const emit = (node: GraphNode, indent: string): void => {
    // The composite's own initial marker, then its children.
    out.push(`${indent}${dotString(node === root ? '__start' : initialMarker(node))} [shape=point, width=0.12, label=""];`);
    for (const init of node.initial) {
      const to = entryPoint(init);
      out.push(`${indent}${dotString(node === root ? '__start' : initialMarker(node))} -> ${dotString(to.node)}${to.lhead ? ` [lhead=${dotString(to.lhead)}]` : ''};`);
    }
    for (const childId of node.children) {
      const child = nodeById(graph, childId);
      if (child.children.length > 0) {
        out.push(`${indent}subgraph ${dotString(clusterName(child))} {`);
        out.push(`${indent}  label=${dotString(nodeLabel(child))};`);
        out.push(`${indent}  style="rounded${child.type === 'parallel' ? ',dashed' : ''}";`);
        emit(child, indent + '  ');
        out.push(`${indent}}`);
      } else {
        const attrs = [`label=${dotString(nodeLabel(child))}`];
        if (child.type === 'final') attrs.push('peripheries=2', 'style="rounded,bold"');
        out.push(`${indent}${dotString(child.id)} [${attrs.join(', ')}];`);
      }
    }
  };
  emit(root, '  ');

  for (const edge of graph.edges) {
    const fromId = edge.source === graph.root ? (root.initial[0] ?? graph.root) : edge.source;
    const from = exitPoint(fromId);
    const targets = edge.targets.length > 0 ? edge.targets : [fromId];
    for (const t of targets) {
      const to = entryPoint(t);
      const label = edge.label + (edge.source === graph.root ? ' (any state)' : '') + (edge.targets.length === 0 ? ' (no state change)' : '');
      const attrs = [`label=${dotString(edge.actions.length > 0 ? `${label}\n/ ${edge.actions.join(', ')}` : label)}`];
      if (from.ltail) attrs.push(`ltail=${dotString(from.ltail)}`);
      if (to.lhead) attrs.push(`lhead=${dotString(to.lhead)}`);
      if (edge.kind === 'error') attrs.push('color="#b03030"', 'fontcolor="#b03030"');
      if (edge.kind === 'always') attrs.push('style=dashed');
      out.push(`  ${dotString(from.node)} -> ${dotString(to.node)} [${attrs.join(', ')}];`);
    }
  }
  out.push('}');
  return out.join('\n') + '\n';
}
