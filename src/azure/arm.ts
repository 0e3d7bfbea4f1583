// The Azure Resource Manager calls of the Azure flows, through the real SDK clients.
// Every @azure module is imported here lazily, inside the functions that use it.

import type { ResourceManagementClient } from '@azure/arm-resources';
import type { MySQLManagementFlexibleServerClient } from '@azure/arm-mysql-flexible';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { clientOptionsOf, type AzureContext } from './context.js';
import type { ArmTemplate } from './template.js';
import { DeployError } from '../recovery/deploy-error.js';
import { signInFailure } from './sign-in.js';

export interface ArmClients {
  resources: ResourceManagementClient;
  mysql: MySQLManagementFlexibleServerClient;
  keyVault: KeyVaultManagementClient;
  aci: ContainerInstanceManagementClient;
  subscriptionId: string;
  pollIntervalMs?: number;
}

/** Create the four clients for one subscription (modules load here, on first use). */
export async function openArm(ctx: AzureContext, subscriptionId: string): Promise<ArmClients> {
  const [res, mysql, kv, aci] = await Promise.all([
    import('@azure/arm-resources'),
    import('@azure/arm-mysql-flexible'),
    import('@azure/arm-keyvault'),
    import('@azure/arm-containerinstance'),
  ]);
  const options = clientOptionsOf(ctx);
  return {
    resources: new res.ResourceManagementClient(ctx.credential, subscriptionId, options),
    mysql: new mysql.MySQLManagementFlexibleServerClient(ctx.credential, subscriptionId, options),
    keyVault: new kv.KeyVaultManagementClient(ctx.credential, subscriptionId, options),
    aci: new aci.ContainerInstanceManagementClient(ctx.credential, subscriptionId, options),
    subscriptionId,
    ...(ctx.pollIntervalMs !== undefined ? { pollIntervalMs: ctx.pollIntervalMs } : {}),
  };
}

function lro(arm: ArmClients, signal?: AbortSignal): { updateIntervalInMs?: number; abortSignal?: AbortSignal } {
  return { ...(arm.pollIntervalMs !== undefined ? { updateIntervalInMs: arm.pollIntervalMs } : {}), ...(signal ? { abortSignal: signal } : {}) };
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}

/**
 * Ask the credential for an ARM token: the sign-in check. A failure comes back as a DeployError
 * that says which credential failed and why (src/azure/sign-in.ts), so the repair fits it.
 */
export async function checkToken(ctx: AzureContext, signal?: AbortSignal): Promise<void> {
  let token;
  try {
    // enableCae as the SDK clients' pipelines ask: a device-code credential keeps one token cache per
    // CAE setting, and a check without it would make the user sign in a second time.
    token = await ctx.credential.getToken(`${ctx.endpoint}/.default`, { enableCae: true, ...(signal ? { abortSignal: signal } : {}) });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new DeployError(signInFailure(err), { cause: err });
  }
  if (!token) throw new DeployError(signInFailure(Object.assign(new Error('the credential returned no token'), { name: 'CredentialUnavailableError' })));
}

export function isForbidden(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 403;
}

/** The tag that marks what gh-devlake deployed (merged into the group's own tags, never replacing them). */
export const MANAGED_BY_TAG = { 'managed-by': 'gh-devlake' } as const;

export interface ResourceGroupResult {
  created: boolean;
  location: string;
  /** What happened to our tag: added to a new group, merged into an existing one, already there, or not possible. */
  tag: 'created' | 'merged' | 'present' | { skipped: string };
}

/**
 * Create the resource group, or reuse it. An existing group is never PUT again (a PUT replaces its
 * tags, and may be denied by a tag policy): our tag is merged in through the Tags API (`operation:
 * Merge`, at the group's scope), only when missing. A refused merge (403, a policy) is reported, not fatal.
 */
export async function ensureResourceGroup(arm: ArmClients, name: string, location: string): Promise<ResourceGroupResult> {
  let existing: { location?: string; tags?: Record<string, string>; id?: string } | undefined;
  try {
    existing = await arm.resources.resourceGroups.get(name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!existing) {
    const rg = await arm.resources.resourceGroups.createOrUpdate(name, { location, tags: { ...MANAGED_BY_TAG } });
    return { created: true, location: rg.location ?? location, tag: 'created' };
  }
  const where = existing.location ?? location;
  if (existing.tags?.['managed-by'] === MANAGED_BY_TAG['managed-by']) return { created: false, location: where, tag: 'present' };
  const scope = `subscriptions/${arm.subscriptionId}/resourceGroups/${name}`;
  try {
    await arm.resources.tagsOperations.beginUpdateAtScopeAndWait(scope, { operation: 'Merge', properties: { tags: { ...MANAGED_BY_TAG } } }, lro(arm));
    return { created: false, location: where, tag: 'merged' };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (isForbidden(err) || e.code === 'RequestDisallowedByPolicy') return { created: false, location: where, tag: { skipped: `${e.code ?? 'Forbidden'}: ${e.message ?? ''}`.trim() } };
    throw err;
  }
}

export async function resourceGroupExists(arm: ArmClients, name: string): Promise<boolean> {
  try {
    await arm.resources.resourceGroups.get(name);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export async function deleteResourceGroup(arm: ArmClients, name: string, signal?: AbortSignal): Promise<void> {
  await arm.resources.resourceGroups.beginDeleteAndWait(name, lro(arm, signal));
}

/** Namespaces not in state 'Registered' (with their state). */
export async function unregisteredProviders(arm: ArmClients, namespaces: readonly string[]): Promise<{ namespace: string; state: string }[]> {
  const out: { namespace: string; state: string }[] = [];
  for (const ns of namespaces) {
    const p = await arm.resources.providers.get(ns);
    const state = p.registrationState ?? 'Unknown';
    if (state.toLowerCase() !== 'registered') out.push({ namespace: p.namespace ?? ns, state });
  }
  return out;
}

export async function registerProvider(arm: ArmClients, namespace: string): Promise<string> {
  const p = await arm.resources.providers.register(namespace);
  return p.registrationState ?? 'Unknown';
}

export interface DeletedVaultInfo {
  name: string;
  location?: string;
  purgeProtection: boolean;
  deletionDate?: Date;
  scheduledPurgeDate?: Date;
  vaultId?: string;
}

function deletedVaultInfo(v: { name?: string; properties?: { location?: string; purgeProtectionEnabled?: boolean; deletionDate?: Date; scheduledPurgeDate?: Date; vaultId?: string } }, name: string): DeletedVaultInfo {
  const p = v.properties ?? {};
  return {
    name: v.name ?? name,
    ...(p.location ? { location: p.location } : {}),
    purgeProtection: p.purgeProtectionEnabled === true,
    ...(p.deletionDate ? { deletionDate: p.deletionDate } : {}),
    ...(p.scheduledPurgeDate ? { scheduledPurgeDate: p.scheduledPurgeDate } : {}),
    ...(p.vaultId ? { vaultId: p.vaultId } : {}),
  };
}

/**
 * The soft-deleted vault holding `name`, in any region of the subscription: a vault name is global,
 * and the one that blocks us may have been deleted in another region than this deploy's. Reads the
 * subscription's deleted-vaults list (Vaults_ListDeleted), so the purge can go to the vault's own location.
 */
export async function deletedVault(arm: ArmClients, name: string): Promise<DeletedVaultInfo | undefined> {
  for await (const v of arm.keyVault.vaults.listDeleted()) {
    if ((v.name ?? '').toLowerCase() === name.toLowerCase()) return deletedVaultInfo(v, name);
  }
  return undefined;
}

/** Our vault as it exists (not deleted): what a re-run must keep, or undefined when there is none. */
export interface ExistingVault {
  id: string;
  location?: string;
  softDeleteRetentionInDays?: number;
  enabledForTemplateDeployment: boolean;
}

export async function existingVault(arm: ArmClients, resourceGroup: string, name: string): Promise<ExistingVault | undefined> {
  try {
    const v = await arm.keyVault.vaults.get(resourceGroup, name);
    const p = v.properties;
    return {
      id: v.id ?? `/subscriptions/${arm.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}`,
      ...(v.location ? { location: v.location } : {}),
      ...(p.softDeleteRetentionInDays !== undefined ? { softDeleteRetentionInDays: p.softDeleteRetentionInDays } : {}),
      enabledForTemplateDeployment: p.enabledForTemplateDeployment === true,
    };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Whether the vault holds a secret of this name. The management plane's Secrets_Get never returns
 * the value (azure-rest-api-specs keyvault secrets.json), so this needs no data-plane access.
 */
export async function vaultSecretExists(arm: ArmClients, resourceGroup: string, vault: string, secret: string): Promise<boolean> {
  try {
    await arm.keyVault.secrets.get(resourceGroup, vault, secret);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Let ARM read the vault's secrets for Key Vault parameter references (the one property a re-run may change). */
export async function enableTemplateDeployment(arm: ArmClients, resourceGroup: string, vault: string): Promise<void> {
  await arm.keyVault.vaults.update(resourceGroup, vault, { properties: { enabledForTemplateDeployment: true } });
}

export async function purgeDeletedVault(arm: ArmClients, name: string, location: string, signal?: AbortSignal): Promise<void> {
  await arm.keyVault.vaults.purgeDeleted(name, location, lro(arm, signal)).pollUntilDone();
}

/** The MySQL server's state ('Ready', 'Stopped', 'Starting'…), or undefined when it does not exist. */
export async function mysqlState(arm: ArmClients, resourceGroup: string, name: string): Promise<string | undefined> {
  try {
    const s = await arm.mysql.servers.get(resourceGroup, name);
    return s.state ?? 'Unknown';
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function startMysql(arm: ArmClients, resourceGroup: string, name: string, signal?: AbortSignal): Promise<void> {
  await arm.mysql.servers.beginStartAndWait(resourceGroup, name, lro(arm, signal));
}

export async function stopMysql(arm: ArmClients, resourceGroup: string, name: string, signal?: AbortSignal): Promise<void> {
  await arm.mysql.servers.beginStopAndWait(resourceGroup, name, lro(arm, signal));
}

export interface DeploymentResult {
  outputs: Record<string, string>;
  provisioningState?: string;
}

/** A deployment parameter: a value, or a Key Vault reference ARM resolves itself (the value never passes through us). */
export type DeploymentParameter = { value: unknown } | { reference: { keyVault: { id: string }; secretName: string } };

export async function deployTemplate(
  arm: ArmClients,
  resourceGroup: string,
  deploymentName: string,
  template: ArmTemplate,
  parameters: Record<string, DeploymentParameter>,
  signal?: AbortSignal,
  /** Called once ARM accepted the submission: from then on an interrupt must cancel it. */
  onSubmitted?: () => void,
): Promise<DeploymentResult> {
  const poller = await arm.resources.deployments.beginCreateOrUpdate(
    resourceGroup,
    deploymentName,
    { properties: { mode: 'Incremental', template: template as unknown as Record<string, unknown>, parameters } },
    lro(arm, signal),
  );
  onSubmitted?.();
  const result = await poller.pollUntilDone(signal ? { abortSignal: signal } : {});
  const raw = (result.properties?.outputs ?? {}) as Record<string, { value?: unknown } | undefined>;
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v && typeof v.value === 'string') outputs[k] = v.value;
  return { outputs, ...(result.properties?.provisioningState ? { provisioningState: result.properties.provisioningState } : {}) };
}

/** The provisioning state of a deployment, or undefined when it does not exist. */
export async function deploymentState(arm: ArmClients, resourceGroup: string, deploymentName: string): Promise<string | undefined> {
  try {
    const d = await arm.resources.deployments.get(resourceGroup, deploymentName);
    return d.properties?.provisioningState ?? 'Unknown';
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Cancel our running deployment (Deployments_Cancel: only while Accepted or Running; it leaves the
 * group partially deployed). Bounded by `signal`: an interrupted run must still exit in time.
 */
export async function cancelDeployment(arm: ArmClients, resourceGroup: string, deploymentName: string, signal: AbortSignal): Promise<void> {
  await arm.resources.deployments.cancel(resourceGroup, deploymentName, { abortSignal: signal });
}

/** One failed operation of a deployment: its resource and the provider's error. */
export interface FailedOperation {
  code: string;
  message: string;
  target?: string;
  statusCode?: string;
  details: { code: string; message: string; target?: string }[];
}

interface ArmErrorLike {
  code?: string;
  message?: string;
  target?: string;
  details?: ArmErrorLike[];
}

/** A provider message is sometimes an ARM error body in a string: unwrap it. */
function unwrapMessage(e: ArmErrorLike): ArmErrorLike {
  const msg = e.message ?? '';
  if (msg.trimStart().startsWith('{')) {
    try {
      const inner = JSON.parse(msg) as { error?: ArmErrorLike };
      if (inner.error?.code) return inner.error;
    } catch {
      // not JSON after all
    }
  }
  return e;
}

/** 'Microsoft.DBforMySQL/flexibleServers/x/databases/lake' from the target's resource id (types and names interleaved). */
function targetOf(t: { id?: string; resourceType?: string; resourceName?: string } | undefined): string | undefined {
  if (!t) return undefined;
  const i = t.id?.toLowerCase().lastIndexOf('/providers/') ?? -1;
  if (t.id && i >= 0) return t.id.slice(i + '/providers/'.length);
  if (t.resourceType && t.resourceName) return `${t.resourceType}/${t.resourceName}`;
  return t.resourceName ?? t.resourceType;
}

/**
 * The deployment's failed operations, for the inner error codes that a long-running operation's
 * failure loses ("The long-running operation has failed. DeploymentFailed…").
 */
export async function failedOperations(arm: ArmClients, resourceGroup: string, deploymentName: string): Promise<FailedOperation[]> {
  const out: FailedOperation[] = [];
  for await (const op of arm.resources.deploymentOperations.list(resourceGroup, deploymentName)) {
    const p = op.properties;
    if (!p || (p.provisioningState ?? '').toLowerCase() !== 'failed') continue;
    const status: (ArmErrorLike & { error?: ArmErrorLike; status?: string }) | undefined = p.statusMessage;
    const raw: ArmErrorLike = status?.error ?? (status?.code ? status : {});
    const err = unwrapMessage(raw);
    const target = targetOf(p.targetResource);
    const details: FailedOperation['details'] = [];
    const walk = (e: ArmErrorLike) => {
      for (const d of e.details ?? []) {
        const u = unwrapMessage(d);
        details.push({ code: u.code ?? 'Unknown', message: u.message ?? '', ...(u.target ? { target: u.target } : target ? { target } : {}) });
        walk(u);
      }
    };
    walk(err);
    out.push({
      code: err.code ?? p.statusCode ?? 'Unknown',
      message: err.message ?? '',
      ...(target ? { target } : {}),
      ...(p.statusCode ? { statusCode: p.statusCode } : {}),
      details,
    });
  }
  return out;
}

export type ContainerGroupState = { name: string; state?: string; fqdn?: string; ip?: string; exists: boolean };

export async function containerGroup(arm: ArmClients, resourceGroup: string, name: string): Promise<ContainerGroupState> {
  try {
    const g = await arm.aci.containerGroups.get(resourceGroup, name);
    const state = g.instanceView?.state ?? g.provisioningState;
    return { name, exists: true, ...(state ? { state } : {}), ...(g.ipAddress?.fqdn ? { fqdn: g.ipAddress.fqdn } : {}), ...(g.ipAddress?.ip ? { ip: g.ipAddress.ip } : {}) };
  } catch (err) {
    if (isNotFound(err)) return { name, exists: false };
    throw err;
  }
}

export async function startContainerGroup(arm: ArmClients, resourceGroup: string, name: string, signal?: AbortSignal): Promise<void> {
  await arm.aci.containerGroups.beginStartAndWait(resourceGroup, name, lro(arm, signal));
}

export async function stopContainerGroup(arm: ArmClients, resourceGroup: string, name: string): Promise<void> {
  await arm.aci.containerGroups.stop(resourceGroup, name);
}
