// `gh-devlake machines list` and `gh-devlake machines show NAME --format mermaid|dot|json`:
// the flows' state machines as diagrams and data (docs/machines.md is rendered the same way).

import type { AnyStateMachine } from 'xstate';
import { machines } from '../../../machines/index.js';
import { isMachineFormat, machineGraph, MACHINE_FORMATS, renderMachine } from '../../machines-export/index.js';
import { EXIT, UsageError } from '../../io/exit-codes.js';
import type { GlobalIo } from '../main.js';
import { Output } from '../../io/output.js';

export interface MachinesListFlags {
  json?: boolean;
}

export interface MachinesShowFlags {
  /** mermaid (default), dot or json. */
  format?: string;
}

const registry = machines as unknown as Readonly<Record<string, AnyStateMachine>>;

export function machineNames(): string[] {
  return Object.keys(registry);
}

function summary(name: string, machine: AnyStateMachine) {
  const graph = machineGraph(machine);
  const states = graph.nodes.filter((n) => n.id !== graph.root);
  return {
    name,
    id: machine.id,
    states: states.length,
    transitions: graph.edges.length,
    final: states.filter((n) => n.type === 'final').map((n) => n.key),
    actors: [...new Set(graph.nodes.flatMap((n) => n.invokes.map((i) => i.src)))],
  };
}

/** `machines list [--json]`: one line per machine. */
export function machinesListCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = (raw ?? {}) as MachinesListFlags;
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    const rows = Object.entries(registry).map(([name, machine]) => summary(name, machine));
    if (out.json) {
      out.document({ machines: rows });
      return Promise.resolve(EXIT.ok);
    }
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      out.line(`${r.name.padEnd(width)}  ${r.states} states, ${r.transitions} transitions; final: ${r.final.join(', ')}`);
    }
    out.line();
    out.line(`Show one: gh-devlake machines show NAME --format ${MACHINE_FORMATS.join('|')}`);
    return Promise.resolve(EXIT.ok);
  };
}

/** `machines show NAME [--format mermaid|dot|json]`: the diagram or definition on stdout. */
export function machinesShowCommand(io: GlobalIo) {
  return async (name: string, raw: unknown): Promise<number> => {
    const flags = (raw ?? {}) as MachinesShowFlags;
    const format = flags.format ?? 'mermaid';
    if (!isMachineFormat(format)) throw new UsageError(`--format must be one of ${MACHINE_FORMATS.join(', ')} (got '${format}')`);
    const machine = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (!machine) throw new UsageError(`unknown machine '${name}'; machines: ${machineNames().join(', ')}`);
    io.stdout.write(renderMachine(machine, format));
    return Promise.resolve(EXIT.ok);
  };
}
