// azure.device-code: az is not installed → sign in with a device code (@azure/identity's
// DeviceCodeCredential), after asking; never `az login`.

import type { AzureRepair } from './kit.js';
import { SIGNED_IN, SIGN_IN_RETRY, decideSignIn } from './sign-in.js';

export const azureDeviceCode: AzureRepair = {
  target: 'azure',
  summary: 'sign in with a device code, without az (asks first)',
  decide: (_c, o) =>
    decideSignIn(
      o,
      'no interactive terminal (or CI=true), so gh-devlake does not start a device-code sign-in; install az and run `az login` (or set GH_DEVLAKE_AZURE_AUTH=environment), then run this command again',
    ),
  apply: async (fx, { classification }) => ({ repair: 'azure.device-code', description: await fx.signIn('azure.device-code', classification) }),
  retryText: () => SIGN_IN_RETRY,
  recoveredText: SIGNED_IN,
};
