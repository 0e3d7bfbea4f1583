import { expect } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';

/** Runs fn, asserts it threw a ComposeError, and returns it. */
export function composeError(fn: () => unknown): ComposeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeError);
    return err as ComposeError;
  }
  throw new Error('expected a ComposeError, nothing was thrown');
}

export async function composeErrorAsync(promise: Promise<unknown>): Promise<ComposeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeError);
    return err as ComposeError;
  }
  throw new Error('expected a ComposeError, nothing was thrown');
}

export const lookupFrom =
  (vars: Record<string, string>) =>
  (name: string): string | undefined =>
    Object.hasOwn(vars, name) ? vars[name] : undefined;
