// `gh-devlake deploy local`: validate flags, take the directory lock, run the flow, print.

import { Output } from '../../io/output.js';
import { EXIT, UsageError } from '../../io/exit-codes.js';
import type { GlobalIo } from '../../io/global-io.js';
import type { DeploySource } from '../../devlake/state.js';
import { ownsProcess, runLocalCommand, type LocalCommandFlags } from './run.js';
import { redactingIo, registerEnvironmentSecrets } from '../../util/redact.js';
import { disabledRepairs } from '../../recovery/repairs/index.js';
import type { RepairId } from '../../recovery/types.js';

export interface DeployLocalFlags extends LocalCommandFlags {
  source: DeploySource;
  version: string;
  repoUrl?: string;
  start: boolean;
  replaceCompose?: boolean;
  /** `--no-repair <id>`, repeatable (commander names the negated flag `repair`). */
  repair?: string[];
  moveBrokenState?: boolean;
}

export function validateDeployLocalFlags(f: Pick<DeployLocalFlags, 'source' | 'repoUrl' | 'replaceCompose' | 'version'>): void {
  if (f.source === 'fork' && !f.repoUrl) throw new UsageError('--source fork needs --repo-url URL (a git URL, file:// URL or local path)');
  if (f.source !== 'fork' && f.repoUrl) throw new UsageError(`--repo-url goes with --source fork, not --source ${f.source}`);
  if (f.source !== 'official' && f.replaceCompose) throw new UsageError(`--replace-compose goes with --source official (a ${f.source} deploy never replaces compose files)`);
  if (f.source !== 'official' && f.version !== 'latest') throw new UsageError(`--version goes with --source official, not --source ${f.source}`);
  if (f.version !== 'latest' && !/^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(f.version)) {
    throw new UsageError(`--version must be a release tag like v1.0.1, or 'latest' (got '${f.version}')`);
  }
}

/** The repairs switched off for this run (`--no-repair`, GH_DEVLAKE_NO_REPAIR); an unknown id is a usage error. */
export function switchedOffRepairs(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv): RepairId[] {
  const r = disabledRepairs(flags, env);
  if ('error' in r) throw new UsageError(r.error);
  return r.disabled;
}

export function deployLocalCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as DeployLocalFlags;
    validateDeployLocalFlags(flags);
    const disabled = switchedOffRepairs(flags.repair, processIo.env);
    // Everything this command prints goes through the redactor (src/util/redact.ts).
    const real = ownsProcess(processIo);
    registerEnvironmentSecrets(processIo.env);
    const io = redactingIo(processIo);
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    if (!flags.start) {
      const { prepareOnly } = await import('./run.js');
      return prepareOnly(flags, out, io, { ownsProcess: real });
    }
    return runLocalCommand(
      {
        mode: 'deploy',
        source: flags.source,
        version: flags.version,
        ...(flags.repoUrl ? { repoUrl: flags.repoUrl } : {}),
        ...(flags.replaceCompose ? { replaceCompose: true } : {}),
        ...(disabled.length > 0 ? { disabled } : {}),
        wait: true,
      },
      flags,
      out,
      io,
      { ownsProcess: real },
    ).then((code) => code ?? EXIT.ok);
  };
}
