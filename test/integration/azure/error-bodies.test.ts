// The fake ARM's error answers as the real SDK receives them: status, code and words of the real
// service (each behaviour's source is cited beside it in test/fake-arm/), and the class the
// product gives them. The product never purges a protected vault (its repair declines first); this
// holds the fake to the real answer for when something does.

import { afterEach, describe, expect, it } from 'vitest';
import { openArm } from '../../../src/azure/arm.js';
import { classify } from '../../../src/recovery/classify.js';
import { toDeployFailure } from '../../../src/recovery/failure.js';
import { LOCATION, scenario, startScenario, type Harness } from '../../fake-arm/scenarios.js';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('fake ARM error bodies through the real SDK', () => {
  it("purging a purge-protected vault: 405 MethodNotAllowed \"Operation 'DeletedVaultPurge' is not allowed.\"", async () => {
    h = await startScenario(scenario('vault-purge-protected'));
    const ctx = await h.deps.context({ env: {} });
    const arm = await openArm(ctx as Parameters<typeof openArm>[0], h.arm.subscriptionId);
    const [vault] = [...h.arm.state.deletedVaults.keys()];
    const err = (await arm.keyVault.vaults.beginPurgeDeletedAndWait(vault!, LOCATION).catch((e: unknown) => e)) as { statusCode?: number; code?: string; message?: string };
    expect(err).toMatchObject({ statusCode: 405, code: 'MethodNotAllowed', message: "Operation 'DeletedVaultPurge' is not allowed." });
    expect(h.arm.state.deletedVaults.has(vault!)).toBe(true);
    const c = classify(toDeployFailure(err, { source: 'azure' }));
    expect([c.classId, c.repair]).toEqual(['azure.keyvault-purge-protected', null]);
  });
});
