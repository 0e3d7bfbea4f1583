// Last-resort error printing: one short message, no stack trace unless DEBUG is set, and never
// a secret (every line goes through the redactor: known values of this deployment, URL
// passwords, KEY=value for secret-looking keys).
import { EXIT } from '../io/exit-codes.js';
import { StateFileError } from '../devlake/state.js';
import { secrets } from '../util/redact.js';

/** Errors whose message already says what is wrong and what to do: no "set DEBUG" hint. */
const SELF_EXPLAINING = new Set(['ComposeError', 'ProjectClashError', 'ForeignProjectError', 'StateFileError', 'InputError', 'AtomicWriteError', 'LockFileError', 'LockHeldError']);

/** The exit code an error that reached the top ends the run with. */
export function exitCodeFor(err: unknown): number {
  const name = err instanceof Error ? err.name : 'Error';
  if (err instanceof StateFileError || name === 'StateFileError' || name === 'ComposeError' || name === 'InputError') return EXIT.input;
  if (name === 'LockHeldError') return EXIT.busy;
  return EXIT.failed;
}

export function reportUnexpected(err: unknown, io: { stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): number {
  const debug = Boolean(io.env.DEBUG);
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`error: ${secrets.redact(message)}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(secrets.redact(err.stack) + '\n');
  if (!debug && !SELF_EXPLAINING.has(name)) io.stderr.write('(set DEBUG=1 for details)\n');
  return exitCodeFor(err);
}
