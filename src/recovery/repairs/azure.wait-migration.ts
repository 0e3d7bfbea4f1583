// azure.wait-migration: the migration was still running after the first wait → wait longer for the
// same /proceed-db-migration request (never a second one).

import { RepairDeclinedError } from '../deploy-error.js';
import { APPLY, seconds, type AzureRepair } from './kit.js';

export const azureWaitMigration: AzureRepair = {
  target: 'azure',
  summary: 'wait for the database migration',
  decide: () => APPLY,
  async apply(fx) {
    const backend = fx.backendUrl();
    if (!backend) throw new RepairDeclinedError('no backend endpoint to wait on');
    try {
      const { elapsedMs, totalMs } = await fx.waitMigration(backend);
      return { repair: 'azure.wait-migration', description: `waited for the database migration (finished after ${seconds(elapsedMs)} of ${seconds(totalMs)})` };
    } catch (err) {
      throw new RepairDeclinedError(err instanceof Error ? err.message : String(err));
    }
  },
  retryText: () => 'checking that the API answers (no second /proceed-db-migration)',
  recoveredText: 'the migration is done',
};
