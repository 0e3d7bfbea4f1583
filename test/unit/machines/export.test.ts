// The exporter: Mermaid, DOT and JSON over the state nodes, for every machine and for a small
// machine that uses what the real ones do not (nesting, parallel regions, after, root events,
// higher-order guards, targetless transitions).

import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { and, assign, createMachine, fromPromise, not, setup, type AnyStateMachine } from 'xstate';
import { machines } from '../../../machines/index.js';
import { machineGraph, machineJson, toDot, toJson, toMermaid, guardName } from '../../../src/machines-export/index.js';

/**
 * Each line of our Mermaid output must be one of the statement forms of Mermaid's state-diagram
 * grammar (stateDiagram.jison): ids have no ':', '-', '{' or spaces; descriptions and labels no
 * ':' or ';'. Mermaid replaces entity codes (`#58;`) before it parses, and so does this check.
 */
const ID = String.raw`[^:\s\-{]+`;
const TEXT = String.raw`[^:;\n]+`;
const MERMAID_LINE = [
  /^stateDiagram-v2$/,
  new RegExp(`^\\s*state "[^"\\n]*" as ${ID}$`),
  new RegExp(`^\\s*state ${ID} \\{$`),
  /^\s*\}$/,
  /^\s*--$/,
  new RegExp(`^\\s*(${ID}|\\[\\*\\]) --> (${ID}|\\[\\*\\])( : ${TEXT})?$`),
  new RegExp(`^\\s*${ID} : ${TEXT}$`),
];

function checkMermaid(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .filter((line) => !MERMAID_LINE.some((re) => re.test(line.replace(/#\w+;/g, (s) => `\u00a7${s.slice(1, -1)}\u00b6`))));
}

const hasDot = !spawnSync('dot', ['-V'], { stdio: 'ignore' }).error;

/** A machine with every construct the exporter must draw. */
const kitchenSink = setup({
  actors: { work: fromPromise(() => Promise.resolve(1)) },
  guards: { ready: () => true, blocked: () => false },
  actions: { note: () => undefined, count: assign({}) },
  delays: { soon: 10 },
}).createMachine({
  id: 'kitchen-sink',
  initial: 'idle',
  on: { RESET: '.idle', PING: { actions: 'note' } },
  states: {
    idle: {
      always: [{ guard: and(['ready', not('blocked')]), target: 'busy' }],
      on: { 'go:now; fast': 'busy' },
    },
    busy: {
      initial: 'step1',
      onDone: { target: 'both', actions: 'count' },
      states: {
        step1: {
          invoke: { id: 'w1', src: 'work', onDone: 'step2', onError: { target: '#kitchen-sink.idle', guard: 'blocked' } },
          after: { soon: 'step2', 500: 'step2' },
        },
        step2: { type: 'final' },
      },
    },
    both: {
      type: 'parallel',
      states: {
        left: { initial: 'a', states: { a: { on: { L: 'b' } }, b: {} } },
        right: { initial: 'c', states: { c: { on: { R: { target: 'd', reenter: true } } }, d: {} } },
      },
      on: { FINISH: 'end' },
    },
    end: { type: 'final', entry: 'note' },
  },
});

const all: [string, AnyStateMachine][] = [...Object.entries(machines), ['kitchen-sink', kitchenSink]];

describe.each(all)('export: %s', (name, machine) => {
  const graph = machineGraph(machine);

  test('Mermaid: stateDiagram-v2, every line valid, every state and transition drawn', () => {
    const text = toMermaid(machine);
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(checkMermaid(text)).toEqual([]);
    const arrows = text.split('\n').filter((l) => l.includes(' --> ') && !l.includes('[*]'));
    expect(arrows.length).toBe(graph.edges.reduce((n, e) => n + Math.max(1, e.targets.length), 0));
    for (const node of graph.nodes.filter((n) => n.id !== graph.root)) expect(text).toContain(node.key);
    expect(text).toMatch(/^\s*\[\*\] --> \S+$/m);
    const finals = graph.nodes.filter((n) => n.type === 'final');
    expect(text.split('\n').filter((l) => l.trim().endsWith('--> [*]'))).toHaveLength(finals.length);
    expect(text).toBe(toMermaid(machine)); // deterministic
  });

  test('DOT: a digraph with every state, every transition labelled, final states marked', () => {
    const text = toDot(machine);
    expect(text).toMatch(/^digraph "[^"]+" \{\n/);
    expect((text.match(/\{/g) ?? []).length).toBe((text.match(/\}/g) ?? []).length);
    for (const node of graph.nodes.filter((n) => n.id !== graph.root && n.children.length === 0)) expect(text).toContain(`"${node.id}" [label=`);
    for (const edge of graph.edges) expect(text).toContain(edge.label.replace(/"/g, '\\"'));
    const finals = graph.nodes.filter((n) => n.type === 'final' && n.children.length === 0);
    expect((text.match(/peripheries=2/g) ?? []).length).toBe(finals.length);
  });

  test('DOT: Graphviz accepts it (scripts/ci-setup.sh installs graphviz)', () => {
    expect(hasDot, 'Graphviz `dot` is missing: apt-get install graphviz').toBe(true);
    const result = spawnSync('dot', ['-Tsvg'], { input: toDot(machine), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('JSON: the definition, with always transitions and guard names', () => {
    const json = JSON.parse(toJson(machine)) as Record<string, unknown>;
    expect(json).toEqual(machineJson(machine));
    expect(json.id).toBe(machine.id);
    const states = json.states as Record<string, Record<string, unknown>>;
    for (const key of Object.keys(machine.root.states)) expect(states[key]).toBeDefined();
    for (const node of graph.nodes) {
      const alwaysEdges = graph.edges.filter((e) => e.source === node.id && e.kind === 'always');
      if (alwaysEdges.length === 0 || node.id === graph.root) continue;
      const def = node.path.reduce<Record<string, unknown>>((d, k) => (d.states as Record<string, Record<string, unknown>>)[k]!, json);
      expect(def.always).toHaveLength(alwaysEdges.length);
    }
  });

  test('edge labels: done/error of an invoke by its actor, guards in brackets', () => {
    for (const edge of graph.edges) {
      if (edge.kind === 'done') expect(edge.label.startsWith(`done: ${edge.invoke?.src}`)).toBe(true);
      if (edge.kind === 'error') expect(edge.label.startsWith(`error: ${edge.invoke?.src}`)).toBe(true);
      if (edge.guard) expect(edge.label.endsWith(` [${edge.guard}]`)).toBe(true);
    }
  });
});

describe('export: deploy-local', () => {
  const m = machines['deploy-local'];
  const graph = machineGraph(m);
  const labels = (from: string) => graph.edges.filter((e) => e.source === `deploy-local.${from}`).map((e) => `${e.label} → ${e.targets.join(',')}`);

  test('the retry-once shape, edge by edge', () => {
    expect(labels('composeUp')).toEqual(['done: composeUp → deploy-local.waitHealthy', 'error: composeUp → deploy-local.classify']);
    expect(labels('classify')).toEqual([
      'done: classify [repairAllowed] → deploy-local.repair',
      'done: classify → deploy-local.failed',
      'error: classify → deploy-local.failed',
    ]);
    expect(labels('repair')).toEqual(['done: repair → deploy-local.retryOnce', 'error: repair → deploy-local.failed']);
    expect(labels('retryOnce')).toEqual(['done: composeUp → deploy-local.waitHealthy', 'error: composeUp → deploy-local.classifyFinal']);
    expect(labels('classifyFinal')).toEqual(['done: classify → deploy-local.failed', 'error: classify → deploy-local.failed']);
  });

  test('invokes and actions on the nodes', () => {
    const retry = graph.nodes.find((n) => n.key === 'retryOnce')!;
    expect(retry.invokes).toEqual([{ id: 'retryComposeUp', src: 'composeUp' }]);
    expect(retry.entry).toEqual(['countAttempt']);
    const error = graph.edges.find((e) => e.source === 'deploy-local.composeUp' && e.kind === 'error')!;
    expect(error.actions).toEqual(['recordFailure']);
    expect(toMermaid(m)).toContain('retryOnce : invoke composeUp (id retryComposeUp)');
    expect(toDot(m)).toContain('"deploy-local.done" [label="done\\nentry / recordDone", peripheries=2');
  });
});

describe('export: what only the kitchen-sink machine has', () => {
  const graph = machineGraph(kitchenSink);
  const mermaid = toMermaid(kitchenSink);

  test('eventless transitions with higher-order guards', () => {
    const always = graph.edges.find((e) => e.kind === 'always')!;
    expect(always.label).toBe('always [ready && !blocked]');
    expect(mermaid).toContain('idle --> busy : always [ready && !blocked]');
    expect(guardName(not(and(['a', 'b'])))).toBe('!(a && b)');
  });

  test("':' and ';' in labels become entity codes", () => {
    expect(mermaid).toContain('idle --> busy : go#58;now#59; fast');
    expect(toDot(kitchenSink)).toContain('label="go:now; fast"');
  });

  test('nesting, parallel regions, after, done of a compound state, root events, targetless transitions', () => {
    expect(mermaid).toMatch(/state busy \{\n\s+state "step1" as busy_step1\n\s+busy_step1 : invoke work \(id w1\)\n/);
    expect(mermaid).toMatch(/\[\*\] --> busy_step1/);
    expect(mermaid).toMatch(/state both \{[\s\S]*\n\s+--\n[\s\S]*\}/);
    expect(mermaid).toContain('busy_step1 --> busy_step2 : after soon');
    expect(mermaid).toContain('busy_step1 --> busy_step2 : after 500 ms');
    expect(mermaid).toContain('busy --> both : done');
    expect(mermaid).toContain('idle --> idle : RESET (any state)');
    expect(mermaid).toContain('idle --> idle : PING (no state change) (any state)');
    expect(mermaid).toContain('busy_step1 --> idle : error#58; work [blocked]');
    const reenter = graph.edges.find((e) => e.eventType === 'R')!;
    expect(reenter.reenter).toBe(true);
    const dot = toDot(kitchenSink);
    expect(dot).toContain('subgraph "cluster_busy"');
    expect(dot).toContain('lhead="cluster_both"');
  });

  test('a machine built without setup() exports too', () => {
    const bare = createMachine({ id: 'bare', initial: 'a', states: { a: { on: { NEXT: 'b' } }, b: { type: 'final' } } });
    expect(toMermaid(bare)).toBe('stateDiagram-v2\n  [*] --> a\n  a --> b : NEXT\n  b --> [*]\n');
  });
});
