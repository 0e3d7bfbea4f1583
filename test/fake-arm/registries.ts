// TEST ONLY: Microsoft.ContainerRegistry registries — azure-rest-api-specs
// specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/
// 2025-11-01/containerregistry.json, examples RegistryCreate.json (PUT answers 200/201 with
// provisioningState Creating, then an Azure-AsyncOperation status), RegistryGet.json and
// RegistryListCredentials.json (POST …/listCredentials → { username, passwords: [password, password2] }).
// The login server is a REAL distribution registry on loopback (test/helpers/registry.ts); the
// admin user's credentials are the ones its htpasswd file accepts.

import type { RouteKit } from './route-kit.js';

export interface FakeRegistrySetup {
  /** host:port of the real registry standing in for `<name>.azurecr.io`. */
  loginServer: string;
  username: string;
  password: string;
}

export interface FakeRegistryState {
  registries: Map<string, { resourceGroup: string; location: string; sku: string; adminUserEnabled: boolean; provisioningState: string }>;
  credentialLists: number;
}

export function addRegistryRoutes(kit: RouteKit, setup: FakeRegistrySetup | undefined, state: FakeRegistryState): void {
  const ACR = `${kit.RG}/providers/Microsoft.ContainerRegistry/registries/([^/]+)`;
  const body = (rg: string, name: string) => {
    const r = state.registries.get(name)!;
    return {
      id: `/subscriptions/${kit.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`,
      name,
      type: 'Microsoft.ContainerRegistry/registries',
      location: r.location,
      tags: {},
      sku: { name: r.sku, tier: r.sku },
      properties: {
        loginServer: setup?.loginServer ?? `${name.toLowerCase()}.azurecr.io`,
        creationDate: '2026-01-01T00:00:00.0000000Z',
        provisioningState: r.provisioningState,
        adminUserEnabled: r.adminUserEnabled,
        networkRuleSet: { defaultAction: 'Allow', ipRules: [] },
        publicNetworkAccess: 'Enabled',
        zoneRedundancy: 'Disabled',
        anonymousPullEnabled: false,
      },
    };
  };
  const notFound = (rg: string, name: string) => ({
    code: 'ResourceNotFound',
    message: `The Resource 'Microsoft.ContainerRegistry/registries/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  });

  kit.route('PUT', ACR, (_q, res, m, b) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    const req = (b ?? {}) as { location?: string; sku?: { name?: string }; properties?: { adminUserEnabled?: boolean } };
    // Registry names: 5–50 alphanumerics (the spec's registryName pattern ^[a-zA-Z0-9]*$).
    if (!/^[a-zA-Z0-9]{5,50}$/.test(name)) return kit.armError(res, 400, { code: 'RegistryNameInvalid', message: `Registry name '${name}' is invalid.` });
    const existed = state.registries.has(name);
    state.registries.set(name, {
      resourceGroup: rg,
      location: req.location ?? kit.resourceGroupLocation(rg) ?? 'eastus',
      sku: req.sku?.name ?? 'Basic',
      adminUserEnabled: req.properties?.adminUserEnabled === true,
      provisioningState: existed ? 'Updating' : 'Creating',
    });
    const id = kit.startOp('Succeeded', () => {
      const r = state.registries.get(name);
      if (r) r.provisioningState = 'Succeeded';
    });
    kit.json(res, existed ? 200 : 201, body(rg, name), { 'azure-asyncoperation': kit.opUrl(id), 'retry-after': '0' });
  });
  kit.route('GET', ACR, (_q, res, m) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    const r = state.registries.get(name);
    if (!r || r.resourceGroup.toLowerCase() !== rg.toLowerCase()) return kit.armError(res, 404, notFound(rg, name));
    kit.json(res, 200, body(rg, name));
  });
  kit.route('POST', `${ACR}/listCredentials`, (_q, res, m) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    const r = state.registries.get(name);
    if (!r) return kit.armError(res, 404, notFound(rg, name));
    state.credentialLists++;
    kit.json(res, 200, {
      username: setup?.username ?? name,
      passwords: [
        { name: 'password', value: setup?.password ?? 'fake-acr-password-1' },
        { name: 'password2', value: setup?.password ?? 'fake-acr-password-2' },
      ],
    });
  });
}
