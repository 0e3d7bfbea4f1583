// `gh-devlake deploy local`: validate flags, take the directory lock, run the flow, print.

import { Output } from '../output.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { GlobalIo } from '../main.js';
import { runLocalCommand, type LocalCommandFlags } from './local-run.js';

export interface DeployLocalFlags extends LocalCommandFlags {
  source: 'official' | 'fork' | 'custom';
  version: string;
  repoUrl?: string;
  start: boolean;
}

export function validateDeployLocalFlags(f: DeployLocalFlags): void {
  if (f.source === 'fork' && !f.repoUrl) throw new UsageError('--source fork needs --repo-url URL (a git URL, file:// URL or local path)');
  if (f.source !== 'fork' && f.repoUrl) throw new UsageError(`--repo-url goes with --source fork, not --source ${f.source}`);
  if (f.source !== 'official' && f.version !== 'latest') throw new UsageError(`--version goes with --source official, not --source ${f.source}`);
  if (f.version !== 'latest' && !/^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(f.version)) {
    throw new UsageError(`--version must be a release tag like v1.0.1, or 'latest' (got '${f.version}')`);
  }
}

export function deployLocalCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as DeployLocalFlags;
    validateDeployLocalFlags(flags);
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    if (!flags.start) {
      const { prepareOnly } = await import('./local-run.js');
      return prepareOnly(flags, out, io);
    }
    return runLocalCommand(
      { mode: 'deploy', source: flags.source, version: flags.version, ...(flags.repoUrl ? { repoUrl: flags.repoUrl } : {}), wait: true },
      flags,
      out,
      io,
    ).then((code) => code ?? EXIT.ok);
  };
}
