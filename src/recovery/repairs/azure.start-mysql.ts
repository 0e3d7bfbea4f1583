// azure.start-mysql: this deployment's own MySQL flexible server is stopped → start it and wait
// until 'Ready' (never another's).

import { RepairDeclinedError } from '../deploy-error.js';
import { APPLY, declined, namedResource, seconds, type AzureRepair } from './kit.js';

export const azureStartMysql: AzureRepair = {
  target: 'azure',
  summary: 'start the MySQL server',
  decide(c, o) {
    const name = namedResource(c);
    if (name === undefined || name === o.input.mysqlName) return APPLY;
    return declined(`server ${typeof c.facts.name === 'string' ? c.facts.name : '(unnamed)'} is not ${o.input.mysqlName}; gh-devlake starts only its own`);
  },
  async apply(fx) {
    const name = fx.names.mysql;
    const started = Date.now();
    fx.progress(`Starting MySQL server ${name}`);
    await fx.startMysql();
    try {
      await fx.pollUntil(`Waiting for MySQL server ${name} to be Ready`, 'mysqlMs', async () => {
        const s = await fx.mysqlState();
        return s !== undefined && s.toLowerCase() === 'ready' ? s : undefined;
      });
    } catch (err) {
      throw new RepairDeclinedError(`MySQL server ${name} was started but is not Ready: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { repair: 'azure.start-mysql', description: `started MySQL server ${name} (Ready after ${seconds(Date.now() - started)})` };
  },
  retryText: (n) => `checking MySQL server ${n.mysql} again`,
};
