// `gh-devlake status`: the deployment recorded in --dir, through the target whose state file is
// there (src/targets/index.ts); without one, the local target discovers a DevLake on the bundles.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { GlobalIo } from '../main.js';
import { readLocalState } from '../../devlake/state.js';
import { redactingIo, registerEnvironmentSecrets } from '../../util/redact.js';
import { registerDeploymentSecrets } from '../../devlake/known-secrets.js';
import { checkExistingDir } from '../../io/dir-checks.js';
import { STATUS_ORDER, TARGETS } from '../../targets/index.js';

export function statusCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as { dir: string };
    registerEnvironmentSecrets(processIo.env);
    const io = redactingIo(processIo);
    await checkExistingDir(flags.dir);
    const dir = path.resolve(flags.dir);
    await registerDeploymentSecrets(dir, io.env);
    // A local state file that does not parse is bad input, whatever else is in --dir.
    await readLocalState(dir);
    const name = STATUS_ORDER.find((t) => existsSync(path.join(dir, TARGETS[t].stateFile))) ?? 'local';
    return (await TARGETS[name].status())(io)(raw);
  };
}
