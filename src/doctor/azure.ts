// The Azure checks (`doctor --azure`): sign-in (and which credential answered), subscription and
// resource group, resource providers, a soft-deleted Key Vault holding the derived name (and its
// purge protection), the MySQL server's state, our deployment still running, and what the region
// offers where the SDK can tell. Each finding is the DeployFailure the deploy's preflight (or ARM)
// would produce, classified by the one taxonomy; the deploy machine's guard decides "automatic".
// Only reads. This module is imported only with --azure; @azure modules load inside src/azure.

import { findSubscription } from '../azure/subscriptions.js';
import { checkToken, deletedVault, isForbidden, isNotFound, mysqlState, openArm, unregisteredProviders, type ArmClients, type DeletedVaultInfo } from '../azure/arm.js';
import { credentialKind, defaultAzureContext, type AzureContext, type AzureContextFactory, type TokenCredential } from '../azure/context.js';
import { isInteractive } from '../azure/login.js';
import { azureNames, officialImages, suffixFor, type AzureNames } from '../azure/names.js';
import { buildTemplate } from '../azure/template.js';
import { REQUIRED_PROVIDERS } from '../targets/azure/flow.js';
import { toDeployFailure } from '../recovery/failure.js';
import type { Classification, DeployFailure, Facts, RepairId } from '../recovery/types.js';
import { classifyFinding } from './findings.js';
import { azureRepairAllowed, type AzureGuardInput } from './repair-guard.js';
import type { CheckResult, DoctorReport } from './types.js';
import { oneLine } from '../recovery/report.js';

export interface AzureDoctorOptions {
  resourceGroup: string;
  location: string;
  subscription?: string;
  baseName?: string;
  /** The suffix recorded in the state file for this resource group (the deploy keeps it). */
  suffix?: string;
  /** The last ARM deployment the state file records (each submission has its own name). */
  deployment?: string;
}

export interface NamedCredential {
  name: string;
  credential: TokenCredential;
}

export interface AzureDoctorDeps {
  env?: NodeJS.ProcessEnv;
  /** The Azure context (credential, ARM endpoint, client options): the product's by default; tests inject the fake ARM's. */
  context?: AzureContextFactory;
  /**
   * The credentials to try, in the chain's order, to say which one answers. Default: the product's chain
   * (src/azure/context.ts) taken apart; with an injected context, its credential alone.
   */
  credentials?: (ctx: AzureContext, env: NodeJS.ProcessEnv) => Promise<NamedCredential[]>;
  /** Whether the login repair could prompt (default: the deploy's own test: TTYs and not CI). */
  interactive?: boolean;
  /** Repairs the deploy would run without (`--no-repair`, GH_DEVLAKE_NO_REPAIR). */
  disabled?: readonly RepairId[];
  /** Deadline of one token request (default 30 s). */
  tokenTimeoutMs?: number;
}

export interface AzureChecks {
  checks: CheckResult[];
  skipped: DoctorReport['skipped'];
}

const TOKEN_TIMEOUT_MS = 30_000;

// ── Findings as the deploy's preflight words them (src/flows/deploy-azure.ts) ────────────────────

export function providerFailure(namespace: string, state: string): DeployFailure {
  return {
    source: 'probe',
    code: 'MissingSubscriptionRegistration',
    operation: 'providers.get',
    target: namespace,
    message: `The subscription is not registered to use namespace '${namespace}' (state ${state}).`,
  };
}

export function vaultFailure(name: string, deleted: DeletedVaultInfo): DeployFailure {
  return deleted.purgeProtection
    ? {
        source: 'probe',
        code: 'VaultPurgeProtected',
        operation: 'vaults.getDeleted',
        target: name,
        message: `Key vault '${name}' is soft-deleted with purge protection; scheduled purge date ${deleted.scheduledPurgeDate?.toISOString() ?? 'unknown'}.`,
      }
    : {
        source: 'probe',
        code: 'VaultSoftDeleted',
        operation: 'vaults.getDeleted',
        target: name,
        message: `Key vault '${name}' is soft-deleted${deleted.deletionDate ? ` (deleted ${deleted.deletionDate.toISOString()})` : ''} and still holds its name.`,
      };
}

export function mysqlStoppedFailure(name: string): DeployFailure {
  return { source: 'probe', code: 'MySqlServerStopped', operation: 'servers.get', target: name, message: `MySQL flexible server '${name}' is in state 'Stopped'.` };
}

export function deploymentActiveFailure(name: string, resourceGroup: string, state: string, since?: Date): DeployFailure {
  return {
    source: 'probe',
    code: 'DeploymentActive',
    operation: 'deployments.get',
    target: `resourceGroups/${resourceGroup}/deployments/${name}`,
    message: `Unable to edit or replace deployment '${name}': previous deployment${since ? ` from '${since.toISOString()}'` : ''} is still active (state ${state}).`,
  };
}

export function skuFailure(sku: string, location: string): DeployFailure {
  return {
    source: 'probe',
    code: 'SkuNotAvailable',
    operation: 'locationBasedCapabilities.list',
    target: 'Microsoft.DBforMySQL/flexibleServers',
    message: `The requested SKU '${sku}' is currently not available in location '${location}'.`,
  };
}

export function aciCapacityFailure(location: string, need: { cpu: number; memoryInGB: number }): DeployFailure {
  return {
    source: 'probe',
    code: 'InsufficientCapacity',
    operation: 'location.listCapabilities',
    target: 'Microsoft.ContainerInstance/containerGroups',
    message: `The requested resource is not available in the location '${location}'. Resource requested: '${need.cpu}' CPU '${need.memoryInGB}' GB memory 'Linux' OS`,
  };
}

/** A SubscriptionNotFound as the deploy raises it when none is selected. */
export function noSubscriptionFailure(): DeployFailure {
  return {
    source: 'azure',
    code: 'SubscriptionNotFound',
    operation: 'subscription.resolve',
    message: 'no Azure subscription selected: pass --subscription <id>, set AZURE_SUBSCRIPTION_ID, or run `az account set --subscription <id>`',
  };
}

// ── Pure decisions ──────────────────────────────────────────────────────────────────────────────

function fromClassification(id: string, c: Classification, summary: string, guard: AzureGuardInput, extra: Facts = {}): CheckResult {
  const facts: Facts = { ...c.facts, ...extra };
  const auto = azureRepairAllowed(c, guard);
  return {
    id,
    classId: c.classId,
    verdict: auto ? 'auto-repair' : 'needs-you',
    summary,
    ...(c.repair !== null ? { repair: c.repair } : {}),
    remediation: c.remediation,
    facts,
  };
}

export function decideCredential(answered: string | undefined, tried: readonly string[], error: unknown, guard: AzureGuardInput): CheckResult {
  const id = 'azure.credential';
  if (answered !== undefined) {
    return { id, classId: 'azure.auth-missing', verdict: 'ok', summary: `signed in to Azure: ${answered} answered`, facts: { credential: answered, tried: tried.join(', ') } };
  }
  const c = classifyFinding(toDeployFailure(error, { source: 'auth', operation: 'credential.getToken' }));
  const r = fromClassification(id, c, `no credential answered (tried ${tried.join(', ') || 'none'}): ${oneLine(c.failure.message)}`, guard, { tried: tried.join(', ') });
  if (r.verdict === 'needs-you' && c.repair === 'azure.login') {
    r.summary += '; no interactive terminal, so the deploy would not start a login';
  }
  return r;
}

export function decideProvider(namespace: string, state: string, guard: AzureGuardInput): CheckResult {
  const id = `azure.provider.${namespace}`;
  if (state.toLowerCase() === 'registered') {
    return { id, classId: 'azure.provider-unregistered', verdict: 'ok', summary: `resource provider ${namespace} is Registered`, facts: { namespace, state } };
  }
  const c = classifyFinding(providerFailure(namespace, state));
  return fromClassification(id, c, `resource provider ${namespace} is ${state}`, guard, { state });
}

export function decideVault(name: string, location: string, deleted: DeletedVaultInfo | undefined, guard: AzureGuardInput): CheckResult {
  const id = 'azure.keyvault';
  if (!deleted) {
    return { id, classId: 'azure.keyvault-soft-deleted', verdict: 'ok', summary: `no soft-deleted Key Vault holds the name ${name} in ${location}`, facts: { name, location } };
  }
  const c = classifyFinding(vaultFailure(name, deleted));
  const summary = deleted.purgeProtection
    ? `Key Vault ${name} is soft-deleted with purge protection (purge date ${deleted.scheduledPurgeDate?.toISOString() ?? 'unknown'})`
    : `Key Vault ${name} is soft-deleted and holds the name`;
  return fromClassification(id, c, summary, guard, { location, purgeProtection: deleted.purgeProtection });
}

export function decideMysql(name: string, resourceGroup: string, state: string | undefined, guard: AzureGuardInput): CheckResult {
  const id = 'azure.mysql';
  if (state === undefined) {
    return { id, classId: 'azure.mysql-stopped', verdict: 'ok', summary: `MySQL server ${name} does not exist yet; the deploy creates it`, facts: { name, resourceGroup } };
  }
  if (state.toLowerCase() !== 'stopped') {
    return { id, classId: 'azure.mysql-stopped', verdict: 'ok', summary: `MySQL server ${name} is ${state}`, facts: { name, resourceGroup, state } };
  }
  const c = classifyFinding(mysqlStoppedFailure(name));
  return fromClassification(id, c, `MySQL server ${name} is Stopped`, guard, { resourceGroup, state });
}

const DONE_STATES = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);

export function decideDeploymentRun(name: string, resourceGroup: string, found: { state?: string; timestamp?: Date } | undefined, guard: AzureGuardInput): CheckResult {
  const id = 'azure.deployment';
  if (!found) {
    return { id, classId: 'azure.deployment-active', verdict: 'ok', summary: `no deployment ${name} in resource group ${resourceGroup}`, facts: { name, resourceGroup } };
  }
  const state = found.state ?? 'Unknown';
  if (DONE_STATES.has(state.toLowerCase())) {
    return { id, classId: 'azure.deployment-active', verdict: 'ok', summary: `deployment ${name} is not running (last: ${state})`, facts: { name, resourceGroup, state } };
  }
  const c = classifyFinding(deploymentActiveFailure(name, resourceGroup, state, found.timestamp));
  return fromClassification(id, c, `deployment ${name} is still running in ${resourceGroup} (state ${state})`, guard, { state });
}

/** The SKU and container sizes the deploy asks for, read from the template it deploys. */
export function templateNeeds(names: AzureNames): { mysqlSku?: string; cpu: number; memoryInGB: number } {
  const t = buildTemplate({ names, images: officialImages('latest') });
  let mysqlSku: string | undefined;
  let cpu = 0;
  let memoryInGB = 0;
  for (const r of t.resources) {
    if (r.type === 'Microsoft.DBforMySQL/flexibleServers' && typeof r.sku?.name === 'string') mysqlSku = r.sku.name;
    if (r.type === 'Microsoft.ContainerInstance/containerGroups') {
      const containers = (r.properties.containers ?? []) as { properties?: { resources?: { requests?: { cpu?: number; memoryInGB?: number } } } }[];
      for (const c of containers) {
        cpu = Math.max(cpu, c.properties?.resources?.requests?.cpu ?? 0);
        memoryInGB = Math.max(memoryInGB, c.properties?.resources?.requests?.memoryInGB ?? 0);
      }
    }
  }
  return { ...(mysqlSku !== undefined ? { mysqlSku } : {}), cpu, memoryInGB };
}

/** Whether the region offers the SKU: SKU names from the capabilities, or the error that stopped us asking. */
export function decideMysqlOffer(location: string, sku: string | undefined, offered: { skus: string[] } | { error: unknown }, guard: AzureGuardInput): CheckResult {
  const id = 'azure.region.mysql';
  if ('error' in offered) return unknownOffer(id, 'azure.sku-not-available', `whether ${location} offers MySQL Flexible Server ${sku ?? ''}`.trim(), offered.error, guard);
  if (sku === undefined || offered.skus.includes(sku)) {
    return { id, classId: 'azure.sku-not-available', verdict: 'ok', summary: `${location} offers MySQL Flexible Server ${sku ?? ''}`.trim(), facts: { location, ...(sku ? { sku } : {}) } };
  }
  const c = classifyFinding(skuFailure(sku, location));
  return fromClassification(id, c, `${location} does not offer MySQL Flexible Server ${sku} to this subscription`, guard, { offered: offered.skus.length });
}

export function decideAciOffer(
  location: string,
  need: { cpu: number; memoryInGB: number },
  offered: { linux: { maxCpu?: number; maxMemoryInGB?: number }[] } | { error: unknown },
  guard: AzureGuardInput,
): CheckResult {
  const id = 'azure.region.aci';
  if ('error' in offered) return unknownOffer(id, 'azure.aci-capacity', `whether ${location} offers Container Instances`, offered.error, guard);
  const fits = offered.linux.some((c) => (c.maxCpu ?? 0) >= need.cpu && (c.maxMemoryInGB ?? 0) >= need.memoryInGB);
  if (fits) {
    return { id, classId: 'azure.aci-capacity', verdict: 'ok', summary: `${location} offers Linux Container Instances of ${need.cpu} CPU / ${need.memoryInGB} GB`, facts: { location, cpu: need.cpu, memoryInGB: need.memoryInGB } };
  }
  const c = classifyFinding(aciCapacityFailure(location, need));
  return fromClassification(id, c, `${location} offers no Linux Container Instances of ${need.cpu} CPU / ${need.memoryInGB} GB`, guard, { location });
}

/** An offers query that failed: a known class (a region restriction…) needs you; otherwise the SDK could not tell. */
function unknownOffer(id: string, classId: CheckResult['classId'], what: string, error: unknown, guard: AzureGuardInput): CheckResult {
  const c = classifyFinding(toDeployFailure(error, { source: 'azure', operation: 'capabilities' }));
  if (isForbidden(error)) return couldNotCheck(id, what, c);
  if (c.classId !== 'unknown' && c.classId !== 'azure.auth-missing') return fromClassification(id, c, `${what}: ${oneLine(c.failure.message)}`, guard);
  return { id, classId, verdict: 'ok', summary: `the SDK could not tell ${what} (${oneLine(c.failure.message)})`, facts: { error: oneLine(c.failure.message) } };
}


/** A read that failed where the deploy would read (or write) the same: classified, and it needs you. */
/**
 * A 403 from a read: the deploy turns the same 403 into "could not check" and goes on (a Contributor
 * on the resource group only may not read subscription-scope facts), so it is not a finding here either.
 */
function couldNotCheck(id: string, what: string, c: ReturnType<typeof classifyFinding>): CheckResult {
  return { id, classId: c.classId, verdict: 'ok', summary: `could not check ${what} (403: ${oneLine(c.failure.message)}); the deploy goes on without it`, facts: { error: oneLine(c.failure.message) } };
}

function failedRead(id: string, what: string, err: unknown, operation: string, guard: AzureGuardInput): CheckResult {
  const c = classifyFinding(toDeployFailure(err, { source: 'azure', operation }));
  if (isForbidden(err)) return couldNotCheck(id, what, c);
  return fromClassification(id, c, `cannot read ${what}: ${oneLine(c.failure.message)}`, guard);
}

// ── I/O ─────────────────────────────────────────────────────────────────────────────────────────

/** The product's credential chain (src/azure/context.ts createCredential), one credential at a time. */
export async function productCredentials(env: NodeJS.ProcessEnv): Promise<NamedCredential[]> {
  const identity = await import('@azure/identity');
  switch (credentialKind(env)) {
    case 'environment':
      return [{ name: 'EnvironmentCredential', credential: new identity.EnvironmentCredential() }];
    case 'managed-identity':
      return [{ name: 'ManagedIdentityCredential', credential: new identity.ManagedIdentityCredential() }];
    default:
      return [
        { name: 'AzureCliCredential', credential: new identity.AzureCliCredential() },
        { name: 'AzureDeveloperCliCredential', credential: new identity.AzureDeveloperCliCredential() },
      ];
  }
}

function credentialName(c: TokenCredential): string {
  const ctor = (c as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === 'string' && ctor !== '' && ctor !== 'Object' ? ctor : 'the configured credential';
}

async function firstAnswering(ctx: AzureContext, creds: readonly NamedCredential[], timeoutMs: number): Promise<{ answered?: string; error?: unknown }> {
  let first: unknown;
  for (const { name, credential } of creds) {
    try {
      await checkToken({ ...ctx, credential }, AbortSignal.timeout(timeoutMs));
      return { answered: name };
    } catch (err) {
      first ??= err;
    }
  }
  return { error: first ?? new Error('no credential to try') };
}

const AFTER_SIGN_IN = ['azure.subscription', 'azure.providers', 'azure.keyvault', 'azure.mysql', 'azure.deployment', 'azure.region'];

export async function runAzureChecks(opts: AzureDoctorOptions, deps: AzureDoctorDeps = {}): Promise<AzureChecks> {
  const env = deps.env ?? process.env;
  const checks: CheckResult[] = [];
  const skipped: DoctorReport['skipped'] = [];
  // Until the subscription is known: the recorded suffix, else a placeholder (the deploy derives it from the group's id).
  let names = azureNames(opts.baseName ?? 'devlake', opts.suffix ?? 'xxxxx');
  const guard: AzureGuardInput = {
    interactive: deps.interactive ?? isInteractive(env),
    credential: credentialKind(env),
    keyVaultName: names.keyVault,
    mysqlName: names.mysql,
    resourceGroup: opts.resourceGroup,
    ...(deps.disabled ? { disabled: deps.disabled } : {}),
  };
  const rg = opts.resourceGroup;
  let location = opts.location;

  let ctx: AzureContext;
  try {
    ctx = await (deps.context ?? defaultAzureContext)({ ...(opts.subscription ? { subscription: opts.subscription } : {}), env });
  } catch (err) {
    checks.push(decideCredential(undefined, [], err, guard));
    for (const id of AFTER_SIGN_IN) skipped.push({ id, reason: 'no Azure credential' });
    return { checks, skipped };
  }

  // 1. Sign-in, and which credential of the chain answers.
  const creds = deps.credentials
    ? await deps.credentials(ctx, env)
    : deps.context
      ? [{ name: credentialName(ctx.credential), credential: ctx.credential }]
      : await productCredentials(env);
  const signIn = await firstAnswering(ctx, creds, deps.tokenTimeoutMs ?? TOKEN_TIMEOUT_MS);
  checks.push(decideCredential(signIn.answered, creds.map((c) => c.name), signIn.error, guard));
  if (signIn.answered === undefined) {
    for (const id of AFTER_SIGN_IN) skipped.push({ id, reason: 'not signed in to Azure' });
    return { checks, skipped };
  }

  // 2. Subscription and resource group.
  let subscriptionId = ctx.subscriptionId;
  let from = opts.subscription ? '--subscription' : subscriptionId ? 'AZURE_SUBSCRIPTION_ID' : '';
  if (!subscriptionId) {
    const pick = await findSubscription(ctx, env).catch(() => undefined);
    subscriptionId = pick?.subscriptionId;
    from = pick?.reason ?? 'the subscriptions list';
  }
  if (!subscriptionId) {
    const c = classifyFinding(noSubscriptionFailure());
    checks.push({ ...fromClassification('azure.subscription', c, c.failure.message, guard), verdict: 'needs-you' });
    for (const id of AFTER_SIGN_IN.slice(1)) skipped.push({ id, reason: 'no subscription selected' });
    return { checks, skipped };
  }
  if (!opts.suffix) {
    names = azureNames(opts.baseName ?? 'devlake', suffixFor(subscriptionId, rg));
    guard.keyVaultName = names.keyVault;
    guard.mysqlName = names.mysql;
  }
  let arm: ArmClients;
  try {
    arm = await openArm(ctx, subscriptionId);
  } catch (err) {
    checks.push(failedRead('azure.subscription', `subscription ${subscriptionId}`, err, 'subscription.open', guard));
    for (const id of AFTER_SIGN_IN.slice(1)) skipped.push({ id, reason: 'the ARM clients could not be created' });
    return { checks, skipped };
  }
  try {
    let rgLocation: string | undefined;
    try {
      rgLocation = (await arm.resources.resourceGroups.get(rg)).location;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const facts: Facts = { subscriptionId, from, resourceGroup: rg };
    let where = `resource group ${rg} does not exist yet; the deploy creates it in ${location}`;
    if (rgLocation !== undefined) {
      facts.resourceGroupLocation = rgLocation;
      where = `resource group ${rg} exists in ${rgLocation}`;
      if (rgLocation.toLowerCase() !== location.toLowerCase()) where += ` (not ${location}: the deploy uses ${rgLocation})`;
      location = rgLocation;
    }
    checks.push({ id: 'azure.subscription', classId: 'azure.authorization-failed', verdict: 'ok', summary: `subscription ${subscriptionId} (from ${from}); ${where}`, facts });
  } catch (err) {
    checks.push(failedRead('azure.subscription', `resource group ${rg}`, err, 'resourceGroups.get', guard));
    for (const id of AFTER_SIGN_IN.slice(1)) skipped.push({ id, reason: `resource group ${rg} could not be read` });
    return { checks, skipped };
  }

  // 3. Resource providers.
  for (const ns of REQUIRED_PROVIDERS) {
    try {
      const missing = await unregisteredProviders(arm, [ns]);
      checks.push(decideProvider(ns, missing[0]?.state ?? 'Registered', guard));
    } catch (err) {
      checks.push(failedRead(`azure.provider.${ns}`, `resource provider ${ns}`, err, 'providers.get', guard));
    }
  }

  // 4. A soft-deleted vault holding the derived name.
  try {
    checks.push(decideVault(names.keyVault, location, await deletedVault(arm, names.keyVault), guard));
  } catch (err) {
    checks.push(failedRead('azure.keyvault', `deleted vault ${names.keyVault}`, err, 'vaults.getDeleted', guard));
  }

  // 5. The MySQL server of an earlier deploy.
  try {
    checks.push(decideMysql(names.mysql, rg, await mysqlState(arm, rg, names.mysql), guard));
  } catch (err) {
    checks.push(failedRead('azure.mysql', `MySQL server ${names.mysql}`, err, 'servers.get', guard));
  }

  // 6. Our deployment still running: the one the state file records (else the prefix, which finds none).
  const deploymentName = opts.deployment ?? names.deployment;
  try {
    let found: { state?: string; timestamp?: Date } | undefined;
    try {
      const d = await arm.resources.deployments.get(rg, deploymentName);
      found = { ...(d.properties?.provisioningState ? { state: d.properties.provisioningState } : {}), ...(d.properties?.timestamp ? { timestamp: d.properties.timestamp } : {}) };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    checks.push(decideDeploymentRun(deploymentName, rg, found, guard));
  } catch (err) {
    checks.push(failedRead('azure.deployment', `deployment ${deploymentName}`, err, 'deployments.get', guard));
  }

  // 7. Region offers, where the SDK can tell.
  const need = templateNeeds(names);
  let mysqlOffer: { skus: string[] } | { error: unknown };
  try {
    const skus: string[] = [];
    for await (const cap of arm.mysql.locationBasedCapabilities.list(location)) {
      for (const edition of cap.supportedFlexibleServerEditions ?? []) {
        for (const version of edition.supportedServerVersions ?? []) for (const s of version.supportedSkus ?? []) if (s.name) skus.push(s.name);
      }
    }
    mysqlOffer = { skus: [...new Set(skus)] };
  } catch (err) {
    mysqlOffer = { error: err };
  }
  checks.push(decideMysqlOffer(location, need.mysqlSku, mysqlOffer, guard));
  let aciOffer: { linux: { maxCpu?: number; maxMemoryInGB?: number }[] } | { error: unknown };
  try {
    const linux: { maxCpu?: number; maxMemoryInGB?: number }[] = [];
    for await (const cap of arm.aci.location.listCapabilities(location)) {
      if ((cap.osType ?? '').toLowerCase() !== 'linux') continue;
      linux.push({ ...(cap.capabilities?.maxCpu !== undefined ? { maxCpu: cap.capabilities.maxCpu } : {}), ...(cap.capabilities?.maxMemoryInGB !== undefined ? { maxMemoryInGB: cap.capabilities.maxMemoryInGB } : {}) });
    }
    aciOffer = { linux };
  } catch (err) {
    aciOffer = { error: err };
  }
  checks.push(decideAciOffer(location, need, aciOffer, guard));
  return { checks, skipped };
}
