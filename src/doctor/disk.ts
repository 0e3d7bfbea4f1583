// Free space under the engine's data root (`docker info` → DockerRootDir) versus what the deploy
// still has to put there. The root is measured (statfs) only when the engine runs on this host: a
// local socket, not Docker Desktop's VM, the same host name. Otherwise the free space is unknown.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import type { Facts } from '../recovery/types.js';
import type { EngineProbe } from './engine.js';
import { classifyFinding, diskLowFailure, formatBytes } from './findings.js';
import type { CheckResult } from './types.js';

/** Room the stack needs beyond its images: MySQL's data, Grafana's, the logs. */
export const DATA_MARGIN_BYTES = 1024 ** 3;

export interface DiskObservation {
  root?: string;
  freeBytes?: number;
  /** Why the free space is unknown. */
  unknown?: string;
  /** Bytes the images still to pull or build take (estimated), plus the data margin. */
  neededBytes: number;
  /** Images counted in neededBytes. */
  missingImages: number;
}

/** Whether DockerRootDir is a path on this machine. Pure. */
export function rootIsLocal(p: EngineProbe, platform: NodeJS.Platform, hostname: string): { local: boolean; why?: string } {
  const root = p.info?.dockerRootDir;
  if (root === undefined) return { local: false, why: 'the engine did not report its data root' };
  if (!p.endpoint?.host.startsWith('unix://')) return { local: false, why: `the engine is reached at ${p.endpoint?.host ?? 'an unknown endpoint'}, not a local socket` };
  if (/docker desktop/i.test(p.info?.operatingSystem ?? '')) return { local: false, why: "the engine runs in Docker Desktop's VM" };
  if (platform !== 'linux') return { local: false, why: `the engine's data root is not a path on this ${platform} host` };
  const name = p.info?.name;
  if (name !== undefined && name !== hostname) return { local: false, why: `the engine runs on host ${name}, not ${hostname}` };
  return { local: true };
}

export type StatFs = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

export async function observeDisk(
  p: EngineProbe,
  needed: { bytes: number; images: number },
  opts: { platform?: NodeJS.Platform; hostname?: string; statfs?: StatFs } = {},
): Promise<DiskObservation> {
  const base = { neededBytes: needed.bytes + DATA_MARGIN_BYTES, missingImages: needed.images };
  const root = p.info?.dockerRootDir;
  const where = rootIsLocal(p, opts.platform ?? process.platform, opts.hostname ?? os.hostname());
  if (!where.local || root === undefined) return { ...base, ...(root !== undefined ? { root } : {}), unknown: where.why ?? 'unknown data root' };
  try {
    const s = await (opts.statfs ?? ((path: string) => fs.statfs(path)))(root);
    return { ...base, root, freeBytes: Number(s.bavail) * Number(s.bsize) };
  } catch (err) {
    return { ...base, root, unknown: `cannot measure ${root}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function decideDisk(o: DiskObservation): CheckResult {
  const facts: Facts = { neededBytes: o.neededBytes, missingImages: o.missingImages };
  if (o.root !== undefined) facts.dockerRootDir = o.root;
  if (o.freeBytes !== undefined) facts.freeBytes = o.freeBytes;
  const need =
    o.missingImages > 0
      ? `about ${formatBytes(o.neededBytes)} needed (${o.missingImages} image${o.missingImages > 1 ? 's' : ''} to pull or build, estimated, plus ${formatBytes(DATA_MARGIN_BYTES)} for data)`
      : `about ${formatBytes(o.neededBytes)} needed for data (every image is present)`;
  if (o.freeBytes === undefined) {
    facts.unknown = o.unknown ?? 'unknown';
    return { id: 'local.disk', classId: 'local.disk-full', verdict: 'ok', summary: `free space under ${o.root ?? "the engine's data root"} is unknown (${o.unknown ?? 'unknown'}); ${need}`, facts };
  }
  const root = o.root ?? "the engine's data root";
  if (o.freeBytes >= o.neededBytes) {
    return { id: 'local.disk', classId: 'local.disk-full', verdict: 'ok', summary: `${formatBytes(o.freeBytes)} free under ${root}; ${need}`, facts };
  }
  const c = classifyFinding(diskLowFailure(root, o.freeBytes, o.neededBytes));
  return {
    id: 'local.disk',
    classId: c.classId,
    verdict: 'needs-you',
    summary: `only ${formatBytes(o.freeBytes)} free under ${root}; ${need}`,
    ...(c.repair !== null ? { repair: c.repair } : {}),
    remediation: c.remediation,
    facts,
  };
}
