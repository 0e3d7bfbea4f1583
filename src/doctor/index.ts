// `gh-devlake doctor`: the taxonomy run before anything breaks. Without --azure it runs the local
// checks (what `deploy local` needs); with --azure, the Azure checks (what `deploy azure` needs: no
// local engine or ports are involved there, so they do not decide its exit code). One report,
// nothing changed. The Azure checks, and with them every @azure module, load only with --azure.

import path from 'node:path';
import type { AzureDoctorDeps, AzureDoctorOptions } from './azure.js';
import { runLocalChecks, type LocalDoctorDeps } from './local.js';
import type { DoctorReport } from './types.js';
import { buildReport } from './verdict.js';

export type { CheckResult, DoctorReport, Verdict } from './types.js';

export interface DoctorOptions {
  dir: string;
  /** Check an Azure deploy instead of a local one. */
  azure?: AzureDoctorOptions;
}

export interface DoctorDeps extends LocalDoctorDeps {
  azure?: AzureDoctorDeps;
}

export async function runDoctor(opts: DoctorOptions, deps: DoctorDeps): Promise<DoctorReport> {
  const dir = path.resolve(opts.dir);
  if (opts.azure) {
    const { runAzureChecks } = await import('./azure.js');
    const azure = await runAzureChecks(opts.azure, { env: deps.env, ...deps.azure });
    return buildReport(dir, azure.checks, azure.skipped);
  }
  const local = await runLocalChecks(dir, deps);
  return buildReport(dir, local.checks, local.skipped);
}
