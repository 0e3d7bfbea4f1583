// What to do next, after what the run (or doctor) observed: the class's remediation, less the ways
// out that the run saw cannot help. One function, so the deploy's `Outcome:` line and doctor's
// `[you]` lines give the same advice for the same observations. Pure.

import { ALTERNATE_BUNDLE_ADVICE } from './taxonomy/local.js';
import type { Classification } from './types.js';
import type { DeploySource } from '../devlake/state.js';
import type { BundleName } from '../devlake/ports.js';

export interface Observed {
  /** The deploy's source: a custom deploy keeps the ports of the user's compose file. */
  source: DeploySource;
  /** The bundle the run was on when it stopped. */
  bundle: BundleName;
  /** Why the alternate bundle cannot be used, when a probe found it busy. */
  alternateBusy?: string;
}

/** The remediation to print for `c` after `seen`. */
export function observedRemediation(c: Pick<Classification, 'remediation' | 'repair'>, seen: Observed): string {
  if (c.repair !== 'local.alternate-bundle' || !c.remediation.includes(ALTERNATE_BUNDLE_ADVICE)) return c.remediation;
  if (seen.source === 'custom') return c.remediation.replace(ALTERNATE_BUNDLE_ADVICE, ', or publish another host port in your compose file (a custom deploy keeps its ports as written)');
  if (seen.alternateBusy !== undefined) return c.remediation.replace(ALTERNATE_BUNDLE_ADVICE, '; the alternate port bundle is busy too, so it cannot be used instead');
  if (seen.bundle !== 'default') return c.remediation.replace(ALTERNATE_BUNDLE_ADVICE, '');
  return c.remediation;
}
