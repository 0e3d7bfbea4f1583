// The container registry of a custom-image deployment (Azure Container Registry, Basic SKU, admin
// user on), through @azure/arm-containerregistry 12.0.0 (its `engines` accepts Node 20):
// Registries_Create (long-running), then Registries_ListCredentials for the admin user's
// username and password — what `docker push` and the container groups'
// imageRegistryCredentials need. The registry is created before the template deployment: the
// images must be in it before the container groups that pull them exist.

import { clientOptionsOf, type AzureContext } from './context.js';

export interface RegistryLogin {
  /** `<name>.azurecr.io`, as ARM reports it (loginServer). */
  server: string;
  username: string;
  password: string;
}

export interface RegistryTarget {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

async function client(ctx: AzureContext, subscriptionId: string) {
  const { ContainerRegistryManagementClient } = await import('@azure/arm-containerregistry');
  return new ContainerRegistryManagementClient(ctx.credential, subscriptionId, clientOptionsOf(ctx));
}

/** Create the registry, or update an existing one to what we need (Basic, admin user on); its login server. */
export async function ensureRegistry(ctx: AzureContext, t: RegistryTarget): Promise<{ server: string; created: boolean }> {
  const acr = await client(ctx, t.subscriptionId);
  let existing: { loginServer?: string; adminUserEnabled?: boolean } | undefined;
  try {
    existing = await acr.registries.get(t.resourceGroup, t.name, t.signal ? { abortSignal: t.signal } : {});
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  if (existing?.loginServer && existing.adminUserEnabled) return { server: existing.loginServer, created: false };
  const result = await acr.registries.create(
    t.resourceGroup,
    t.name,
    { location: t.location, sku: { name: 'Basic' }, adminUserEnabled: true, tags: { 'managed-by': 'gh-devlake' } },
    { ...(t.pollIntervalMs !== undefined ? { updateIntervalInMs: t.pollIntervalMs } : {}), ...(t.signal ? { abortSignal: t.signal } : {}) },
  );
  if (!result.loginServer) throw new Error(`container registry ${t.name} was created but ARM reported no login server`);
  return { server: result.loginServer, created: existing === undefined };
}

/** The admin user's credentials (the first password). */
export async function registryLogin(ctx: AzureContext, t: RegistryTarget, server: string): Promise<RegistryLogin> {
  const acr = await client(ctx, t.subscriptionId);
  const c = await acr.registries.listCredentials(t.resourceGroup, t.name, t.signal ? { abortSignal: t.signal } : {});
  const password = c.passwords?.find((p) => p.value)?.value;
  if (!c.username || !password) throw new Error(`container registry ${t.name} returned no admin credentials`);
  return { server, username: c.username, password };
}
