// Whether a run may apply the repair a class names: the machines' guards, as pure functions over
// the repair registry (src/recovery/repairs/). The machines call these; doctor calls them too, so
// "will be repaired automatically" is the deploy's own decision, not a copy of it.

import { decideRepair, isApply } from '../src/recovery/repairs/index.js';
import type { AzureGuardInput, LocalPlan, LocalSource } from '../src/recovery/repairs/kit.js';
import type { Classification, RepairId } from '../src/recovery/types.js';

export type { AzureGuardInput, LocalPlan, LocalSource } from '../src/recovery/repairs/kit.js';

type Decided = Pick<Classification, 'repair' | 'facts' | 'classId' | 'failure'>;
/** Local decisions read only the repair and the facts; classId/failure are filled for the registry's shape. */
type LocalDecided = Pick<Classification, 'repair' | 'facts'> & Partial<Pick<Classification, 'classId' | 'failure'>>;

function local(c: LocalDecided): Decided {
  return { classId: c.classId ?? 'unknown', failure: c.failure ?? { source: 'internal', message: '' }, repair: c.repair, facts: c.facts };
}

/** machines/deploy-local.ts `repairAllowed`: the class names a repair and this run may use it. */
export function localRepairAllowed(c: LocalDecided, plan: LocalPlan, source: LocalSource, disabled?: readonly RepairId[]): boolean {
  return isApply(decideRepair(local(c), { target: 'local', plan, source, ...(disabled ? { disabled } : {}) }));
}

/** Why the local guard says no, in the words of the deploy's `Repair:` line. */
export function localDeclineReason(c: LocalDecided, plan: LocalPlan, source: LocalSource, disabled?: readonly RepairId[]): string {
  const d = decideRepair(local(c), { target: 'local', plan, source, ...(disabled ? { disabled } : {}) });
  return 'declined' in d ? d.declined : '';
}

/** machines/deploy-azure.ts `repairAllowed` for the repair the class names. */
export function azureRepairAllowed(c: Decided, input: AzureGuardInput, applied: readonly RepairId[] = []): boolean {
  return isApply(decideRepair(c, { target: 'azure', input, applied }));
}

/** Why the Azure guard says no, in the words of the deploy's `Repair:` line. */
export function azureDeclineReason(c: Decided, input: AzureGuardInput, applied: readonly RepairId[] = []): string {
  const d = decideRepair(c, { target: 'azure', input, applied });
  return 'declined' in d ? d.declined : '';
}
