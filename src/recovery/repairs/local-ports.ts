// The two local port repairs share one retry: whichever the class names, the other known conflict
// (3306 beside a bundle port, common with two stacks) is probed before the one retry and repaired
// in it too, instead of failing it. Used by local.alternate-bundle.ts and local.unpublish-mysql.ts.

import { RepairDeclinedError } from '../deploy-error.js';
import type { Classification, RepairId } from '../types.js';
import { ALTERNATE_BUNDLE, DEFAULT_BUNDLE, MYSQL_HOST_PORT, bundlePorts, type PortBundle } from '../../devlake/ports.js';
import type { Applied, LocalPlan, LocalPortEffects } from './kit.js';

type PortRepair = 'local.alternate-bundle' | 'local.unpublish-mysql';

function bundleText(b: PortBundle): string {
  return `backend ${b.backend}, grafana ${b.grafana}, config UI ${b.configUi}`;
}

export async function applyPortRepairs(main: PortRepair, fx: LocalPortEffects, input: { classification: Classification; plan: LocalPlan }): Promise<Applied & { also?: RepairId[]; plan: LocalPlan }> {
  const c = input.classification;
  const plan = input.plan;
  // Our own failed attempt must not count as a holder when probing.
  await fx.teardownAttempt();
  const published = fx.published(plan);

  let bundle = main === 'local.alternate-bundle';
  if (!bundle && plan.bundle === 'default') {
    for (const port of bundlePorts(DEFAULT_BUNDLE)) if (published.has(port) && (await fx.isTaken(port, plan))) bundle = true;
  }
  let unpublish = main === 'local.unpublish-mysql';
  if (!unpublish && !plan.mysqlUnpublished && published.has(MYSQL_HOST_PORT) && (await fx.isTaken(MYSQL_HOST_PORT, plan))) unpublish = true;

  if (bundle) {
    const alternate: LocalPlan = { ...plan, bundle: 'alternate' };
    const busy: string[] = [];
    for (const port of bundlePorts(ALTERNATE_BUNDLE)) {
      if (await fx.isTaken(port, alternate)) busy.push(`${port} is ${await fx.holderText(port)}`);
    }
    if (busy.length > 0) {
      const first = typeof c.facts.detail === 'string' ? c.facts.detail : `${String(c.facts.port)} is in use`;
      throw new RepairDeclinedError(`the alternate bundle is busy too (${busy.join('; ')}); ${first}. Stop one of the holders and run the deploy again`, { alternateBusy: busy.join('; ') });
    }
  }
  const words: string[] = [];
  if (bundle) words.push(`switch to the alternate port bundle: ${bundleText(ALTERNATE_BUNDLE)}`);
  if (unpublish) words.push(`start MySQL without publishing ${MYSQL_HOST_PORT} on the host (DevLake reaches it on the stack's own network)`);
  const also: RepairId[] = main === 'local.alternate-bundle' ? (unpublish ? ['local.unpublish-mysql'] : []) : bundle ? ['local.alternate-bundle'] : [];
  return {
    repair: main,
    ...(also.length > 0 ? { also } : {}),
    description: words.join('; and '),
    plan: { ...plan, bundle: bundle ? 'alternate' : plan.bundle, mysqlUnpublished: plan.mysqlUnpublished || unpublish },
  };
}
