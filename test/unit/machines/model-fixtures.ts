// What the model-based tests feed the machines: inputs, and for every invoked actor the outputs
// it may resolve with and the errors it may reject with.
//
// Nothing here says what a machine should do (that comes from the machine itself, through the
// pure `transition` function); this only says what the world may answer. Keyed by actor `src`
// name, so a new machine that reuses `classify`, `repair`, `deploy`… is covered as it lands.
// A machine whose input or actor outputs have a new shape needs an entry in INPUTS / OUTPUTS.

import { classify } from '../../../src/recovery/classify.js';
import { BUNDLES } from '../../../src/devlake/ports.js';
import { DEPLOY_SOURCES } from '../../../src/devlake/state.js';
import { FAILURE_SOURCES } from '../../../src/recovery/failure.js';
import { TAXONOMY } from '../../../src/recovery/taxonomy/index.js';
import type { Classification, ClassId, DeployFailure, FailureSource } from '../../../src/recovery/types.js';
import { AZURE_CLASS_IDS, LOCAL_CLASS_IDS } from '../../../src/recovery/types.js';

export interface Representative {
  classId: ClassId;
  failure: DeployFailure;
  classification: Classification;
}

/**
 * Classes whose rules differ in facts a guard reads: these get one failure per rule, the rest one
 * per class. The port-conflict refinements: default bundle (has `role`), alternate bundle, and any
 * other port (no `role`); deploy-local's `repairAllowed` reads `role`. The sign-in rules name
 * different repairs (`az login`, device code) by which credential failed.
 */
export const PER_RULE_CLASSES: readonly ClassId[] = ['local.port-conflict', 'azure.auth-missing'];

/**
 * One failure per taxonomy class of the domain (per rule for PER_RULE_CLASSES), plus one that
 * nothing matches (`unknown`). Each is checked to classify as its class.
 */
export function representatives(classIds: readonly ClassId[]): Representative[] {
  const out: Representative[] = [];
  for (const classId of classIds) {
    const rules = TAXONOMY.filter((r) => r.id === classId);
    if (rules.length === 0) throw new Error(`taxonomy has no rule for class '${classId}'`);
    const perRule = PER_RULE_CLASSES.includes(classId);
    for (const rule of rules) {
      const sources: readonly FailureSource[] = rule.match.sources ?? FAILURE_SOURCES;
      const found = rule.examples
        .flatMap((message) =>
          sources.map((source): DeployFailure => {
            const f: DeployFailure = { source, message };
            const code = rule.match.codes?.[0];
            const statusCode = rule.match.statusCodes?.[0];
            const operation = rule.match.operations?.[0];
            if (code !== undefined) f.code = code;
            if (statusCode !== undefined) f.statusCode = statusCode;
            if (operation !== undefined) f.operation = operation;
            return f;
          }),
        )
        .map((failure) => ({ failure, classification: classify(failure) }))
        .find((x) => x.classification.classId === classId);
      if (!found) {
        if (perRule) throw new Error(`no example of a '${classId}' rule classifies as '${classId}' (examples: ${rule.examples.join(' | ')})`);
        continue;
      }
      out.push({ classId, ...found });
      if (!perRule) break;
    }
    if (!out.some((r) => r.classId === classId)) throw new Error(`no example of class '${classId}' classifies as '${classId}'`);
  }
  const unknownFailure: DeployFailure = { source: 'internal', message: 'something nobody has seen before' };
  out.push({ classId: 'unknown', failure: unknownFailure, classification: classify(unknownFailure) });
  return out;
}

/** The classes a machine's failures come from: by the word in its name (`local`, `azure`). */
export function classIdsFor(machineName: string): readonly ClassId[] {
  if (/local/.test(machineName)) return LOCAL_CLASS_IDS;
  if (/azure/.test(machineName)) return AZURE_CLASS_IDS;
  return [...LOCAL_CLASS_IDS, ...AZURE_CLASS_IDS];
}

const repsCache = new Map<string, Representative[]>();
export function repsFor(machineName: string): Representative[] {
  let reps = repsCache.get(machineName);
  if (!reps) repsCache.set(machineName, (reps = representatives(classIdsFor(machineName))));
  return reps;
}

function rep(machineName: string, classId: ClassId): Representative {
  const r = repsFor(machineName).find((x) => x.classId === classId);
  if (!r) throw new Error(`no representative of '${classId}' for ${machineName}`);
  return r;
}

// ── Inputs, per machine ─────────────────────────────────────────────────────

function localInputs(): unknown[] {
  const out: unknown[] = [];
  for (const source of DEPLOY_SOURCES) {
    for (const { name: bundle } of BUNDLES) {
      for (const mysqlUnpublished of [false, true]) out.push({ mode: 'deploy', source, bundle, mysqlUnpublished });
    }
  }
  out.push({ mode: 'start', source: 'official', bundle: 'default', mysqlUnpublished: false });
  // Both port repairs switched off (--no-repair): their guards decline where they would apply.
  out.push({ mode: 'deploy', source: 'official', bundle: 'default', mysqlUnpublished: false, disabled: ['local.alternate-bundle', 'local.unpublish-mysql'] });
  return out;
}

const OTHER_VAULT = 'someone-elses-kv';
const OTHER_MYSQL = 'someone-elses-mysql';

function azureInputs(name: string): unknown[] {
  // The names this deployment derives: the ones the representative failures name, and others
  // (then the purge/start guards must decline).
  const vault = rep(name, 'azure.keyvault-soft-deleted').classification.facts.name;
  const mysql = rep(name, 'azure.mysql-stopped').classification.facts.name;
  const out: unknown[] = [];
  for (const interactive of [true, false]) {
    out.push({ interactive, keyVaultName: String(vault ?? 'devlake-kv'), mysqlName: String(mysql ?? 'devlake-mysql') });
  }
  out.push({ interactive: true, keyVaultName: OTHER_VAULT, mysqlName: OTHER_MYSQL });
  return out;
}

/** Inputs per machine name. A machine not listed runs with one empty input. */
export function inputsFor(machineName: string): unknown[] {
  if (machineName === 'deploy-local') return localInputs();
  if (machineName === 'deploy-azure') return azureInputs(machineName);
  return [{}];
}

// ── Actor outputs and errors, per actor src ───────────────────────────────────

export interface ActorAnswerContext {
  machine: string;
  /** The input the machine gave the invoked actor. */
  input: unknown;
  /** The machine's own input (its context's `input`), for answers that depend on the scenario. */
  machineInput: unknown;
}

type Answers = (ctx: ActorAnswerContext) => unknown[];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/** The repair actor's answer: the named repair applied (and, locally, the next attempt's plan). */
function repairOutcome(input: unknown): unknown {
  const c = isRecord(input) ? (input.classification as Classification | undefined) : undefined;
  const repair = c?.repair ?? 'local.alternate-bundle';
  const outcome: Record<string, unknown> = { repair, description: `fake ${repair}` };
  if (isRecord(input) && isRecord(input.plan)) {
    const plan = input.plan;
    outcome.plan =
      repair === 'local.alternate-bundle'
        ? { ...plan, bundle: 'alternate', attempt: 2 }
        : repair === 'local.unpublish-mysql'
          ? { ...plan, mysqlUnpublished: true, attempt: 2 }
          : { ...plan, attempt: 2 };
  }
  return outcome;
}

/**
 * What the Azure preflight finds, per scenario (the machine's input). Every gate's branches are
 * reached (no finding, a repairable one, one the guard declines), while the deploy part below
 * the gates is explored for few prefixes: each distinct prefix stays in the context (findings,
 * applied repairs) and would copy the whole subtree into the model.
 */
function preflightFindings(machine: string, machineInput: unknown): unknown[] {
  const f = (id: ClassId): DeployFailure => rep(machine, id).failure;
  const i = isRecord(machineInput) ? machineInput : {};
  const allRepairable = { provider: f('azure.provider-unregistered'), vault: f('azure.keyvault-soft-deleted'), mysql: f('azure.mysql-stopped') };
  if (i.interactive === false) return [{}];
  if (i.keyVaultName === OTHER_VAULT) {
    // Names this deployment does not own: the purge and start guards decline.
    return [{ vault: f('azure.keyvault-soft-deleted') }, { mysql: f('azure.mysql-stopped') }];
  }
  return [
    {},
    { provider: f('unknown') },
    { vault: f('azure.keyvault-purge-protected') },
    // Everything at once: each gate repairs and rechecks once.
    allRepairable,
  ];
}

const ENDPOINTS = { backend: 'https://backend.example:8080', grafana: 'https://grafana.example', configUi: 'https://ui.example' };

/** Outputs of actors whose output the machines read. Others resolve with `undefined`. */
export const OUTPUTS: Record<string, Answers> = {
  // The real classifier: pure and deterministic, so the class always fits the failure.
  classify: ({ input }) => [classify(input as DeployFailure)],
  repair: ({ input }) => [repairOutcome(input)],
  waitHealthy: () => [{ backendUrl: 'http://localhost:8080' }],
  preflight: ({ machine, machineInput }) => preflightFindings(machine, machineInput),
  deploy: () => [{ endpoints: ENDPOINTS }],
  // The operations add nothing new here: the failure as it was.
  inspectDeployment: ({ input }) => [input],
  recheck: () => ['clear'],
};

/** Errors per actor src. Every other actor may fail with one failure per taxonomy class. */
export const ERRORS: Record<string, Answers> = {
  classify: () => [{ source: 'internal', message: 'classifier crashed' }],
  repair: () => [{ declined: true, reason: 'the holder came back' }, { source: 'internal', message: 'repair crashed' }],
  inspectDeployment: () => [{ source: 'azure', message: 'operations unavailable' }],
};

export function outputsFor(src: string, ctx: ActorAnswerContext): unknown[] {
  return OUTPUTS[src]?.(ctx) ?? [undefined];
}

export function errorsFor(src: string, ctx: ActorAnswerContext): unknown[] {
  return ERRORS[src]?.(ctx) ?? repsFor(ctx.machine).map((r) => r.failure);
}
