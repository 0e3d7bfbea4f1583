// Last-resort error printing: one short message, no stack trace unless DEBUG is set.
import { EXIT } from './exit-codes.js';
import { StateFileError } from '../devlake/state.js';

export function reportUnexpected(err: unknown, io: { stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): number {
  const debug = Boolean(io.env.DEBUG);
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
  if (err instanceof StateFileError || name === 'ComposeError' || name === 'InputError') return EXIT.input;
  if (!debug) io.stderr.write('(set DEBUG=1 for details)\n');
  return EXIT.failed;
}
