// Deterministic Azure resource names, the same as the Go `gh devlake` derives them, so a user can
// move between the two tools: the suffix is the first 5 hex digits (lowercase) of the SHA-256 of
// the resource-group name. Pure.

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
  /** The ARM deployment's name. */
  deployment: string;
}

export function suffixFor(resourceGroup: string): string {
  return createHash('sha256').update(resourceGroup, 'utf8').digest('hex').slice(0, 5);
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

export function azureNames(baseName: string, resourceGroup: string): AzureNames {
  const suffix = suffixFor(resourceGroup);
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
