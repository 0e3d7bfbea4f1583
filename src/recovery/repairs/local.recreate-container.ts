// local.recreate-container: a container of this deployment points at a network that is gone.
// The taxonomy names it (local.network-gone) but no run applies it yet: decide declines with the
// wording runs have always printed, until its apply lands (issue 15).

import { RepairDeclinedError } from '../deploy-error.js';
import { CUSTOM_KEEPS_PORTS, NO_REPAIR, ONE_RETRY_USED, declined, type LocalRepair } from './kit.js';

export const recreateContainer: LocalRepair = {
  target: 'local',
  summary: "recreate this deployment's containers whose network is gone",
  decide(_c, o) {
    if (o.source === 'custom') return declined(CUSTOM_KEEPS_PORTS);
    return declined(ONE_RETRY_USED);
  },
  apply: () => Promise.reject(new RepairDeclinedError(NO_REPAIR)),
};
