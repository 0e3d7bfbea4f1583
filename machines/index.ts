// Every flow's machine, by name: `import { machines } from 'gh-devlake/machines'`.
import { deployLocalMachine } from './deploy-local.js';

export const machines = {
  'deploy-local': deployLocalMachine,
} as const;

export type MachineName = keyof typeof machines;
export { deployLocalMachine };
export type * from './deploy-local.js';
