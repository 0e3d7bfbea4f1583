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
  'local.release-not-found': 'release not found',
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
  'detail',
  'innerErrors',
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
