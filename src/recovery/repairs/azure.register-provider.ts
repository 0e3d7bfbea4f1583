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
    // Register only what is really unregistered: a namespace already 'Registering' is only waited for
    // (and registering needs `*/register/action` on the subscription, which many users lack).
    const states = new Map((await fx.unregisteredProviders(namespaces)).map((m) => [m.namespace.toLowerCase(), m.state.toLowerCase()]));
    const registered: string[] = [];
    for (const ns of namespaces) {
      const state = states.get(ns.toLowerCase());
      if (state === undefined || state === 'registering') continue;
      fx.progress(`Registering resource provider ${ns}`);
      await fx.registerProvider(ns);
      registered.push(ns);
    }
    try {
      await fx.pollUntil(`Waiting for ${namespaces.join(', ')} to be Registered`, 'providerMs', async () => ((await fx.unregisteredProviders(namespaces)).length === 0 ? 'Registered' : undefined));
    } catch (err) {
      throw new RepairDeclinedError(`registration of ${namespaces.join(', ')} was requested but is not complete: ${err instanceof Error ? err.message : String(err)}`);
    }
    const plural = namespaces.length > 1 ? 's' : '';
    return {
      repair: 'azure.register-provider',
      description:
        registered.length > 0
          ? `registered resource provider${plural} ${namespaces.join(', ')} (Registered after ${seconds(Date.now() - started)})`
          : `resource provider${plural} ${namespaces.join(', ')} already registering or Registered: waited, registered nothing (${seconds(Date.now() - started)})`,
    };
  },
  retryText: () => 'checking the provider registration again',
};
