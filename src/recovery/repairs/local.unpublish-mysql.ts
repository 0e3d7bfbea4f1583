// local.unpublish-mysql: the host's 3306 is taken → the one retry starts MySQL without publishing
// it (DevLake reaches MySQL on the stack's own network; only host tools lose the port).

import { MYSQL_HOST_PORT } from '../../devlake/ports.js';
import { APPLY, CUSTOM_KEEPS_PORTS, ONE_RETRY_USED, declined, type LocalPortEffects, type LocalRepair } from './kit.js';
import { applyPortRepairs } from './local-ports.js';

export const unpublishMysql: LocalRepair<LocalPortEffects> = {
  target: 'local',
  summary: `start MySQL without publishing ${MYSQL_HOST_PORT} on the host`,
  decide(_c, o) {
    if (o.source === 'custom') return declined(CUSTOM_KEEPS_PORTS);
    // Already unpublished (recorded by an earlier repair): this run has nothing left to drop.
    if (o.plan.mysqlUnpublished) return declined(ONE_RETRY_USED);
    return APPLY;
  },
  apply: (fx, input) => applyPortRepairs('local.unpublish-mysql', fx, input),
};
