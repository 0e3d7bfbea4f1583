// The Azure deploy flow, read top to bottom as the spec:
//
//   checkAuth ──────────────────────────────────────────────┐
//     ↓ error                                                │
//   classifyAuth → login (repair) → checkAuthAgain ─────────┤
//                                                            ↓
//   ensureResourceGroup → writePartialState → preflight → providerGate → vaultGate → mysqlGate → images → deploy
//        (each gate: classify the proactive finding → repair → recheck once, or straight on)
//
//   deploy ─────────────────────────────────────────────────────────┐
//     ↓ error                                                         │
//   inspectDeployment → classifyDeploy → <repair, if allowed and not  │
//                       already applied on this path> → retryDeploy ──┤
//                                                         ↓ error     ↓
//                                  inspectRetry → classifyFinal   waitBackend → migrate ──────────┐
//                                                     ↓                              ↓ error        │
//                                                   failed          classifyMigration → waitMigration
//                                                                       → migrateAgain ───────────┤
//                                                                                                 ↓
//                                                                                persist → done
//
// The graph is acyclic: no state can be entered twice on one run, so each repair happens at most
// once and each retry (checkAuthAgain, recheck*, retryDeploy, migrateAgain) at most once — by shape,
// not by a counter. A repair that has a proactive and a reactive state is guarded by `applied` so the
// reactive one never repeats what the proactive one did. Bounded waits live inside the actors, each
// with its deadline. Every effect is a named actor slot provided by src/flows through `provide()`.

import { assign, setup } from 'xstate';
import type { Classification, DeployFailure, RepairId } from '../src/recovery/types.js';
import { azureRepairAllowed, type AzureGuardInput } from './guards.js';
import { ATTEMPT, REPAIR, asFailure, declineOf, errorOf, outputOf, slot } from './kit.js';

/** What the run knows before it starts (the repair guards read it): see AzureGuardInput. */
export type DeployAzureInput = AzureGuardInput;

/** The names of this deployment, once the subscription is known (the suffix derives from the group's id). */
export interface DeploymentNames {
  keyVaultName: string;
  mysqlName: string;
}

/** Proactive findings of the preflight, one failure per kind (absent: nothing found). */
export interface PreflightFindings {
  provider?: DeployFailure;
  vault?: DeployFailure;
  mysql?: DeployFailure;
}

export type FindingKind = keyof PreflightFindings;

export interface AzureRepairOutcome {
  repair: RepairId;
  /** Human words for the `Repair:` line. */
  description: string;
}

export interface AzureRepairInput {
  classification: Classification;
  stage: 'auth' | 'preflight' | 'deploy' | 'migrate';
}

export interface DeployOutcome {
  endpoints: { backend: string; grafana: string; configUi: string };
  /** No submission was needed: the same template and secrets as the healthy deployment recorded. */
  unchanged?: boolean;
}

/** A repair that declined carries why (for the `Repair:` line and the record). */
export interface AzureRepairDeclined {
  declined: true;
  reason: string;
}

export interface DeployAzureContext {
  input: DeployAzureInput;
  /** Set by ensureResourceGroup; the repair guards check these (absent: the input's). */
  names?: DeploymentNames;
  findings: PreflightFindings;
  failure?: DeployFailure;
  classification?: Classification;
  /** The last repair applied. */
  repair?: AzureRepairOutcome;
  repairDeclined?: string;
  /** Every repair applied on this run, in order. */
  applied: RepairId[];
  deployment?: DeployOutcome;
  /** ARM deployment attempts made; reported, never used to decide. */
  attempts: number;
}

/**
 * One proactive gate, the same four states for every kind of preflight finding:
 *
 *   <kind>Gate ──(finding)──→ classify<Kind> ──(repair allowed)──→ <repairState> → recheck<Kind> → next
 *       └──(none)──→ next          └──(no repair)──→ failed          ↓ declined      ↓ error
 *                                                                   failed        classifyFinal
 *
 * The state names are typed from the kind, so a misspelt `next` or a gate whose recheck leads
 * nowhere fails the type check; the repair state carries the `repair` tag the bounded-retry proof counts.
 */
function proactiveGate<const K extends FindingKind, const S extends string, const N extends string>(kind: K, repairState: S, repair: RepairId, next: N) {
  const Kind = (kind.charAt(0).toUpperCase() + kind.slice(1)) as Capitalize<K>;
  const classifyState = `classify${Kind}` as const;
  const recheckState = `recheck${Kind}` as const;
  const gate = {
    always: [{ guard: { type: 'hasFinding' as const, params: { kind } }, target: classifyState }, { target: next }],
  };
  const classify = {
    invoke: {
      id: classifyState,
      src: 'classify' as const,
      input: ({ context }: { context: DeployAzureContext }) => context.findings[kind]!,
      onDone: [
        { guard: { type: 'repairAllowed' as const, params: { repair } }, target: repairState, actions: ['recordClassification', 'reportDetected'] as const },
        { target: 'failed' as const, actions: ['recordClassification', 'reportDetected'] as const },
      ],
      onError: { target: 'failed' as const },
    },
  };
  const repairNode = {
    tags: REPAIR,
    invoke: {
      id: repairState,
      src: 'repair' as const,
      input: ({ context }: { context: DeployAzureContext }) => ({ classification: context.classification!, stage: 'preflight' as const }),
      onDone: { target: recheckState, actions: ['recordRepair', 'reportRepair'] as const },
      onError: { target: 'failed' as const, actions: 'recordDeclined' as const },
    },
  };
  const recheck = {
    entry: 'reportRetry' as const,
    invoke: {
      id: recheckState,
      src: 'recheck' as const,
      input: ({ context }: { context: DeployAzureContext }) => ({ kind, classification: context.classification! }),
      onDone: { target: next, actions: 'reportRecovered' as const },
      onError: { target: 'classifyFinal' as const, actions: 'recordFailure' as const },
    },
  };
  return { [`${kind}Gate`]: gate, [classifyState]: classify, [repairState]: repairNode, [recheckState]: recheck } as {
    [P in `${K}Gate`]: typeof gate;
  } & { [P in `classify${Capitalize<K>}`]: typeof classify } & { [P in S]: typeof repairNode } & { [P in `recheck${Capitalize<K>}`]: typeof recheck };
}

export const deployAzureMachine = setup({
  types: {
    input: {} as DeployAzureInput,
    context: {} as DeployAzureContext,
  },
  actors: {
    checkAuth: slot<void, void>('checkAuth'),
    classify: slot<Classification, DeployFailure>('classify'),
    repair: slot<AzureRepairOutcome, AzureRepairInput>('repair'),
    ensureResourceGroup: slot<DeploymentNames, void>('ensureResourceGroup'),
    writePartialState: slot<void, void>('writePartialState'),
    preflight: slot<PreflightFindings, void>('preflight'),
    /** The container registry and the custom images in it (resolves at once for official images). */
    images: slot<void, void>('images'),
    /** Run one proactive check again (the retry of a proactive repair); resolves when it is clear. */
    recheck: slot<string, { kind: FindingKind; classification: Classification }>('recheck'),
    deploy: slot<DeployOutcome, { attempt: 1 | 2 }>('deploy'),
    /** Enrich a deployment failure with the inner codes of its failed operations. */
    inspectDeployment: slot<DeployFailure, DeployFailure>('inspectDeployment'),
    waitBackend: slot<void, DeployOutcome>('waitBackend'),
    migrate: slot<void, { endpoints: DeployOutcome['endpoints']; attempt: 1 | 2 }>('migrate'),
    persist: slot<void, DeployAzureContext>('persist'),
  },
  guards: {
    hasFinding: ({ context }, params: { kind: FindingKind }) => context.findings[params.kind] !== undefined,
    /**
     * The class names this repair, this run has not applied it yet, and its own safety rule holds.
     * `repair` picks which repair state this transition leads to.
     */
    repairAllowed: ({ context, event }, params: { repair: RepairId }) => {
      // Guards run before the transition's actions: the classification is still the event's output.
      const c = (event as { output?: Classification }).output ?? context.classification;
      if (!c || c.repair !== params.repair) return false;
      return azureRepairAllowed(c, { ...context.input, ...context.names }, context.applied);
    },
  },
  actions: {
    recordFailure: assign({ failure: ({ event }) => asFailure(errorOf(event)) }),
    recordInspected: assign({ failure: ({ event }) => outputOf<DeployFailure>(event) }),
    recordClassification: assign({ classification: ({ event }) => outputOf<Classification>(event) }),
    recordFindings: assign({ findings: ({ event }) => outputOf<PreflightFindings>(event) }),
    recordRepair: assign({
      repair: ({ event }) => outputOf<AzureRepairOutcome>(event),
      applied: ({ context, event }) => [...context.applied, outputOf<AzureRepairOutcome>(event).repair],
    }),
    recordDeclined: assign({ repairDeclined: ({ event }) => declineOf(errorOf(event)) }),
    recordDeployment: assign({ deployment: ({ event }) => outputOf<DeployOutcome>(event) }),
    recordNames: assign({ names: ({ event }) => outputOf<DeploymentNames>(event) }),
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    // Report hooks: no-ops here, given by the flow's reporter.
    reportDetected: () => undefined,
    reportRepair: () => undefined,
    reportRetry: () => undefined,
    /** A retry (or recheck) succeeded: the open incident's Outcome line. */
    reportRecovered: () => undefined,
    /** The run ended in `failed`: close the open incident (Repair: none / Retry: not attempted / Outcome). */
    reportFailed: () => undefined,
    /** The run ended in `done`. */
    reportDone: () => undefined,
  },
}).createMachine({
  id: 'deploy-azure',
  context: ({ input }) => ({ input, findings: {}, applied: [], attempts: 0 }),
  initial: 'checkAuth',
  states: {
    // ── Sign-in ──────────────────────────────────────────────────────────────
    checkAuth: {
      invoke: {
        id: 'checkAuth',
        src: 'checkAuth',
        onDone: { target: 'ensureResourceGroup' },
        onError: { target: 'classifyAuth', actions: 'recordFailure' },
      },
    },
    classifyAuth: {
      invoke: {
        id: 'classifyAuth',
        src: 'classify',
        input: ({ context }) => context.failure!,
        onDone: [
          { guard: { type: 'repairAllowed', params: { repair: 'azure.login' } }, target: 'login', actions: ['recordClassification', 'reportDetected'] },
          // Without az: device-code sign-in, in the same one login slot (the repair actor picks by the class).
          { guard: { type: 'repairAllowed', params: { repair: 'azure.device-code' } }, target: 'login', actions: ['recordClassification', 'reportDetected'] },
          { target: 'failed', actions: ['recordClassification', 'reportDetected'] },
        ],
        onError: { target: 'failed' },
      },
    },
    login: {
      tags: REPAIR,
      invoke: {
        id: 'login',
        src: 'repair',
        input: ({ context }) => ({ classification: context.classification!, stage: 'auth' as const }),
        onDone: { target: 'checkAuthAgain', actions: ['recordRepair', 'reportRepair'] },
        onError: { target: 'failed', actions: 'recordDeclined' },
      },
    },
    checkAuthAgain: {
      entry: 'reportRetry',
      invoke: {
        id: 'checkAuthAgain',
        src: 'checkAuth',
        onDone: { target: 'ensureResourceGroup', actions: 'reportRecovered' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },

    // ── Resource group and the partial state (cleanup works from here on) ─────
    ensureResourceGroup: {
      invoke: {
        id: 'ensureResourceGroup',
        src: 'ensureResourceGroup',
        onDone: { target: 'writePartialState', actions: 'recordNames' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },
    writePartialState: {
      invoke: {
        id: 'writePartialState',
        src: 'writePartialState',
        onDone: { target: 'preflight' },
        onError: { target: 'failed', actions: 'recordFailure' },
      },
    },

    // ── Proactive checks, then one gate per kind (provider → vault → MySQL) ───
    preflight: {
      invoke: {
        id: 'preflight',
        src: 'preflight',
        onDone: { target: 'providerGate', actions: 'recordFindings' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },
    ...proactiveGate('provider', 'registerProvider', 'azure.register-provider', 'vaultGate'),
    ...proactiveGate('vault', 'purgeVault', 'azure.purge-vault', 'mysqlGate'),
    ...proactiveGate('mysql', 'startMysql', 'azure.start-mysql', 'images'),

    // ── Custom images: registry, build and push (official images: nothing to do) ─
    images: {
      invoke: {
        id: 'images',
        src: 'images',
        onDone: { target: 'deploy' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },

    // ── The ARM deployment, with one reactive repair and one retry ────────────
    deploy: {
      tags: ATTEMPT,
      entry: 'countAttempt',
      invoke: {
        id: 'deploy',
        src: 'deploy',
        input: () => ({ attempt: 1 as const }),
        onDone: { target: 'waitBackend', actions: 'recordDeployment' },
        onError: { target: 'inspectDeployment', actions: 'recordFailure' },
      },
    },
    inspectDeployment: {
      invoke: {
        id: 'inspectDeployment',
        src: 'inspectDeployment',
        input: ({ context }) => context.failure!,
        onDone: { target: 'classifyDeploy', actions: 'recordInspected' },
        // Without the operations, classify what the deployment itself said.
        onError: { target: 'classifyDeploy' },
      },
    },
    classifyDeploy: {
      invoke: {
        id: 'classifyDeploy',
        src: 'classify',
        input: ({ context }) => context.failure!,
        onDone: [
          {
            guard: { type: 'repairAllowed', params: { repair: 'azure.register-provider' } },
            target: 'registerProviderAfterDeploy',
            actions: ['recordClassification', 'reportDetected'],
          },
          {
            guard: { type: 'repairAllowed', params: { repair: 'azure.purge-vault' } },
            target: 'purgeVaultAfterDeploy',
            actions: ['recordClassification', 'reportDetected'],
          },
          {
            guard: { type: 'repairAllowed', params: { repair: 'azure.start-mysql' } },
            target: 'startMysqlAfterDeploy',
            actions: ['recordClassification', 'reportDetected'],
          },
          { target: 'failed', actions: ['recordClassification', 'reportDetected'] },
        ],
        onError: { target: 'failed' },
      },
    },
    registerProviderAfterDeploy: {
      tags: REPAIR,
      invoke: {
        id: 'registerProviderAfterDeploy',
        src: 'repair',
        input: ({ context }) => ({ classification: context.classification!, stage: 'deploy' as const }),
        onDone: { target: 'retryDeploy', actions: ['recordRepair', 'reportRepair'] },
        onError: { target: 'failed', actions: 'recordDeclined' },
      },
    },
    purgeVaultAfterDeploy: {
      tags: REPAIR,
      invoke: {
        id: 'purgeVaultAfterDeploy',
        src: 'repair',
        input: ({ context }) => ({ classification: context.classification!, stage: 'deploy' as const }),
        onDone: { target: 'retryDeploy', actions: ['recordRepair', 'reportRepair'] },
        onError: { target: 'failed', actions: 'recordDeclined' },
      },
    },
    startMysqlAfterDeploy: {
      tags: REPAIR,
      invoke: {
        id: 'startMysqlAfterDeploy',
        src: 'repair',
        input: ({ context }) => ({ classification: context.classification!, stage: 'deploy' as const }),
        onDone: { target: 'retryDeploy', actions: ['recordRepair', 'reportRepair'] },
        onError: { target: 'failed', actions: 'recordDeclined' },
      },
    },
    retryDeploy: {
      tags: ATTEMPT,
      entry: ['countAttempt', 'reportRetry'],
      invoke: {
        id: 'retryDeploy',
        src: 'deploy',
        input: () => ({ attempt: 2 as const }),
        onDone: { target: 'waitBackend', actions: ['recordDeployment', 'reportRecovered'] },
        onError: { target: 'inspectRetry', actions: 'recordFailure' },
      },
    },
    inspectRetry: {
      invoke: {
        id: 'inspectRetry',
        src: 'inspectDeployment',
        input: ({ context }) => context.failure!,
        onDone: { target: 'classifyFinal', actions: 'recordInspected' },
        onError: { target: 'classifyFinal' },
      },
    },

    // ── DevLake itself: backend up, then the migration (one bounded wait) ─────
    waitBackend: {
      invoke: {
        id: 'waitBackend',
        src: 'waitBackend',
        input: ({ context }) => context.deployment!,
        onDone: { target: 'migrate' },
        onError: { target: 'classifyFinal', actions: 'recordFailure' },
      },
    },
    migrate: {
      invoke: {
        id: 'migrate',
        src: 'migrate',
        input: ({ context }) => ({ endpoints: context.deployment!.endpoints, attempt: 1 as const }),
        onDone: { target: 'persist' },
        onError: { target: 'classifyMigration', actions: 'recordFailure' },
      },
    },
    classifyMigration: {
      invoke: {
        id: 'classifyMigration',
        src: 'classify',
        input: ({ context }) => context.failure!,
        onDone: [
          {
            guard: { type: 'repairAllowed', params: { repair: 'azure.wait-migration' } },
            target: 'waitMigration',
            actions: ['recordClassification', 'reportDetected'],
          },
          { target: 'failed', actions: ['recordClassification', 'reportDetected'] },
        ],
        onError: { target: 'failed' },
      },
    },
    waitMigration: {
      tags: REPAIR,
      invoke: {
        id: 'waitMigration',
        src: 'repair',
        input: ({ context }) => ({ classification: context.classification!, stage: 'migrate' as const }),
        onDone: { target: 'migrateAgain', actions: ['recordRepair', 'reportRepair'] },
        onError: { target: 'failed', actions: 'recordDeclined' },
      },
    },
    migrateAgain: {
      entry: 'reportRetry',
      invoke: {
        id: 'migrateAgain',
        src: 'migrate',
        input: ({ context }) => ({ endpoints: context.deployment!.endpoints, attempt: 2 as const }),
        onDone: { target: 'persist', actions: 'reportRecovered' },
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
        onDone: { target: 'failed', actions: ['recordClassification', 'reportDetected'] },
        onError: { target: 'failed' },
      },
    },
    done: { type: 'final', entry: 'reportDone' },
    failed: { type: 'final', entry: 'reportFailed' },
  },
  output: ({ context }) => context,
});

export type DeployAzureMachine = typeof deployAzureMachine;
