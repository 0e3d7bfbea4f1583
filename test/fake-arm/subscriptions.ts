// TEST ONLY: Subscriptions_List, GET /subscriptions — azure-rest-api-specs
// specification/resources/resource-manager/Microsoft.Resources/subscriptions/stable/2022-12-01/
// subscriptions.json (x-ms-pageable, nextLinkName "nextLink"; a Subscription carries id,
// subscriptionId, displayName, tenantId, state, subscriptionPolicies, authorizationSource).
// The list is of what the token's identity can see; ARM serves it outside any subscription.

import type { RouteKit } from './route-kit.js';

export interface FakeSubscription {
  id: string;
  name: string;
  state: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
}

export const FAKE_TENANT = '11111111-2222-3333-4444-555555555555';

/** Serve the list; `pageSize` splits it into pages joined by nextLink, as ARM may. */
export function addSubscriptionRoutes(kit: RouteKit, subscriptions: readonly FakeSubscription[], base: () => string, pageSize = 2): void {
  kit.route('GET', '/subscriptions', (req, res) => {
    const url = new URL(`https://127.0.0.1${req.url ?? '/'}`);
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
    const page = subscriptions.slice(skip, skip + pageSize).map((s) => ({
      id: `/subscriptions/${s.id}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: s.id,
      tenantId: FAKE_TENANT,
      displayName: s.name,
      state: s.state,
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    }));
    const more = skip + pageSize < subscriptions.length;
    kit.json(res, 200, {
      value: page,
      ...(more ? { nextLink: `${base()}/subscriptions?api-version=${url.searchParams.get('api-version') ?? ''}&$skiptoken=${skip + pageSize}` } : {}),
      count: { type: 'Total', value: subscriptions.length },
    });
  });
}
