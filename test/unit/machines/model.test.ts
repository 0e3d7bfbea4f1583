// Model-based tests of every machine in `machines` (see model.ts for the method), with transition
// coverage measured here and required to be 100 %: every edge of the adjacency map walked by a
// live actor, and every transition the machine defines (each guard branch, `always` included) taken.

import { beforeAll, describe, expect, test } from 'vitest';
import type { AnyStateMachine, AnyStateNode, StateValue } from 'xstate';
import { machines } from '../../../machines/index.js';
import type { Classification, DeployFailure } from '../../../src/recovery/types.js';
import type { DeployLocalContext, LocalSource } from '../../../machines/deploy-local.js';
import { localDeclineReason } from '../../../machines/guards.js';
import { classify } from '../../../src/recovery/classify.js';
import { detectedText, recordOf, reportOf } from '../../../src/recovery/report.js';
import { ONE_RETRY_USED } from '../../../src/recovery/repairs/kit.js';
import { allTransitionKeys, buildModel, pathRunner, type Model, type RunResult } from './model.js';
import { classIdsFor, repsFor } from './model-fixtures.js';
import { DEPLOY_ACTOR_SRCS, isRepairNode } from './retry-proof.js';

const pct = (a: number, b: number): string => `${b === 0 ? '0.00' : ((100 * a) / b).toFixed(2)}%`;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function topState(value: StateValue): string {
  return typeof value === 'string' ? value : (Object.keys(value)[0] ?? '');
}

function repairKeys(machine: AnyStateMachine): Set<string> {
  return new Set(
    (Object.values(machine.root.states) as AnyStateNode[])
      .filter((n) => isRepairNode(n))
      .map((n) => n.key),
  );
}

interface Outcome {
  model: Model;
  results: RunResult[];
}

const outcomes = new Map<string, Outcome>();

describe.each(Object.entries(machines))('model: %s', (name, machine) => {
  beforeAll(async () => {
    const model = buildModel(name, machine);
    const run = pathRunner(machine);
    const results: RunResult[] = [];
    for (const path of model.paths) results.push(await run(path));
    outcomes.set(name, { model, results });
  }, 180_000);

  test('every path runs as the model says, and transition coverage is 100%', () => {
    const { model, results } = outcomes.get(name)!;
    const problems = results.flatMap((r, i) => r.problems.map((p) => `path ${i + 1} (input ${JSON.stringify(model.paths[i]?.input)}): ${p}`));
    expect(problems.slice(0, 10)).toEqual([]);

    const walked = new Set(results.flatMap((r) => r.matched.map((s) => s.edge.id)));
    const edgeIds = new Set(model.edges.map((e) => e.id));
    const all = allTransitionKeys(machine);
    const taken = new Set(results.flatMap((r) => [...r.transitions]));
    const machineCovered = all.filter((k) => taken.has(k));
    const steps = results.reduce((n, r) => n + r.matched.length, 0);
    console.log(
      `[model] ${name}: transition coverage ${walked.size}/${edgeIds.size} adjacency-map edges (${pct(walked.size, edgeIds.size)}), ` +
        `${machineCovered.length}/${all.length} machine transitions incl. guard branches (${pct(machineCovered.length, all.length)}); ` +
        `${model.states} snapshots, ${model.inputs.length} inputs, ${model.paths.length} paths, ${steps} steps`,
    );
    expect(all.filter((k) => !taken.has(k)), 'machine transitions never taken').toEqual([]);
    expect([...edgeIds].filter((id) => !walked.has(id)).slice(0, 5), 'adjacency edges never walked').toEqual([]);
    expect(walked.size / edgeIds.size).toBe(1);
  });

  test('the event alphabet comes from the invokes: done and error of every invoke id', () => {
    const { model } = outcomes.get(name)!;
    const types = new Set(model.edges.map((e) => e.event.type));
    const ids = (Object.values(machine.root.states) as AnyStateNode[]).flatMap((n) => n.invoke.map((i) => i.id));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(types.has(`xstate.done.actor.${id}`), `done of ${id}`).toBe(true);
      expect(types.has(`xstate.error.actor.${id}`), `error of ${id}`).toBe(true);
    }
  });

  test('every taxonomy class of the domain (and unknown) reaches a classifier', () => {
    const { model } = outcomes.get(name)!;
    const classified = new Set(
      model.edges.flatMap((e) => {
        const out = (e.event as { output?: unknown }).output;
        return typeof out === 'object' && out !== null && 'classId' in out ? [(out as Classification).classId] : [];
      }),
    );
    const expected = [...classIdsFor(name), 'unknown'];
    expect(expected.filter((c) => !classified.has(c as Classification['classId']))).toEqual([]);
    expect(repsFor(name).length).toBeGreaterThanOrEqual(expected.length);
  });

  test('on every run: at most two deploy attempts, each repair state at most once, and a final state', () => {
    const { results } = outcomes.get(name)!;
    const repairs = repairKeys(machine);
    for (const r of results) {
      const deploys = r.calls.filter((c) => DEPLOY_ACTOR_SRCS.includes(c.src)).length;
      expect(deploys).toBeLessThanOrEqual(2);
      const entered = r.values.map(topState).filter((v, i, all) => repairs.has(v) && all[i - 1] !== v);
      expect(new Set(entered).size).toBe(entered.length);
      expect(r.final.status).toBe('done');
    }
  });
});

interface LocalContext {
  attempts: number;
  repair?: { repair: string };
  classification?: Classification;
}
const localContext = (r: RunResult): LocalContext => r.final.context as LocalContext;

describe('model: deploy-local specifics', () => {
  const get = (): Outcome => {
    const o = outcomes.get('deploy-local');
    if (!o) throw new Error('the deploy-local model did not run');
    return o;
  };
  const runs = () => {
    const { model, results } = get();
    return results.map((r, i) => ({ r, input: model.paths[i]!.input as { source: string; bundle: string; mysqlUnpublished: boolean } }));
  };

  test('a repaired run reports Detected, Repair, Retry, Outcome in that order, derived from its incidents', () => {
    const repaired = runs().filter(({ r }) => r.values.some((v) => v === 'retryOnce'));
    expect(repaired.length).toBeGreaterThan(0);
    for (const { r } of repaired) {
      const labels = reportOf(r.final.context as DeployLocalContext).map((l) => l.label);
      expect(labels).toEqual(['detected', 'repair', 'retry', 'outcome']);
      expect(labels.filter((l) => l === 'outcome')).toHaveLength(1);
    }
  });

  test('every path: the four report lines and the record follow from what the run did', () => {
    const all = runs();
    let checked = 0;
    for (const { r, input } of all) {
      const context = r.final.context as DeployLocalContext;
      const ok = r.final.value === 'done';
      const retried = r.values.includes('retryOnce');
      const repairCall = r.calls.find((c) => c.id === 'repair');
      const classifyCall = r.calls.find((c) => c.src === 'classify');
      // The first classification is what the classifier said of the first failure it was given.
      const first = classifyCall ? classify(classifyCall.input as DeployFailure) : undefined;
      const classified = context.classification !== undefined;
      const report = reportOf(context);
      const last = context.classification;
      const expected = ok
        ? retried
          ? ['detected', 'repair', 'retry', 'outcome']
          : []
        : classified
          ? ['detected', 'repair', ...(retried ? ['retry'] : []), 'outcome']
          : ['outcome'];
      const where = `path ${JSON.stringify(input)} → ${r.values.map(topState).join(' → ')}`;
      expect(report.map((l) => l.label), where).toEqual(expected);
      const text = (label: string) => report.find((l) => l.label === label)?.text;
      if (classified) expect(text('detected'), where).toBe(detectedText(first!));
      if (retried) {
        const repair = (repairCall!.input as { classification: Classification }).classification.repair;
        expect(text('repair'), where).toBe(`fake ${repair}`);
        const plan = r.calls.find((c) => c.id === 'retryComposeUp')!.input as { bundle: string; mysqlUnpublished: boolean };
        expect(text('retry'), where).toBe(`starting the stack again on the ${plan.bundle} bundle${plan.mysqlUnpublished ? ' without publishing MySQL' : ''}`);
      } else if (classified && !ok) {
        // No repair ran: the Repair line says none, and why — the repair actor's reason when it declined.
        const reason = repairCall ? context.repairDeclined : localDeclineReason(last!, context.plan, input.source as LocalSource, context.input.disabled);
        expect(text('repair'), where).toBe(`none — ${reason}`);
      }
      if (ok && retried) expect(text('outcome'), where).toBe('recovered — DevLake is healthy at http://localhost:8080');
      if (!ok) {
        expect(text('outcome'), where).toMatch(new RegExp(`^failed — ${escape(last ? last.title : 'failed')}: `));
        expect(text('outcome')!.endsWith(`Next: ${last ? last.remediation : 'Re-run with DEBUG=1 for details.'}`), where).toBe(true);
      }
      const record = recordOf(context, 'deploy-local', undefined, new Date(0));
      if (!first || !classified) expect(record, where).toBeUndefined();
      else {
        expect(record, where).toMatchObject({
          classId: first.classId,
          repair: retried ? (repairCall!.input as { classification: Classification }).classification.repair : null,
          attempts: r.calls.filter((c) => c.src === 'composeUp').length,
          outcome: ok ? 'recovered' : 'failed',
        });
        if (!ok) expect(record!.repairDeclined, where).toBe(retried ? ONE_RETRY_USED : text('repair')!.slice('none — '.length));
      }
      checked++;
    }
    expect(checked).toBe(all.length);
  });

  test('the retry is compose up again, on the repaired plan, as attempt 2', () => {
    for (const { r } of runs()) {
      const ups = r.calls.filter((c) => c.src === 'composeUp');
      expect(ups.map((c) => c.id)).toEqual(['composeUp', 'retryComposeUp'].slice(0, ups.length));
      expect(ups.map((c) => (c.input as { attempt: number }).attempt)).toEqual([1, 2].slice(0, ups.length));
      expect(localContext(r).attempts).toBe(ups.length);
      if (ups.length === 2) {
        const repair = localContext(r).repair;
        const plan = ups[1]!.input as { bundle: string; mysqlUnpublished: boolean };
        if (repair?.repair === 'local.alternate-bundle') expect(plan.bundle).toBe('alternate');
        if (repair?.repair === 'local.unpublish-mysql') expect(plan.mysqlUnpublished).toBe(true);
      }
    }
  });

  test('custom deploys never repair; the alternate bundle is not tried twice; MySQL is not unpublished twice', () => {
    for (const { r, input } of runs()) {
      const repaired = r.values.includes('repair');
      const c = localContext(r).classification;
      if (input.source === 'custom') expect(repaired).toBe(false);
      if (!repaired) continue;
      const first = r.calls.find((x) => x.id === 'repair')!.input as { classification: Classification };
      if (first.classification.repair === 'local.alternate-bundle') {
        expect(input.bundle).toBe('default');
        expect(typeof first.classification.facts.role).toBe('string');
      } else if (first.classification.repair === 'local.recreate-container') {
        expect(first.classification.classId).toBe('local.network-gone');
      } else {
        expect(first.classification.repair).toBe('local.unpublish-mysql');
        expect(input.mysqlUnpublished).toBe(false);
      }
      expect(c).toBeDefined();
    }
  });

  test('every class with a repair is repaired on some run, and every class ends some run in failed', () => {
    const repairedClasses = new Set<string>();
    const failedClasses = new Set<string>();
    for (const { r } of runs()) {
      const rep = r.calls.find((x) => x.id === 'repair');
      if (rep) repairedClasses.add((rep.input as { classification: Classification }).classification.classId);
      const c = localContext(r).classification;
      if (r.final.value === 'failed' && c) failedClasses.add(c.classId);
    }
    expect([...repairedClasses].sort()).toEqual(['local.mysql-port-conflict', 'local.network-gone', 'local.port-conflict']);
    expect([...failedClasses].sort()).toEqual([...classIdsFor('deploy-local'), 'unknown'].sort());
  });
});
