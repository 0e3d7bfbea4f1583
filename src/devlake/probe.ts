// One HTTP probe of a DevLake endpoint, for the health waits (src/devlake/health.ts) and for
// `status` (src/devlake/discovery.ts), with as little loaded as possible: `status` with nothing
// deployed spends most of its time here (docs/performance.md, start-up).

import { readFile } from 'node:fs/promises';
import { parseProcNetTcp, TCP_LISTEN } from '../recovery/proc-net.js';

/**
 * A route behind DevLake's 428 middleware, polled to tell whether the migration is done:
 * `GET /plugins` is registered by RegisterRouter() (apache/incubator-devlake
 * `backend/server/api/router.go`) after the middleware that `backend/server/api/api.go`
 * SetupApiServer() installs, and its handler (plugininfo.GetPluginMetas) lists the loaded plugins
 * from memory — no database query. `/ping` is registered before it and answers 200 throughout.
 */
export const MIGRATION_GATED_PATH = '/plugins';

export interface HttpProbe {
  status?: number;
  error?: string;
}

type Attempt = 'connected' | 'refused' | 'unknown';

/** Where a plain-http URL's host:port can be reached, before any HTTP is loaded. */
interface Reach {
  /** Nothing listens there (every loopback address refused). */
  refused: boolean;
  /** For `localhost`: the loopback address that accepted, so the request skips the resolver. */
  address?: string;
}

async function reach(host: string, port: number, timeoutMs: number): Promise<Reach> {
  const net = await import('node:net');
  const attempt = (address: string) =>
    new Promise<Attempt>((resolve) => {
      const socket = net.connect({ host: address, port });
      const finish = (result: Attempt): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(() => finish('unknown'), timeoutMs);
      socket.once('connect', () => finish('connected'));
      socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : 'unknown'));
    });
  if (host !== 'localhost') return { refused: (await attempt(host.replace(/^\[|\]$/g, ''))) === 'refused' };
  // `localhost` is the loopback addresses (RFC 6761): ask them directly, without a resolver round.
  // ::1 is asked only when /proc says something listens there (or cannot tell): Node's first
  // parse of an IPv6 address compiles a large pattern, ~13 ms of a status on a small machine.
  const [v4, v6Listens] = await Promise.all([attempt('127.0.0.1'), loopbackV6Listens(port)]);
  if (v4 === 'connected') return { refused: false, address: '127.0.0.1' };
  if (v6Listens === false) return { refused: v4 === 'refused' };
  const v6 = await attempt('::1');
  if (v6 === 'connected') return { refused: false, address: '::1' };
  return { refused: v4 === 'refused' && v6 === 'refused' };
}

/** Whether a socket listens on [::1]:port, from /proc/net/tcp6; undefined when that cannot be read. */
async function loopbackV6Listens(port: number): Promise<boolean | undefined> {
  const text = await readFile('/proc/net/tcp6', 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return parseProcNetTcp(text, 6).some((s) => s.state === TCP_LISTEN && s.localPort === port && (s.localAddress === '::' || s.localAddress === '::1'));
}

/**
 * One GET, never throws: a status or the error in words (the socket error code, e.g.
 * ECONNREFUSED, when there is one). Made with node:http(s) rather than fetch: a probe only needs
 * the status line, and loading fetch's HTTP stack costs more than the probe itself, which shows
 * in the start-up of `status` (docs/performance.md).
 */
export async function probeHttp(url: string, timeoutMs = 2000, signal?: AbortSignal): Promise<HttpProbe> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (signal?.aborted) return { error: 'aborted' };
  let address: string | undefined;
  if (target.protocol === 'http:') {
    // Nothing listening (the common answer while a stack starts, or with nothing deployed) is
    // known from a bare connect, without loading the HTTP client at all.
    const where = await reach(target.hostname, Number(target.port || 80), timeoutMs);
    if (where.refused) return { error: 'ECONNREFUSED' };
    address = where.address;
  }
  const client = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<HttpProbe>((resolve) => {
    let settled = false;
    const finish = (probe: HttpProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(probe);
      req.destroy();
    };
    // agent: false: a connection of its own, closed after the answer (no keep-alive to outlive us).
    // A loopback address found above is used as is; the Host header still names the URL's host.
    const options = address ? { hostname: address, headers: { host: target.host }, agent: false as const } : { agent: false as const };
    const req = client.get(target, options, (res) => {
      res.resume();
      finish({ status: res.statusCode ?? 0 });
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ?? err.message }));
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const onAbort = (): void => finish({ error: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
