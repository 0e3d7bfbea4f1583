// The local checks, in the order a deploy meets their subjects: engine, the deployment in DIR, host
// ports (with Windows' excluded ranges), images, disk. Nothing here changes anything.

import type { openEngine } from '../engine/client.js';
import type { Facts, RepairId } from '../recovery/types.js';
import { loadLocalContext, type LocalDeployOptions } from './context.js';
import { decideComposeFile } from './compose-file.js';
import { decideDeployment, observeDeployment } from './deployment.js';
import { decideDisk, observeDisk, type StatFs } from './disk.js';
import { decideEngine, probeEngine } from './engine.js';
import { DEFAULT_IMAGE_ESTIMATE_BYTES, decideImage, decideReleaseImages, imagesOfProject, listLocalImages, observeImages, releaseEstimate, type LocalImage } from './images.js';
import { excludedRanges, rangeCovering, rangeText, type ExcludedRange, type RunNetsh } from './netsh.js';
import { alternateBundleStatus, decidePort, observePort, plannedPorts, portsToCheck, probeHostIp } from './ports.js';
import { decideProjectName, observeProjectName } from './project-name.js';
import type { CheckResult, DoctorReport } from './types.js';

export interface LocalDoctorDeps {
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  openEngine?: typeof openEngine;
  runNetsh?: RunNetsh;
  hostname?: string;
  statfs?: StatFs;
  /** Per-request deadline of the health probes of an existing deployment. */
  healthTimeoutMs?: number;
  /** Bind probe override (tests). */
  isPortFree?: (port: number, hostIp: string) => Promise<boolean>;
  /** Repairs the deploy would run without (`--no-repair`, GH_DEVLAKE_NO_REPAIR). */
  disabled?: readonly RepairId[];
}

export interface LocalChecks {
  checks: CheckResult[];
  skipped: DoctorReport['skipped'];
}

const NO_ENGINE = 'the Docker engine does not answer (see local.engine)';

/** The Windows excluded-ranges line (win32 only): which DevLake ports they cover. Pure. */
export function decideExcludedRanges(result: { ranges: ExcludedRange[] } | { error: string }, ports: readonly number[]): CheckResult {
  const id = 'local.windows-excluded-ports';
  if ('error' in result) {
    return { id, classId: 'local.port-excluded', verdict: 'ok', summary: `could not list Windows' excluded port ranges (netsh: ${result.error}); ports are still bind-tested`, facts: { error: result.error } };
  }
  const covered = ports.flatMap((p) => {
    const r = rangeCovering(result.ranges, p);
    return r ? [`${p} (${rangeText(r)})`] : [];
  });
  const facts: Facts = { ranges: result.ranges.map(rangeText).join(', '), covered: covered.join(', ') };
  const summary =
    covered.length === 0
      ? `${result.ranges.length} excluded port range${result.ranges.length === 1 ? '' : 's'}; none covers a DevLake port`
      : `excluded port ranges cover ${covered.join(', ')} (see the port lines)`;
  return { id, classId: 'local.port-excluded', verdict: 'ok', summary, facts };
}

export async function runLocalChecks(dir: string, deps: LocalDoctorDeps, deploy: LocalDeployOptions = {}): Promise<LocalChecks> {
  const platform = deps.platform ?? process.platform;
  const checks: CheckResult[] = [];
  const skipped: DoctorReport['skipped'] = [];

  const [ctx, probe, excluded] = await Promise.all([
    loadLocalContext(dir, deps.env, deploy),
    probeEngine(deps.env, deps.openEngine),
    excludedRanges(platform, deps.runNetsh),
  ]);
  checks.push(decideEngine(probe));
  const engine = probe.error === undefined ? probe.engine : undefined;

  // The project name first: the deployment check must look at this folder's containers only.
  const named = engine ? await observeProjectName(ctx, engine) : undefined;
  if (named && 'identity' in named) ctx.projectName = named.identity.name;
  if (named) checks.push(decideProjectName(named));

  checks.push(decideDeployment(ctx, await observeDeployment(ctx, engine, deps.healthTimeoutMs)));
  const compose = decideComposeFile(ctx);
  if (compose) checks.push(compose);

  // Ports: what the deploy's first attempt publishes, both bundles, 3306.
  const planned = plannedPorts(ctx.project, ctx.plan);
  const ports = portsToCheck(planned.keys());
  const ranges = excluded && 'ranges' in excluded ? excluded.ranges : undefined;
  const observations = await Promise.all(
    ports.map((port) =>
      observePort(port, planned.get(port) ?? probeHostIp(ctx.project, ctx.plan, port), {
        ...(engine ? { engine } : {}),
        ...(ctx.projectName !== undefined ? { ownProject: ctx.projectName } : {}),
        ...(ranges ? { excluded: ranges } : {}),
        ...(deps.isPortFree ? { isFree: deps.isPortFree } : {}),
      }),
    ),
  );
  const alternate = alternateBundleStatus(observations);
  const portCtx = {
    plan: ctx.plan,
    source: ctx.source,
    ...(deps.disabled ? { disabled: deps.disabled } : {}),
    planned: new Set(planned.keys()),
    alternateFree: alternate.free,
    ...(alternate.busy !== undefined ? { alternateBusy: alternate.busy } : {}),
  };
  for (const o of observations) checks.push(decidePort(o, portCtx));
  if (excluded) checks.push(decideExcludedRanges(excluded, ports));

  // Images and disk need the engine.
  if (!engine) {
    skipped.push({ id: 'local.images', reason: NO_ENGINE }, { id: 'local.disk', reason: NO_ENGINE });
    return { checks, skipped };
  }
  let needed = { bytes: 0, images: 0 };
  if (ctx.project) {
    const images = await observeImages(engine, imagesOfProject(ctx.project));
    for (const i of images) checks.push(decideImage(i));
    const missing = images.filter((i) => !i.present);
    needed = { bytes: missing.reduce((n, i) => n + (i.estimateBytes ?? DEFAULT_IMAGE_ESTIMATE_BYTES), 0), images: missing.length };
  } else {
    const local = await listLocalImages(engine).catch(() => [] as LocalImage[]);
    const est = releaseEstimate(local);
    checks.push(decideReleaseImages(est.tags));
    needed = { bytes: est.bytes, images: Math.round(est.bytes / DEFAULT_IMAGE_ESTIMATE_BYTES) };
  }
  checks.push(
    decideDisk(
      await observeDisk(probe, needed, {
        platform,
        ...(deps.hostname !== undefined ? { hostname: deps.hostname } : {}),
        ...(deps.statfs ? { statfs: deps.statfs } : {}),
      }),
    ),
  );
  return { checks, skipped };
}
