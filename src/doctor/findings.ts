// What a check finds, as the DeployFailure the deploy would meet, so the ONE classifier and the ONE
// taxonomy table (src/recovery/) decide the class, the repair it names and the remediation. The
// messages have the engine's (or ARM's) own shape; the source is 'probe' (our look before the
// deploy), which every rule that a proactive check can meet accepts. Pure.

import { classify } from '../recovery/classify.js';
import type { Classification, DeployFailure } from '../recovery/types.js';

export type HolderKind = 'container' | 'process' | 'unknown';

/**
 * Host port `port` on `hostIp` is taken. A container's port comes back from the engine as
 * "port is already allocated"; anything else as the userland proxy's "address already in use".
 */
export function portHeldFailure(port: number, hostIp: string, holder: HolderKind = 'unknown'): DeployFailure {
  const ip = hostIp === '' ? '0.0.0.0' : hostIp;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const message =
    holder === 'container'
      ? `Bind for ${host}:${port} failed: port is already allocated`
      : `Error starting userland proxy: listen tcp ${host}:${port}: bind: address already in use`;
  return { source: 'probe', operation: 'doctor.port', message };
}

/** Windows reserves `port` (an excluded port range): what Docker Desktop says when it cannot bind it. */
export function portExcludedFailure(port: number, hostIp: string, range?: string): DeployFailure {
  const ip = hostIp === '' ? '0.0.0.0' : hostIp;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return {
    source: 'probe',
    operation: 'doctor.port',
    message:
      `Ports are not available: exposing port TCP ${host}:${port} -> 0.0.0.0:0: listen tcp ${host}:${port}: bind: ` +
      'An attempt was made to access a socket in a way forbidden by its access permissions.',
    ...(range !== undefined ? { target: `excluded port range ${range}` } : {}),
  };
}

/** Not enough room under the engine's data root for the images to pull. */
export function diskLowFailure(root: string, freeBytes: number, neededBytes: number): DeployFailure {
  return {
    source: 'probe',
    code: 'ENOSPC',
    operation: 'doctor.disk',
    target: root,
    message: `no space left on device: ${formatBytes(freeBytes)} free under ${root}, about ${formatBytes(neededBytes)} needed`,
  };
}

/** The deployment's backend does not answer its health check. */
export function unhealthyFailure(url: string, seen: string): DeployFailure {
  return {
    source: 'health',
    code: 'deadline',
    operation: 'doctor.health',
    target: url,
    message: `Waiting for the backend: ${url} did not answer (last: ${seen})`,
  };
}

/** The classification of a finding: the same call the deploy's classify actor makes. */
export function classifyFinding(failure: DeployFailure): Classification {
  return classify(failure);
}

/** 1536 → "1.5 KiB"; binary units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[i] ?? 'B'}`;
}
