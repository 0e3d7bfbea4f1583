// Exit codes, documented in docs/deploy.md. One place.
export const EXIT = {
  ok: 0,
  /** The deploy (or start/stop/cleanup) failed; the report says why and what to do. */
  failed: 1,
  /** Bad command-line usage: unknown flag, missing required choice, conflicting flags. */
  usage: 2,
  /** Bad input file: compose file, .env, state file, or an unusable --dir. */
  input: 3,
  /** Another gh-devlake run holds this directory's lock. */
  busy: 4,
  /** Interrupted by SIGINT / SIGTERM (128 + signal number). */
  sigint: 130,
  sigterm: 143,
} as const;

/** A usage error: exit 2, message only. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Bad input the user can fix (a --dir that is a file, no compose file to use): exit 3, message only. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
