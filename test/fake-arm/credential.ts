// TEST ONLY: credentials injected into the product through its AzureContext factory.

import type { AccessToken, TokenCredential } from '@azure/identity';

function token(): AccessToken {
  return { token: 'fake-arm-token', expiresOnTimestamp: Date.now() + 3_600_000 };
}

/** Always signed in. */
export function signedInCredential(): TokenCredential {
  return { getToken: () => Promise.resolve(token()) };
}

/** @azure/identity's error for "not signed in", as its name (the product matches on `name`). */
export class FakeCredentialUnavailableError extends Error {
  override readonly name = 'CredentialUnavailableError';
}

/** Signed out until `login()` is called (the login repair's injected function calls it). */
export function signedOutCredential(): TokenCredential & { login(): void; loginCalls: number; signedIn: boolean } {
  const c = {
    signedIn: false,
    loginCalls: 0,
    login(): void {
      c.signedIn = true;
      c.loginCalls++;
    },
    getToken(): Promise<AccessToken> {
      if (!c.signedIn) {
        return Promise.reject(new FakeCredentialUnavailableError("AzureCliCredential: Please run 'az login' from a command prompt to authenticate before using this credential."));
      }
      return Promise.resolve(token());
    },
  };
  return c;
}
