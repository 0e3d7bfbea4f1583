// azure.login: the az credential chain has no (valid) sign-in → `az login` on the terminal, after
// asking (the one child process gh-devlake may start; src/azure/login.ts runs it).

import type { AzureRepair } from './kit.js';
import { SIGNED_IN, SIGN_IN_RETRY, decideSignIn } from './sign-in.js';

/** The sign-in command users are told to run. */
export const LOGIN_COMMAND = 'az login';

export const azureLogin: AzureRepair = {
  target: 'azure',
  summary: 'sign in with `az login` (asks first)',
  decide: (_c, o) => decideSignIn(o, `no interactive terminal (or CI=true), so gh-devlake does not start a login; run \`${LOGIN_COMMAND}\`, then run this command again`),
  apply: async (fx, { classification }) => ({ repair: 'azure.login', description: await fx.signIn('azure.login', classification) }),
  retryText: () => SIGN_IN_RETRY,
  recoveredText: SIGNED_IN,
};
