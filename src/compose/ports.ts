// Compose `ports:` entries (short string, bare number, long mapping) → PortMapping[].
// Ranges expand to one mapping per port, because the engine publishes ports one by one.
import { isIP, isIPv6 } from 'node:net';
import { ComposeError, UNKNOWN_SOURCE } from './errors.js';
import type { SourceRef } from './errors.js';
import type { PortMapping } from './model.js';

const HINT = 'use "[HOST_IP:]HOST_PORT:CONTAINER_PORT[/udp]" (e.g. "127.0.0.1:8080:8080") or the long syntax {target, published, host_ip, protocol}';
const LONG_KEYS = new Set(['target', 'published', 'host_ip', 'protocol', 'mode', 'app_protocol', 'name']);

/** Parses a whole `ports:` list. */
export function parsePorts(list: unknown, at: SourceRef = UNKNOWN_SOURCE): PortMapping[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw new ComposeError({ ...at, message: 'ports must be a list', hint: HINT });
  return list.flatMap((entry: unknown) => parsePort(entry, at));
}

/** Parses one `ports:` entry; a range yields several mappings. */
export function parsePort(entry: unknown, at: SourceRef = UNKNOWN_SOURCE): PortMapping[] {
  const spec = typeof entry === 'object' && entry !== null ? JSON.stringify(entry) : String(entry);
  const fail = (why: string): ComposeError => new ComposeError({ ...at, message: `invalid port ${JSON.stringify(spec)}: ${why}`, hint: HINT });
  if (typeof entry === 'number') return [{ hostIp: '', target: portNumber(String(entry), 'container', fail), protocol: 'tcp' }];
  if (typeof entry === 'string') return parseShort(entry, fail);
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) return [parseLong(entry as Record<string, unknown>, fail)];
  throw fail('expected a string, a number or a mapping');
}

type Fail = (why: string) => ComposeError;

function parseShort(spec: string, fail: Fail): PortMapping[] {
  let rest = spec.trim();
  const slash = rest.lastIndexOf('/');
  const protocol = parseProtocol(slash === -1 ? 'tcp' : rest.slice(slash + 1), fail);
  if (slash !== -1) rest = rest.slice(0, slash);

  let hostIp = '';
  let parts: string[];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1 || rest[close + 1] !== ':') throw fail('a bracketed IPv6 host address must be followed by ":HOST_PORT:CONTAINER_PORT"');
    hostIp = rest.slice(1, close);
    parts = rest.slice(close + 2).split(':');
    if (!isIPv6(hostIp)) throw fail(`"${hostIp}" is not an IPv6 address`);
    if (parts.length !== 2) throw fail('expected [IPV6]:HOST_PORT:CONTAINER_PORT');
  } else {
    parts = rest.split(':');
    if (parts.length > 3) {
      // An unbracketed IPv6 address: the last two fields are the ports.
      hostIp = parts.slice(0, -2).join(':');
      parts = parts.slice(-2);
    } else if (parts.length === 3) {
      hostIp = parts[0] ?? '';
      parts = parts.slice(1);
    }
    if (hostIp && !isIP(hostIp)) throw fail(`"${hostIp}" is not an IP address`);
  }

  const targetText = parts.at(-1) ?? '';
  const publishedText = parts.length === 2 ? (parts[0] ?? '') : undefined;
  if (targetText === '') throw fail('the container port is missing');
  // "IP::80" asks for an ephemeral host port; a bare ":80" is a typo we do not guess about.
  if (publishedText === '' && !hostIp) throw fail('the host port is missing');
  const targets = portRange(targetText, 'container', fail);
  const published = publishedText ? portRange(publishedText, 'host', fail) : undefined;
  if (published && published.length !== targets.length) {
    throw fail(`host ports ${publishedText} and container ports ${targetText} must be ranges of the same length`);
  }
  return targets.map((target, i) => {
    const host = published?.[i];
    return host === undefined ? { hostIp, target, protocol } : { hostIp, published: host, target, protocol };
  });
}

function parseLong(entry: Record<string, unknown>, fail: Fail): PortMapping {
  for (const key of Object.keys(entry)) if (!LONG_KEYS.has(key)) throw fail(`unknown key "${key}"`);
  const { target, published, host_ip: hostIp, protocol, mode } = entry;
  if (target === undefined || target === null) throw fail('"target" is required');
  if (typeof target !== 'number' && typeof target !== 'string') throw fail('"target" must be a port number');
  if (mode !== undefined && mode !== 'host' && mode !== 'ingress') throw fail('"mode" must be "host" or "ingress"');
  if (hostIp !== undefined && (typeof hostIp !== 'string' || (hostIp !== '' && !isIP(hostIp)))) throw fail('"host_ip" must be an IP address');
  const mapping: PortMapping = {
    hostIp: hostIp ?? '',
    target: portNumber(String(target), 'container', fail),
    protocol: parseProtocol(protocol === undefined ? 'tcp' : typeof protocol === 'string' ? protocol : JSON.stringify(protocol), fail),
  };
  if (published !== undefined && published !== null && published !== '') {
    if (typeof published !== 'number' && typeof published !== 'string') throw fail('"published" must be a port number');
    const range = portRange(String(published), 'host', fail);
    if (range.length !== 1) throw fail('a published port range needs a container port range of the same length; use the short syntax');
    mapping.published = range[0];
  }
  return mapping;
}

function parseProtocol(text: string, fail: Fail): 'tcp' | 'udp' {
  const p = text.toLowerCase();
  if (p === 'tcp' || p === 'udp') return p;
  throw fail(`unsupported protocol "${text}" (tcp or udp)`);
}

function portRange(text: string, which: 'host' | 'container', fail: Fail): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) throw fail(`"${text}" is not a ${which} port or range`);
  const start = portNumber(m[1] ?? '', which, fail);
  const end = m[2] === undefined ? start : portNumber(m[2], which, fail);
  if (end < start) throw fail(`${which} port range ${text} is reversed`);
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

function portNumber(text: string, which: 'host' | 'container', fail: Fail): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw fail(`${which} port ${text} is not between 1 and 65535`);
  return n;
}
