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

export async function ensureResourceGroup(arm: ArmClients, name: string, location: string): Promise<{ created: boolean; location: string }> {
  let existing: { location?: string } | undefined;
  try {
    existing = await arm.resources.resourceGroups.get(name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const rg = await arm.resources.resourceGroups.createOrUpdate(name, { location: existing?.location ?? location, tags: { 'managed-by': 'gh-devlake' } });
  return { created: existing === undefined, location: rg.location ?? location };
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

export async function deletedVault(arm: ArmClients, name: string, location: string): Promise<DeletedVaultInfo | undefined> {
  try {
    const v = await arm.keyVault.vaults.getDeleted(name, location);
    const p = v.properties ?? {};
    return {
      name: v.name ?? name,
      ...(p.location ? { location: p.location } : {}),
      purgeProtection: p.purgeProtectionEnabled === true,
      ...(p.deletionDate ? { deletionDate: p.deletionDate } : {}),
      ...(p.scheduledPurgeDate ? { scheduledPurgeDate: p.scheduledPurgeDate } : {}),
      ...(p.vaultId ? { vaultId: p.vaultId } : {}),
    };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
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

export async function deployTemplate(
  arm: ArmClients,
  resourceGroup: string,
  deploymentName: string,
  template: ArmTemplate,
  parameters: Record<string, { value: unknown }>,
  signal?: AbortSignal,
): Promise<DeploymentResult> {
  const result = await arm.resources.deployments.beginCreateOrUpdateAndWait(
    resourceGroup,
    deploymentName,
    { properties: { mode: 'Incremental', template: template as unknown as Record<string, unknown>, parameters } },
    lro(arm, signal),
  );
  const raw = (result.properties?.outputs ?? {}) as Record<string, { value?: unknown } | undefined>;
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v && typeof v.value === 'string') outputs[k] = v.value;
  return { outputs, ...(result.properties?.provisioningState ? { provisioningState: result.properties.provisioningState } : {}) };
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
