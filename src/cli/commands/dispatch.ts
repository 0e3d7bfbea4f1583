// The commands that act on a deployment pick its target and hand over: one registry
// (src/targets/index.ts), no per-target branches in the commands.

import type { GlobalIo } from '../../io/global-io.js';
import { TARGETS, type TargetName } from '../../targets/index.js';

export type Verb = 'deploy' | 'start' | 'stop';

/** `deploy <target>`, or `start`/`stop` with `--azure` (else the local deployment). */
export function targetCommand(io: GlobalIo, verb: Verb, fixed?: TargetName) {
  return async (raw: unknown): Promise<number> => {
    const name: TargetName = fixed ?? ((raw as { azure?: boolean } | undefined)?.azure ? 'azure' : 'local');
    return (await TARGETS[name][verb]())(io)(raw);
  };
}
