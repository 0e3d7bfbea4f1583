// Linux /proc: which sockets listen on a port (/proc/net/tcp, /proc/net/tcp6) and which process owns
// a socket inode (/proc/<pid>/fd/* → "socket:[inode]"). Parsers are pure; the resolver is bounded.

import { promises as fs } from 'node:fs';

/** st column value for LISTEN. */
export const TCP_LISTEN = 0x0a;

export interface ProcNetSocket {
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Kernel TCP state (0x0A = LISTEN). */
  state: number;
  uid: number;
  inode: number;
}

/**
 * Parse /proc/net/tcp (family 4) or /proc/net/tcp6 (family 6). Lines that do not parse are skipped.
 * Addresses are in the kernel's host byte order (little-endian 32-bit words on every platform Docker runs on).
 */
export function parseProcNetTcp(text: string, family: 4 | 6): ProcNetSocket[] {
  const out: ProcNetSocket[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    if (cols.length < 10 || !/^\d+:$/.test(cols[0] ?? '')) continue;
    const local = splitAddress(cols[1] ?? '', family);
    const remote = splitAddress(cols[2] ?? '', family);
    const state = parseHex(cols[3] ?? '');
    const uid = Number(cols[7]);
    const inode = Number(cols[9]);
    if (!local || !remote || state === undefined || !Number.isInteger(uid) || !Number.isInteger(inode)) continue;
    out.push({
      family,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state,
      uid,
      inode,
    });
  }
  return out;
}

function splitAddress(col: string, family: 4 | 6): { address: string; port: number } | undefined {
  const [hexAddr, hexPort, extra] = col.split(':');
  if (hexAddr === undefined || hexPort === undefined || extra !== undefined) return undefined;
  const address = decodeProcAddress(hexAddr);
  const port = /^[0-9A-Fa-f]{4}$/.test(hexPort) ? parseInt(hexPort, 16) : undefined;
  if (address === undefined || port === undefined) return undefined;
  if ((family === 4) !== (hexAddr.length === 8)) return undefined;
  return { address, port };
}

function parseHex(s: string): number | undefined {
  return /^[0-9A-Fa-f]{1,8}$/.test(s) ? parseInt(s, 16) : undefined;
}

/**
 * A /proc/net hex address as text: 8 hex digits → IPv4 ("0100007F" → "127.0.0.1"),
 * 32 hex digits → IPv6 in RFC 5952 form ("::", "::1", "::ffff:127.0.0.1"). Undefined otherwise.
 */
export function decodeProcAddress(hex: string): string | undefined {
  if (!/^(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(hex)) return undefined;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    // Each 32-bit word is little-endian: reverse its bytes.
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(hex.slice(w + b, w + b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  return formatIPv6(bytes);
}

function formatIPv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // IPv4-mapped ::ffff:a.b.c.d
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  // Longest run of zero groups (length >= 2) becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hexes.join(':');
  const head = hexes.slice(0, bestStart).join(':');
  const tail = hexes.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Inodes of the sockets listening on `port` (any address, both families). */
export function listeningInodes(sockets: readonly ProcNetSocket[], port: number): number[] {
  const inodes = sockets.filter((s) => s.state === TCP_LISTEN && s.localPort === port && s.inode > 0).map((s) => s.inode);
  return [...new Set(inodes)];
}

/** The bits of a filesystem the resolver needs; the real one reads /proc, tests pass a fake. */
export interface ProcFs {
  readFile(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
}

export const nodeProcFs: ProcFs = {
  readFile: (p) => fs.readFile(p, 'utf8'),
  readdir: (p) => fs.readdir(p),
  readlink: (p) => fs.readlink(p),
};

export interface InodeOwnerOptions {
  /** Mount point of procfs (default '/proc'). */
  procRoot?: string;
  /** At most this many processes are looked at (default 4096). */
  maxPids?: number;
  /** At most this many fds per process (default 4096). */
  maxFdsPerPid?: number;
}

export interface HostProcess {
  pid: number;
  command: string;
  /** Set when the process is Docker's userland proxy: the container address it forwards to. */
  proxy?: ProxyTarget;
}

/** What a `docker-proxy` forwards: its host side and the container address behind it. */
export interface ProxyTarget {
  proto: string;
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

/** The /proc comm of Docker's userland proxy (one process per published port and address). */
export const DOCKER_PROXY_COMM = 'docker-proxy';

/**
 * A docker-proxy's target from its /proc/<pid>/cmdline (NUL-separated argv). The daemon starts it
 * as `docker-proxy -proto P -host-ip A -host-port N -container-ip B -container-port M`
 * (moby/moby libnetwork/portmapper/proxy_linux.go, newProxyCommand). Undefined when an argument
 * is missing or malformed: then the process is not one we can resolve to a container address.
 */
export function parseDockerProxyArgs(cmdline: string): ProxyTarget | undefined {
  const argv = cmdline.split('\0');
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(`-${name}`);
    const v = i >= 0 ? argv[i + 1] : undefined;
    return v !== undefined && v !== '' ? v : undefined;
  };
  const port = (name: string): number | undefined => {
    const v = flag(name);
    const n = v !== undefined && /^\d{1,5}$/.test(v) ? Number(v) : NaN;
    return n >= 1 && n <= 65535 ? n : undefined;
  };
  const proto = flag('proto');
  const hostIp = flag('host-ip');
  const hostPort = port('host-port');
  const containerIp = flag('container-ip');
  const containerPort = port('container-port');
  if (proto === undefined || hostIp === undefined || hostPort === undefined || containerIp === undefined || containerPort === undefined) return undefined;
  return { proto, hostIp, hostPort, containerIp, containerPort };
}

/**
 * The first process holding one of `inodes` as an open socket. Scans the newest pids first (a
 * server started by hand is usually recent), skips processes it may not look into (EACCES, EPERM)
 * or that exit meanwhile (ENOENT, ESRCH), and stops after `maxPids` processes.
 */
export async function findInodeOwner(
  inodes: readonly number[],
  procFs: ProcFs = nodeProcFs,
  opts: InodeOwnerOptions = {},
): Promise<HostProcess | undefined> {
  if (inodes.length === 0) return undefined;
  const root = opts.procRoot ?? '/proc';
  const maxPids = opts.maxPids ?? 4096;
  const maxFds = opts.maxFdsPerPid ?? 4096;
  const wanted = new Set(inodes.map((i) => `socket:[${i}]`));

  let entries: string[];
  try {
    entries = await procFs.readdir(root);
  } catch {
    return undefined;
  }
  const pids = entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .sort((a, b) => b - a)
    .slice(0, maxPids);

  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await procFs.readdir(`${root}/${pid}/fd`);
    } catch {
      continue; // not ours to look at, or gone
    }
    for (const fd of fds.slice(0, maxFds)) {
      let link: string;
      try {
        link = await procFs.readlink(`${root}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (wanted.has(link)) return ownerOf(procFs, root, pid);
    }
  }
  return undefined;
}

async function ownerOf(procFs: ProcFs, root: string, pid: number): Promise<HostProcess> {
  const command = await commandOf(procFs, root, pid);
  if (command !== DOCKER_PROXY_COMM) return { pid, command };
  const proxy = parseDockerProxyArgs(await procFs.readFile(`${root}/${pid}/cmdline`).catch(() => ''));
  return proxy ? { pid, command, proxy } : { pid, command };
}

async function commandOf(procFs: ProcFs, root: string, pid: number): Promise<string> {
  try {
    const comm = (await procFs.readFile(`${root}/${pid}/comm`)).trim();
    if (comm !== '') return comm;
  } catch {
    // fall through
  }
  return 'unknown';
}
