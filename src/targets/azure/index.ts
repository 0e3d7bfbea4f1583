// The Azure target: Container Instances, MySQL Flexible Server and Key Vault through the SDK. The
// Azure SDK loads only inside the handlers (src/azure/arm.ts imports it on first use).

import { AZURE_STATE_FILE } from '../../devlake/state.js';
import { AZURE_CLASS_IDS } from '../../recovery/types.js';
import type { AzureDoctorDeps, AzureDoctorOptions } from '../../doctor/azure.js';
import type { Target } from '../types.js';

export const azure: Target = {
  name: 'azure',
  stateFile: AZURE_STATE_FILE,
  classes: AZURE_CLASS_IDS,
  machine: async () => (await import('../../../machines/deploy-azure.js')).deployAzureMachine,
  actors: () => import('./flow.js'),
  deploy: async () => (await import('./handlers.js')).deployAzureCommand,
  start: async () => (await import('./handlers.js')).startAzureCommand,
  stop: async () => (await import('./handlers.js')).stopAzureCommand,
  status: async () => (await import('./handlers.js')).statusAzureCommand,
  cleanup: async () => (await import('./handlers.js')).cleanupAzureCommand,
  doctor: async () => {
    const { runAzureChecks } = await import('../../doctor/azure.js');
    return ({ options, deps }) => runAzureChecks(options as AzureDoctorOptions, { env: deps.env, ...(deps.disabled ? { disabled: deps.disabled as AzureDoctorDeps['disabled'] } : {}), ...(deps.azure as AzureDoctorDeps | undefined) });
  },
};
