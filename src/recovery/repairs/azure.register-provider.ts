// azure.register-provider: a resource provider the deployment needs is not registered → register
// it (the preflight's whole list, or the namespace the error names) and wait until 'Registered'.

import { RepairDeclinedError } from '../deploy-error.js';
import { APPLY, seconds, type AzureRepair } from './kit.js';

export const azureRegisterProvider: AzureRepair = {
  target: 'azure',
  summary: 'register the resource provider',
  decide: () => APPLY,
  async apply(fx, { classification: c }) {
    const fromFacts = typeof c.facts.namespace === 'string' ? [c.facts.namespace] : [];
    const found = fx.preflightUnregistered();
    const namespaces = fx.stage === 'preflight' && found.length > 0 ? found : fromFacts;
    if (namespaces.length === 0) throw new RepairDeclinedError('the error names no resource provider namespace to register');
    const started = Date.now();
    for (const ns of namespaces) {
      fx.progress(`Registering resource provider ${ns}`);
      await fx.registerProvider(ns);
    }
    try {
      await fx.pollUntil(`Waiting for ${namespaces.join(', ')} to be Registered`, 'providerMs', async () => ((await fx.unregisteredProviders(namespaces)).length === 0 ? 'Registered' : undefined));
    } catch (err) {
      throw new RepairDeclinedError(`registration of ${namespaces.join(', ')} was requested but is not complete: ${err instanceof Error ? err.message : String(err)}`);
    }
    return {
      repair: 'azure.register-provider',
      description: `registered resource provider${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')} (Registered after ${seconds(Date.now() - started)})`,
    };
  },
  retryText: () => 'checking the provider registration again',
};
