// local.alternate-bundle: a bundle port (8080/3002/4000) is taken → the one retry runs on the
// alternate bundle (8085/3004/4004), after checking that bundle is free.

import { ALTERNATE_BUNDLE } from '../../devlake/ports.js';
import { APPLY, CUSTOM_KEEPS_PORTS, declined, type LocalPortEffects, type LocalRepair } from './kit.js';
import { applyPortRepairs } from './local-ports.js';

export const alternateBundle: LocalRepair<LocalPortEffects> = {
  target: 'local',
  summary: `switch to the alternate port bundle (${ALTERNATE_BUNDLE.backend}/${ALTERNATE_BUNDLE.grafana}/${ALTERNATE_BUNDLE.configUi})`,
  decide(c, o) {
    if (o.source === 'custom') return declined(CUSTOM_KEEPS_PORTS);
    // The fallback helps only from the default bundle, and only for one of its ports (`role`).
    if (o.plan.bundle !== 'default') return declined('already on the alternate bundle; stop the holder of the port');
    if (typeof c.facts.role !== 'string') return declined('the port is not one of the bundle ports; stop the holder or free the port');
    return APPLY;
  },
  apply: (fx, input) => applyPortRepairs('local.alternate-bundle', fx, input),
};
