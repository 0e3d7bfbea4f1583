// The repairs, by id: the one place that lists them. REPAIR_IDS and the RepairId type derive from
// this table, so a taxonomy rule naming a repair without a module here fails the type check; the
// machines' guards, the flows, doctor and docs/recovery.md all ask `decideRepair` and `REPAIRS`.
// A new repair: its module beside this file, one line below, its rule, its test, `npm run docs:recovery`.

import type { Classification } from '../types.js';
import { alternateBundle } from './local.alternate-bundle.js';
import { unpublishMysql } from './local.unpublish-mysql.js';
import { recreateContainer } from './local.recreate-container.js';
import { azureLogin } from './azure.login.js';
import { azureDeviceCode } from './azure.device-code.js';
import { azureStartMysql } from './azure.start-mysql.js';
import { azurePurgeVault } from './azure.purge-vault.js';
import { azureRegisterProvider } from './azure.register-provider.js';
import { azureWaitMigration } from './azure.wait-migration.js';
import { NO_REPAIR, NOT_HERE, alreadyApplied, declined, disabledReason, type AzureRepair, type Decision, type DecideInput, type LocalRepair, type Observation } from './kit.js';

export const REPAIRS = {
  'local.alternate-bundle': alternateBundle,
  'local.unpublish-mysql': unpublishMysql,
  'local.recreate-container': recreateContainer,
  'azure.login': azureLogin,
  'azure.device-code': azureDeviceCode,
  'azure.start-mysql': azureStartMysql,
  'azure.purge-vault': azurePurgeVault,
  'azure.register-provider': azureRegisterProvider,
  'azure.wait-migration': azureWaitMigration,
} as const satisfies Record<string, LocalRepair | AzureRepair>;

/** Named repairs. Each is applied at most once per run; the machines guarantee it by shape. */
export type RepairId = keyof typeof REPAIRS;
export const REPAIR_IDS = Object.keys(REPAIRS) as readonly RepairId[];

export function isRepairId(s: string): s is RepairId {
  return Object.prototype.hasOwnProperty.call(REPAIRS, s);
}

/**
 * Whether this run may apply the repair the class names, or why not. Pure. The order is the
 * product's: no repair named; switched off; the wrong target; already applied on this run; then
 * the repair's own rule.
 */
export function decideRepair(c: DecideInput & Pick<Classification, 'repair'>, o: Observation): Decision {
  const id = c.repair;
  if (id === null) return declined(NO_REPAIR);
  const disabled = o.target === 'local' ? o.disabled : o.input.disabled;
  if (disabled?.includes(id)) return declined(disabledReason(id));
  const repair: LocalRepair | AzureRepair = REPAIRS[id];
  if (repair.target === 'local' && o.target === 'local') return repair.decide(c, o);
  if (repair.target === 'azure' && o.target === 'azure') {
    if (o.applied.includes(id)) return declined(alreadyApplied(id));
    return repair.decide(c, o);
  }
  return declined(NOT_HERE);
}

/** The local repair module for an id (undefined: not a local repair). */
export function localRepair(id: RepairId | null): LocalRepair | undefined {
  const r: LocalRepair | AzureRepair | undefined = id === null ? undefined : REPAIRS[id];
  return r?.target === 'local' ? r : undefined;
}

/** The Azure repair module for an id (undefined: not an Azure repair). */
export function azureRepair(id: RepairId | null | undefined): AzureRepair | undefined {
  const r: LocalRepair | AzureRepair | undefined = id === null || id === undefined ? undefined : REPAIRS[id];
  return r?.target === 'azure' ? r : undefined;
}

/** The config switch: GH_DEVLAKE_NO_REPAIR=id,id (docs/recovery.md). */
export const NO_REPAIR_ENV = 'GH_DEVLAKE_NO_REPAIR';

/**
 * The repairs switched off for a run: every `--no-repair <id>` and every id in GH_DEVLAKE_NO_REPAIR.
 * An id the registry does not know is a usage error naming the valid ones.
 */
export function disabledRepairs(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv): { disabled: RepairId[] } | { error: string } {
  const fromEnv = (env[NO_REPAIR_ENV] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out: RepairId[] = [];
  for (const [where, ids] of [['--no-repair', flags ?? []], [NO_REPAIR_ENV, fromEnv]] as const) {
    for (const id of ids) {
      if (!isRepairId(id)) return { error: `${where}: unknown repair '${id}'; valid ids: ${REPAIR_IDS.join(', ')}` };
      if (!out.includes(id)) out.push(id);
    }
  }
  return { disabled: out };
}

export type { Decision, Observation, LocalObservation, AzureObservation, AzureGuardInput, LocalPlan, LocalSource } from './kit.js';
export { isApply } from './kit.js';
