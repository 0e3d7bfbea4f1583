// Deterministic Azure resource names. Pure.
//
// Key Vault, MySQL server and DNS label names are global, so the suffix that makes them ours must
// differ between everyone who uses the documented `devlake-rg`: it is derived from the resource
// group's id (subscription + group), as ARM's `uniqueString(resourceGroup().id)` is, and recorded
// in the state file so re-runs keep it. The Go `gh devlake` derived it from the group name alone
// (`goToolSuffix`); a state file written by it (or by an earlier gh-devlake) keeps its suffix.

import { createHash } from 'node:crypto';

export interface AzureNames {
  suffix: string;
  keyVault: string;
  mysql: string;
  database: 'lake';
  backend: string;
  grafana: string;
  configUi: string;
  /** DNS labels of the three container groups (`<label>.<region>.azurecontainer.io`). */
  dnsLabels: { backend: string; grafana: string; configUi: string };
  /** Registry for custom images (the Go tool's name: not derived from the base name). */
  acr: string;
  /** The prefix of this deployment's ARM deployment names (each submission adds its own stamp). */
  deployment: string;
}

/** ARM's uniqueString alphabet (base32, lowercase): letters and digits every name here accepts. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The suffix for a resource group: 5 base32 characters of the SHA-256 of its resource id, lowercased
 * (ARM ids are case-insensitive), like `uniqueString(resourceGroup().id)`. Stable for the group.
 */
export function suffixFor(subscriptionId: string, resourceGroup: string): string {
  const id = `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}`.toLowerCase();
  const digest = createHash('sha256').update(id, 'utf8').digest();
  let out = '';
  for (let i = 0; i < 5; i++) out += BASE32[(digest[i] ?? 0) % 32];
  return out;
}

/** The Go `gh devlake` suffix: the first 5 hex digits of the SHA-256 of the resource-group name. */
export function goToolSuffix(resourceGroup: string): string {
  return createHash('sha256').update(resourceGroup, 'utf8').digest('hex').slice(0, 5);
}

/**
 * The name of one ARM deployment submission: the deployment prefix, a UTC stamp and the attempt,
 * so a rejected submission's error is read from its own deployment, never from an earlier run's
 * (ARM names: at most 64 characters of letters, digits, '-', '_', '.', '(' and ')').
 */
export function deploymentRunName(prefix: string, at: Date, attempt: number): string {
  // Milliseconds too: two runs in one second (a script, a quick retry) must not share a name.
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `${prefix}-${stamp}-${attempt}`;
}

/** Key Vault names: 3–24 characters, letters, digits and single hyphens, starting with a letter. */
const VAULT_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

/** Why a base name cannot be used, or undefined when it can. */
export function baseNameProblem(base: string): string | undefined {
  if (!/^[a-z][a-z0-9-]*$/.test(base)) return 'must start with a lowercase letter and hold only lowercase letters, digits and hyphens';
  if (base.includes('--') || base.endsWith('-')) return 'must not hold two hyphens in a row or end with a hyphen';
  const vault = `${base}kv00000`;
  if (vault.length > 24) return `is too long: the Key Vault name <base>kv<suffix> must fit in 24 characters (at most ${24 - 7} for the base name)`;
  return undefined;
}

export function azureNames(baseName: string, suffix: string): AzureNames {
  const names: AzureNames = {
    suffix,
    keyVault: `${baseName}kv${suffix}`,
    mysql: `${baseName}mysql${suffix}`,
    database: 'lake',
    backend: `${baseName}-backend-${suffix}`,
    grafana: `${baseName}-grafana-${suffix}`,
    configUi: `${baseName}-ui-${suffix}`,
    dnsLabels: { backend: `${baseName}-${suffix}`, grafana: `${baseName}-grafana-${suffix}`, configUi: `${baseName}-ui-${suffix}` },
    acr: `devlakeacr${suffix}`,
    deployment: `${baseName}-${suffix}`,
  };
  if (!VAULT_NAME.test(names.keyVault)) throw new RangeError(`Key Vault name '${names.keyVault}' is not valid: ${baseNameProblem(baseName) ?? 'check --base-name'}`);
  return names;
}

/** Resource-group names: 1–90 characters of letters, digits, '-', '_', '.', '(' and ')', not ending in '.'. */
export function resourceGroupProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 90) return 'must be 1–90 characters';
  if (!/^[-\w.()]+$/u.test(name)) return "may hold only letters, digits, '-', '_', '.', '(' and ')'";
  if (name.endsWith('.')) return "must not end with '.'";
  return undefined;
}

/** The container images of a DevLake release, from the official registry. */
export function officialImages(version: string): { backend: string; grafana: string; configUi: string } {
  const registry = 'devlake.docker.scarf.sh/apache';
  return {
    backend: `${registry}/devlake:${version}`,
    grafana: `${registry}/devlake-dashboard:${version}`,
    configUi: `${registry}/devlake-config-ui:${version}`,
  };
}
