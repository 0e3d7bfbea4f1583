// local.recreate-container over injected effects: what it decides, what it removes, its words.
// (The real engine run is test/integration/cli/network-gone.test.ts.)

import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/recovery/classify.js';
import { RepairDeclinedError } from '../../../src/recovery/deploy-error.js';
import { decideRepair, REPAIRS } from '../../../src/recovery/repairs/index.js';
import type { LocalPlan, LocalRepairEffects, StaleContainerInfo } from '../../../src/recovery/repairs/kit.js';

const PLAN: LocalPlan = { bundle: 'default', mysqlUnpublished: false };
const NET = '7e00e96ef2ba724ba405ab263b23274909bd3c789de72f3081012fe69dbb391a';
const c = classify({ source: 'engine', operation: 'container.start', message: `Error response from daemon: network ${NET} not found` });

function effects(stale: StaleContainerInfo[]): LocalRepairEffects & { removed: string[]; torn: number } {
  const fx = {
    removed: [] as string[],
    torn: 0,
    teardownAttempt: () => {
      fx.torn += 1;
      return Promise.resolve();
    },
    published: () => new Set<number>(),
    isTaken: () => Promise.resolve(false),
    holderText: () => Promise.resolve('in use'),
    staleContainers: () => Promise.resolve(stale),
    removeContainers: (ids: readonly string[]) => {
      fx.removed.push(...ids);
      return Promise.resolve();
    },
  };
  return fx;
}

describe('local.recreate-container', () => {
  it('is the repair of local.network-gone; applies for official and fork, declines for custom', () => {
    expect([c.classId, c.repair]).toEqual(['local.network-gone', 'local.recreate-container']);
    for (const source of ['official', 'fork'] as const) expect(decideRepair(c, { target: 'local', plan: PLAN, source })).toEqual({ apply: true });
    expect(decideRepair(c, { target: 'local', plan: PLAN, source: 'custom' })).toEqual({
      declined: 'custom deploys recover by hand: run `docker compose up -d --force-recreate` in the deploy directory',
    });
    expect(decideRepair(c, { target: 'local', plan: PLAN, source: 'official', disabled: ['local.recreate-container'] })).toEqual({
      declined: 'disabled by --no-repair local.recreate-container',
    });
  });

  it('removes exactly the stale containers the effects name, and says which and why', async () => {
    const fx = effects([
      { id: 'a1', name: 'p-mysql-1', service: 'mysql', goneNetworks: [NET] },
      { id: 'b2', name: 'p-devlake-1', service: 'devlake', goneNetworks: [NET] },
    ]);
    const r = await REPAIRS['local.recreate-container'].apply(fx, { classification: c, plan: PLAN });
    expect(fx.torn).toBe(1);
    expect(fx.removed).toEqual(['a1', 'b2']);
    expect(r).toEqual({ repair: 'local.recreate-container', description: 'recreate p-mysql-1, p-devlake-1 (their network 7e00e96ef2ba is gone); data volumes kept', plan: PLAN });
  });

  it('declines when none of ours points at a gone network (the one that does is someone else\'s), removing nothing', async () => {
    const fx = effects([]);
    const err = await REPAIRS['local.recreate-container'].apply(fx, { classification: c, plan: PLAN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepairDeclinedError);
    expect((err as RepairDeclinedError).reason).toBe(
      'no container of this deployment points at a missing network 7e00e96ef2ba, so there is nothing of ours to recreate; the container that does belongs to another project',
    );
    expect(fx.removed).toEqual([]);
  });
});
