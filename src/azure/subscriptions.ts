// Which subscription to deploy to when the user named none: the subscriptions the signed-in
// identity sees, listed through the SDK (Subscriptions_List, GET /subscriptions, in
// azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/subscriptions/
// stable/2022-12-01/subscriptions.json). That works for every credential — a device-code sign-in
// has no az profile to read. @azure/arm-resources-subscriptions 2.1.1: the newest major whose
// `engines` accepts Node 20 (3.0.0 asks for Node 22).

import { azCliDefaultSubscription, clientOptionsOf, type AzureContext } from './context.js';

export interface VisibleSubscription {
  id: string;
  name?: string;
  state?: string;
  tenantId?: string;
}

/** Subscriptions the credential can see (every page), in ARM's order. */
export async function listSubscriptions(ctx: AzureContext, signal?: AbortSignal): Promise<VisibleSubscription[]> {
  const { SubscriptionClient } = await import('@azure/arm-resources-subscriptions');
  const client = new SubscriptionClient(ctx.credential, clientOptionsOf(ctx));
  const out: VisibleSubscription[] = [];
  for await (const s of client.subscriptions.list(signal ? { abortSignal: signal } : {})) {
    if (!s.subscriptionId) continue;
    out.push({ id: s.subscriptionId, ...(s.displayName ? { name: s.displayName } : {}), ...(s.state ? { state: s.state } : {}), ...(s.tenantId ? { tenantId: s.tenantId } : {}) });
  }
  return out;
}

export interface SubscriptionPick {
  subscriptionId?: string;
  /** How it was chosen, or why none was: for the report and the error message. */
  reason: string;
}

/**
 * Pick from what the SDK listed: the one enabled subscription; among several, az's default when
 * the run signs in through az and that default is among them; otherwise none, with the choices.
 * Pure apart from the optional az profile read (`azDefault`).
 */
export function pickSubscription(visible: readonly VisibleSubscription[], azDefault: string | undefined): SubscriptionPick {
  const enabled = visible.filter((s) => (s.state ?? 'Enabled').toLowerCase() === 'enabled');
  const [only] = enabled;
  if (enabled.length === 1 && only) return { subscriptionId: only.id, reason: `the only enabled subscription of the signed-in account (${only.name ?? only.id})` };
  if (enabled.length === 0) {
    return { reason: visible.length === 0 ? 'the signed-in account sees no subscription' : `the signed-in account sees no enabled subscription (${visible.map((s) => `${s.id} ${s.state ?? ''}`.trim()).join(', ')})` };
  }
  const fromAz = azDefault ? enabled.find((s) => s.id.toLowerCase() === azDefault.toLowerCase()) : undefined;
  if (fromAz) return { subscriptionId: fromAz.id, reason: `the az CLI's default subscription (${fromAz.name ?? fromAz.id}), one of ${enabled.length} enabled` };
  const listed = enabled.slice(0, 5).map((s) => (s.name ? `${s.id} (${s.name})` : s.id));
  return { reason: `the signed-in account sees ${enabled.length} enabled subscriptions: ${listed.join(', ')}${enabled.length > 5 ? ', …' : ''}` };
}

/** The subscription for a run that named none: list, then pick. */
export async function findSubscription(ctx: AzureContext, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<SubscriptionPick> {
  const visible = await listSubscriptions(ctx, signal);
  const azDefault = (ctx.credentialKind ?? 'cli') === 'cli' && visible.length > 1 ? await azCliDefaultSubscription(env) : undefined;
  return pickSubscription(visible, azDefault);
}
