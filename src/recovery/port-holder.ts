// Who holds a host port: a container (any compose project, any engine client), a host process
// (Linux: /proc), or "a process outside Docker". Used for the `Detected:` line and repair guards.
// A port held by Docker's userland proxy is a container's, never a host process's: the proxy's
// command line names the container address, which the engine resolves to the container.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_COMPOSE_FILES } from '../compose/file-names.js';
import type { HostProcess, InodeOwnerOptions, ProcFs, ProcNetSocket } from './proc-net.js';
import { LOCAL_STATE_FILE } from '../devlake/state.js';
import { shellArg } from '../util/shell-arg.js';
import { DOCKER_PROXY_COMM, findInodeOwner, listeningInodes, nodeProcFs, parseProcNetTcp } from './proc-net.js';

export type { HostProcess } from './proc-net.js';

/** A container publishing the port, as the engine describes it (a subset of engine/ps.ts' PortPublisher). */
export interface PublisherInfo {
  /** Container name, with or without the leading '/'. */
  name: string;
  /** `com.docker.compose.project`. */
  project?: string;
  /** `com.docker.compose.project.config_files`: a list, or the label's comma-separated text. */
  configFiles?: readonly string[] | string;
  /** `com.docker.compose.project.working_dir`. */
  workingDir?: string;
}

export type PortHolder =
  | { kind: 'container'; name: string; project: string | undefined; composeFile: string | undefined; stopCommand: string }
  | { kind: 'process'; pid: number; command: string }
  | { kind: 'unknown'; note: string };

export interface PortHolderDeps {
  /** Containers publishing `port` (the engine provides it). Failures count as "none". */
  findPublishers: (port: number) => Promise<readonly PublisherInfo[]> | readonly PublisherInfo[];
  /**
   * Containers with this address on one of their networks (the engine provides it): resolves a
   * docker-proxy's `-container-ip`. Without it, or when it fails, such a port is "a container
   * this engine does not list".
   */
  findByAddress?: (ip: string) => Promise<readonly PublisherInfo[]> | readonly PublisherInfo[];
  /** Whether a compose file still exists (default: fs.access). */
  exists?: (file: string) => boolean | Promise<boolean>;
  /** The host process listening on `port` (default: findHostProcess). */
  findProcess?: (port: number) => Promise<HostProcess | undefined>;
}

export const OUTSIDE_DOCKER = 'a process outside Docker';


export async function describePortHolder(port: number, deps: PortHolderDeps): Promise<PortHolder> {
  let publishers: readonly PublisherInfo[] = [];
  try {
    publishers = await deps.findPublishers(port);
  } catch {
    publishers = [];
  }
  const exists = deps.exists ?? fileExists;
  const first = publishers[0];
  if (first) return containerHolder(first, exists);

  let proc: HostProcess | undefined;
  try {
    proc = await (deps.findProcess ?? ((p: number) => findHostProcess(p)))(port);
  } catch {
    proc = undefined;
  }
  if (proc?.command === DOCKER_PROXY_COMM) return proxiedHolder(proc, deps.findByAddress, exists);
  if (proc) return { kind: 'process', pid: proc.pid, command: proc.command };
  return { kind: 'unknown', note: OUTSIDE_DOCKER };
}

/**
 * The container behind a docker-proxy: the engine's list did not show it publishing the port (it
 * is starting, or another engine's), so ask which container has the proxy's target address.
 */
async function proxiedHolder(proc: HostProcess, findByAddress: PortHolderDeps['findByAddress'], exists: NonNullable<PortHolderDeps['exists']>): Promise<PortHolder> {
  const target = proc.proxy;
  if (target && findByAddress) {
    let owners: readonly PublisherInfo[] = [];
    try {
      owners = await findByAddress(target.containerIp);
    } catch {
      owners = [];
    }
    const owner = owners[0];
    if (owner) return containerHolder(owner, exists);
  }
  const to = target ? ` forwards it to ${target.containerIp.includes(':') ? `[${target.containerIp}]` : target.containerIp}:${target.containerPort}` : '';
  return { kind: 'unknown', note: `a Docker container this engine does not list (${DOCKER_PROXY_COMM} pid ${proc.pid}${to})` };
}

async function containerHolder(p: PublisherInfo, exists: NonNullable<PortHolderDeps['exists']>): Promise<PortHolder> {
  const name = p.name.replace(/^\//, '');
  const project = p.project !== undefined && p.project !== '' ? p.project : undefined;
  const composeFile = await findComposeFile(p, exists);
  // The advice stops the holder and never removes it: it may be another deployment, with its data.
  let stopCommand = `docker stop ${name}`;
  if (p.workingDir !== undefined && p.workingDir !== '' && (await existsSafely(exists, path.join(p.workingDir, LOCAL_STATE_FILE)))) {
    // Another folder's gh-devlake deployment: its own stop keeps its containers and data.
    stopCommand = `gh-devlake stop --dir ${shellArg(p.workingDir)}`;
  } else if (composeFile !== undefined) {
    // `-p` only when compose would not derive the same project name from the file's directory.
    const derived = defaultProjectName(composeFile);
    const projectFlag = project !== undefined && project !== derived ? ` -p ${project}` : '';
    stopCommand = `docker compose${projectFlag} -f "${composeFile}" stop`;
  }
  return { kind: 'container', name, project, composeFile, stopCommand };
}

/** The first config file that still exists, else a default-named file in the working dir, else undefined. */
async function findComposeFile(p: PublisherInfo, exists: NonNullable<PortHolderDeps['exists']>): Promise<string | undefined> {
  const files = (typeof p.configFiles === 'string' ? p.configFiles.split(',') : (p.configFiles ?? []))
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const candidates = [...files];
  if (p.workingDir !== undefined && p.workingDir !== '') {
    for (const n of DEFAULT_COMPOSE_FILES) candidates.push(path.join(p.workingDir, n));
  }
  for (const file of candidates) if (await existsSafely(exists, file)) return file;
  return undefined;
}

async function existsSafely(exists: NonNullable<PortHolderDeps['exists']>, file: string): Promise<boolean> {
  try {
    return await exists(file);
  } catch {
    return false; // treat as missing
  }
}

/** Compose's default project name: the file's directory name, lower-cased, [a-z0-9_-] only. */
function defaultProjectName(composeFile: string): string {
  const dir = path.basename(path.dirname(composeFile));
  return dir.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

export interface FindHostProcessOptions extends InodeOwnerOptions {
  /** Default process.platform; anything but 'linux' answers undefined. */
  platform?: NodeJS.Platform;
}

/**
 * The host process listening on `port` (Linux only: reads /proc/net/tcp{,6} and /proc/<pid>/fd).
 * Undefined when nobody listens, when the owner is not ours to look at (e.g. root's docker-proxy),
 * or on other platforms.
 */
export async function findHostProcess(
  port: number,
  procFs: ProcFs = nodeProcFs,
  opts: FindHostProcessOptions = {},
): Promise<HostProcess | undefined> {
  if ((opts.platform ?? process.platform) !== 'linux') return undefined;
  const root = opts.procRoot ?? '/proc';
  const sockets: ProcNetSocket[] = [];
  for (const [file, family] of [
    ['tcp', 4],
    ['tcp6', 6],
  ] as const) {
    try {
      sockets.push(...parseProcNetTcp(await procFs.readFile(`${root}/net/${file}`), family));
    } catch {
      // no IPv6, or no procfs: use what we have
    }
  }
  const inodes = listeningInodes(sockets, port);
  if (inodes.length === 0) return undefined;
  return findInodeOwner(inodes, procFs, opts);
}

/** The `Detected:` line's words for a holder. */
export function describeHolderText(holder: PortHolder): string {
  switch (holder.kind) {
    case 'container': {
      let text = `in use by container ${holder.name}`;
      if (holder.project !== undefined) text += ` of compose project ${holder.project}`;
      if (holder.composeFile !== undefined) text += ` (${holder.composeFile})`;
      return text;
    }
    case 'process':
      return `in use by a host process (pid ${holder.pid}, ${holder.command})`;
    case 'unknown':
      return `in use by ${holder.note}`;
  }
}
