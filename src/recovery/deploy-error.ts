import type { DeployFailure } from './types.js';

/** A failure our own code detects (deadline passed, release missing…), thrown with its facts. */
export class DeployError extends Error {
  override readonly name = 'DeployError';
  constructor(readonly failure: DeployFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
  }
}

/** A repair that looked and declined: the machines read `reason` for the `Repair:` line. */
export class RepairDeclinedError extends Error {
  override readonly name = 'RepairDeclinedError';
  readonly declined = true;
  constructor(
    readonly reason: string,
    /** What the repair saw that made it decline, for the advice (src/recovery/advice.ts). */
    readonly observed?: { alternateBusy?: string },
  ) {
    super(reason);
  }
}
