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

/**
 * `gh-devlake status`, for scripts (docs/status.md): the deployment in --dir is healthy (0),
 * degraded (1: part of it down or unhealthy, or the engine cannot tell), stopped (5: containers
 * exist, none running, or prepared and not started), missing (6: nothing deployed, or its
 * containers are gone). 2, 3 keep their meaning (usage, bad input).
 */
export const STATUS_EXIT = { healthy: 0, degraded: 1, stopped: 5, missing: 6 } as const;

/** A usage error: exit 2, message only. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Bad input the user can fix (a --dir that is a file, no compose file to use): exit 3, message only. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
