// A stand-in Docker socket for fault tests: a unix socket that forwards to the real engine and can
// be told to misbehave — close every connection, die at a chosen request (the daemon going away
// in the middle of `up`), or hold a request unanswered (a slow engine, to interrupt a run while an
// Engine API call is in flight). It counts connections and requests, so a test can check that the
// product does not storm a dead engine with retries. Point the CLI at it with DOCKER_HOST.

import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export type ProxyVerdict = 'forward' | 'stall' | 'die';

export interface ProxyRequest {
  method: string;
  path: string;
  /** Connection number (1-based) the request came on. */
  connection: number;
  /** Set once the client closed that connection (an aborted request shows up here). */
  clientClosedAt?: number;
}

export interface DockerProxyOptions {
  /** Socket of the real engine (default /var/run/docker.sock). */
  upstream?: string;
  /** What to do with each request; default forward. */
  rule?: (req: { method: string; path: string }) => ProxyVerdict;
  /** Start dead: accept every connection and close it at once. */
  dead?: boolean;
}

export interface DockerProxy {
  socketPath: string;
  /** `unix://…` for DOCKER_HOST. */
  dockerHost: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections accepted after the proxy died (each one closed at once). */
  readonly connectionsAfterDeath: number;
  readonly requests: readonly ProxyRequest[];
  readonly dead: boolean;
  /** Requests being held (verdict 'stall'), still open on the client side. */
  readonly stalled: readonly ProxyRequest[];
  /** Resolves when a request gets verdict 'stall' (bounded). */
  waitForStall(timeoutMs?: number): Promise<ProxyRequest>;
  /** Forward the held requests after all. */
  releaseStalled(): void;
  close(): Promise<void>;
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/;

export async function startDockerProxy(opts: DockerProxyOptions = {}): Promise<DockerProxy> {
  const upstreamPath = opts.upstream ?? '/var/run/docker.sock';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gdl-proxy-'));
  const socketPath = path.join(dir, 'docker.sock');
  const rule = opts.rule ?? (() => 'forward');
  let dead = opts.dead ?? false;
  let connections = 0;
  let connectionsAfterDeath = 0;
  const requests: ProxyRequest[] = [];
  const stalled: { req: ProxyRequest; flush: () => void }[] = [];
  const live = new Set<net.Socket>();
  let onStall: ((r: ProxyRequest) => void) | undefined;

  const die = (): void => {
    dead = true;
    for (const s of live) s.destroy();
    live.clear();
  };

  const server = net.createServer((client) => {
    connections++;
    const connection = connections;
    client.on('error', () => undefined);
    if (dead) {
      connectionsAfterDeath++;
      client.destroy();
      return;
    }
    live.add(client);
    const upstream = net.connect(upstreamPath);
    live.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.pipe(client);
    let holding: Buffer[] | undefined;
    const mine: ProxyRequest[] = [];
    client.on('close', () => {
      for (const r of mine) r.clientClosedAt ??= Date.now();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    });
    client.on('data', (chunk: Buffer) => {
      if (holding) {
        holding.push(chunk);
        return;
      }
      const m = REQUEST_LINE.exec(chunk.subarray(0, 2048).toString('latin1'));
      if (m) {
        const req: ProxyRequest = { method: m[1] ?? '', path: m[2] ?? '', connection };
        requests.push(req);
        mine.push(req);
        const verdict = rule(req);
        if (verdict === 'die') {
          die();
          return;
        }
        if (verdict === 'stall') {
          holding = [chunk];
          stalled.push({
            req,
            flush: () => {
              const held = holding ?? [];
              holding = undefined;
              for (const c of held) upstream.write(c);
            },
          });
          onStall?.(req);
          return;
        }
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });

  let closed: Promise<void> | undefined;
  return {
    socketPath,
    dockerHost: `unix://${socketPath}`,
    get connections() {
      return connections;
    },
    get connectionsAfterDeath() {
      return connectionsAfterDeath;
    },
    get requests() {
      return requests;
    },
    get dead() {
      return dead;
    },
    get stalled() {
      return stalled.map((s) => s.req).filter((r) => r.clientClosedAt === undefined);
    },
    waitForStall(timeoutMs = 60_000) {
      const first = stalled[0];
      if (first) return Promise.resolve(first.req);
      return new Promise<ProxyRequest>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no request was held within ${timeoutMs} ms; requests: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`)), timeoutMs);
        onStall = (r) => {
          clearTimeout(timer);
          onStall = undefined;
          resolve(r);
        };
      });
    },
    releaseStalled() {
      for (const s of stalled.splice(0)) s.flush();
    },
    close() {
      closed ??= (async () => {
        for (const s of live) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(dir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
