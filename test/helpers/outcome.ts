import { ComposeError } from '../../src/compose/errors.js';

/** f's value, or the ComposeError's message; any other exception fails the property. */
export function outcome(f: () => unknown): { ok: unknown } | { error: string } {
  try {
    return { ok: f() };
  } catch (err) {
    if (!(err instanceof ComposeError)) throw err;
    return { error: err.message };
  }
}
