// The vocabulary of recovery: a failure as facts, a class from the taxonomy, a named repair.
// Every module that reports, repairs or records a failure speaks in these types.

/** Where a failure came from. The classifier matches on this first. */
export type FailureSource = 'engine' | 'health' | 'release' | 'azure' | 'auth' | 'probe' | 'internal';

/** A failure reduced to plain facts (no Error instances, so it can be stored and compared). */
export interface DeployFailure {
  source: FailureSource;
  /** HTTP status (Engine API, ARM, DevLake backend). */
  statusCode?: number;
  /** A structured code: ARM error code, Node syscall code (ECONNREFUSED…), credential error name. */
  code?: string;
  /** The raw message as the other side said it. */
  message: string;
  /** ARM inner errors (from the deployment's operations), in order. */
  details?: { code: string; message: string; target?: string }[];
  /** What we were doing: 'container.start', 'deployments.createOrUpdate', 'health.ping'… */
  operation?: string;
  /** Compose service or Azure resource the failure is about. */
  service?: string;
  target?: string;
}

export const LOCAL_CLASS_IDS = [
  'local.port-conflict',
  'local.mysql-port-conflict',
  'local.port-excluded',
  'local.port-unassignable',
  'local.port-privileged',
  'local.docker-unavailable',
  'local.image-pull-failed',
  'local.container-name-conflict',
  'local.disk-full',
  'local.health-timeout',
  'local.migration-timeout',
  'local.migration-failed',
  'local.release-not-found',
  'local.port-forwarder-failed',
  'local.ipv6-unavailable',
  'local.firewall-chain-missing',
  'local.container-ip-in-use',
  'local.address-pool-exhausted',
  'local.network-gone',
  'local.windows-containers',
  'local.out-of-memory',
  'local.release-offline',
  'local.release-unreachable',
  'local.release-tls',
  'local.release-rate-limited',
] as const;

export const AZURE_CLASS_IDS = [
  'azure.auth-missing',
  'azure.mysql-stopped',
  'azure.keyvault-soft-deleted',
  'azure.keyvault-purge-protected',
  'azure.provider-unregistered',
  'azure.migration-warming',
  'azure.sku-not-available',
  'azure.location-restricted',
  'azure.quota-exceeded',
  'azure.authorization-failed',
  'azure.policy-disallowed',
  'azure.deployment-active',
  'azure.aci-capacity',
  'azure.invalid-template',
  'azure.backend-timeout',
  'azure.subscription-not-found',
  'azure.keyvault-name-taken',
  'azure.mysql-name-taken',
  'azure.dns-label-taken',
  'azure.registry-push-failed',
  'azure.mysql-busy',
  'azure.provisioning-disabled',
  'azure.region-disallowed',
  'azure.api-version-unsupported',
  'azure.image-inaccessible',
  'azure.credential-rejected',
  'azure.cli-missing',
  'azure.sign-in-blocked',
  'azure.credential-unavailable',
  'azure.custom-image-missing',
] as const;

export type ClassId = (typeof LOCAL_CLASS_IDS)[number] | (typeof AZURE_CLASS_IDS)[number] | 'unknown';

// Named repairs: the registry of repair modules (src/recovery/repairs/index.ts) is their one list.
export { REPAIR_IDS, type RepairId } from './repairs/index.js';
import type { RepairId } from './repairs/index.js';

export type FactValue = string | number | boolean;
export type Facts = Record<string, FactValue>;

export interface Classification {
  classId: ClassId;
  /** Short human title: "port conflict". */
  title: string;
  /** Facts extracted from the failure (port, hostIp, service, image, provider…). */
  facts: Facts;
  /** The repair this class allows, or null. Whether it is applied is decided by guards. */
  repair: RepairId | null;
  /** What to do by hand, with facts filled in. */
  remediation: string;
  failure: DeployFailure;
}

/** What happened, for the report, --json and the state file history. */
export interface RecoveryRecord {
  at: string;
  flow: string;
  classId: ClassId;
  facts: Facts;
  /** Repair applied, or null with the reason it declined. */
  repair: RepairId | null;
  repairDeclined?: string;
  /** Further repairs applied in the same single retry. */
  alsoApplied?: RepairId[];
  attempts: number;
  outcome: 'recovered' | 'failed';
  detail: string;
}
