// What every machine in machines/ is built from: named actor slots, the failure an actor's error
// carries, and the invoke event's payload. Pure: no I/O, no effects.

import { fromPromise } from 'xstate';
import type { DeployFailure } from '../src/recovery/types.js';

/** The tags the bounded-retry proof reads (test/unit/machines/retry-proof.ts): a deploy attempt, a repair. */
export const ATTEMPT = ['attempt'] as const;
export const REPAIR = ['repair'] as const;

/** A named actor slot: typed here, implemented by the target's flow (src/targets/<target>/flow.ts). */
export function slot<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(() => Promise.reject(new Error(`actor '${name}' was not provided`)));
}

function isFailure(x: unknown): x is DeployFailure {
  return typeof x === 'object' && x !== null && 'source' in x && 'message' in x;
}

/** Errors reach the machine as DeployFailure when the flow's actors follow the contract. */
export function asFailure(error: unknown): DeployFailure {
  // A bare DeployFailure is accepted as is; a DeployError carries its failure.
  if (isFailure(error)) return error;
  if (typeof error === 'object' && error !== null && 'failure' in error && isFailure(error.failure)) return error.failure;
  return { source: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Invoke results arrive as `xstate.done.actor.<id>` (output) / `xstate.error.actor.<id>` (error). */
export function errorOf(event: { type: string }): unknown {
  return (event as { error?: unknown }).error;
}
export function outputOf<T>(event: { type: string }): T {
  return (event as unknown as { output: T }).output;
}

/** Why a repair actor declined (a RepairDeclinedError's reason), else its failure's message. */
export function declineOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'reason' in error ? String(error.reason) : asFailure(error).message;
}
