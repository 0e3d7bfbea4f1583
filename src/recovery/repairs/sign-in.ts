// What azure.login and azure.device-code share: they help only the az credential chain, and only
// where the run may prompt.

import { APPLY, declined, type AzureObservation, type Decision } from './kit.js';

export function decideSignIn(o: AzureObservation, whenNotInteractive: string): Decision {
  const kind = o.input.credential ?? 'cli';
  if (kind !== 'cli') return declined(`the run signs in with GH_DEVLAKE_AZURE_AUTH=${kind}; a login of another kind would not be used`);
  if (!o.input.interactive) return declined(whenNotInteractive);
  return APPLY;
}

export const SIGN_IN_RETRY = 'checking the Azure sign-in again';
export const SIGNED_IN = 'signed in to Azure';
