// Which credential failed to sign in, and why: the facts the sign-in repairs are chosen by.
//
// @azure/identity 4.13 reports every `az` failure from AzureCliCredential as a
// CredentialUnavailableError (src/credentials/azureCliCredential.ts: "not installed", "please run
// az login", or az's own stderr for anything else, MFA and Conditional Access included), and
// ChainedTokenCredential gathers those into an AggregateAuthenticationError whose `errors` list
// holds one error per credential, in the chain's order; an AuthenticationError (the identity
// platform refused: a wrong secret, a blocked sign-in) ends the chain at once. So the error's
// name alone says nothing about what to do: we label every credential's errors with its name
// (labelCredential) and read each message here. Pure, apart from the labelling wrapper.

import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { DeployFailure } from '../recovery/types.js';

/** The credentials the product builds (src/azure/context.ts) and the device-code one (src/azure/login.ts). */
export type CredentialName =
  | 'AzureCliCredential'
  | 'AzureDeveloperCliCredential'
  | 'EnvironmentCredential'
  | 'ManagedIdentityCredential'
  | 'DeviceCodeCredential';

/**
 * What went wrong for one credential. Each is a DeployFailure code the taxonomy matches
 * (src/recovery/taxonomy/azure.ts), and the rule it matches names the repair.
 */
export type SignInCode =
  /** az is not on PATH: `az login` cannot help; device-code sign-in can. */
  | 'AzureCliNotInstalled'
  /** az has no account (or its refresh token expired): `az login`. */
  | 'AzureCliNotSignedIn'
  /** The tenant wants MFA or a claims challenge for ARM: `az login --scope <ARM scope>`. */
  | 'AzureCliInteractionRequired'
  /** Conditional Access (or an admin) blocks the sign-in: no login changes that. */
  | 'SignInBlockedByPolicy'
  /** azd: not installed or not signed in (the second credential of the az chain). */
  | 'AzureDeveloperCliUnavailable'
  /** EnvironmentCredential without its AZURE_* variables. */
  | 'EnvironmentCredentialUnavailable'
  /** No managed identity endpoint answered (not on an Azure host, or no identity assigned). */
  | 'ManagedIdentityUnavailable'
  /** The identity platform refused the credential (wrong secret, unknown client…). */
  | 'CredentialRejected'
  /** Anything else a credential reported. */
  | 'SignInFailed';

export interface CredentialProblem {
  credential: CredentialName | 'unknown';
  code: SignInCode;
  /** The @azure/identity error's name (CredentialUnavailableError, AuthenticationError…). */
  errorName: string;
  message: string;
  /** The AADSTS error code in the message, when there is one. */
  aadsts?: string;
  /** For AzureCliInteractionRequired: the scope az asks to sign in to (`az login --scope …`). */
  scope?: string;
  /** A tenant az or the identity platform names (`--tenant …`). */
  tenant?: string;
}

const LABEL = Symbol.for('gh-devlake.credential');

/** Wrap a credential so every error it throws says which credential threw it. */
export function labelCredential(name: CredentialName, credential: TokenCredential): TokenCredential {
  return {
    getToken: async (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => {
      try {
        return await credential.getToken(scopes, options);
      } catch (err) {
        if (typeof err === 'object' && err !== null) (err as Record<symbol, unknown>)[LABEL] = name;
        throw err;
      }
    },
  };
}

function labelOf(err: unknown): CredentialName | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as Record<symbol, unknown>)[LABEL];
  return typeof v === 'string' ? (v as CredentialName) : undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

function nameOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : undefined;
}

/** The credential a message speaks of when no label says it (errors from outside our wrappers). */
function guessCredential(message: string): CredentialName | 'unknown' {
  if (/\bazd\b|Azure Developer CLI/i.test(message)) return 'AzureDeveloperCliCredential';
  if (/\baz login\b|Azure CLI\b|\baz:/i.test(message)) return 'AzureCliCredential';
  if (/EnvironmentCredential/i.test(message)) return 'EnvironmentCredential';
  if (/ManagedIdentityCredential|managed identity|IMDS/i.test(message)) return 'ManagedIdentityCredential';
  if (/DeviceCodeCredential|device code/i.test(message)) return 'DeviceCodeCredential';
  return 'unknown';
}

/**
 * AADSTS codes that no sign-in of ours can satisfy: Conditional Access blocked the token
 * (53000 device not compliant, 53001 not domain joined, 53003 blocked by policy, 530003/530033
 * device state), or the account is locked/disabled (50053, 50057). Source: Microsoft Entra
 * authentication and authorization error codes (learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
const BLOCKED_AADSTS = new Set(['53000', '53001', '53003', '530003', '530033', '50053', '50057']);
/** AADSTS codes that an interactive sign-in satisfies: 50076/50079 MFA, 50158 external challenge, 50078 MFA expired. */
const INTERACTION_AADSTS = new Set(['50076', '50079', '50078', '50158']);

/** ARM's own scope in az's "az login --scope <scope>" advice; anything else is not taken over. */
const SCOPE = /\baz login\b[^\n]*?--scope\s+(https:\/\/[\w.-]+(?::\d+)?\/[\w./-]*)/i;
const TENANT = /--tenant\s+["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[\w-]+(?:\.[\w-]+)+)/i;

/** One credential's error → what went wrong. */
export function credentialProblem(err: unknown): CredentialProblem {
  const message = messageOf(err).trim();
  const credential = labelOf(err) ?? guessCredential(message);
  const aadsts = /\bAADSTS(\d{5,6})\b/.exec(message)?.[1];
  const scope = SCOPE.exec(message)?.[1];
  const tenant = TENANT.exec(message)?.[1];
  const base = { credential, message, errorName: nameOf(err) ?? 'Error', ...(aadsts ? { aadsts } : {}), ...(tenant ? { tenant } : {}) };
  if (aadsts && BLOCKED_AADSTS.has(aadsts)) return { ...base, code: 'SignInBlockedByPolicy' };
  switch (credential) {
    case 'AzureCliCredential':
      if (/Azure CLI could not be found|az: (?:.*)not found|'az' is not recognized/i.test(message)) return { ...base, code: 'AzureCliNotInstalled' };
      if ((aadsts && INTERACTION_AADSTS.has(aadsts)) || scope || /interaction_required|claims challenge|--claims-challenge/i.test(message)) {
        return { ...base, code: 'AzureCliInteractionRequired', ...(scope ? { scope } : {}) };
      }
      return { ...base, code: 'AzureCliNotSignedIn' };
    case 'AzureDeveloperCliCredential':
      return { ...base, code: 'AzureDeveloperCliUnavailable' };
    case 'EnvironmentCredential':
      return { ...base, code: nameOf(err) === 'AuthenticationError' ? 'CredentialRejected' : 'EnvironmentCredentialUnavailable' };
    case 'ManagedIdentityCredential':
      return { ...base, code: nameOf(err) === 'AuthenticationError' ? 'CredentialRejected' : 'ManagedIdentityUnavailable' };
    default:
      return { ...base, code: nameOf(err) === 'AuthenticationError' ? 'CredentialRejected' : 'SignInFailed' };
  }
}

/** Every credential's problem: the aggregate's `errors` list, or the one error. */
export function credentialProblems(err: unknown): CredentialProblem[] {
  const inner = typeof err === 'object' && err !== null ? (err as { errors?: unknown }).errors : undefined;
  if (nameOf(err) === 'AggregateAuthenticationError' && Array.isArray(inner) && inner.length > 0) return inner.map(credentialProblem);
  return [credentialProblem(err)];
}

/**
 * The problem that decides the repair. The az chain is led by az (azd is its fallback, and az is
 * what the docs tell users to sign in with), so az's problem decides unless az is missing and azd
 * is the one present; a credential the user chose (environment, managed identity) decides alone.
 */
export function decisiveProblem(problems: readonly CredentialProblem[]): CredentialProblem | undefined {
  const blocked = problems.find((p) => p.code === 'SignInBlockedByPolicy');
  if (blocked) return blocked;
  const rejected = problems.find((p) => p.code === 'CredentialRejected');
  if (rejected) return rejected;
  const az = problems.find((p) => p.credential === 'AzureCliCredential');
  if (az) return az;
  return problems[0];
}

/** A credential's error as the failure the sign-in check reports (source 'auth', code per problem). */
export function signInFailure(err: unknown): DeployFailure {
  const problems = credentialProblems(err);
  const decisive = decisiveProblem(problems);
  const lines = problems.map((p) => {
    const text = p.message.replace(/\s+/g, ' ').trim();
    return p.credential === 'unknown' || text.startsWith(p.credential) ? text : `${p.credential}: ${text}`;
  });
  return {
    source: 'auth',
    code: decisive?.code ?? 'SignInFailed',
    message: lines.join(' | ') || messageOf(err),
    operation: 'credential.getToken',
    ...(decisive && decisive.credential !== 'unknown' ? { target: decisive.credential } : {}),
    // Inner codes are the identity errors' names: only the decisive code above picks a rule.
    details: problems.map((p) => ({ code: p.errorName, message: p.message, ...(p.credential !== 'unknown' ? { target: p.credential } : {}) })),
  };
}
