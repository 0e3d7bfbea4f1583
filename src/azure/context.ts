// What every Azure call needs: a credential, the ARM endpoint, the subscription and the client
// options (TLS CA, retry settings). Injected into the commands as a factory, so tests point the
// real SDK clients at a fake ARM with a test CA and a test credential; the product has no switch.
// @azure/* modules load lazily (dynamic import) so `deploy local` and `--help` never load them.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { labelCredential } from './sign-in.js';

export type { TokenCredential };

export const PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';

/** The subset of @azure/core-rest-pipeline's pipeline options we pass to every client. */
export interface AzureClientOptions {
  /** TLS settings of Node's https agent: `ca` replaces the trusted roots (a test CA). */
  tlsOptions?: { ca?: string | Buffer | (string | Buffer)[] };
  /** The SDK's own retry policy for 429/5xx; we add none of our own. */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export interface AzureContext {
  credential: TokenCredential;
  /** ARM endpoint, passed as the clients' `endpoint` option (and `$host` for older clients). */
  endpoint: string;
  /** Subscription to use; resolved after sign-in when not given (see resolveSubscription). */
  subscriptionId?: string;
  clientOptions: AzureClientOptions;
  /** Polling interval for long-running operations; the SDK's default (and Retry-After) when unset. */
  pollIntervalMs?: number;
  /**
   * Which credential signs in: the user's choice (GH_DEVLAKE_AZURE_AUTH), or 'device-code' once
   * the device-code repair replaced it. The sign-in repairs and the subscription choice read it.
   */
  credentialKind?: CredentialKind | 'device-code';
  /** Options of the credentials gh-devlake creates itself (device code): authority host, TLS. */
  identityOptions?: IdentityOptions;
}

/** What a device-code credential is built with (tests: a fake identity platform on loopback). */
export interface IdentityOptions {
  /** Microsoft Entra authority host; @azure/identity reads AZURE_AUTHORITY_HOST when unset. */
  authorityHost?: string;
  tenantId?: string;
  /** Skip the instance metadata lookup at login.microsoftonline.com (an authority host of your own). */
  disableInstanceDiscovery?: boolean;
  tlsOptions?: AzureClientOptions['tlsOptions'];
}

export interface AzureContextRequest {
  subscription?: string;
  env: NodeJS.ProcessEnv;
}

export type AzureContextFactory = (request: AzureContextRequest) => Promise<AzureContext>;

/** Which credential the product uses: the az / azd chain unless GH_DEVLAKE_AZURE_AUTH asks otherwise. */
export type CredentialKind = 'cli' | 'environment' | 'managed-identity';

export function credentialKind(env: NodeJS.ProcessEnv): CredentialKind {
  const v = (env.GH_DEVLAKE_AZURE_AUTH ?? '').toLowerCase();
  if (v === 'environment' || v === 'env') return 'environment';
  if (v === 'managed-identity' || v === 'msi') return 'managed-identity';
  return 'cli';
}

/** The credential of a kind; each one labelled, so a failure says which credential failed (sign-in.ts). */
export async function createCredential(kind: CredentialKind): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  if (kind === 'environment') return labelCredential('EnvironmentCredential', new identity.EnvironmentCredential());
  if (kind === 'managed-identity') return labelCredential('ManagedIdentityCredential', new identity.ManagedIdentityCredential());
  return new identity.ChainedTokenCredential(
    labelCredential('AzureCliCredential', new identity.AzureCliCredential()),
    labelCredential('AzureDeveloperCliCredential', new identity.AzureDeveloperCliCredential()),
  );
}

/** The product's context: the default credential chain against the public cloud. */
export const defaultAzureContext: AzureContextFactory = async ({ subscription, env }) => {
  const subscriptionId = subscription ?? (env.AZURE_SUBSCRIPTION_ID || undefined);
  const kind = credentialKind(env);
  return {
    credential: await createCredential(kind),
    endpoint: PUBLIC_ARM_ENDPOINT,
    ...(subscriptionId ? { subscriptionId } : {}),
    clientOptions: {},
    credentialKind: kind,
  };
};

/**
 * The az CLI's default subscription, read from its profile file (no `az` process). Only a
 * tie-breaker between subscriptions the SDK listed (src/azure/subscriptions.ts), never the source.
 */
export async function azCliDefaultSubscription(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dir = env.AZURE_CONFIG_DIR || path.join(os.homedir(), '.azure');
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'azureProfile.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const profile = JSON.parse(text.replace(/^\uFEFF/, '')) as { subscriptions?: { id?: string; isDefault?: boolean }[] };
    return profile.subscriptions?.find((s) => s.isDefault)?.id;
  } catch {
    return undefined;
  }
}

/** Options every client gets: endpoint (and $host for the older generated clients), TLS, retry. */
export function clientOptionsOf(ctx: AzureContext): Record<string, unknown> {
  return {
    endpoint: ctx.endpoint,
    $host: ctx.endpoint,
    ...(ctx.clientOptions.tlsOptions ? { tlsOptions: ctx.clientOptions.tlsOptions } : {}),
    ...(ctx.clientOptions.retryOptions ? { retryOptions: ctx.clientOptions.retryOptions } : {}),
    userAgentOptions: { userAgentPrefix: 'gh-devlake' },
  };
}
