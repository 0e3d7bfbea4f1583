// Doctor's "will be repaired automatically" must be the deploy's own decision. These tests drive the
// real machines (machines/deploy-local.ts, machines/deploy-azure.ts) with stub actors and compare
// whether they enter their repair state with what src/doctor/repair-guard.ts says.

import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { deployLocalMachine, type AttemptPlan, type RepairOutcome } from '../../../machines/deploy-local.js';
import { deployAzureMachine, type PreflightFindings } from '../../../machines/deploy-azure.js';
import { classify } from '../../../src/recovery/classify.js';
import { DeployError } from '../../../src/recovery/deploy-error.js';
import type { Classification, DeployFailure, RepairId } from '../../../src/recovery/types.js';
import { azureRepairAllowed, localDeclineReason, localRepairAllowed, type LocalPlan, type LocalSource } from '../../../src/doctor/repair-guard.js';
import { portHeldFailure } from '../../../src/doctor/findings.js';
import { BUNDLES } from '../../../src/devlake/ports.js';
import { DEPLOY_SOURCES } from '../../../src/devlake/state.js';
import { mysqlStoppedFailure, providerFailure, vaultFailure } from '../../../src/doctor/azure.js';

/** Run the local machine until it settles; report whether its repair actor was called. */
async function localMachineRepairs(c: Classification, input: { source: LocalSource; bundle: LocalPlan['bundle']; mysqlUnpublished: boolean }): Promise<boolean> {
  let repaired = false;
  const machine = deployLocalMachine.provide({
    actors: {
      prepare: fromPromise(() => Promise.resolve()),
      composeUp: fromPromise<void, AttemptPlan>(() => Promise.reject(new DeployError(c.failure))),
      classify: fromPromise(() => Promise.resolve(c)),
      repair: fromPromise<RepairOutcome, { classification: Classification; plan: AttemptPlan; source: LocalSource }>(({ input: i }) => {
        repaired = true;
        return Promise.resolve({ repair: i.classification.repair as RepairId, description: 'stub', plan: { ...i.plan, attempt: 2 } });
      }),
      waitHealthy: fromPromise(() => Promise.resolve({ backendUrl: 'http://localhost:8080' })),
      migrate: fromPromise(() => Promise.resolve()),
      persist: fromPromise(() => Promise.resolve()),
    },
  });
  const actor = createActor(machine, { input: { mode: 'deploy', ...input } });
  actor.start();
  await waitFor(actor, (s) => s.status === 'done', { timeout: 5_000 });
  actor.stop();
  return repaired;
}

const SOURCES: readonly LocalSource[] = DEPLOY_SOURCES;
const BUNDLE_NAMES: LocalPlan['bundle'][] = BUNDLES.map((b) => b.name);

/** Classifications of the failures doctor builds, plus ones with no repair. */
const LOCAL_CASES: [string, Classification][] = [
  ['8080 held (default bundle)', classify(portHeldFailure(8080, '0.0.0.0', 'process'))],
  ['3002 held by a container', classify(portHeldFailure(3002, '0.0.0.0', 'container'))],
  ['8085 held (alternate bundle)', classify(portHeldFailure(8085, '0.0.0.0'))],
  ['3306 held', classify(portHeldFailure(3306, '127.0.0.1'))],
  ['9000 held (no bundle port)', classify(portHeldFailure(9000, '0.0.0.0'))],
  ['disk full', classify({ source: 'probe', code: 'ENOSPC', message: 'no space left on device' })],
  ['engine unreachable', classify({ source: 'engine', code: 'ENOENT', message: 'connect ENOENT /var/run/docker.sock' })],
];

describe('localRepairAllowed agrees with machines/deploy-local.ts', () => {
  for (const [name, c] of LOCAL_CASES) {
    for (const source of SOURCES) {
      for (const bundle of BUNDLE_NAMES) {
        for (const mysqlUnpublished of [false, true]) {
          it(`${name}, ${source}, ${bundle} bundle, mysql ${mysqlUnpublished ? 'unpublished' : 'published'}`, async () => {
            const machine = await localMachineRepairs(c, { source, bundle, mysqlUnpublished });
            expect(localRepairAllowed(c, { bundle, mysqlUnpublished }, source)).toBe(machine);
          });
        }
      }
    }
  }

  it('the decline reasons speak like the deploy', () => {
    const c = classify(portHeldFailure(8080, '0.0.0.0'));
    expect(localDeclineReason(c, { bundle: 'default', mysqlUnpublished: false }, 'custom')).toMatch(/custom deploys keep your ports/);
    expect(localDeclineReason(c, { bundle: 'alternate', mysqlUnpublished: false }, 'official')).toMatch(/already on the alternate bundle/);
    expect(localDeclineReason(classify(portHeldFailure(9000, '0.0.0.0')), { bundle: 'default', mysqlUnpublished: false }, 'official')).toMatch(/not one of the bundle ports/);
    expect(localDeclineReason(classify({ source: 'probe', code: 'ENOSPC', message: 'x' }), { bundle: 'default', mysqlUnpublished: false }, 'official')).toMatch(/no automatic repair/);
  });
});

// ── Azure ──────────────────────────────────────────────────────────────────────────────────────

const VAULT = 'devlakekv12345';
const MYSQL = 'devlakemysql12345';

type Stage = { kind: 'auth'; failure: DeployFailure } | { kind: 'preflight'; findings: PreflightFindings };

/** Run the Azure machine to its first repair decision; report whether the repair actor was called. */
async function azureMachineRepairs(stage: Stage, interactive: boolean): Promise<boolean> {
  let repaired = false;
  const stop = new Error('stop after the decision');
  const machine = deployAzureMachine.provide({
    actors: {
      checkAuth: fromPromise(() => (stage.kind === 'auth' ? Promise.reject(new DeployError(stage.failure)) : Promise.resolve())),
      classify: fromPromise<Classification, DeployFailure>(({ input }) => Promise.resolve(classify(input))),
      repair: fromPromise(() => {
        repaired = true;
        return Promise.reject(stop);
      }),
      ensureResourceGroup: fromPromise(() => Promise.resolve({ keyVaultName: VAULT, mysqlName: MYSQL })),
      writePartialState: fromPromise(() => Promise.resolve()),
      preflight: fromPromise(() => Promise.resolve(stage.kind === 'preflight' ? stage.findings : {})),
      recheck: fromPromise(() => Promise.resolve('ok')),
      deploy: fromPromise(() => Promise.reject(stop)),
      inspectDeployment: fromPromise<DeployFailure, DeployFailure>(({ input }) => Promise.resolve(input)),
      waitBackend: fromPromise(() => Promise.resolve()),
      migrate: fromPromise(() => Promise.resolve()),
      persist: fromPromise(() => Promise.resolve()),
    },
  });
  const actor = createActor(machine, { input: { interactive, keyVaultName: VAULT, mysqlName: MYSQL } });
  actor.start();
  await waitFor(actor, (s) => s.status === 'done', { timeout: 5_000 });
  actor.stop();
  return repaired;
}

const notSignedIn: DeployFailure = {
  source: 'auth',
  code: 'CredentialUnavailableError',
  message: "AzureCliCredential: Please run 'az login' from a command prompt to authenticate before using this credential.",
};

const AZURE_CASES: [string, Stage][] = [
  ['not signed in', { kind: 'auth', failure: notSignedIn }],
  ['provider unregistered', { kind: 'preflight', findings: { provider: providerFailure('Microsoft.DBforMySQL', 'NotRegistered') } }],
  ['vault soft-deleted (ours)', { kind: 'preflight', findings: { vault: vaultFailure(VAULT, { name: VAULT, purgeProtection: false }) } }],
  ['vault soft-deleted (another name)', { kind: 'preflight', findings: { vault: vaultFailure('otherkv', { name: 'otherkv', purgeProtection: false }) } }],
  ['vault purge-protected', { kind: 'preflight', findings: { vault: vaultFailure(VAULT, { name: VAULT, purgeProtection: true, scheduledPurgeDate: new Date('2026-04-01T00:00:00Z') }) } }],
  ['mysql stopped (ours)', { kind: 'preflight', findings: { mysql: mysqlStoppedFailure(MYSQL) } }],
  ['mysql stopped (another server)', { kind: 'preflight', findings: { mysql: mysqlStoppedFailure('someoneelses') } }],
];

describe('azureRepairAllowed agrees with machines/deploy-azure.ts', () => {
  for (const [name, stage] of AZURE_CASES) {
    for (const interactive of [true, false]) {
      it(`${name}, ${interactive ? 'interactive' : 'no terminal'}`, async () => {
        const failure = stage.kind === 'auth' ? stage.failure : (Object.values(stage.findings)[0] as DeployFailure);
        const c = classify(failure);
        const machine = await azureMachineRepairs(stage, interactive);
        expect(azureRepairAllowed(c, { interactive, keyVaultName: VAULT, mysqlName: MYSQL })).toBe(machine);
      });
    }
  }

  it('a repair already applied on the run is not applied again', () => {
    const c = classify(mysqlStoppedFailure(MYSQL));
    expect(azureRepairAllowed(c, { interactive: true, keyVaultName: VAULT, mysqlName: MYSQL }, ['azure.start-mysql'])).toBe(false);
  });
});
