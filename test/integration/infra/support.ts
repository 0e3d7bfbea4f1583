// Small helpers for the infra tests: throwaway containers on engine-chosen loopback ports
// (never the well-known 8080/3002/4000/3306/8085/3004/4004), bounded polling, raw HTTP.

import net from 'node:net';
import Docker from 'dockerode';
import { COMPOSE_PROJECT_LABEL, testProjectName } from '../../helpers/docker-cleanup.js';

export const docker = new Docker();
/** Label every container these tests start, so an aborted run's leftovers get cleaned up. */
export const INFRA_PROJECT = testProjectName('infra');

export interface Started {
  id: string;
  /** Host port (on 127.0.0.1) of the container port. */
  port: number;
  url: string;
  remove(): Promise<void>;
}

export async function startContainer(
  image: string,
  containerPort: number,
  opts: { env?: Record<string, string>; cmd?: string[]; binds?: string[]; volumes?: Record<string, string> } = {},
): Promise<Started> {
  const key = `${containerPort}/tcp`;
  const mounts = Object.entries(opts.volumes ?? {}).map(([source, target]) => ({ Type: 'volume' as const, Source: source, Target: target }));
  const container = await docker.createContainer({
    Image: image,
    Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(opts.cmd ? { Cmd: opts.cmd } : {}),
    ExposedPorts: { [key]: {} },
    Labels: { [COMPOSE_PROJECT_LABEL]: INFRA_PROJECT },
    HostConfig: {
      PortBindings: { [key]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      Mounts: mounts,
    },
  });
  const remove = async (): Promise<void> => {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  };
  try {
    await container.start();
    const info = await container.inspect();
    const hostPort = info.NetworkSettings.Ports[key]?.[0]?.HostPort;
    if (!hostPort) throw new Error(`no host port published for ${key}`);
    const port = Number(hostPort);
    return { id: container.id, port, url: `http://127.0.0.1:${port}`, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Headers;
}

/** GET (or other method) with a hard deadline. Network errors reject. */
export async function http(url: string, init: { method?: string; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(init.timeoutMs ?? 5_000),
  });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Poll fn every intervalMs until it returns a value other than undefined; fail after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Status once the server answers /ping with 200. */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${url} to answer 200`, async () => ((await http(url, { timeoutMs: 2_000 })).status === 200 ? true : undefined), timeoutMs);
}

/** Send raw bytes and read until the server closes the connection (bounded). */
export function rawRequest(port: number, request: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw request to ${port}: no close within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString()}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/** Split a raw HTTP/1.1 response. */
export function parseRawResponse(raw: string): { statusLine: string; headers: Record<string, string>; body: string } {
  const sep = raw.indexOf('\r\n\r\n');
  if (sep < 0) throw new Error(`not an HTTP response: ${JSON.stringify(raw)}`);
  const [statusLine = '', ...lines] = raw.slice(0, sep).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { statusLine, headers, body: raw.slice(sep + 4) };
}
