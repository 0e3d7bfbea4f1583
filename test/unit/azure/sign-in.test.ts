// Which credential failed and why, from @azure/identity's own error classes and messages, and
// the repair the taxonomy names for it; the guard for the sign-in repairs; the subscription pick.

import { describe, expect, it } from 'vitest';
import { AggregateAuthenticationError, AuthenticationError, CredentialUnavailableError, EnvironmentCredential } from '@azure/identity';
import { credentialProblems, labelCredential, signInFailure } from '../../../src/azure/sign-in.js';
import { azLoginArgs } from '../../../src/azure/login.js';
import { pickSubscription } from '../../../src/azure/subscriptions.js';
import { classify } from '../../../src/recovery/classify.js';
import { azureRepairAllowed } from '../../../machines/guards.js';

// Azure/azure-cli#21519: az's stderr when the tenant wants MFA; AzureCliCredential passes it on as is.
const MFA =
  "ERROR: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'.\nTo re-authenticate, please run:\naz login --scope https://management.core.windows.net//.default";
const NOT_INSTALLED = "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.";
const AZD_NOT_INSTALLED = "Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.";

function labelled(name: Parameters<typeof labelCredential>[0], err: Error): Promise<unknown> {
  return labelCredential(name, { getToken: () => Promise.reject(err) })
    .getToken('https://management.azure.com/.default')
    .catch((e: unknown) => e);
}

const guard = { interactive: true, keyVaultName: 'kv', mysqlName: 'db' };

describe('sign-in diagnosis', () => {
  it('az asks for MFA: az login --scope, from the message az printed', async () => {
    const err = new AggregateAuthenticationError(
      [await labelled('AzureCliCredential', new CredentialUnavailableError(MFA)), await labelled('AzureDeveloperCliCredential', new CredentialUnavailableError(AZD_NOT_INSTALLED))],
      'ChainedTokenCredential authentication failed.',
    );
    const f = signInFailure(err);
    expect(f).toMatchObject({ source: 'auth', code: 'AzureCliInteractionRequired', target: 'AzureCliCredential' });
    const c = classify(f);
    expect(c).toMatchObject({ classId: 'azure.auth-missing', repair: 'azure.login' });
    expect(c.facts).toMatchObject({ scope: 'https://management.core.windows.net//.default', aadsts: 'AADSTS50076' });
    expect(azLoginArgs(c.facts)).toEqual(['login', '--scope', 'https://management.core.windows.net//.default']);
    expect(c.remediation).toContain('az login --scope https://management.core.windows.net//.default');
  });

  it('az missing: device code, not az login; azd missing too does not change that', async () => {
    const err = new AggregateAuthenticationError(
      [await labelled('AzureCliCredential', new CredentialUnavailableError(NOT_INSTALLED)), await labelled('AzureDeveloperCliCredential', new CredentialUnavailableError(AZD_NOT_INSTALLED))],
      'ChainedTokenCredential authentication failed.',
    );
    expect(credentialProblems(err).map((p) => [p.credential, p.code])).toEqual([
      ['AzureCliCredential', 'AzureCliNotInstalled'],
      ['AzureDeveloperCliCredential', 'AzureDeveloperCliUnavailable'],
    ]);
    expect(classify(signInFailure(err))).toMatchObject({ classId: 'azure.auth-missing', repair: 'azure.device-code' });
  });

  it('the real EnvironmentCredential without its variables: no automatic repair', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AZURE_')) delete process.env[k];
    try {
      const err = await labelCredential('EnvironmentCredential', new EnvironmentCredential())
        .getToken('https://management.azure.com/.default')
        .catch((e: unknown) => e);
      const c = classify(signInFailure(err));
      expect(c).toMatchObject({ classId: 'azure.credential-unavailable', repair: null });
      expect(c.facts.credential).toBe('EnvironmentCredential');
    } finally {
      Object.assign(process.env, saved);
    }
  });

  it('a refused service principal (AuthenticationError) is not a login case', async () => {
    const err = await labelled('EnvironmentCredential', new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }));
    expect(signInFailure(err).code).toBe('CredentialRejected');
    expect(classify(signInFailure(err)).repair).toBeNull();
  });

  it('Conditional Access (AADSTS53003) blocks whatever the credential: no login', async () => {
    const err = await labelled('AzureCliCredential', new CredentialUnavailableError('ERROR: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.'));
    expect(classify(signInFailure(err))).toMatchObject({ classId: 'azure.sign-in-blocked', repair: null, facts: { aadsts: 'AADSTS53003' } });
  });

  it('az login takes only a https scope and a plain tenant from the facts', () => {
    expect(azLoginArgs({ scope: 'https://x.example/.default; rm -rf /', tenant: 'contoso.onmicrosoft.com' })).toEqual(['login', '--tenant', 'contoso.onmicrosoft.com']);
    expect(azLoginArgs({})).toEqual(['login']);
  });
});

describe('sign-in repair guard', () => {
  const cls = (repair: 'azure.login' | 'azure.device-code') => ({ classId: 'azure.auth-missing' as const, repair, facts: {}, failure: { source: 'auth' as const, message: 'x' } });
  it('needs a terminal and the az chain', () => {
    expect(azureRepairAllowed(cls('azure.device-code'), guard)).toBe(true);
    expect(azureRepairAllowed(cls('azure.device-code'), { ...guard, interactive: false })).toBe(false);
    expect(azureRepairAllowed(cls('azure.login'), { ...guard, credential: 'environment' })).toBe(false);
    expect(azureRepairAllowed(cls('azure.device-code'), { ...guard, credential: 'managed-identity' })).toBe(false);
    expect(azureRepairAllowed(cls('azure.login'), guard, ['azure.device-code'])).toBe(true);
    expect(azureRepairAllowed(cls('azure.login'), guard, ['azure.login'])).toBe(false);
  });
});

describe('subscription pick', () => {
  const a = { id: 'a', name: 'A', state: 'Enabled' };
  const b = { id: 'b', name: 'B', state: 'Enabled' };
  it('one enabled: that one; several: az default only when among them; none: why', () => {
    expect(pickSubscription([a, { id: 'x', state: 'Disabled' }], undefined).subscriptionId).toBe('a');
    expect(pickSubscription([a, b], 'B').subscriptionId).toBe('b');
    expect(pickSubscription([a, b], 'zzz')).toEqual({ reason: expect.stringContaining('a (A), b (B)') as unknown });
    expect(pickSubscription([], undefined).reason).toContain('sees no subscription');
  });
});
