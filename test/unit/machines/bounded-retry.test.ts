// The bounded-retry proof for every machine in `machines`, and the mutants that show it can fail.

import { describe, expect, test } from 'vitest';
import { createMachine } from 'xstate';
import { machines } from '../../../machines/index.js';
import { machineGraph } from '../../../src/machines-export/index.js';
import { proofGraph, proveBoundedRetry, retryMutants, withErrorRedirected } from './retry-proof.js';

const entries = Object.entries(machines);

describe.each(entries)('bounded retry: %s', (name, machine) => {
  test('no cycle; deploy attempts ≤ 2 and each repair ≤ 1 on every path', () => {
    const result = proveBoundedRetry(name, machine);
    console.log(
      `[bounded-retry] ${name}: ${result.leaves} states, ${result.edges} guard-free edges, deploy states ${result.deployStates.join('+')}, ` +
        `repair states ${result.repairStates.join('+')}, at most ${result.maxDeployAttempts} deploy attempts (${result.worstPath.join(' → ')})`,
    );
    expect(result.violations).toEqual([]);
    expect(result.maxDeployAttempts).toBeGreaterThanOrEqual(1);
  });

  test('every mutant (a retry failure sent back to a repair) is caught', () => {
    const mutants = retryMutants(machine);
    expect(mutants.length, 'no deploy state after a repair: the machine has no retry to mutate').toBeGreaterThan(0);
    for (const m of mutants) {
      const result = proveBoundedRetry(`${name} mutant`, m.machine);
      expect(result.ok, `mutant survived: ${m.description}`).toBe(false);
      expect(result.violations.some((v) => v.startsWith('cycle:')), m.description).toBe(true);
    }
    console.log(`[bounded-retry] ${name}: ${mutants.length}/${mutants.length} mutants caught (${mutants.map((m) => m.description).join('; ')})`);
  });

  test('the proof graph sees every transition the exporter draws', () => {
    // Both read the state nodes independently; a transition one of them missed would show here.
    const graph = machineGraph(machine);
    const drawn = new Set(graph.edges.filter((e) => e.targets.length > 0).flatMap((e) => e.targets.map((t) => `${e.source}→${t}`)));
    const proof = proofGraph(machine);
    const proofPairs = new Set(proof.edges.map((e) => e.via));
    expect(proofPairs.size).toBeGreaterThan(0);
    const viaSources = new Set(
      proof.edges.map((e) => {
        const [from, rest] = e.via.split(' --');
        return `${from}→${rest?.split('--> ')[1]}`;
      }),
    );
    const drawnByKey = new Set([...drawn].map((p) => p.split('→').map((id) => id.slice(id.lastIndexOf('.') + 1)).join('→')));
    for (const pair of drawnByKey) expect(viaSources.has(pair), `proof graph misses ${pair}`).toBe(true);
  });
});

describe('bounded retry: deploy-local specifics', () => {
  const machine = machines['deploy-local'];

  test('composeUp and retryOnce are the two deploy attempts, repair the one repair', () => {
    const result = proveBoundedRetry('deploy-local', machine);
    expect(result.deployStates.sort()).toEqual(['composeUp', 'retryOnce']);
    expect(result.repairStates).toEqual(['repair']);
    expect(result.maxDeployAttempts).toBe(2);
    expect(result.worstPath).toEqual(expect.arrayContaining(['composeUp', 'classify', 'repair', 'retryOnce']));
  });

  test("mutation: retryOnce's onError pointing back to repair is reported", () => {
    // Built by hand from the config, as a careless edit would: retryOnce → repair on error.
    const config = machine.config;
    const states = config.states as Record<string, Record<string, unknown>>;
    const retryOnce = states.retryOnce!;
    const broken = createMachine({
      ...config,
      states: { ...states, retryOnce: { ...retryOnce, invoke: { ...(retryOnce.invoke as object), onError: { target: 'repair' } } } },
    } as unknown as Parameters<typeof createMachine>[0]).provide(machine.implementations as never);
    const result = proveBoundedRetry('deploy-local (broken)', broken);
    console.log(`[bounded-retry] deploy-local broken copy: ${result.violations.join(' | ')}`);
    expect(result.ok).toBe(false);
    expect(result.violations).toContainEqual(expect.stringMatching(/^cycle: .*repair → retryOnce → repair|^cycle: .*retryOnce → repair → retryOnce/));
    expect(result.violations).toContainEqual(expect.stringMatching(/deploy attempts entered [3-9] times/));
    expect(result.violations).toContainEqual(expect.stringMatching(/repair state 'repair' entered [2-9] times/));
    // The generic helper builds the same mutant.
    const same = withErrorRedirected(machine, ['retryOnce'], 'retryComposeUp', 'deploy-local.repair');
    expect(proveBoundedRetry('deploy-local (helper)', same).violations).toEqual(result.violations);
  });

  test('the proof counts tags: a deploy or repair state without its tag is reported', () => {
    const config = machine.config;
    const states = config.states as Record<string, Record<string, unknown>>;
    const { tags: _attempt, ...retryOnce } = states.retryOnce!;
    const { tags: _repair, ...repair } = states.repair!;
    const untagged = createMachine({ ...config, states: { ...states, retryOnce, repair } } as unknown as Parameters<typeof createMachine>[0]);
    const result = proveBoundedRetry('deploy-local (untagged)', untagged);
    expect(result.ok).toBe(false);
    expect(result.violations).toContain("state 'retryOnce' invokes a deploy actor but is not tagged 'attempt'");
    expect(result.violations).toContain("state 'repair' invokes a repair actor but is not tagged 'repair'");
    expect(result.violations).toContain("no state is tagged 'repair'");
  });

  test('a second retry path (classifyFinal → repair) is reported too', () => {
    const config = machine.config;
    const states = config.states as Record<string, Record<string, unknown>>;
    const cf = states.classifyFinal!;
    const broken = createMachine({
      ...config,
      states: { ...states, classifyFinal: { ...cf, invoke: { ...(cf.invoke as object), onDone: { target: 'repair' } } } },
    } as unknown as Parameters<typeof createMachine>[0]);
    expect(proveBoundedRetry('deploy-local (broken 2)', broken).ok).toBe(false);
  });
});
