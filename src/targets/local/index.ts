// The local target: Docker through the Engine API. Loaders only: `status` and `--help` load none of
// the flow, the engine client or the compose loader.

import { LOCAL_STATE_FILE } from '../../devlake/state.js';
import { LOCAL_CLASS_IDS } from '../../recovery/types.js';
import type { Target } from '../types.js';

export const local: Target = {
  name: 'local',
  stateFile: LOCAL_STATE_FILE,
  classes: LOCAL_CLASS_IDS,
  machine: async () => (await import('../../../machines/deploy-local.js')).deployLocalMachine,
  actors: () => import('./flow.js'),
  deploy: async () => (await import('./deploy.js')).deployLocalCommand,
  start: async () => (await import('./start-stop.js')).startCommand,
  stop: async () => (await import('./start-stop.js')).stopCommand,
  status: async () => (await import('./status.js')).statusLocalCommand,
  cleanup: async () => (await import('./cleanup.js')).cleanupLocalCommand,
  doctor: async () => {
    const { runLocalChecks } = await import('../../doctor/local.js');
    return ({ dir, deps, options }) => runLocalChecks(dir, deps, options ?? {});
  },
};
