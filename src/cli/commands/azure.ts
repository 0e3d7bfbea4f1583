// The Azure commands' doorway. The Azure SDK loads only here, only when an Azure command runs
// (type imports below are erased at build time).

import { Output } from '../output.js';
import type { GlobalIo } from '../main.js';
import type { AzureStateCommandOptions, CleanupAzureOptions, DeployAzureOptions } from '../../azure/commands.js';

function outputFor(flags: { json?: boolean }, io: GlobalIo): Output {
  return new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
}

export function deployAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as DeployAzureOptions), env: io.env };
    const { deployAzure } = await import('../../azure/commands.js');
    return deployAzure(flags, outputFor(flags, io));
  };
}

export function startAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as AzureStateCommandOptions), env: io.env };
    const { startAzure } = await import('../../azure/commands.js');
    return startAzure(flags, outputFor(flags, io));
  };
}

export function stopAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as AzureStateCommandOptions), env: io.env };
    const { stopAzure } = await import('../../azure/commands.js');
    return stopAzure(flags, outputFor(flags, io));
  };
}

export function cleanupAzureCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = { ...(raw as CleanupAzureOptions), env: io.env };
    const { cleanupAzure } = await import('../../azure/commands.js');
    return cleanupAzure(flags, outputFor(flags, io));
  };
}

/** `status` in a directory with an Azure state file (the caller checked there is one). */
export async function azureStatus(dir: string, out: Output, io: GlobalIo): Promise<number> {
  const { statusAzure } = await import('../../azure/commands.js');
  return statusAzure({ dir, json: out.json, env: io.env }, out);
}
