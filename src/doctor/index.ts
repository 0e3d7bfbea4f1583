// `gh-devlake doctor`: the taxonomy run before anything breaks. Without --azure it runs the local
// checks (what `deploy local` needs); with --azure, the Azure checks (what `deploy azure` needs: no
// local engine or ports are involved there, so they do not decide its exit code). One report,
// nothing changed. The Azure checks, and with them every @azure module, load only with --azure.

import path from 'node:path';
import type { AzureDoctorDeps, AzureDoctorOptions } from './azure.js';
import type { LocalDeployOptions } from './context.js';
import type { LocalDoctorDeps } from './local.js';
import type { DoctorRun } from '../targets/types.js';
import type { DoctorReport } from './types.js';
import { buildReport } from './verdict.js';

export type { CheckResult, DoctorReport, Verdict } from './types.js';

export interface DoctorOptions {
  dir: string;
  /** Check an Azure deploy instead of a local one. */
  azure?: AzureDoctorOptions;
  /** The local deploy's own options (--source…): doctor predicts that deploy. */
  local?: LocalDeployOptions;
}

export interface DoctorDeps extends LocalDoctorDeps {
  azure?: AzureDoctorDeps;
}

/** The checks of the target a deploy would use (src/targets/), as one report. */
export async function runDoctor(opts: DoctorOptions, deps: DoctorDeps): Promise<DoctorReport> {
  const dir = path.resolve(opts.dir);
  const { TARGETS } = await import('../targets/index.js');
  const checks = await TARGETS[opts.azure ? 'azure' : 'local'].doctor();
  const options = opts.azure ?? opts.local;
  const found = await checks({ dir, ...(options ? { options } : {}), deps: deps as unknown as DoctorRun['deps'] });
  return buildReport(dir, found.checks, found.skipped);
}
