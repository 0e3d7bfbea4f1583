// local.recreate-container: a container of this deployment, left stopped by an earlier run, points
// at a network that is gone (local.network-gone: `network <id> not found` on start, docker/compose#8539).
// The one retry creates it anew: the repair removes this deployment's containers that point at a
// gone network — found by this project's and this directory's labels, never anyone else's — and
// keeps their named volumes (MySQL's data). Compose's own answer is `up --force-recreate`.

import { RepairDeclinedError } from '../deploy-error.js';
import { APPLY, declined, type LocalRepair } from './kit.js';

/** Custom deploys recover by hand (their compose file and its containers are the user's to manage). */
export const CUSTOM_RECREATES_BY_HAND = 'custom deploys recover by hand: run `docker compose up -d --force-recreate` in the deploy directory';

const short = (id: string): string => id.slice(0, 12);

export const recreateContainer: LocalRepair = {
  target: 'local',
  summary: "recreate this deployment's containers whose network is gone",
  decide(_c, o) {
    if (o.source === 'custom') return declined(CUSTOM_RECREATES_BY_HAND);
    return APPLY;
  },
  async apply(fx, { classification, plan }) {
    // What the failed attempt created (the re-created network stays: the retry needs it).
    await fx.teardownAttempt();
    const stale = await fx.staleContainers();
    if (stale.length === 0) {
      const network = typeof classification.facts.network === 'string' ? ` ${short(classification.facts.network)}` : '';
      throw new RepairDeclinedError(
        `no container of this deployment points at a missing network${network}, so there is nothing of ours to recreate; ` +
          'the container that does belongs to another project',
      );
    }
    await fx.removeContainers(stale.map((c) => c.id));
    const names = stale.map((c) => c.name).join(', ');
    const gone = [...new Set(stale.flatMap((c) => c.goneNetworks))].map(short).join(', ');
    return {
      repair: 'local.recreate-container',
      description: `recreate ${names} (their network ${gone} is gone); data volumes kept`,
      plan,
    };
  },
};
