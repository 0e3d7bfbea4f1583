// docs/machines.md, rendered from the machines themselves. scripts/gen-machines-doc.mjs writes it
// (and the SVG pictures); a unit test renders it again and fails when the file differs.

import { createHash } from 'node:crypto';
import type { AnyStateMachine } from 'xstate';
import { toDot } from './dot.js';
import { machineGraph } from './graph.js';
import { toMermaid } from './mermaid.js';

/**
 * The SVG pictures carry the digest of the DOT they were drawn from, as a Graphviz graph comment
 * (`dot -Gcomment="source sha256 <hex>"`), so a test can tell a stale picture without Graphviz.
 */
export const SVG_DIGEST_PREFIX = 'source sha256 ';

export function dotDigest(dot: string): string {
  return createHash('sha256').update(dot).digest('hex');
}

/** Whether an SVG (its text) was drawn from this machine's current DOT. */
export function svgIsFresh(svg: string, machine: AnyStateMachine): boolean {
  return svg.includes(SVG_DIGEST_PREFIX + dotDigest(toDot(machine)));
}

const HEADER = `# State machines

<!-- Generated from machines/*.ts by \`npm run docs:machines\` (scripts/gen-machines-doc.mjs). Do not edit:
     test/unit/machines/docs.test.ts fails when this file and the code disagree. -->

Every flow is an XState v5 machine in \`machines/\`: states, named guards, named actions and named
actor slots, and no I/O. The flows in \`src/flows/\` provide the actors. On the terminal:

\`\`\`sh
gh-devlake machines list
gh-devlake machines show deploy-local --format mermaid   # or dot, json
\`\`\`

## How to read the diagrams

- \`done: X\` / \`error: X\`: the actor \`X\` that the state invokes finished / failed (xstate's events
  \`xstate.done.actor.<id>\` / \`xstate.error.actor.<id>\`).
- \`[guard]\`: taken only when the named guard holds. Transitions for the same event are tried in
  order; the unguarded one is the fallback.
- \`always\`: an eventless transition, taken as soon as its guard holds.
- \`[*] -->\` marks the initial state and \`--> [*]\` a final state. A state's \`entry / …\` lists the
  actions run on entering it, \`invoke X\` the actor it runs.

## Retry once, by shape

A known failure is repaired at most once and the deploy is retried at most once. No counter decides
this; the shape of the graph does. In \`deploy-local\`:

- Only the first attempt's failure can lead to a repair: \`composeUp\` → \`classify\` → \`repair\` →
  \`retryOnce\`.
- \`retryOnce\` invokes the same actor as \`composeUp\`, but its failure goes to \`classifyFinal\`
  (classification for the report only) and then to \`failed\`: there is no edge back to \`repair\`.
- Whether a class is repaired is the named guard \`repairAllowed\`, over the classification and the
  run's input: custom compose files stay manual, the alternate bundle is not tried twice, MySQL is
  not unpublished twice.

Every machine is held to this by \`test/unit/machines/bounded-retry.test.ts\`: it builds the machine's
graph from its state nodes with every transition enabled whatever its guard (an over-approximation),
proves the graph has no cycle, and that on every path the states invoking a deploy attempt are
entered at most twice and each repair state at most once. Broken copies of each machine (a retry's
failure pointing back at a repair) must be caught, so the proof is shown to be able to fail.
\`test/unit/machines/model.test.ts\` runs every transition of every machine with fake actors and
fails below 100 % transition coverage.

The pictures under \`docs/machines/\` are drawn by Graphviz (\`dot\`, Debian package \`graphviz\`) from
\`--format dot\`; GitHub renders the Mermaid diagrams below itself.
`;

function summary(machine: AnyStateMachine): string {
  const graph = machineGraph(machine);
  const states = graph.nodes.filter((n) => n.id !== graph.root);
  const finals = states.filter((n) => n.type === 'final').map((n) => `\`${n.key}\``);
  const actors = [...new Set(graph.nodes.flatMap((n) => n.invokes.map((i) => i.src)))].map((s) => `\`${s}\``);
  const guards = [...new Set(graph.edges.flatMap((e) => (e.guard ? [e.guard] : [])))].map((g) => `\`${g}\``);
  const lines = [
    `${states.length} states, ${graph.edges.length} transitions. Final: ${finals.join(', ') || 'none'}.`,
    `Actors: ${actors.join(', ') || 'none'}. Guards: ${guards.join(', ') || 'none'}.`,
  ];
  return lines.join('\n');
}

/** docs/machines.md for these machines (name → machine), in the record's order. */
export function renderMachinesDoc(machines: Readonly<Record<string, AnyStateMachine>>): string {
  const parts = [HEADER];
  for (const [name, machine] of Object.entries(machines)) {
    parts.push(
      [
        `## ${name}`,
        '',
        summary(machine),
        '',
        '```mermaid',
        toMermaid(machine).trimEnd(),
        '```',
        '',
        `![${name} state machine](machines/${name}.svg)`,
        '',
      ].join('\n'),
    );
  }
  return parts.join('\n');
}
