// Doctor asks the machines' own guards (machines/guards.ts) whether a deploy would repair a finding.
export { azureRepairAllowed, localDeclineReason, localRepairAllowed } from '../../machines/guards.js';
export type { AzureGuardInput, LocalPlan, LocalSource } from '../../machines/guards.js';
