// `gh-devlake cleanup --local|--azure`: remove what a deployment made. Asks first on a terminal;
// without one, --force is required (nothing destructive happens unconfirmed).

import { UsageError } from '../../io/exit-codes.js';
import type { GlobalIo } from '../main.js';
import { registerEnvironmentSecrets } from '../../util/redact.js';
import { TARGETS } from '../../targets/index.js';

interface CleanupFlags {
  dir: string;
  local?: boolean;
  azure?: boolean;
  force?: boolean;
  keepData?: boolean;
  keepResourceGroup?: boolean;
  subscription?: string;
  json?: boolean;
}

export function cleanupCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    registerEnvironmentSecrets(processIo.env);
    const flags = raw as CleanupFlags;
    if (Boolean(flags.local) === Boolean(flags.azure)) throw new UsageError('cleanup needs exactly one of --local or --azure');
    if (flags.local && flags.keepResourceGroup) throw new UsageError('--keep-resource-group goes with --azure');
    if (flags.azure && flags.keepData) throw new UsageError('--keep-data goes with --local');
    if (flags.local && flags.subscription) throw new UsageError('--subscription goes with --azure');
    const interactive = Boolean(process.stdin.isTTY) && processIo.env.CI !== 'true';
    if (!flags.force && !interactive) throw new UsageError('cleanup removes resources; pass --force to confirm (no terminal to ask on)');
    const target = flags.azure ? TARGETS.azure : TARGETS.local;
    return (await target.cleanup())(processIo)(raw);
  };
}
