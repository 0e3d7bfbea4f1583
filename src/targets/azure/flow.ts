// The Azure deploy flow: the deploy-azure machine with its actors provided.
// A failure's journey: SDK error → DeployFailure (src/recovery/failure) → inner codes from the
// deployment's operations (src/azure/arm) → class (src/recovery/classify) → repair (here) →
// four report lines per incident (src/recovery/report) → state-file history.

import path from 'node:path';
import { createActor, fromPromise, waitFor } from 'xstate';
import {
  deployAzureMachine,
  type AzureRepairInput,
  type AzureRepairOutcome,
  type DeployAzureContext,
  type DeployAzureInput,
  type DeployOutcome,
  type FindingKind,
  type PreflightFindings,
} from '../../../machines/deploy-azure.js';
import { classify } from '../../recovery/classify.js';
import { toDeployFailure } from '../../recovery/failure.js';
import { DeployError, RepairDeclinedError } from '../../recovery/deploy-error.js';
import { buildRecord, declinedText, detectedText, oneLine, type ReportLine, type RunSummary } from '../../recovery/report.js';
import type { Classification, DeployFailure, RecoveryRecord, RepairId } from '../../recovery/types.js';
import { appendAzureHistory, readAzureState, writeAzureState, type AzureState } from '../../devlake/state.js';
import type { Output } from '../../io/output.js';
import { createHash } from 'node:crypto';
import { azureNames, deploymentRunName, officialImages, suffixFor, type AzureNames } from '../../azure/names.js';
import { generateSecrets, planSecrets, redact, secretParameter, type DeploySecrets, type SecretPlan } from '../../azure/secrets.js';
import { buildTemplate, OUTPUTS, SECRET_NAMES } from '../../azure/template.js';
import { defaultAzureContext, type AzureContext, type AzureContextFactory } from '../../azure/context.js';
import {
  cancelDeployment,
  checkToken,
  containerGroup,
  deletedVault,
  deploymentState,
  deployTemplate,
  enableTemplateDeployment,
  existingVault,
  isForbidden,
  vaultSecretExists,
  ensureResourceGroup,
  failedOperations,
  mysqlState,
  openArm,
  purgeDeletedVault,
  registerProvider,
  startMysql,
  unregisteredProviders,
  type ArmClients,
} from '../../azure/arm.js';
import { migrate as migrateBackend, waitForBackend } from '../../azure/backend.js';
import type { MigrationResult } from '../../devlake/health.js';
import { findSubscription } from '../../azure/subscriptions.js';
import { ensureRegistry, registryLogin, type RegistryLogin } from '../../azure/registry.js';
import { buildAndPushImages, checkPushedImages, forkSource, type ImageSet } from '../../azure/images.js';
import { openEngine, type Engine } from '../../engine/client.js';
import { confirmOnTerminal, defaultLogin, isInteractive, signInRepair, type LoginFn } from '../../azure/login.js';
import { azureDeclineReason } from '../../../machines/guards.js';
import { azureRepair } from '../../recovery/repairs/index.js';
import { NOT_HERE, seconds, type AzureRepairEffects, type AzureRepairNames } from '../../recovery/repairs/kit.js';
import { waitUntil, WaitTimeoutError } from '../../util/wait.js';
import { makeDir } from '../../util/make-dir.js';

/** Resource providers an official-images deployment needs. */
export const REQUIRED_PROVIDERS = ['Microsoft.KeyVault', 'Microsoft.DBforMySQL', 'Microsoft.ContainerInstance'] as const;

export interface AzureTimeouts {
  /** Provider registration, until 'Registered'. */
  providerMs: number;
  /** MySQL start, until 'Ready'. */
  mysqlMs: number;
  /** Backend's first answer on /ping after the deployment. */
  backendMs: number;
  /** The first wait for the migration; still running then: the azure.migration-warming class. */
  migrationFirstMs: number;
  /** The longer migration wait of its repair (azure.wait-migration). */
  migrationMs: number;
  /** Interval of our own polls (provider state, MySQL state, backend). */
  pollMs: number;
}

/** How long the cancel of our deployment may take after Ctrl-C (inside the CLI's 3 s interrupt deadline). */
const CANCEL_MS = 2_000;

export const DEFAULT_TIMEOUTS: AzureTimeouts = {
  providerMs: 300_000,
  mysqlMs: 600_000,
  backendMs: 900_000,
  migrationFirstMs: 60_000,
  migrationMs: 300_000,
  pollMs: 5_000,
};

export interface AzureFlowOptions {
  resourceGroup: string;
  location: string;
  subscription?: string;
  baseName: string;
  version: string;
  /** Custom images in an Azure Container Registry (absent: the official images). */
  custom?: { repoUrl?: string; skipBuild: boolean };
  dir: string;
  /** Skip the login question (the login itself still needs a terminal). */
  yes: boolean;
  /**
   * `--rotate-secrets`: generate a new MySQL password and ENCRYPTION_SECRET even though the vault
   * holds them. Without it a re-run reuses both (a new ENCRYPTION_SECRET makes every credential
   * DevLake encrypted with the old one unreadable).
   */
  rotateSecrets?: boolean;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  inspect?: (actorOptions: { inspect?: unknown }) => void;
  /** Repairs switched off (`--no-repair`, GH_DEVLAKE_NO_REPAIR): they decline, and say so. */
  disabled?: readonly RepairId[];
}

/** What the product takes from the world, injectable (tests: fake ARM, test credential). */
export interface AzureFlowDeps {
  context?: AzureContextFactory;
  login?: LoginFn;
  /** Whether the login repair may prompt (default: TTY on stdin and stderr, and CI not 'true'). */
  interactive?: boolean;
  confirm?: (question: string) => Promise<boolean>;
  timeouts?: Partial<AzureTimeouts>;
  /** Secrets to use instead of fresh ones (tests, to look for them in every output). */
  secrets?: DeploySecrets;
  /** The Docker engine that builds and pushes custom images (default: the environment's). */
  engine?: () => Engine;
}

/** One failure met on the run and what was done about it: exactly four report lines. */
export interface AzureIncident {
  classId: string;
  repair: RepairId | null;
  outcome: 'recovered' | 'failed';
  lines: ReportLine[];
  record: RecoveryRecord;
}

export interface AzureFlowResult {
  outcome: 'ok' | 'recovered' | 'failed' | 'interrupted';
  resourceGroup: string;
  subscriptionId?: string;
  names: AzureNames;
  endpoints?: DeployOutcome['endpoints'];
  incidents: AzureIncident[];
  /** The report lines of every incident, in order. */
  report: ReportLine[];
  failure?: { classId: string; message: string; remediation: string };
  stateFile?: string;
  /** The database migration, when it finished: how, and how long from its start. */
  migration?: MigrationResult;
  attempts: number;
  context: DeployAzureContext;
  /** Where each secret came from on this run: reused from the vault, or generated (new or --rotate-secrets). */
  secrets?: { mysqlPassword: 'reused' | 'generated'; encryptionSecret: 'reused' | 'generated' };
  /** The deployment recorded in the state file was healthy and nothing differed: no submission. */
  unchanged?: boolean;
  /** Interrupted (Ctrl-C): what happened to our running ARM deployment. */
  interrupted?: { deployment?: string; cancelled: boolean; detail: string };
  /** Checks that a missing permission (403) kept from running; the deploy went on without them. */
  couldNotCheck: string[];
}




/** "The long-running operation has failed. DeploymentFailed. At least one…" → its code. */
function lroCode(message: string): string | undefined {
  return /long-running operation has failed\. (\w+)\./.exec(message)?.[1];
}

function azureFailure(err: unknown, operation: string, target?: string): DeployFailure {
  if (err instanceof DeployError) return err.failure;
  const f = toDeployFailure(err, { source: 'azure', operation, ...(target ? { target } : {}) });
  if (f.code === undefined) {
    const code = lroCode(f.message);
    if (code) return { ...f, source: 'azure', code };
  }
  return f;
}

/** Run the Azure deploy to its end. Never throws for deploy failures: they come back classified. */
export async function runAzureFlow(opts: AzureFlowOptions, out: Output, deps: AzureFlowDeps = {}): Promise<AzureFlowResult> {
  const dir = path.resolve(opts.dir);
  const t: AzureTimeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const secrets = deps.secrets ?? generateSecrets();
  let images: ImageSet | ReturnType<typeof officialImages> = officialImages(opts.version);
  let registry: RegistryLogin | undefined;
  const providers: readonly string[] = opts.custom ? [...REQUIRED_PROVIDERS, 'Microsoft.ContainerRegistry'] : REQUIRED_PROVIDERS;
  const signal = opts.signal;
  const login = deps.login ?? defaultLogin;
  const interactive = deps.interactive ?? isInteractive(opts.env);
  const confirm = deps.confirm ?? confirmOnTerminal;
  const clean = (s: string) => {
    const r = redact(s, secrets);
    return registry ? r.split(registry.password).join('***') : r;
  };

  const ctx: AzureContext = await (deps.context ?? defaultAzureContext)({ ...(opts.subscription ? { subscription: opts.subscription } : {}), env: opts.env });
  let subscriptionId = ctx.subscriptionId;
  let arm: ArmClients | undefined;
  let location = opts.location;
  let stateFile: string | undefined;
  let migration: MigrationResult | undefined;
  const previous = await readAzureState(dir).catch(() => undefined);
  const sameGroup = previous && previous.resourceGroup.toLowerCase() === opts.resourceGroup.toLowerCase() ? previous : undefined;
  let samePrevious = sameGroup;
  // Until the subscription is known: the recorded suffix (its names are what the guards compare), else a placeholder.
  let names: AzureNames = azureNames(opts.baseName, sameGroup?.suffix ?? 'xxxxx');
  // What the repair modules see; filled in again once the names are resolved (ensureResourceGroup).
  const repairNames: AzureRepairNames = { keyVault: names.keyVault, mysql: names.mysql, resourceGroup: opts.resourceGroup, deployment: names.deployment };
  /** The recorded suffix for this group and subscription (the Go tool's, or an earlier run's), else the derived one. */
  const resolveNames = (sub: string): AzureNames => {
    const recorded = sameGroup && (!sameGroup.subscriptionId || sameGroup.subscriptionId === sub) ? sameGroup : undefined;
    samePrevious = recorded;
    return azureNames(opts.baseName, recorded?.suffix || suffixFor(sub, opts.resourceGroup));
  };
  const couldNotCheck: string[] = [];
  /** A 403 from a check: say what could not be checked, and go on (the deployment itself may be allowed). */
  const notChecked = (what: string, err: unknown): void => {
    const e = err as { code?: string; message?: string };
    const text = `could not check ${what}: ${e.code ?? 'Forbidden'} — ${oneLine(e.message ?? String(err))}`;
    couldNotCheck.push(text);
    out.note(`${text[0]?.toUpperCase() ?? ''}${text.slice(1)}. Going on without it.`);
  };
  let plan: SecretPlan | undefined;
  let vaultExists = false;
  let vaultRetention: number | undefined;
  /** The submission ARM accepted and has not finished: the one an interrupt cancels. */
  let running: string | undefined;
  let lastSubmission: string | undefined;
  let unchanged = false;

  const getArm = async (): Promise<ArmClients> => {
    if (arm) return arm;
    if (!subscriptionId) {
      const pick = await findSubscription(ctx, opts.env, signal).catch((err: unknown) => {
        throw new DeployError(azureFailure(err, 'subscriptions.list'), { cause: err });
      });
      subscriptionId = pick.subscriptionId;
      if (subscriptionId) out.note(`Using subscription ${subscriptionId}: ${pick.reason}.`);
      else {
        throw new DeployError({
          source: 'azure',
          code: 'SubscriptionNotFound',
          operation: 'subscription.resolve',
          message: `no Azure subscription selected (${pick.reason}): pass --subscription <id> or set AZURE_SUBSCRIPTION_ID`,
        });
      }
    }
    arm = await openArm(ctx, subscriptionId);
    return arm;
  };

  /** Poll `check` until it says done, at most `totalMs` (src/util/wait.ts: bounded in time and attempts). */
  const pollUntil = async (what: string, totalMs: number, check: () => Promise<string | undefined>): Promise<{ state: string; elapsedMs: number }> => {
    const startedAt = Date.now();
    try {
      const r = await waitUntil<string>({
        what,
        deadline: startedAt + totalMs,
        startedAt,
        intervalMs: t.pollMs,
        ...(signal ? { signal } : {}),
        check: async () => {
          const state = await check();
          return state !== undefined ? { done: true, value: state } : { done: false, seen: 'not yet' };
        },
        onProgress: (p) => out.progress(`${what}… ${seconds(p.elapsedMs)} of ${seconds(p.totalMs)}`),
      });
      return { state: r.value, elapsedMs: r.elapsedMs };
    } catch (err) {
      if (err instanceof WaitTimeoutError) throw new Error(`${what} did not finish within ${seconds(totalMs)}`, { cause: err });
      throw err;
    }
  };

  // ── Actors ──────────────────────────────────────────────────────────────────

  const checkAuth = async (): Promise<void> => {
    out.progress('Checking the Azure sign-in');
    try {
      await checkToken(ctx, signal);
    } catch (err) {
      throw new DeployError(toDeployFailure(err, { source: 'auth', operation: 'credential.getToken' }), { cause: err });
    }
  };

  const ensureRg = async (): Promise<{ keyVaultName: string; mysqlName: string }> => {
    const a = await getArm();
    names = resolveNames(a.subscriptionId);
    Object.assign(repairNames, { keyVault: names.keyVault, mysql: names.mysql, deployment: names.deployment });
    out.progress(`Creating resource group ${opts.resourceGroup} in ${opts.location}`);
    try {
      const rg = await ensureResourceGroup(a, opts.resourceGroup, opts.location);
      location = rg.location;
      repairNames.location = location;
      if (!rg.created && rg.location.toLowerCase() !== opts.location.toLowerCase()) {
        out.note(`Resource group ${opts.resourceGroup} already exists in ${rg.location}; deploying there.`);
      }
      if (rg.tag === 'merged') out.note(`Added tag managed-by=gh-devlake to resource group ${opts.resourceGroup} (merged; its other tags are kept).`);
      else if (typeof rg.tag === 'object') out.note(`Could not tag resource group ${opts.resourceGroup} (${oneLine(rg.tag.skipped)}); its tags are left as they are.`);
    } catch (err) {
      throw new DeployError(azureFailure(err, 'resourceGroups.createOrUpdate', opts.resourceGroup), { cause: err });
    }
    return { keyVaultName: names.keyVault, mysqlName: names.mysql };
  };

  const baseState = (): AzureState => ({
    ...(samePrevious ?? {}),
    method: 'azure',
    subscriptionId: subscriptionId ?? '',
    resourceGroup: opts.resourceGroup,
    region: location,
    suffix: names.suffix,
    baseName: opts.baseName,
    useOfficialImages: !opts.custom,
    version: opts.version,
    ...(lastSubmission ? { deploymentName: lastSubmission } : {}),
    // References to the secrets, never their values.
    secrets: { keyVault: `/subscriptions/${subscriptionId ?? ''}/resourceGroups/${opts.resourceGroup}/providers/Microsoft.KeyVault/vaults/${names.keyVault}`, ...SECRET_NAMES },
    resources: { keyVault: names.keyVault, mysql: names.mysql, database: names.database, containers: [names.backend, names.grafana, names.configUi], acr: opts.custom ? names.acr : null },
  });

  const writePartialState = async (): Promise<void> => {
    await makeDir(dir);
    stateFile = await writeAzureState(dir, { ...baseState(), status: 'incomplete' });
  };

  /** A 403 turns into "could not check"; every other error is the preflight's failure. */
  const check = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (isForbidden(err)) {
        notChecked(what, err);
        return undefined;
      }
      throw err;
    }
  };

  const vaultFinding = (deleted: Awaited<ReturnType<typeof deletedVault>>): DeployFailure | undefined => {
    if (!deleted) return undefined;
    const where = deleted.location ? ` in ${deleted.location}` : '';
    if (deleted.purgeProtection) {
      return {
        source: 'probe',
        code: 'VaultPurgeProtected',
        operation: 'vaults.listDeleted',
        target: names.keyVault,
        message: `Key vault '${names.keyVault}' is soft-deleted${where} with purge protection; scheduled purge date ${deleted.scheduledPurgeDate?.toISOString() ?? 'unknown'}.`,
      };
    }
    return {
      source: 'probe',
      code: 'VaultSoftDeleted',
      operation: 'vaults.listDeleted',
      target: names.keyVault,
      message: `Key vault '${names.keyVault}' is soft-deleted${where}${deleted.deletionDate ? ` (deleted ${deleted.deletionDate.toISOString()})` : ''} and still holds its name.`,
    };
  };

  /**
   * The secrets of this run: a vault that exists keeps its secrets (passed to ARM as Key Vault
   * references, so their values never reach us) and its soft-delete retention.
   */
  const prepareSecrets = async (a: ArmClients): Promise<void> => {
    const before = couldNotCheck.length;
    let vault = await check(`Key Vault ${names.keyVault}`, () => existingVault(a, opts.resourceGroup, names.keyVault));
    // Not allowed to look, but the state file records this deployment's secrets: trust it rather than
    // generate new ones (which would overwrite the vault's and rotate ENCRYPTION_SECRET). ARM checks
    // the references itself.
    const recorded = samePrevious?.secrets?.keyVault;
    if (!vault && couldNotCheck.length > before && recorded) vault = { id: recorded, enabledForTemplateDeployment: true };
    vaultExists = vault !== undefined;
    vaultRetention = vault?.softDeleteRetentionInDays;
    const has = { mysqlPassword: false, encryptionSecret: false };
    if (vault) {
      for (const key of ['mysqlPassword', 'encryptionSecret'] as const) {
        const mark = couldNotCheck.length;
        const found = await check(`secret ${SECRET_NAMES[key]} in ${names.keyVault}`, () => vaultSecretExists(a, opts.resourceGroup, names.keyVault, SECRET_NAMES[key]));
        has[key] = found ?? (couldNotCheck.length > mark && recorded !== undefined);
      }
    }
    plan = planSecrets({ ...(vault ? { vaultId: vault.id } : {}), has, rotate: Boolean(opts.rotateSecrets), names: SECRET_NAMES }, secrets);
    const reused = [plan.mysqlPassword, plan.encryptionSecret].some((p) => p.from === 'vault');
    if (vault && reused && !vault.enabledForTemplateDeployment) {
      out.progress(`Letting Azure Resource Manager read the secrets of ${names.keyVault} (enabledForTemplateDeployment)`);
      await enableTemplateDeployment(a, opts.resourceGroup, names.keyVault);
      out.note(`Key Vault ${names.keyVault}: turned on enabledForTemplateDeployment, so the deployment reads the existing secrets from it.`);
    }
    if (opts.rotateSecrets && vault && (has.mysqlPassword || has.encryptionSecret)) {
      out.note(
        `--rotate-secrets: new MySQL admin password and new ENCRYPTION_SECRET. The server's password is reset, and every ` +
          'credential DevLake stored with the old ENCRYPTION_SECRET (connections, tokens) can no longer be decrypted: enter them again.',
      );
    } else if (vault) {
      const missing = (['mysqlPassword', 'encryptionSecret'] as const).filter((k) => !has[k]).map((k) => SECRET_NAMES[k]);
      if (missing.length > 0) out.note(`Key Vault ${names.keyVault} has no ${missing.join(' or ')}: generating ${missing.length > 1 ? 'them' : 'it'} now.`);
    }
  };

  let unregistered: string[] = [];
  const preflight = async (): Promise<PreflightFindings> => {
    const a = await getArm();
    const findings: PreflightFindings = {};
    out.progress('Checking resource providers, Key Vault and MySQL before deploying');
    try {
      const missing = (await check('the resource providers', () => unregisteredProviders(a, providers))) ?? [];
      unregistered = missing.map((m) => m.namespace);
      const [first, ...rest] = missing;
      if (first) {
        const msg = (m: { namespace: string; state: string }) => `The subscription is not registered to use namespace '${m.namespace}' (state ${m.state}).`;
        findings.provider = {
          source: 'probe',
          code: 'MissingSubscriptionRegistration',
          operation: 'providers.get',
          target: first.namespace,
          message: [first, ...rest].map(msg).join(' '),
        };
      }
      const vault = vaultFinding(await check(`for a soft-deleted Key Vault named ${names.keyVault}`, () => deletedVault(a, names.keyVault)));
      if (vault) findings.vault = vault;
      const state = await check(`MySQL server ${names.mysql}`, () => mysqlState(a, opts.resourceGroup, names.mysql));
      if (state !== undefined && state.toLowerCase() === 'stopped') {
        findings.mysql = {
          source: 'probe',
          code: 'MySqlServerStopped',
          operation: 'servers.get',
          target: names.mysql,
          message: `MySQL flexible server '${names.mysql}' is in state 'Stopped'.`,
        };
      }
      await prepareSecrets(a);
    } catch (err) {
      throw new DeployError(azureFailure(err, 'preflight'), { cause: err });
    }
    return findings;
  };

  let repairStage: AzureRepairInput['stage'] = 'auth';
  /** The repair the class names, from the registry (src/recovery/repairs/), over these effects. */
  const repair = async ({ input }: { input: AzureRepairInput }): Promise<AzureRepairOutcome> => {
    const c = input.classification;
    repairStage = input.stage;
    const module = azureRepair(c.repair);
    if (!module) throw new RepairDeclinedError('this failure has no automatic repair');
    const effects: AzureRepairEffects = {
      names: repairNames,
      stage: input.stage,
      progress: (text) => out.progress(text),
      signIn: async (id, cls) => {
        const io = { env: opts.env, note: (s: string) => out.note(s), endpoint: ctx.endpoint, ...(signal ? { signal } : {}), ...(ctx.identityOptions ? { identityOptions: ctx.identityOptions } : {}) };
        const result = await signInRepair({ repair: id, facts: cls.facts, yes: opts.yes, confirm, login, io });
        if (result.credential) {
          ctx.credential = result.credential;
          ctx.credentialKind = 'device-code';
          arm = undefined;
        }
        return result.description;
      },
      preflightUnregistered: () => unregistered,
      registerProvider: async (ns) => {
        await registerProvider(await getArm(), ns);
      },
      unregisteredProviders: async (namespaces) => unregisteredProviders(await getArm(), namespaces),
      pollUntil: async (what, timeout, check) => {
        await pollUntil(what, t[timeout], check);
      },
      deletedVault: async () => deletedVault(await getArm(), names.keyVault),
      purgeDeletedVault: async (at) => purgeDeletedVault(await getArm(), names.keyVault, at ?? location, signal),
      startMysql: async () => startMysql(await getArm(), opts.resourceGroup, names.mysql, signal),
      mysqlState: async () => mysqlState(await getArm(), opts.resourceGroup, names.mysql),
      backendUrl: () => currentEndpoints?.backend,
      waitMigration: async (backend) => {
        const since = Date.now();
        await migrateBackend(backend, {
          deadline: since + t.migrationMs,
          triggerDeadline: Math.max(migrationDeadline, since + t.migrationMs),
          intervalMs: t.pollMs,
          ...(signal ? { signal } : {}),
          onProgress: (s) => out.progress(s),
        });
        return { elapsedMs: Date.now() - since, totalMs: t.migrationMs };
      },
    };
    return module.apply(effects, { classification: c });
  };

  const recheck = async ({ input }: { input: { kind: FindingKind; classification: Classification } }): Promise<string> => {
    const a = await getArm();
    if (input.kind === 'provider') {
      const namespaces = unregistered.length > 0 ? unregistered : [...providers];
      const missing = await unregisteredProviders(a, namespaces);
      const first = missing[0];
      if (first) {
        throw new DeployError({ source: 'probe', code: 'MissingSubscriptionRegistration', operation: 'providers.get', target: first.namespace, message: `The subscription is still not registered to use namespace '${first.namespace}' (state ${first.state}).` });
      }
      return `${namespaces.join(', ')} ${namespaces.length > 1 ? 'are' : 'is'} Registered`;
    }
    if (input.kind === 'vault') {
      const deleted = await deletedVault(a, names.keyVault);
      if (deleted) throw new DeployError({ source: 'probe', code: deleted.purgeProtection ? 'VaultPurgeProtected' : 'VaultSoftDeleted', operation: 'vaults.listDeleted', target: names.keyVault, message: `Key vault '${names.keyVault}' is still soft-deleted.` });
      return `the name ${names.keyVault} is free`;
    }
    const s = await mysqlState(a, opts.resourceGroup, names.mysql);
    if (s !== undefined && s.toLowerCase() === 'stopped') {
      throw new DeployError({ source: 'probe', code: 'MySqlServerStopped', operation: 'servers.get', target: names.mysql, message: `MySQL flexible server '${names.mysql}' is in state 'Stopped'.` });
    }
    return `MySQL server ${names.mysql} is ${s ?? 'absent (the deployment creates it)'}`;
  };

  const prepareImages = async (): Promise<void> => {
    if (!opts.custom) return;
    const custom = opts.custom;
    const a = await getArm();
    try {
      const target = { subscriptionId: a.subscriptionId, resourceGroup: opts.resourceGroup, name: names.acr, location, ...(ctx.pollIntervalMs !== undefined ? { pollIntervalMs: ctx.pollIntervalMs } : {}), ...(signal ? { signal } : {}) };
      out.progress(`Creating container registry ${names.acr} (Basic)`);
      const { server } = await ensureRegistry(ctx, target);
      const login = await registryLogin(ctx, target, server);
      registry = login;
      const engine = (deps.engine ?? (() => openEngine({ env: opts.env })))();
      if (custom.skipBuild) {
        out.progress(`Checking the images in ${server}`);
        images = await checkPushedImages(engine, login, opts.version, signal);
        out.note(`Using the images already in ${server} (tag ${opts.version}).`);
        return;
      }
      out.progress(`Getting the source of ${custom.repoUrl ?? ''}`);
      const source = await forkSource(custom.repoUrl ?? '', signal);
      try {
        images = (await buildAndPushImages({ engine, sourceDir: source.dir, registry: login, tag: opts.version, env: opts.env, onProgress: (t) => out.progress(clean(t)), ...(signal ? { signal } : {}) })).images;
      } finally {
        await source.cleanup();
      }
      out.note(`Pushed ${Object.values(images).join(', ')}.`);
    } catch (err) {
      throw new DeployError(azureFailure(err, 'images', names.acr), { cause: err });
    }
  };

  let currentEndpoints: DeployOutcome['endpoints'] | undefined;
  /** What a deployment is made of, secrets aside: equal hashes deploy the same thing. */
  const templateHash = (template: ReturnType<typeof buildTemplate>): string =>
    createHash('sha256').update(JSON.stringify({ template, location: location.toLowerCase() })).digest('hex');

  /**
   * Converge by hash: the state file records a complete deployment of the same template, that
   * deployment Succeeded, its servers and container groups are there, and both secrets come from
   * the vault — then nothing would change, and nothing is submitted.
   */
  const alreadyDeployed = async (a: ArmClients, hash: string): Promise<DeployOutcome | undefined> => {
    const prev = samePrevious;
    const recorded = prev?.deploymentName;
    if (!prev || !recorded || prev.status !== 'complete' || prev.templateHash !== hash || !prev.endpoints?.backend) return undefined;
    if (!plan || plan.mysqlPassword.from !== 'vault' || plan.encryptionSecret.from !== 'vault') return undefined;
    if ((await deploymentState(a, opts.resourceGroup, recorded))?.toLowerCase() !== 'succeeded') return undefined;
    if ((await mysqlState(a, opts.resourceGroup, names.mysql))?.toLowerCase() !== 'ready') return undefined;
    for (const g of [names.backend, names.grafana, names.configUi]) if (!(await containerGroup(a, opts.resourceGroup, g)).exists) return undefined;
    const e = prev.endpoints;
    lastSubmission = recorded;
    return { endpoints: { backend: e.backend ?? '', grafana: e.grafana ?? '', configUi: e.configUi ?? '' }, unchanged: true };
  };

  let currentHash: string | undefined;
  const deploy = async ({ input }: { input: { attempt: 1 | 2 } }): Promise<DeployOutcome> => {
    const a = await getArm();
    const template = buildTemplate({ names, images, ...(registry ? { registry: { server: registry.server, username: registry.username } } : {}) });
    currentHash = templateHash(template);
    if (input.attempt === 1 && !opts.rotateSecrets) {
      const same = await alreadyDeployed(a, currentHash).catch(() => undefined);
      if (same) {
        unchanged = true;
        currentEndpoints = same.endpoints;
        out.note(`Unchanged: deployment ${lastSubmission ?? ''} succeeded with this template, and the secrets stay in ${names.keyVault}; nothing submitted.`);
        return same;
      }
    }
    // A name per submission: a rejected one has no operations of its own, and must never be read as an earlier run's.
    const name = deploymentRunName(names.deployment, new Date(), input.attempt);
    lastSubmission = name;
    // Recorded before it runs: after a crash or a kill, doctor and the next run know which deployment is ours.
    if (stateFile) stateFile = await writeAzureState(dir, { ...baseState(), status: 'incomplete' }).catch(() => stateFile);
    out.progress(input.attempt === 1 ? `Deploying Key Vault, MySQL and Container Instances (${name})` : `Deploying again (${name})`);
    const p = plan ?? planSecrets({ has: { mysqlPassword: false, encryptionSecret: false }, rotate: false, names: SECRET_NAMES }, secrets);
    // Set before the PUT: an interrupt while it is in flight may still leave ARM running it.
    running = name;
    try {
      const result = await deployTemplate(
        a,
        opts.resourceGroup,
        name,
        template,
        {
          location: { value: location },
          mysqlAdminPassword: secretParameter(p.mysqlPassword),
          encryptionSecret: secretParameter(p.encryptionSecret),
          createVault: { value: !vaultExists },
          ...(vaultRetention === undefined ? {} : { vaultRetentionDays: { value: vaultRetention } }),
          writeMysqlPassword: { value: p.mysqlPassword.from === 'generated' },
          writeEncryptionSecret: { value: p.encryptionSecret.from === 'generated' },
          ...(registry ? { registryPassword: { value: registry.password } } : {}),
        },
        signal,
      );
      running = undefined;
      const o = result.outputs;
      const endpoints = {
        backend: o[OUTPUTS.backend] ?? `http://${names.dnsLabels.backend}.${location}.azurecontainer.io:8080`,
        grafana: o[OUTPUTS.grafana] ?? `http://${names.dnsLabels.grafana}.${location}.azurecontainer.io:3000`,
        configUi: o[OUTPUTS.configUi] ?? `http://${names.dnsLabels.configUi}.${location}.azurecontainer.io:4000`,
      };
      currentEndpoints = endpoints;
      return { endpoints };
    } catch (err) {
      // Interrupted while ARM runs it: `running` stays set, for the cancel.
      if (!signal?.aborted) running = undefined;
      throw new DeployError(azureFailure(err, 'deployments.createOrUpdate', name), { cause: err });
    }
  };

  const inspectDeployment = async ({ input }: { input: DeployFailure }): Promise<DeployFailure> => {
    const a = await getArm();
    out.progress('Reading the failed deployment operations');
    // This submission's own operations (a rejected one has none: its own error stands).
    const submission = lastSubmission ?? names.deployment;
    const ops = await failedOperations(a, opts.resourceGroup, submission);
    const [first] = ops;
    if (!first) return input;
    const details = [...(input.details ?? [])];
    for (const op of ops) {
      details.push({ code: op.code, message: op.message, ...(op.target ? { target: op.target } : {}) });
      for (const d of op.details) details.push(d);
    }
    // The long-running operation's own message ("…has failed. DeploymentFailed…") says nothing:
    // the first failed operation's words do.
    const more = ops.length > 1 ? ` (and ${ops.length - 1} more failed operation${ops.length > 2 ? 's' : ''})` : '';
    const message = `deployment ${submission} failed${first.target ? ` on '${first.target}'` : ''}: ${first.code}: ${first.message}${more}`;
    return { ...input, message, details };
  };

  const waitBackend = async ({ input }: { input: DeployOutcome }): Promise<void> => {
    await waitForBackend(input.endpoints.backend, { deadline: Date.now() + t.backendMs, intervalMs: t.pollMs, ...(signal ? { signal } : {}), onProgress: (s) => out.progress(s) });
  };

  // The migration: one /proceed-db-migration request for the whole of it (first wait + the repair's).
  let migrationStarted = 0;
  let migrationDeadline = 0;
  const migrate = async ({ input }: { input: { endpoints: DeployOutcome['endpoints']; attempt: 1 | 2 } }): Promise<void> => {
    const now = Date.now();
    if (input.attempt === 1) {
      migrationStarted = now;
      migrationDeadline = now + t.migrationFirstMs + t.migrationMs;
    }
    out.progress(input.attempt === 1 ? 'Starting the database migration (GET /proceed-db-migration)' : 'Checking that the database migration is done');
    const r = await migrateBackend(input.endpoints.backend, {
      // The second attempt only confirms what the repair's wait saw: a short look, no new trigger.
      deadline: input.attempt === 1 ? now + t.migrationFirstMs : now + Math.max(5_000, 2 * t.pollMs),
      triggerDeadline: Math.max(migrationDeadline, now + 5_000),
      intervalMs: t.pollMs,
      ...(signal ? { signal } : {}),
      onProgress: (text) => out.progress(text),
    });
    migration = { how: r.how === 'not-needed' && input.attempt === 2 ? 'triggered' : r.how, durationMs: r.how === 'not-needed' && input.attempt === 1 ? 0 : Date.now() - migrationStarted };
  };

  const persist = async ({ input }: { input: DeployAzureContext }): Promise<void> => {
    stateFile = await writeAzureState(dir, {
      ...baseState(),
      deployedAt: unchanged && samePrevious?.deployedAt ? samePrevious.deployedAt : new Date().toISOString(),
      ...(input.deployment ? { endpoints: input.deployment.endpoints } : {}),
      ...(currentHash ? { templateHash: currentHash } : {}),
      status: 'complete',
    });
  };

  // ── Report: one block of four lines per incident ─────────────────────────────

  interface Open {
    first: Classification;
    last?: Classification;
    lines: ReportLine[];
    repair?: AzureRepairOutcome;
    declined?: string;
    retried: boolean;
    outcome?: 'recovered' | 'failed';
    detail: string;
  }
  const incidents: Open[] = [];
  let open: Open | undefined;

  const closeFailed = (o: Open, c: Classification | undefined, fallback: DeployFailure | undefined) => {
    const message = clean(c ? c.failure.message : (fallback?.message ?? 'unknown failure'));
    const title = c ? c.title : 'failed';
    const remediation = clean(c ? c.remediation : 'Re-run with DEBUG=1 for details.');
    o.detail = `${title}: ${oneLine(message).replace(/[.\s]+$/, '')}`;
    o.outcome = 'failed';
    if (c) o.last = c;
    o.lines.push({ label: 'outcome', text: `failed — ${o.detail}. Next: ${remediation}` });
  };

  const reportDetected = ({ context }: { context: DeployAzureContext }) => {
    const c = context.classification;
    if (!c) return;
    // A retry (or recheck) failed: this classification is that incident's outcome, not a new one.
    if (open && open.retried && !open.outcome) {
      closeFailed(open, c, context.failure);
      return;
    }
    open = { first: c, lines: [{ label: 'detected', text: clean(detectedText(c)) }], retried: false, detail: '' };
    incidents.push(open);
  };
  const reportRepair = ({ context }: { context: DeployAzureContext }) => {
    if (!open || !context.repair) return;
    open.repair = context.repair;
    open.lines.push({ label: 'repair', text: clean(context.repair.description) });
  };
  const retryText = (): string => {
    if (repairStage === 'deploy') return 'deploying again (a new submission, attempt 2 of 2)';
    return azureRepair(open?.repair?.repair)?.retryText(repairNames) ?? 'trying once more';
  };
  const reportRetry = () => {
    if (!open) return;
    open.retried = true;
    open.lines.push({ label: 'retry', text: retryText() });
  };
  const reportRecovered = ({ event }: { event: { type: string } }) => {
    if (!open || open.outcome) return;
    const output = (event as { output?: unknown }).output;
    const r = open.repair?.repair;
    let text: string;
    if (typeof output === 'string') text = output;
    else if (repairStage === 'deploy') text = 'the deployment succeeded';
    else text = azureRepair(r)?.recoveredText ?? 'the step succeeded';
    open.outcome = 'recovered';
    open.detail = text;
    open.lines.push({ label: 'outcome', text: `recovered — ${clean(text)}` });
  };

  const declineReason = (c: Classification, context: DeployAzureContext): string => {
    if (context.repairDeclined) return clean(context.repairDeclined);
    return azureDeclineReason(c, context.input, context.applied) || NOT_HERE;
  };

  const reportFailed = ({ context }: { context: DeployAzureContext }) => {
    if (open && !open.outcome) {
      if (!open.retried) {
        // Classified, but no repair ran (none exists, a guard said no, or the repair declined).
        open.declined = declineReason(open.first, context);
        // No repair ran, so no retry happened: no `Retry` line (as in the local flow).
        open.lines.push({ label: 'repair', text: declinedText(open.declined) });
        closeFailed(open, open.first, context.failure);
      } else {
        closeFailed(open, context.classification, context.failure);
      }
      return;
    }
    // A failure that was never classified (state file write, persist…): classify it for the report.
    if (context.failure && (!open || open.outcome === 'recovered')) {
      const c = classify(context.failure);
      const o: Open = { first: c, lines: [{ label: 'detected', text: clean(detectedText(c)) }], retried: false, detail: '' };
      o.declined = 'no automatic repair for this failure';
      o.lines.push({ label: 'repair', text: declinedText(o.declined) });
      closeFailed(o, c, context.failure);
      incidents.push(o);
      open = o;
    }
  };

  const machine = deployAzureMachine.provide({
    actors: {
      checkAuth: fromPromise(checkAuth),
      classify: fromPromise(({ input }: { input: DeployFailure }) => Promise.resolve(classify(input))),
      repair: fromPromise(repair),
      ensureResourceGroup: fromPromise(ensureRg),
      writePartialState: fromPromise(writePartialState),
      preflight: fromPromise(preflight),
      images: fromPromise(prepareImages),
      recheck: fromPromise(recheck),
      deploy: fromPromise(deploy),
      inspectDeployment: fromPromise(inspectDeployment),
      waitBackend: fromPromise(waitBackend),
      migrate: fromPromise(migrate),
      persist: fromPromise(persist),
    },
    actions: {
      reportDetected,
      reportRepair,
      reportRetry,
      reportRecovered,
      reportFailed,
    },
  });

  /**
   * Ctrl-C while ARM runs our deployment: cancel it (else the next run meets DeploymentActive),
   * bounded so the process still exits within its interrupt deadline.
   */
  const cancelOurDeployment = async (): Promise<NonNullable<AzureFlowResult['interrupted']>> => {
    const name = running;
    if (!name || !arm) return { cancelled: false, detail: 'no ARM deployment of ours was running' };
    try {
      await cancelDeployment(arm, opts.resourceGroup, name, AbortSignal.timeout(CANCEL_MS));
      return { deployment: name, cancelled: true, detail: `cancelled ARM deployment ${name}; what it created so far stays (re-run the deploy, or \`gh-devlake cleanup --azure\`)` };
    } catch (err) {
      const e = err as { statusCode?: number; code?: string; message?: string };
      if (e.statusCode === 404) return { deployment: name, cancelled: false, detail: `ARM deployment ${name} was never created (nothing to cancel)` };
      const why = e.code ? `${e.code}: ${oneLine(e.message ?? '')}` : err instanceof Error ? err.message : String(err);
      return {
        deployment: name,
        cancelled: false,
        detail: `could not cancel ARM deployment ${name} (${why}); cancel it with \`az deployment group cancel --name ${name} --resource-group ${opts.resourceGroup}\``,
      };
    }
  };

  const kind = ctx.credentialKind === 'device-code' ? 'cli' : (ctx.credentialKind ?? 'cli');
  const input: DeployAzureInput = {
    interactive,
    credential: kind,
    keyVaultName: names.keyVault,
    mysqlName: names.mysql,
    resourceGroup: opts.resourceGroup,
    ...(opts.disabled && opts.disabled.length > 0 ? { disabled: opts.disabled } : {}),
  };
  const actorOptions: { input: DeployAzureInput; inspect?: unknown } = { input };
  opts.inspect?.(actorOptions);
  const actor = createActor(machine, actorOptions as { input: DeployAzureInput });
  actor.start();
  const onAbort = () => actor.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  let snapshot;
  try {
    snapshot = await waitFor(actor, (s) => s.status === 'done', signal ? { signal, timeout: Infinity } : { timeout: Infinity });
  } catch (err) {
    if (!signal?.aborted) throw err;
    out.done();
    const interrupted = await cancelOurDeployment();
    return {
      outcome: 'interrupted',
      resourceGroup: opts.resourceGroup,
      ...(subscriptionId ? { subscriptionId } : {}),
      names,
      incidents: [],
      report: [],
      ...(stateFile ? { stateFile } : {}),
      attempts: 0,
      context: actor.getSnapshot().context,
      couldNotCheck,
      interrupted,
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  out.done();
  const context = snapshot.context;
  const ok = snapshot.value === 'done';
  const recovered = ok && incidents.length > 0;

  const finished: AzureIncident[] = incidents.map((o) => {
    const summary: RunSummary = {
      flow: 'deploy-azure',
      first: o.first,
      ...(o.last ? { last: o.last } : {}),
      ...(o.repair ? { repair: { id: o.repair.repair, description: o.repair.description } } : {}),
      ...(o.declined !== undefined ? { repairDeclined: o.declined } : {}),
      attempts: o.retried ? 2 : 1,
      outcome: o.outcome === 'recovered' ? 'recovered' : 'failed',
      detail: o.detail,
    };
    const record = buildRecord(summary) as RecoveryRecord;
    const order = ['detected', 'repair', 'retry', 'outcome'];
    const lines = [...o.lines].sort((a, b) => order.indexOf(a.label) - order.indexOf(b.label));
    return { classId: o.first.classId, repair: o.repair?.repair ?? null, outcome: o.outcome ?? 'failed', lines, record };
  });

  let failure: AzureFlowResult['failure'];
  if (!ok) {
    const last = incidents[incidents.length - 1];
    const c = last?.last ?? last?.first ?? context.classification;
    failure = {
      classId: c?.classId ?? 'unknown',
      message: clean(c ? c.failure.message : (context.failure?.message ?? 'unknown failure')),
      remediation: clean(c ? c.remediation : 'Re-run with DEBUG=1 for details.'),
    };
  }

  // History: one record per incident, in the state file (when there is one).
  if (finished.length > 0) {
    const state = await readAzureState(dir).catch(() => undefined);
    if (state) {
      let next = state;
      for (const i of finished) next = appendAzureHistory(next, i.record);
      stateFile = await writeAzureState(dir, next).catch(() => stateFile);
    }
  }

  return {
    outcome: ok ? (recovered ? 'recovered' : 'ok') : 'failed',
    resourceGroup: opts.resourceGroup,
    ...(subscriptionId ? { subscriptionId } : {}),
    names,
    ...(ok && context.deployment ? { endpoints: context.deployment.endpoints } : {}),
    incidents: finished,
    report: finished.flatMap((i) => i.lines),
    ...(failure ? { failure } : {}),
    ...(stateFile ? { stateFile } : {}),
    ...(ok && migration ? { migration } : {}),
    attempts: context.attempts,
    context,
    ...(plan ? { secrets: { mysqlPassword: plan.mysqlPassword.from === 'vault' ? 'reused' : 'generated', encryptionSecret: plan.encryptionSecret.from === 'vault' ? 'reused' : 'generated' } } : {}),
    ...(ok && unchanged ? { unchanged: true } : {}),
    couldNotCheck,
  };
}
