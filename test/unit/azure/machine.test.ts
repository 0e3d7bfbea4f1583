// The retry-once and repair-once rules are the machine's shape: an acyclic graph.

import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { deployAzureMachine, type AzureRepairInput, type AzureRepairOutcome, type DeployAzureContext, type PreflightFindings } from '../../../machines/deploy-azure.js';
import { DeployError } from '../../../src/recovery/deploy-error.js';
import { machines } from '../../../machines/index.js';
import type { Classification, DeployFailure } from '../../../src/recovery/types.js';

type StateConfig = {
  invoke?: { id?: string; src?: string; onDone?: unknown; onError?: unknown };
  always?: unknown;
  type?: string;
};

function targetsOf(t: unknown): string[] {
  if (t === undefined) return [];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.flatMap(targetsOf);
  const target = (t as { target?: unknown }).target;
  return typeof target === 'string' ? [target] : Array.isArray(target) ? (target as string[]) : [];
}

const states = deployAzureMachine.config.states as Record<string, StateConfig>;
const graph = new Map<string, string[]>(
  Object.entries(states).map(([name, s]) => [name, [...targetsOf(s.invoke?.onDone), ...targetsOf(s.invoke?.onError), ...targetsOf(s.always)]]),
);

describe('deploy-azure machine shape', () => {
  it('is registered in the machines record', () => {
    expect(machines['deploy-azure']).toBe(deployAzureMachine);
  });

  it('is acyclic, so no state (repair or retry) can be entered twice on one run', () => {
    const seen = new Set<string>();
    const onPath = new Set<string>();
    const visit = (n: string): void => {
      if (onPath.has(n)) throw new Error(`cycle through ${n}`);
      if (seen.has(n)) return;
      onPath.add(n);
      for (const next of graph.get(n) ?? []) visit(next);
      onPath.delete(n);
      seen.add(n);
    };
    visit('checkAuth');
    expect(seen.size).toBe(graph.size);
  });

  it('gives every invoke an id, and every state a way to a final state', () => {
    for (const [name, s] of Object.entries(states)) {
      if (s.invoke) expect(s.invoke.id, name).toBeTruthy();
      if (s.type !== 'final') expect((graph.get(name) ?? []).length, name).toBeGreaterThan(0);
    }
  });

  it('retries the deployment in one state only, reached only from a repair', () => {
    const deploys = Object.entries(states).filter(([, s]) => s.invoke?.src === 'deploy').map(([n]) => n);
    expect(deploys.sort()).toEqual(['deploy', 'retryDeploy']);
    const into = [...graph].filter(([, ts]) => ts.includes('retryDeploy')).map(([n]) => n);
    for (const n of into) expect(states[n]?.invoke?.src).toBe('repair');
    // After the retry: only the final classification and `failed`, never a repair.
    const after = new Set<string>();
    const walk = (n: string) => {
      for (const t of graph.get(n) ?? []) {
        if (!after.has(t)) {
          after.add(t);
          walk(t);
        }
      }
    };
    walk('inspectRetry');
    expect([...after].sort()).toEqual(['classifyFinal', 'failed']);
  });
});

describe('deploy-azure machine runs', () => {
  const failure: DeployFailure = { source: 'azure', code: 'MissingSubscriptionRegistration', message: "namespace 'Microsoft.ContainerInstance'" };
  const cls = (f: DeployFailure): Classification => ({
    classId: f.code === 'MissingSubscriptionRegistration' ? 'azure.provider-unregistered' : 'unknown',
    title: 't',
    facts: { namespace: 'Microsoft.ContainerInstance' },
    repair: f.code === 'MissingSubscriptionRegistration' ? 'azure.register-provider' : null,
    remediation: 'r',
    failure: f,
  });

  it('deploys at most twice and repairs at most once when every deployment fails', async () => {
    let deploys = 0;
    let repairs = 0;
    const m = deployAzureMachine.provide({
      actors: {
        checkAuth: fromPromise(() => Promise.resolve()),
        classify: fromPromise(({ input }: { input: DeployFailure }) => Promise.resolve(cls(input))),
        repair: fromPromise<AzureRepairOutcome, AzureRepairInput>(() => {
          repairs++;
          return Promise.resolve({ repair: 'azure.register-provider', description: 'x' });
        }),
        ensureResourceGroup: fromPromise(() => Promise.resolve({ keyVaultName: 'kv', mysqlName: 'db' })),
        writePartialState: fromPromise(() => Promise.resolve()),
        preflight: fromPromise(() => Promise.resolve({})),
        images: fromPromise(() => Promise.resolve()),
        recheck: fromPromise(() => Promise.resolve('ok')),
        deploy: fromPromise(() => {
          deploys++;
          return Promise.reject(new DeployError(failure));
        }),
        inspectDeployment: fromPromise(({ input }: { input: DeployFailure }) => Promise.resolve(input)),
        waitBackend: fromPromise(() => Promise.resolve()),
        migrate: fromPromise(() => Promise.resolve()),
        persist: fromPromise(() => Promise.resolve()),
      },
    });
    const actor = createActor(m, { input: { interactive: false, keyVaultName: 'kv', mysqlName: 'db' } }).start();
    const snap = await waitFor(actor, (s) => s.status === 'done');
    expect(snap.value).toBe('failed');
    expect(deploys).toBe(2);
    expect(repairs).toBe(1);
    const ctx: DeployAzureContext = snap.context;
    expect(ctx.attempts).toBe(2);
    expect(ctx.applied).toEqual(['azure.register-provider']);
  });

  it('never runs the login repair without an interactive terminal', async () => {
    let logins = 0;
    const m = deployAzureMachine.provide({
      actors: {
        checkAuth: fromPromise(() => Promise.reject(new DeployError({ source: 'auth', code: 'CredentialUnavailableError', message: 'run az login' }))),
        classify: fromPromise<Classification, DeployFailure>(({ input }) =>
          Promise.resolve({ classId: 'azure.auth-missing', title: 't', facts: {}, repair: 'azure.login', remediation: 'az login', failure: input }),
        ),
        repair: fromPromise<AzureRepairOutcome, AzureRepairInput>(() => {
          logins++;
          return Promise.resolve({ repair: 'azure.login', description: 'x' });
        }),
      },
    });
    const actor = createActor(m, { input: { interactive: false, keyVaultName: 'kv', mysqlName: 'db' } }).start();
    const snap = await waitFor(actor, (s) => s.status === 'done');
    expect(snap.value).toBe('failed');
    expect(logins).toBe(0);
  });

  it('purges only the vault this deployment derives', async () => {
    let purges = 0;
    const m = deployAzureMachine.provide({
      actors: {
        checkAuth: fromPromise(() => Promise.resolve()),
        ensureResourceGroup: fromPromise(() => Promise.resolve({ keyVaultName: 'devlakekvabcde', mysqlName: 'db' })),
        writePartialState: fromPromise(() => Promise.resolve()),
        preflight: fromPromise<PreflightFindings, void>(() => Promise.resolve({ vault: { source: 'probe', code: 'VaultSoftDeleted', message: "Key vault 'other' is soft-deleted." } })),
        classify: fromPromise<Classification, DeployFailure>(({ input }) =>
          Promise.resolve({ classId: 'azure.keyvault-soft-deleted', title: 't', facts: { name: 'otherkv' }, repair: 'azure.purge-vault', remediation: 'r', failure: input }),
        ),
        repair: fromPromise<AzureRepairOutcome, AzureRepairInput>(() => {
          purges++;
          return Promise.resolve({ repair: 'azure.purge-vault', description: 'x' });
        }),
      },
    });
    const actor = createActor(m, { input: { interactive: true, keyVaultName: 'devlakekvabcde', mysqlName: 'db' } }).start();
    const snap = await waitFor(actor, (s) => s.status === 'done');
    expect(snap.value).toBe('failed');
    expect(purges).toBe(0);
  });
});
