// What a repair module is (src/recovery/repairs/<repair-id>.ts): a pure `decide` that says whether
// this run may apply it (or why not, in the words of the `Repair:` line), and an `apply` that does
// the work through effects the flow injects. The registry (./index.ts) lists them; the machines'
// guards, the flows, doctor and the generated docs ask it (Terraform azurerm's `features {}`: each
// automatic repair has a name, an off switch, and says why it declines).

import type { Classification, RepairId } from '../types.js';
import type { BundleName } from '../../devlake/ports.js';
import type { DeploySource } from '../../devlake/state.js';

/** Where the deployment's compose file comes from (src/devlake/state.ts). */
export type LocalSource = DeploySource;

/** The local attempt plan a decision reads. */
export interface LocalPlan {
  bundle: BundleName;
  mysqlUnpublished: boolean;
}

/** What a local repair's decision may look at: the attempt's plan and the deploy's source. */
export interface LocalObservation {
  target: 'local';
  plan: LocalPlan;
  source: LocalSource;
  /** Repairs switched off for this run (`--no-repair`, GH_DEVLAKE_NO_REPAIR). */
  disabled?: readonly RepairId[];
}

/** What machines/deploy-azure.ts knows about the run. */
export interface AzureGuardInput {
  /** An interactive terminal, not CI: the login repair may prompt. */
  interactive: boolean;
  /**
   * The credential the run signs in with (GH_DEVLAKE_AZURE_AUTH): the sign-in repairs help only the
   * az chain; for a service principal or a managed identity a login of another kind would not be used.
   */
  credential?: 'cli' | 'environment' | 'managed-identity';
  keyVaultName: string;
  mysqlName: string;
  /** The resource group the names are derived for (named when the purge declines). */
  resourceGroup?: string;
  /** Repairs switched off for this run (`--no-repair`, GH_DEVLAKE_NO_REPAIR). */
  disabled?: readonly RepairId[];
}

export interface AzureObservation {
  target: 'azure';
  input: AzureGuardInput;
  /** Repairs already applied on this run: none is applied twice. */
  applied: readonly RepairId[];
}

export type Observation = LocalObservation | AzureObservation;

/** A decision: apply the repair, or decline and say why. */
export type Decision = { apply: true } | { declined: string };

export const APPLY: Decision = { apply: true };
export function declined(reason: string): Decision {
  return { declined: reason };
}
export function isApply(d: Decision): d is { apply: true } {
  return 'apply' in d;
}

// ── The decline wording shared by several repairs (each said here once) ─────────────────────────

export const NO_REPAIR = 'no automatic repair for this failure';
export const ONE_RETRY_USED = 'the one retry was already used';
export const NOT_HERE = 'the repair does not apply here';
export const CUSTOM_KEEPS_PORTS = 'custom deploys keep your ports; stop the holder or edit docker-compose.yml';
export function disabledReason(id: RepairId): string {
  return `disabled by --no-repair ${id}`;
}
export function alreadyApplied(id: RepairId): string {
  return `the ${id} repair was already applied on this run`;
}

/** The name a class's facts give (or the failure's target): the resource a repair would act on. */
export function namedResource(c: Pick<Classification, 'facts' | 'failure'>): string | undefined {
  return typeof c.facts.name === 'string' ? c.facts.name : c.failure.target;
}

export type DecideInput = Pick<Classification, 'repair' | 'facts' | 'classId' | 'failure'>;

interface RepairBase<TTarget extends 'local' | 'azure', TObs> {
  readonly target: TTarget;
  /** The repair in words, as doctor announces it ("will be repaired automatically: …"). */
  readonly summary: string;
  /** Whether this run may apply it. Pure. Called only for a class that names this repair. */
  decide(c: DecideInput, o: TObs): Decision;
}

/** What a repair did, for the `Repair:` line. */
export interface Applied {
  repair: RepairId;
  description: string;
}

export interface LocalRepair<TEffects = LocalRepairEffects> extends RepairBase<'local', LocalObservation> {
  apply(effects: TEffects, input: { classification: Classification; plan: LocalPlan }): Promise<Applied & { also?: RepairId[]; plan: LocalPlan }>;
}

export interface AzureRepair<TEffects = AzureRepairEffects> extends RepairBase<'azure', AzureObservation> {
  apply(effects: TEffects, input: { classification: Classification }): Promise<Applied>;
  /** The `Retry 1/1:` line of the proactive recheck after this repair. */
  retryText(names: AzureRepairNames): string;
  /** The `Outcome:` line's words when the retry succeeded and said nothing itself. */
  readonly recoveredText?: string;
}

// ── Effects: what the flows inject (all I/O is theirs) ─────────────────────────────────────────

/** The local port repairs' view of the world (src/targets/local/flow.ts provides it). */
export interface LocalPortEffects {
  /** Remove what the failed attempt created, so it does not count as a holder when probing. */
  teardownAttempt(): Promise<void>;
  /** Host ports the plan publishes. */
  published(plan: LocalPlan): ReadonlySet<number>;
  /** Whether the port is taken on the host address the plan binds it to. */
  isTaken(port: number, plan: LocalPlan): Promise<boolean>;
  /** Who holds the port, in words ("held by container x", "in use"). */
  holderText(port: number): Promise<string>;
}

/** A container of this deployment that points at a network that is gone. */
export interface StaleContainerInfo {
  id: string;
  name: string;
  service: string;
  goneNetworks: readonly string[];
}

/** The container repair's view (src/targets/local/flow.ts provides it over the engine). */
export interface LocalContainerEffects {
  /** This deployment's containers (its project's and its directory's labels, nobody else's) whose network is gone. */
  staleContainers(): Promise<readonly StaleContainerInfo[]>;
  /** Remove them (their named volumes, MySQL's data among them, stay), so the retry creates them anew. */
  removeContainers(ids: readonly string[]): Promise<void>;
}

/** Everything a local repair may use. */
export type LocalRepairEffects = LocalPortEffects & LocalContainerEffects;

export interface AzureRepairNames {
  keyVault: string;
  mysql: string;
  resourceGroup: string;
  deployment: string;
  /** The deploy's region, once the resource group is known (a soft-deleted vault may be in another). */
  location?: string;
}

/** The Azure repairs' view of the world (src/targets/azure/flow.ts provides it over the ARM SDK). */
export interface AzureRepairEffects {
  readonly names: AzureRepairNames;
  /** Where the machine asked for the repair: the preflight gate, the deploy, sign-in, the migration. */
  readonly stage: 'auth' | 'preflight' | 'deploy' | 'migrate';
  progress(text: string): void;
  /** Sign in (az login or device code, after asking); the words of the `Repair:` line. */
  signIn(repair: 'azure.login' | 'azure.device-code', c: Classification): Promise<string>;
  /** The namespaces the preflight found unregistered. */
  preflightUnregistered(): readonly string[];
  registerProvider(namespace: string): Promise<void>;
  /** The namespaces among these not 'Registered', with their state ('NotRegistered', 'Registering'…). */
  unregisteredProviders(namespaces: readonly string[]): Promise<readonly { namespace: string; state: string }[]>;
  /** Poll `check` until it answers, bounded by the named timeout; throws when it runs out. */
  pollUntil(what: string, timeout: 'providerMs' | 'mysqlMs', check: () => Promise<string | undefined>): Promise<void>;
  deletedVault(): Promise<{ purgeProtection: boolean; scheduledPurgeDate?: Date; location?: string } | undefined>;
  purgeDeletedVault(location: string | undefined): Promise<void>;
  startMysql(): Promise<void>;
  mysqlState(): Promise<string | undefined>;
  /** The deployment's backend, once deployed. */
  backendUrl(): string | undefined;
  /** Wait for the running migration (never a second trigger); resolves with how long it took of how long. */
  waitMigration(backend: string): Promise<{ elapsedMs: number; totalMs: number }>;
}

export function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}
