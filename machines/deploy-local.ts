// The local deploy (and start) flow, read top to bottom as the spec:
//
//   prepare → composeUp → waitHealthy → migrate → persist → done
//                 ↓ error
//              classify ──(repairable)──→ repair → retryOnce → waitHealthy …
//                 ↓ (no repair)              ↓ declined  ↓ error
//               failed ←──────────────── classifyFinal ←─┘
//
// The retry-once rule is the shape of the graph, not a counter: `retryOnce` has no way back
// to `repair`; its failure is classified for the report (`classifyFinal`) and ends in `failed`.
// Every effect is a named actor provided by src/targets/local/flow.ts through `machine.provide()`.
// What happened is appended to `context.incidents` (attempts, failures, classes, the repair or why
// none was applied, the end); src/recovery/report.ts derives the report lines and the record from it.

import { assign, setup } from 'xstate';
import type { Classification, DeployFailure, RepairId } from '../src/recovery/types.js';
import type { BundleName } from '../src/devlake/ports.js';
import type { Incident } from '../src/recovery/report.js';
import { ONE_RETRY_USED } from '../src/recovery/repairs/kit.js';
import { localDeclineReason, localRepairAllowed, type LocalSource } from './guards.js';
import { ATTEMPT, REPAIR, asFailure, declineOf, errorOf, outputOf, slot } from './kit.js';

export type { LocalSource } from './guards.js';
export type LocalMode = 'deploy' | 'start';

export interface DeployLocalInput {
  mode: LocalMode;
  source: LocalSource;
  /** The bundle this run starts on ('default' unless a state file recorded 'alternate'). */
  bundle: BundleName;
  /** Whether MySQL's host port is dropped from the start (recorded by an earlier repair). */
  mysqlUnpublished: boolean;
  /** Repairs switched off for this run (`--no-repair`): they decline, and say so. */
  disabled?: readonly RepairId[];
}

/** What the plan for one compose attempt is. The flow turns it into a compose project. */
export interface AttemptPlan {
  bundle: BundleName;
  mysqlUnpublished: boolean;
  attempt: 1 | 2;
}

export interface RepairOutcome {
  repair: RepairId;
  /** Further repairs applied in the same retry (a second known conflict found by probing). */
  also?: RepairId[];
  /** Human words for the `Repair:` line. */
  description: string;
  plan: AttemptPlan;
}

export interface HealthyOutcome {
  backendUrl: string;
}

/** A repair that declined carries why (for the `Repair:` line and the record). */
export interface RepairDeclined {
  declined: true;
  reason: string;
}

export interface DeployLocalContext {
  input: DeployLocalInput;
  plan: AttemptPlan;
  failure?: DeployFailure;
  classification?: Classification;
  repair?: RepairOutcome;
  repairDeclined?: string;
  healthy?: HealthyOutcome;
  /** Compose attempts made; reported, never used to decide. */
  attempts: number;
  /** Everything that happened, in order: what the report and the record are derived from. */
  incidents: Incident[];
}

/** Why the run ends without a repair, in the words of the `Repair:` line (the guard's own reason). */
function declinedAtEnd(context: DeployLocalContext): string {
  if (context.repair) return ONE_RETRY_USED;
  return localDeclineReason(context.classification!, context.plan, context.input.source, context.input.disabled);
}

export const deployLocalMachine = setup({
  types: {
    input: {} as DeployLocalInput,
    context: {} as DeployLocalContext,
  },
  actors: {
    prepare: slot<void, DeployLocalContext>('prepare'),
    composeUp: slot<void, AttemptPlan>('composeUp'),
    classify: slot<Classification, DeployFailure>('classify'),
    repair: slot<RepairOutcome, { classification: Classification; plan: AttemptPlan; source: LocalSource }>('repair'),
    waitHealthy: slot<HealthyOutcome, AttemptPlan>('waitHealthy'),
    migrate: slot<void, AttemptPlan>('migrate'),
    persist: slot<void, DeployLocalContext>('persist'),
  },
  guards: {
    /** The class names a repair and this run may use it: custom deploys stay manual. */
    // Guards run before the transition's actions: read the classification from the event.
    repairAllowed: ({ context, event }) => {
      const c = outputOf<Classification | undefined>(event);
      return c !== undefined && localRepairAllowed(c, context.plan, context.input.source, context.input.disabled);
    },
  },
  actions: {
    // Invoke results arrive as `xstate.done.actor.<id>` (output) / `xstate.error.actor.<id>` (error).
    recordFailure: assign(({ context, event }) => {
      const failure = asFailure(errorOf(event));
      return { failure, incidents: [...context.incidents, { kind: 'failure' as const, failure }] };
    }),
    recordClassification: assign(({ context, event }) => {
      const classification = outputOf<Classification>(event);
      return { classification, incidents: [...context.incidents, { kind: 'classified' as const, classification }] };
    }),
    recordRepair: assign(({ context, event }) => {
      const repair = outputOf<RepairOutcome>(event);
      const incident: Incident = { kind: 'repaired', repair: repair.repair, ...(repair.also ? { also: repair.also } : {}), description: repair.description };
      return { repair, plan: repair.plan, incidents: [...context.incidents, incident] };
    }),
    recordDeclined: assign(({ context, event }) => {
      const reason = declineOf(errorOf(event));
      return { repairDeclined: reason, incidents: [...context.incidents, { kind: 'declined' as const, reason }] };
    }),
    countAttempt: assign(({ context }) => {
      const attempt = context.attempts + 1;
      const incident: Incident = { kind: 'attempt', attempt, bundle: context.plan.bundle, mysqlUnpublished: context.plan.mysqlUnpublished };
      return { attempts: attempt, incidents: [...context.incidents, incident] };
    }),
    recordHealthy: assign({ healthy: ({ event }) => outputOf<HealthyOutcome>(event) }),
    recordDone: assign({ incidents: ({ context }) => [...context.incidents, { kind: 'ended' as const, ok: true }] }),
    /** A classified run that ends here without a decline on record: the guard's reason (or the retry used). */
    recordFailed: assign({
      incidents: ({ context }) => [
        ...context.incidents,
        ...(context.classification && !context.incidents.some((i) => i.kind === 'declined') ? [{ kind: 'declined' as const, reason: declinedAtEnd(context) }] : []),
        { kind: 'ended' as const, ok: false },
      ],
    }),
  },
}).createMachine({
  id: 'deploy-local',
  context: ({ input }) => ({
    input,
    plan: { bundle: input.bundle, mysqlUnpublished: input.mysqlUnpublished, attempt: 1 },
    attempts: 0,
    incidents: [],
  }),
  initial: 'prepare',
  states: {
    prepare: {
      invoke: {
        id: 'prepare',
        src: 'prepare',
        input: ({ context }) => context,
        onDone: { target: 'composeUp' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },
    composeUp: {
      tags: ATTEMPT,
      entry: 'countAttempt',
      invoke: {
        id: 'composeUp',
        src: 'composeUp',
        input: ({ context }) => context.plan,
        onDone: { target: 'waitHealthy' },
        onError: { target: 'classify', actions: 'recordFailure' },
      },
    },
    classify: {
      invoke: {
        id: 'classify',
        src: 'classify',
        input: ({ context }) => context.failure!,
        onDone: [
          {
            guard: 'repairAllowed',
            target: 'repair',
            actions: 'recordClassification',
          },
          {
            target: 'failed',
            actions: 'recordClassification',
          },
        ],
        onError: { target: 'failed' },
      },
    },
    repair: {
      tags: REPAIR,
      invoke: {
        id: 'repair',
        src: 'repair',
        input: ({ context }) => ({ classification: context.classification!, plan: context.plan, source: context.input.source }),
        onDone: { target: 'retryOnce', actions: 'recordRepair' },
        onError: { target: 'failed', actions: 'recordDeclined' },
      },
    },
    retryOnce: {
      tags: ATTEMPT,
      entry: 'countAttempt',
      invoke: {
        id: 'retryComposeUp',
        src: 'composeUp',
        input: ({ context }) => ({ ...context.plan, attempt: 2 as const }),
        onDone: { target: 'waitHealthy' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },
    waitHealthy: {
      invoke: {
        id: 'waitHealthy',
        src: 'waitHealthy',
        input: ({ context }) => context.plan,
        onDone: { target: 'migrate', actions: 'recordHealthy' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },
    migrate: {
      invoke: {
        id: 'migrate',
        src: 'migrate',
        input: ({ context }) => context.plan,
        onDone: { target: 'persist' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },
    persist: {
      invoke: {
        id: 'persist',
        src: 'persist',
        input: ({ context }) => context,
        onDone: { target: 'done' },
        onError: { target: 'failed', actions: 'recordFailure' },
      },
    },
    /** Classification for the report only: from here there is no way to a repair. */
    classifyFinal: {
      invoke: {
        id: 'classifyFinal',
        src: 'classify',
        input: ({ context }) => context.failure!,
        onDone: { target: 'failed', actions: 'recordClassification' },
        onError: { target: 'failed' },
      },
    },
    done: { type: 'final', entry: 'recordDone' },
    failed: { type: 'final', entry: 'recordFailed' },
  },
  output: ({ context }) => context,
});

export type DeployLocalMachine = typeof deployLocalMachine;
