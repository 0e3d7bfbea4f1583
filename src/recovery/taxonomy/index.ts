// The one ordered taxonomy. The classifier walks it top to bottom; the first matching rule wins.
// Local rules come first (they match only local sources), then Azure's.

import type { ClassId } from '../types.js';
import { AZURE_RULES } from './azure.js';
import { LOCAL_RULES } from './local.js';
import type { TaxonomyRule } from './rule.js';

export type { RuleFacts, RuleMatch, TaxonomyRule } from './rule.js';

export const TAXONOMY: readonly TaxonomyRule[] = Object.freeze([...LOCAL_RULES, ...AZURE_RULES]);

/** One title per class, for headings; rules may carry a more precise title for the `Detected:` line. */
export const CLASS_TITLES: Readonly<Record<Exclude<ClassId, 'unknown'>, string>> = {
  'local.port-conflict': 'port conflict',
  'local.mysql-port-conflict': 'MySQL port conflict',
  'local.port-excluded': 'port in a Windows excluded range',
  'local.port-unassignable': 'host address not available',
  'local.port-privileged': 'privileged port on rootless engine',
  'local.docker-unavailable': 'Docker engine unavailable',
  'local.image-pull-failed': 'image pull failed',
  'local.container-name-conflict': 'container name in use',
  'local.disk-full': 'disk full',
  'local.health-timeout': 'health check timed out',
  'local.migration-timeout': 'database migration timed out',
  'local.migration-failed': 'database migration failed',
  'local.release-not-found': 'release not found',
  'local.port-forwarder-failed': "Docker Desktop's port forwarder not answering",
  'local.ipv6-unavailable': 'IPv6 not available on this host',
  'local.firewall-chain-missing': "the engine's firewall chains are missing",
  'local.container-ip-in-use': 'container IP address in use',
  'local.address-pool-exhausted': 'no free network address pool',
  'local.network-gone': 'network of an existing container is gone',
  'local.windows-containers': 'engine in Windows-containers mode',
  'local.out-of-memory': 'out of memory',
  'local.release-offline': 'no network: cannot resolve the release host',
  'local.release-unreachable': 'release host or proxy not reachable',
  'local.release-tls': 'TLS certificate of the release host not trusted',
  'local.release-rate-limited': "GitHub's rate limit reached",
  'azure.auth-missing': 'not signed in to Azure',
  'azure.mysql-stopped': 'MySQL server stopped',
  'azure.keyvault-soft-deleted': 'Key Vault soft-deleted',
  'azure.keyvault-purge-protected': 'Key Vault soft-deleted with purge protection',
  'azure.provider-unregistered': 'resource provider not registered',
  'azure.migration-warming': 'DevLake migration in progress',
  'azure.sku-not-available': 'SKU not available in the region',
  'azure.location-restricted': 'region restricted for this subscription',
  'azure.quota-exceeded': 'quota exceeded',
  'azure.authorization-failed': 'not authorized',
  'azure.policy-disallowed': 'blocked by Azure Policy',
  'azure.deployment-active': 'deployment already running',
  'azure.aci-capacity': 'Container Instances capacity',
  'azure.invalid-template': 'invalid template',
  'azure.backend-timeout': 'DevLake backend not answering',
  'azure.subscription-not-found': 'subscription not found',
  'azure.keyvault-name-taken': 'Key Vault name taken',
  'azure.mysql-name-taken': 'MySQL server name taken',
  'azure.dns-label-taken': 'container DNS name label taken',
  'azure.registry-push-failed': 'container registry refused the push',
  'azure.mysql-busy': 'MySQL server busy',
  'azure.provisioning-disabled': 'provisioning disabled in the region',
  'azure.region-disallowed': 'region not allowed for this subscription',
  'azure.api-version-unsupported': 'API version not offered in the region',
  'azure.image-inaccessible': 'container image not accessible',
  'azure.credential-rejected': 'Azure credential rejected',
  'azure.cli-missing': 'Azure CLI not installed',
  'azure.sign-in-blocked': 'sign-in blocked by Conditional Access',
  'azure.credential-unavailable': 'the configured Azure credential is not usable',
  'azure.custom-image-missing': 'custom image not in the registry',
};

/** What every failure that matches no rule gets. */
export const UNKNOWN_CLASS = {
  id: 'unknown',
  title: 'unrecognised failure',
  remediation:
    'gh-devlake does not recognise this failure, so it made no repair. Re-run with DEBUG=1 to see the full error ' +
    'and how it was classified, and report it with that output.',
  docs: 'recovery.md#unknown',
} as const satisfies { id: ClassId; title: string; remediation: string; docs: string };

/**
 * Every fact name a rule may produce (named groups, fromTarget, derived and copied facts).
 * Remediation placeholders must use these; the unit tests hold the table to it.
 */
export const KNOWN_FACTS = [
  // copied from the failure
  'service',
  'target',
  'statusCode',
  'code',
  'detailCode',
  // ports
  'port',
  'hostIp',
  'protocol',
  'role',
  'roleLabel',
  'bundle',
  // engine
  'socket',
  'image',
  'registry',
  'platform',
  'name',
  'container',
  'release',
  'network',
  'host',
  'proxy',
  // azure
  'tenant',
  'namespace',
  'resourceGroup',
  'location',
  'sku',
  'scheduledPurgeDate',
  'principal',
  'action',
  'scope',
  'policy',
  'state',
  'label',
  'apiVersion',
  'quota',
  'limit',
  'detail',
  'innerErrors',
  /** The registry's distribution error code as the daemon prints it ('unauthorized', 'denied', 'name invalid'…). */
  'registryError',
  // sign-in
  'aadsts',
  'credential',
] as const;
export type KnownFact = (typeof KNOWN_FACTS)[number];

/** The rules of one class, in table order. */
export function rulesFor(classId: ClassId): TaxonomyRule[] {
  return TAXONOMY.filter((r) => r.id === classId);
}

/** The docs anchor of a class ('recovery.md#local-port-conflict'). */
export function docsFor(classId: ClassId): string {
  if (classId === 'unknown') return UNKNOWN_CLASS.docs;
  return rulesFor(classId)[0]?.docs ?? UNKNOWN_CLASS.docs;
}
