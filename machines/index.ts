// Every flow's machine, by name: `import { machines } from 'gh-devlake/machines'`.
import { deployLocalMachine } from './deploy-local.js';
import { deployAzureMachine } from './deploy-azure.js';

export const machines = {
  'deploy-local': deployLocalMachine,
  'deploy-azure': deployAzureMachine,
} as const;

export type MachineName = keyof typeof machines;
export { deployLocalMachine };
export type * from './deploy-local.js';
