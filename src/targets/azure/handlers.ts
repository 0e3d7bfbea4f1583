// The Azure target's command handlers: the doorway to src/targets/azure/commands.ts. The Azure SDK loads only here, only when an Azure command runs
// (type imports below are erased at build time).

import { Output } from '../../io/output.js';
import type { GlobalIo } from '../../io/global-io.js';
import type { AzureStateCommandOptions, CleanupAzureOptions, DeployAzureOptions } from './commands.js';

function outputFor(flags: { json?: boolean }, io: GlobalIo): Output {
  return new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
}

export function deployAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as DeployAzureOptions), env: io.env };
    const { deployAzure } = await import('./commands.js');
    return deployAzure(flags, outputFor(flags, io));
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
