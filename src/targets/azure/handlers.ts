// The Azure target's command handlers: the doorway to src/targets/azure/commands.ts. The Azure SDK loads only here, only when an Azure command runs
// (type imports below are erased at build time).

import { Output } from '../../io/output.js';
import type { GlobalIo } from '../../io/global-io.js';
import type { AzureStateCommandOptions, CleanupAzureOptions, DeployAzureOptions } from './commands.js';

function outputFor(flags: { json?: boolean }, io: GlobalIo): Output {
  return new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
}

/**
 * `deploy azure`: the directory locked (one deploy per state file), and Ctrl-C turned into an abort
 * that the flow answers by cancelling its running ARM deployment before the process exits.
 */
export function deployAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as DeployAzureOptions), env: io.env };
    const [{ deployAzure }, { withLockAndSignals, ownsProcess, exitSoonIfInterrupted }, { checkDir }] = await Promise.all([
      import('./commands.js'),
      import('../local/run.js'),
      import('../../io/dir-checks.js'),
    ]);
    const real = ownsProcess(io);
    const out = outputFor(flags, io);
    const dir = flags.dir ?? '.';
    await checkDir(dir);
    const code = await withLockAndSignals(
      dir,
      out,
      io,
      (signal) => deployAzure({ ...flags, signal }, out),
      () => 'Run the same `gh-devlake deploy azure` again to go on, or `gh-devlake cleanup --azure` to remove what was created.',
      { ownsProcess: real },
    );
    exitSoonIfInterrupted(code, real);
    return code;
  };
}

export function startAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as AzureStateCommandOptions), env: io.env };
    const { startAzure } = await import('./commands.js');
    return startAzure(flags, outputFor(flags, io));
  };
}

export function stopAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as AzureStateCommandOptions), env: io.env };
    const { stopAzure } = await import('./commands.js');
    return stopAzure(flags, outputFor(flags, io));
  };
}

export function cleanupAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as CleanupAzureOptions), env: io.env };
    const { cleanupAzure } = await import('./commands.js');
    return cleanupAzure(flags, outputFor(flags, io));
  };
}

/** `status` in a directory with an Azure state file (the CLI found it and wrapped the streams). */
export function statusAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as { dir: string; json?: boolean };
    const { statusAzure } = await import('./commands.js');
    return statusAzure({ dir: flags.dir, json: Boolean(flags.json), env: io.env }, outputFor(flags, io));
  };
}
