// probeHttp (one GET, never throws) after moving it from fetch to node:http with a bare connect
// first: the same answers as before: the status, or the socket error code, or a timeout.

import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PING_INTERVAL_MS, waitForPing } from '../../../src/devlake/health.js';
import { probeHttp } from '../../../src/devlake/probe.js';
import { freePort } from '../../helpers/free-port.js';

let server: http.Server;
let base = '';
let pings = 0;
let lastHost = '';
const silent: net.Socket[] = [];
let silentServer: net.Server;
let silentPort = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    lastHost = req.headers.host ?? '';
    if (req.url === '/ping') {
      pings++;
      res.writeHead(pings >= 3 ? 200 : 503, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (req.url === '/redirect') return void res.writeHead(302, { location: '/elsewhere' }).end();
    res.writeHead(428).end('migration required');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Accepts connections and never answers.
  silentServer = net.createServer((c) => silent.push(c));
  await new Promise<void>((r) => silentServer.listen(0, '127.0.0.1', r));
  silentPort = (silentServer.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const c of silent) c.destroy();
  await new Promise((r) => silentServer.close(r));
  await new Promise((r) => server.close(r));
});

describe('probeHttp', () => {
  it('returns the status of whatever answers, redirects not followed', async () => {
    expect(await probeHttp(`${base}/version`)).toEqual({ status: 428 });
    expect(await probeHttp(`${base}/redirect`)).toEqual({ status: 302 });
  });

  it('localhost: asks the loopback address that accepted, and still sends Host: localhost', async () => {
    const port = base.split(':').pop() ?? '';
    expect(await probeHttp(`http://localhost:${port}/version`)).toEqual({ status: 428 });
    expect(lastHost).toBe(`localhost:${port}`);
  });

  it('nothing listening: ECONNREFUSED, for an address and for localhost', async () => {
    const port = await freePort();
    expect(await probeHttp(`http://127.0.0.1:${port}/ping`)).toEqual({ error: 'ECONNREFUSED' });
    expect(await probeHttp(`http://localhost:${port}/ping`)).toEqual({ error: 'ECONNREFUSED' });
  });

  it('something that never answers: an error once the request times out', async () => {
    const p = await probeHttp(`http://127.0.0.1:${silentPort}/ping`, 200);
    expect(p.status).toBeUndefined();
    expect(p.error).toMatch(/no answer within 200 ms/);
  });

  it('an aborted signal: an error, no throw', async () => {
    expect(await probeHttp(`${base}/ping`, 2000, AbortSignal.abort())).toEqual({ error: 'aborted' });
  });

  it('waitForPing polls until /ping answers 200, asking at least every PING_INTERVAL_MS', async () => {
    pings = 0;
    const p = await waitForPing(base, { deadline: Date.now() + 20_000, intervalMs: 500 });
    expect(p).toEqual({ status: 200 });
    expect(pings).toBe(3);
    expect(PING_INTERVAL_MS).toBeLessThanOrEqual(100);
  });
});
