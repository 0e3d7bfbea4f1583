// azure.purge-vault: this deployment's own Key Vault name is held by a soft-deleted vault → purge
// it (never another's, never one with purge protection).

import { RepairDeclinedError } from '../deploy-error.js';
import { APPLY, declined, namedResource, type AzureRepair } from './kit.js';

export const azurePurgeVault: AzureRepair = {
  target: 'azure',
  summary: 'purge the soft-deleted Key Vault',
  decide(c, o) {
    const name = namedResource(c);
    if (c.classId === 'azure.keyvault-soft-deleted' && (name === undefined || name === o.input.keyVaultName)) return APPLY;
    return declined(
      `vault ${name ?? '(unnamed)'} is not ${o.input.keyVaultName}, the one this deployment derives for resource group ${o.input.resourceGroup ?? '(unknown)'}; gh-devlake purges only its own`,
    );
  },
  async apply(fx) {
    const name = fx.names.keyVault;
    const deleted = await fx.deletedVault();
    if (deleted?.purgeProtection) {
      throw new RepairDeclinedError(
        `Key Vault ${name} has purge protection; it cannot be purged before ${deleted.scheduledPurgeDate?.toISOString() ?? 'its scheduled purge date'}. Deploy under a new name with --base-name`,
      );
    }
    // Purged where it was deleted (the subscription-wide list says where): maybe not this deploy's region.
    const elsewhere = deleted?.location && fx.names.location && deleted.location.toLowerCase() !== fx.names.location.toLowerCase() ? ` in ${deleted.location}` : '';
    if (deleted) {
      fx.progress(`Purging soft-deleted Key Vault ${name}${elsewhere}`);
      await fx.purgeDeletedVault(deleted.location);
    }
    return {
      repair: 'azure.purge-vault',
      description: deleted
        ? `purged soft-deleted Key Vault ${name}${elsewhere} (the name this deployment derives for resource group ${fx.names.resourceGroup})`
        : `Key Vault ${name} was no longer in the deleted state; nothing to purge`,
    };
  },
  retryText: (n) => `checking that the name ${n.keyVault} is free`,
};
