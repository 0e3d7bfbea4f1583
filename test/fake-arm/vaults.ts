// TEST ONLY: Microsoft.KeyVault in the fake ARM — vaults, their secrets (management plane) and
// soft-deleted vaults — after azure-rest-api-specs
// specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/:
// - keyvault.json Vaults_Get (example getVault.json: properties.enabledForTemplateDeployment,
//   softDeleteRetentionInDays), Vaults_Update (PATCH: only the given properties change);
// - secrets.json Secrets_Get (example getSecret.json: attributes and secretUri — the value is never
//   returned by the management plane);
// - Vaults_ListDeleted (example listDeletedVaults.json: GET /subscriptions/{id}/providers/
//   Microsoft.KeyVault/deletedVaults, every region, each with properties.location),
//   Vaults_GetDeleted and Vaults_PurgeDeleted at /locations/{location}/deletedVaults/{name}: a
//   deleted vault is found only under its own location.
// Key Vault's soft-delete overview (MicrosoftDocs/azure-docs, articles/key-vault/general/
// soft-delete-overview.md): "Once set, the retention policy interval cannot be changed."

import type { RouteKit } from './route-kit.js';

export interface FakeVault {
  resourceGroup: string;
  location: string;
  softDeleteRetentionInDays: number;
  enabledForTemplateDeployment: boolean;
  /** Secret name → value (what ARM resolves for a Key Vault parameter reference). */
  secrets: Map<string, string>;
  /** Every write of a secret (name), in order: a re-run must add none. */
  secretWrites: string[];
  tags: Record<string, string>;
}

export interface FakeDeletedVault {
  location: string;
  purgeProtection: boolean;
  scheduledPurgeDate?: string;
}

export interface VaultState {
  vaults: Map<string, FakeVault>;
  deletedVaults: Map<string, FakeDeletedVault>;
}

/** How a seeded vault is described in a scenario (a Go-tool vault: retention 90, template deployment off). */
export interface FakeVaultSetup {
  resourceGroup: string;
  location: string;
  softDeleteRetentionInDays?: number;
  enabledForTemplateDeployment?: boolean;
  secrets?: Record<string, string>;
  tags?: Record<string, string>;
}

export function seedVault(v: FakeVaultSetup): FakeVault {
  return {
    resourceGroup: v.resourceGroup,
    location: v.location,
    softDeleteRetentionInDays: v.softDeleteRetentionInDays ?? 90,
    enabledForTemplateDeployment: v.enabledForTemplateDeployment ?? false,
    secrets: new Map(Object.entries(v.secrets ?? {})),
    secretWrites: [],
    tags: { ...v.tags },
  };
}

export function addVaultRoutes(kit: RouteKit, state: VaultState): void {
  const VAULT = `${kit.RG}/providers/Microsoft.KeyVault/vaults/([^/]+)`;
  const notFound = (rg: string, name: string) => ({
    code: 'ResourceNotFound',
    message: `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  });
  const mine = (rg: string, name: string): FakeVault | undefined => {
    const v = state.vaults.get(name);
    return v && v.resourceGroup.toLowerCase() === rg.toLowerCase() ? v : undefined;
  };
  const body = (rg: string, name: string, v: FakeVault) => ({
    id: `${kit.SUB}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`,
    name,
    type: 'Microsoft.KeyVault/vaults',
    location: v.location,
    tags: v.tags,
    properties: {
      sku: { family: 'A', name: 'standard' },
      tenantId: '11111111-2222-3333-4444-555555555555',
      enableSoftDelete: true,
      softDeleteRetentionInDays: v.softDeleteRetentionInDays,
      enabledForTemplateDeployment: v.enabledForTemplateDeployment,
      vaultUri: `https://${name}.vault.azure.net`,
      provisioningState: 'Succeeded',
    },
  });

  kit.route('GET', VAULT, (_q, res, m) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    const v = mine(rg, name);
    if (!v) return kit.armError(res, 404, notFound(rg, name));
    kit.json(res, 200, body(rg, name, v));
  });
  kit.route('PATCH', VAULT, (_q, res, m, b) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    const v = mine(rg, name);
    if (!v) return kit.armError(res, 404, notFound(rg, name));
    const p = ((b ?? {}) as { properties?: { enabledForTemplateDeployment?: boolean; softDeleteRetentionInDays?: number } }).properties ?? {};
    if (p.softDeleteRetentionInDays !== undefined && p.softDeleteRetentionInDays !== v.softDeleteRetentionInDays) return kit.armError(res, 400, retentionError(name));
    if (p.enabledForTemplateDeployment !== undefined) v.enabledForTemplateDeployment = p.enabledForTemplateDeployment;
    kit.json(res, 200, body(rg, name, v));
  });
  kit.route('GET', `${VAULT}/secrets/([^/]+)`, (_q, res, m) => {
    const [rg, name, secret] = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
    const v = mine(rg, name);
    if (!v) return kit.armError(res, 404, notFound(rg, name));
    if (!v.secrets.has(secret)) return kit.armError(res, 404, { code: 'SecretNotFound', message: `Secret ${secret} not found in vault ${name}.` });
    kit.json(res, 200, {
      id: `${kit.SUB}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}/secrets/${secret}`,
      name: secret,
      type: 'Microsoft.KeyVault/vaults/secrets',
      location: v.location,
      properties: { attributes: { enabled: true, created: 1514940950, updated: 1514940950 }, secretUri: `https://${name}.vault.azure.net/secrets/${secret}` },
    });
  });

  // ── Soft-deleted vaults ────────────────────────────────────────────────────
  const deletedBody = (name: string, v: FakeDeletedVault) => ({
    id: `${kit.SUB}/providers/Microsoft.KeyVault/locations/${v.location}/deletedVaults/${name}`,
    name,
    type: 'Microsoft.KeyVault/deletedVaults',
    properties: {
      vaultId: `${kit.SUB}/resourceGroups/old/providers/Microsoft.KeyVault/vaults/${name}`,
      location: v.location,
      tags: {},
      deletionDate: '2026-01-01T00:00:00Z',
      scheduledPurgeDate: v.scheduledPurgeDate ?? '2026-04-01T00:00:00Z',
      purgeProtectionEnabled: v.purgeProtection,
    },
  });
  kit.route('GET', `${kit.SUB}/providers/Microsoft.KeyVault/deletedVaults`, (_q, res) => {
    kit.json(res, 200, { value: [...state.deletedVaults].map(([name, v]) => deletedBody(name, v)) });
  });
  /** The deleted vault under this location only (another region's vault of the same name is not found here). */
  const deletedAt = (location: string, name: string): FakeDeletedVault | undefined => {
    const v = state.deletedVaults.get(name);
    return v && v.location.toLowerCase() === location.toLowerCase() ? v : undefined;
  };
  const deletedNotFound = (name: string) => ({ code: 'DeletedVaultNotFound', message: `Deleted vault '${name}' not found.` });
  kit.route('GET', `${kit.SUB}/providers/Microsoft.KeyVault/locations/([^/]+)/deletedVaults/([^/]+)`, (_q, res, m) => {
    const name = m[2] ?? '';
    const v = deletedAt(m[1] ?? '', name);
    if (!v) return kit.armError(res, 404, deletedNotFound(name));
    kit.json(res, 200, deletedBody(name, v));
  });
  kit.route('POST', `${kit.SUB}/providers/Microsoft.KeyVault/locations/([^/]+)/deletedVaults/([^/]+)/purge`, (_q, res, m) => {
    const name = m[2] ?? '';
    const v = deletedAt(m[1] ?? '', name);
    if (!v) return kit.armError(res, 404, deletedNotFound(name));
    // Key Vault refuses the purge of a purge-protected vault with 405 MethodNotAllowed and these words, as users
    // meet them (microsoft/AzureTRE#1446, MicrosoftDocs/azure-docs#55427); the body is the provider's CloudError
    // {error: {code, message}} (azure-rest-api-specs keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/common.json).
    if (v.purgeProtection) return kit.armError(res, 405, { code: 'MethodNotAllowed', message: "Operation 'DeletedVaultPurge' is not allowed." });
    // 200 or 202 with a Location to poll (…/stable/2023-07-01/examples/purgeDeletedVault.json).
    const id = kit.startOp('Succeeded', () => state.deletedVaults.delete(name));
    kit.json(res, 202, undefined, { location: kit.resultUrl(id), 'retry-after': '0' });
  });
}

/**
 * The answer to a vault PUT that changes an existing vault's retention. The doc above says it cannot
 * change; the code and words are the fake's own (no verbatim service message was found to copy).
 */
export function retentionError(name: string): { code: string; message: string } {
  return { code: 'BadRequest', message: `The property "softDeleteRetentionInDays" of vault '${name}' has been set already and it can't be modified.` };
}

/**
 * Resolve a Key Vault parameter reference as ARM does before it deploys (azure-rest-api-specs
 * resources.json KeyVaultParameterReference {keyVault:{id}, secretName}). ARM needs the vault to
 * exist and to allow template deployment (enabledForTemplateDeployment), else the submission fails
 * with KeyVaultParameterReferenceNotFound / KeyVaultParameterReferenceSecretRetrieveFailed
 * (the codes Azure/azure-powershell#3318 and MicrosoftDocs/azure-docs#33341 report).
 */
export function resolveReference(state: VaultState, ref: { keyVault?: { id?: string }; secretName?: string }): { value: string } | { error: { code: string; message: string } } {
  const id = ref.keyVault?.id ?? '';
  const name = /\/vaults\/([^/]+)$/i.exec(id)?.[1] ?? '';
  const v = state.vaults.get(name);
  if (!v) return { error: { code: 'KeyVaultParameterReferenceNotFound', message: `The specified KeyVault '${id}' could not be found. Please see https://aka.ms/arm-keyvault for usage details.` } };
  const value = v.secrets.get(ref.secretName ?? '');
  if (!v.enabledForTemplateDeployment || value === undefined) {
    return {
      error: {
        code: 'KeyVaultParameterReferenceSecretRetrieveFailed',
        message: `The value for the template parameter could not be retrieved: secret '${ref.secretName ?? ''}' of KeyVault '${id}'${v.enabledForTemplateDeployment ? ' was not found' : ' is not enabled for template deployment'}. Please see https://aka.ms/arm-keyvault for usage details.`,
      },
    };
  }
  return { value };
}
