// Whether a run may apply the repair a class names: the machines' guards as pure functions.
// The machines call these; doctor calls them too, so "will be repaired automatically" is the
// deploy's own decision, not a copy of it.

import type { Classification, RepairId } from '../src/recovery/types.js';

export type LocalSource = 'official' | 'fork' | 'custom';

/** The local attempt plan a guard reads. */
export interface LocalPlan {
  bundle: 'default' | 'alternate';
  mysqlUnpublished: boolean;
}

/** machines/deploy-local.ts `repairAllowed`: the class names a repair and this run may use it. */
export function localRepairAllowed(c: Pick<Classification, 'repair' | 'facts'>, plan: LocalPlan, source: LocalSource): boolean {
  if (c.repair === null) return false;
  // Custom deploys stay manual.
  if (source === 'custom') return false;
  // The fallback helps only for a bundle port, and only from the default bundle.
  if (c.repair === 'local.alternate-bundle') return plan.bundle === 'default' && typeof c.facts.role === 'string';
  if (c.repair === 'local.unpublish-mysql') return !plan.mysqlUnpublished;
  return false;
}

/** Why the local guard says no, in the words of the deploy's `Repair:` line (src/flows/deploy-local.ts). */
export function localDeclineReason(c: Pick<Classification, 'repair' | 'facts'>, plan: LocalPlan, source: LocalSource): string {
  if (c.repair === null) return 'no automatic repair for this failure';
  if (source === 'custom') return 'custom deploys keep your ports; stop the holder or edit docker-compose.yml';
  if (c.repair === 'local.alternate-bundle') {
    if (plan.bundle !== 'default') return 'already on the alternate bundle; stop the holder of the port';
    return 'the port is not one of the bundle ports; stop the holder or free the port';
  }
  return 'the one retry was already used';
}

/** What machines/deploy-azure.ts knows about the run. */
export interface AzureGuardInput {
  /** An interactive terminal, not CI: the login repair may prompt. */
  interactive: boolean;
  /**
   * The credential the run signs in with (GH_DEVLAKE_AZURE_AUTH): the sign-in repairs help only the
   * az chain; for a service principal or a managed identity a login of another kind would not be used.
   */
  credential?: 'cli' | 'environment' | 'managed-identity';
  keyVaultName: string;
  mysqlName: string;
}

/** machines/deploy-azure.ts `repairAllowed` for the repair the class names. */
export function azureRepairAllowed(c: Pick<Classification, 'repair' | 'facts' | 'classId' | 'failure'>, input: AzureGuardInput, applied: readonly RepairId[] = []): boolean {
  const repair = c.repair;
  if (repair === null) return false;
  if (applied.includes(repair)) return false;
  const name = typeof c.facts.name === 'string' ? c.facts.name : c.failure.target;
  switch (repair) {
    case 'azure.login':
    case 'azure.device-code':
      return input.interactive && (input.credential ?? 'cli') === 'cli';
    case 'azure.purge-vault':
      return c.classId === 'azure.keyvault-soft-deleted' && (name === undefined || name === input.keyVaultName);
    case 'azure.start-mysql':
      return name === undefined || name === input.mysqlName;
    case 'azure.register-provider':
    case 'azure.wait-migration':
      return true;
    default:
      return false;
  }
}
