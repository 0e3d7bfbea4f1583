// `gh-devlake doctor`: what a deploy from --dir would meet, before it runs. One line per check with
// its class id and verdict, or one JSON document. Exit 0 when a deploy would succeed with at most
// automatic repairs, 1 when something needs you, 2 on a usage error. Changes nothing.

import path from 'node:path';
import { Output } from '../../io/output.js';
import { EXIT, UsageError } from '../../io/exit-codes.js';
import type { GlobalIo } from '../main.js';
import { readAzureState } from '../../devlake/state.js';
import type { DoctorDeps } from '../../doctor/index.js';
import type { AzureDoctorOptions } from '../../doctor/azure.js';
import type { LocalDeployOptions } from '../../doctor/context.js';

export interface DoctorFlags {
  dir?: string;
  azure?: boolean;
  resourceGroup?: string;
  location?: string;
  subscription?: string;
  /** Prefix of the Azure resource names (default: the state file's, else 'devlake'). */
  baseName?: string;
  json?: boolean;
  /** `--no-repair <id>`, repeatable: doctor answers as a deploy run without those repairs would. */
  repair?: string[];
  /** The local deploy's own options: doctor predicts `deploy local` with the same flags. */
  source?: 'official' | 'fork' | 'custom';
  version?: string;
  repoUrl?: string;
  replaceCompose?: boolean;
  moveBrokenState?: boolean;
}

/** The local deploy doctor predicts: the flags `deploy local` takes, checked as it checks them. */
export async function localTarget(flags: DoctorFlags): Promise<LocalDeployOptions | undefined> {
  const given = (['source', 'version', 'repoUrl', 'replaceCompose', 'moveBrokenState'] as const).filter((k) => flags[k] !== undefined);
  if (flags.azure) {
    const first = given[0];
    if (first) throw new UsageError(`--${first.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with a local doctor, not --azure`);
    return undefined;
  }
  const { validateDeployLocalFlags } = await import('../../targets/local/deploy.js');
  validateDeployLocalFlags({ source: flags.source ?? 'official', version: flags.version ?? 'latest', ...(flags.repoUrl ? { repoUrl: flags.repoUrl } : {}), ...(flags.replaceCompose ? { replaceCompose: true } : {}) });
  return {
    ...(flags.source ? { source: flags.source } : {}),
    ...(flags.version ? { version: flags.version } : {}),
    ...(flags.repoUrl ? { repoUrl: flags.repoUrl } : {}),
    ...(flags.replaceCompose ? { replaceCompose: true } : {}),
    ...(flags.moveBrokenState ? { moveBrokenState: true } : {}),
  };
}

/** The Azure target: the flags, else the Azure deployment recorded in --dir. */
export async function azureTarget(flags: DoctorFlags, dir: string): Promise<AzureDoctorOptions | undefined> {
  if (!flags.azure) {
    for (const [flag, v] of [['--resource-group', flags.resourceGroup], ['--location', flags.location], ['--subscription', flags.subscription], ['--base-name', flags.baseName]] as const) {
      if (v !== undefined) throw new UsageError(`${flag} goes with --azure`);
    }
    return undefined;
  }
  const recorded = await readAzureState(dir).catch(() => undefined);
  const resourceGroup = flags.resourceGroup ?? recorded?.resourceGroup;
  const location = flags.location ?? recorded?.region;
  if (!resourceGroup) throw new UsageError('--azure needs --resource-group RG (or a .devlake-azure.json in --dir)');
  if (!location) throw new UsageError('--azure needs --location LOC (or a .devlake-azure.json in --dir)');
  const { baseNameProblem, resourceGroupProblem } = await import('../../azure/names.js');
  const rgProblem = resourceGroupProblem(resourceGroup);
  if (rgProblem) throw new UsageError(`--resource-group ${rgProblem}`);
  const baseName = flags.baseName ?? (recorded?.resourceGroup === resourceGroup ? recorded.baseName : undefined) ?? 'devlake';
  const baseProblem = baseNameProblem(baseName);
  if (baseProblem) throw new UsageError(`--base-name ${baseProblem}`);
  const subscription = flags.subscription ?? (recorded?.resourceGroup === resourceGroup ? recorded.subscriptionId : undefined);
  return {
    resourceGroup,
    location: location.toLowerCase().replace(/\s+/g, ''),
    baseName,
    ...(subscription ? { subscription } : {}),
    // The deploy keeps the suffix its state file records for this group.
    ...(recorded?.resourceGroup === resourceGroup && recorded.suffix ? { suffix: recorded.suffix } : {}),
    ...(recorded?.resourceGroup === resourceGroup && recorded.deploymentName ? { deployment: recorded.deploymentName } : {}),
  };
}

export function doctorCommand(io: GlobalIo, deps: Partial<DoctorDeps> = {}) {
  return async (raw: unknown): Promise<number> => {
    const flags = (raw ?? {}) as DoctorFlags;
    const dir = path.resolve(flags.dir ?? '.');
    const azure = await azureTarget(flags, dir);
    const { disabledRepairs } = await import('../../recovery/repairs/index.js');
    const switchedOff = disabledRepairs(flags.repair, io.env);
    if ('error' in switchedOff) throw new UsageError(switchedOff.error);
    const local = await localTarget(flags);
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    const { runDoctor } = await import('../../doctor/index.js');
    const { renderJson, renderText } = await import('../../doctor/render.js');
    out.progress(azure ? `Checking Azure (${azure.resourceGroup}, ${azure.location})` : 'Checking the local engine, ports and images');
    const report = await runDoctor({ dir, ...(azure ? { azure } : {}), ...(local ? { local } : {}) }, { env: io.env, ...(switchedOff.disabled.length > 0 ? { disabled: switchedOff.disabled } : {}), ...deps });
    out.done();
    if (out.json) out.document(renderJson(report));
    else for (const line of renderText(report, { ok: (s) => out.green(s), auto: (s) => out.yellow(s), you: (s) => out.red(s) })) out.line(line);
    return report.exitCode === 0 ? EXIT.ok : EXIT.failed;
  };
}
