// httpGetText, the release download's GET on node:http (it replaced fetch, whose HTTP stack
// cost ~60 ms of every deploy): redirects as fetch followed them, credentials kept to their
// origin, bounded in hops, bytes and time, and its failures typed.

import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGetText, HttpGetError } from '../../../src/util/http-get.js';
import { freePort } from '../../helpers/free-port.js';

interface Seen {
  url: string;
  authorization?: string;
}

function listen(handler: http.RequestListener): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

let a: { server: http.Server; base: string };
let b: { server: http.Server; base: string };
const seenA: Seen[] = [];
const seenB: Seen[] = [];
const hanging: net.Socket[] = [];

beforeAll(async () => {
  b = await listen((req, res) => {
    seenB.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('from b');
  });
  a = await listen((req, res) => {
    seenA.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const u = req.url ?? '';
    if (u === '/file') return void res.writeHead(200).end('name: devlake\n');
    if (u === '/relative') return void res.writeHead(302, { location: '/file' }).end();
    if (u === '/elsewhere') return void res.writeHead(302, { location: `${b.base}/asset` }).end();
    if (u.startsWith('/loop')) return void res.writeHead(301, { location: `/loop${u.length}` }).end();
    if (u === '/missing') return void res.writeHead(404).end('not found');
    if (u === '/big') return void res.writeHead(200).end('x'.repeat(4096));
    if (u === '/hang') {
      hanging.push(req.socket);
      return; // never answers
    }
    res.writeHead(500).end();
  });
});

afterAll(async () => {
  for (const s of hanging) s.destroy();
  await new Promise((r) => a.server.close(r));
  await new Promise((r) => b.server.close(r));
});

describe('httpGetText', () => {
  it('returns the body of a 200', async () => {
    expect(await httpGetText(`${a.base}/file`, { timeoutMs: 5000 })).toMatchObject({ status: 200, url: `${a.base}/file`, text: 'name: devlake\n' });
  });

  it('follows a relative redirect and says where the answer came from', async () => {
    const r = await httpGetText(`${a.base}/relative`, { timeoutMs: 5000 });
    expect(r).toMatchObject({ status: 200, url: `${a.base}/file`, text: 'name: devlake\n' });
  });

  it('keeps the Authorization header on its origin and drops it across a redirect to another', async () => {
    seenA.length = 0;
    seenB.length = 0;
    const r = await httpGetText(`${a.base}/elsewhere`, { timeoutMs: 5000, headers: { authorization: 'Bearer tok', 'user-agent': 'gh-devlake' } });
    expect(r.text).toBe('from b');
    expect(seenA).toEqual([{ url: '/elsewhere', authorization: 'Bearer tok' }]);
    expect(seenB).toEqual([{ url: '/asset' }]);
  });

  it('gives up after maxRedirects', async () => {
    await expect(httpGetText(`${a.base}/loop`, { timeoutMs: 5000, maxRedirects: 3 })).rejects.toThrow(/more than 3 redirects/);
  });

  it('returns other statuses without a body, for the caller to word', async () => {
    expect(await httpGetText(`${a.base}/missing`, { timeoutMs: 5000 })).toMatchObject({ status: 404, url: `${a.base}/missing`, text: '' });
  });

  it('refuses a body over maxBytes', async () => {
    const err = await httpGetText(`${a.base}/big`, { timeoutMs: 5000, maxBytes: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpGetError);
    expect((err as HttpGetError).code).toBe('EFBIG');
  });

  it('nothing listening: HttpGetError with the socket code', async () => {
    const port = await freePort();
    const err = await httpGetText(`http://127.0.0.1:${port}/x`, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpGetError);
    expect((err as HttpGetError).code).toBe('ECONNREFUSED');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('a server that never answers: ETIMEDOUT at the deadline', async () => {
    const started = Date.now();
    const err = await httpGetText(`${a.base}/hang`, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as HttpGetError).code).toBe('ETIMEDOUT');
    expect((err as Error).message).toMatch(/within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("the caller's abort comes back as the abort's reason, not as a failure of the GET", async () => {
    const controller = new AbortController();
    const pending = httpGetText(`${a.base}/hang`, { timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 50);
    await expect(pending).rejects.toThrow('interrupted by SIGINT');
  });
});
