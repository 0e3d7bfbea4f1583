// The Azure commands' doorway. The Azure SDK loads only here, only when an Azure command runs
// (type imports below are erased at build time).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Output } from '../output.js';
import type { GlobalIo } from '../main.js';
import { AZURE_STATE_FILE } from '../../devlake/state.js';
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

/** `status` in a directory with an Azure state file; undefined when there is none (no SDK loaded). */
export async function azureStatusIfPresent(dir: string, out: Output, io: GlobalIo): Promise<number | undefined> {
  if (!existsSync(path.join(dir, AZURE_STATE_FILE))) return undefined;
  const { statusAzure } = await import('../../azure/commands.js');
  return statusAzure({ dir, json: out.json, env: io.env }, out);
}
