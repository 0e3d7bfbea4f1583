// The test backend image (devlake.docker.scarf.sh/apache/devlake:v1.0.1) behaves as documented
// in test/images/devlake/handler.sh: /ping 200, 428 until migrated, knobs honoured, robust serving.

import { afterAll, describe, expect, it } from 'vitest';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { removeComposeProject } from '../../helpers/docker-cleanup.js';
import { INFRA_PROJECT, docker, http, parseRawResponse, rawRequest, startContainer, waitFor, waitForHttp, type Started } from './support.js';

const started: Started[] = [];
async function backend(env: Record<string, string> = {}, opts: { volumes?: Record<string, string> } = {}): Promise<Started> {
  const c = await startContainer(IMAGES.backend(TEST_RELEASE_VERSION), 8080, { env, ...opts });
  started.push(c);
  return c;
}

afterAll(async () => {
  await Promise.all(started.map((c) => c.remove()));
  await removeComposeProject(INFRA_PROJECT, { volumes: true });
});

describe('test backend image', () => {
  it('answers /ping at once and gates the API on the migration (MIGRATION_SECONDS=0)', async () => {
    const c = await backend({ MIGRATION_SECONDS: '0' });
    await waitForHttp(`${c.url}/ping`);

    const ping = await http(`${c.url}/ping`);
    expect(ping.status).toBe(200);
    expect(JSON.parse(ping.body)).toEqual({ status: 'ok' });

    for (const p of ['/version', '/blueprints', '/plugins']) expect((await http(c.url + p)).status).toBe(428);
    const gated = await http(`${c.url}/version`);
    expect(JSON.parse(gated.body)).toMatchObject({ success: false });

    const proceed = await http(`${c.url}/proceed-db-migration`);
    expect(proceed.status).toBe(200);
    expect(JSON.parse(proceed.body)).toMatchObject({ success: true });

    const version = await http(`${c.url}/version`);
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body)).toEqual({ version: `${TEST_RELEASE_VERSION}@test` });
    expect((await http(`${c.url}/blueprints?page=1`)).status).toBe(200);
    // Proceeding again is harmless.
    expect((await http(`${c.url}/proceed-db-migration`)).status).toBe(200);
    expect((await http(`${c.url}/version`)).status).toBe(200);
  });

  it('takes MIGRATION_SECONDS to migrate after proceed', async () => {
    const c = await backend({ MIGRATION_SECONDS: '2' });
    await waitForHttp(`${c.url}/ping`);
    expect((await http(`${c.url}/version`)).status).toBe(428);
    const t0 = Date.now();
    expect((await http(`${c.url}/proceed-db-migration`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await http(`${c.url}/version`)).status).toBe(428);
    await waitFor('migration to finish', async () => ((await http(`${c.url}/version`)).status === 200 ? true : undefined), 15_000, 100);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1_800);
    expect(took).toBeLessThan(8_000);
  });

  it('keeps the migration across a container restart', async () => {
    const c = await backend();
    await waitForHttp(`${c.url}/ping`);
    expect((await http(`${c.url}/proceed-db-migration`)).status).toBe(200);
    expect((await http(`${c.url}/version`)).status).toBe(200);
    await docker.getContainer(c.id).restart({ t: 5 });
    const info = await docker.getContainer(c.id).inspect();
    const port = Number(info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort);
    await waitForHttp(`http://127.0.0.1:${port}/ping`);
    expect((await http(`http://127.0.0.1:${port}/version`)).status).toBe(200);
  });

  it('starts migrated with MIGRATION_REQUIRED=0', async () => {
    const c = await backend({ MIGRATION_REQUIRED: '0' });
    await waitForHttp(`${c.url}/ping`);
    expect((await http(`${c.url}/version`)).status).toBe(200);
  });

  it('does not listen before START_DELAY_SECONDS', async () => {
    const t0 = Date.now();
    const c = await backend({ START_DELAY_SECONDS: '2' });
    await expect(http(`${c.url}/ping`, { timeoutMs: 1_000 })).rejects.toThrow();
    await waitForHttp(`${c.url}/ping`, 20_000);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(12_000);
  });

  it('writes well-formed HTTP/1.1 responses and closes the connection', async () => {
    const c = await backend();
    await waitForHttp(`${c.url}/ping`);
    const raw = await rawRequest(c.port, 'GET /ping HTTP/1.1\r\nHost: x\r\nUser-Agent: raw\r\n\r\n');
    const res = parseRawResponse(raw);
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.headers['connection']).toBe('close');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));

    const gated = parseRawResponse(await rawRequest(c.port, 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(gated.statusLine).toBe('HTTP/1.1 428 Precondition Required');
    expect(Number(gated.headers['content-length'])).toBe(Buffer.byteLength(gated.body));

    // A request body is drained, so the response arrives intact.
    const body = JSON.stringify({ filler: 'x'.repeat(20_000) });
    const post = parseRawResponse(
      await rawRequest(c.port, `POST /proceed-db-migration HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
    );
    expect(post.statusLine).toBe('HTTP/1.1 200 OK');
    const chunked = parseRawResponse(
      await rawRequest(c.port, `POST /blueprints HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n${'y'.repeat(26)}\r\n3\r\nabc\r\n0\r\n\r\n`),
    );
    expect(chunked.statusLine).toBe('HTTP/1.1 200 OK');

    const head = await rawRequest(c.port, 'HEAD /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(parseRawResponse(head).body).toBe('');
  });

  it('serves many sequential requests and concurrent 0.5 s pollers without errors', async () => {
    const c = await backend();
    await waitForHttp(`${c.url}/ping`);
    for (let i = 0; i < 150; i++) {
      const r = await http(`${c.url}/ping`);
      expect(r.status).toBe(200);
    }
    // Four pollers at 0.5 s for ~4 s, while bursts of 40 parallel requests hit the server.
    const poll = async (path: string): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push((await http(c.url + path)).status);
        await new Promise((r) => setTimeout(r, 500));
      }
      return statuses;
    };
    const burst = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        out.push(...(await Promise.all(Array.from({ length: 40 }, () => http(`${c.url}/ping`).then((r) => r.status)))));
        await new Promise((r) => setTimeout(r, 700));
      }
      return out;
    };
    const [a, b, p, v, bursts] = await Promise.all([poll('/ping'), poll('/ping'), poll('/ping'), poll('/version'), burst()]);
    expect([...a, ...b, ...p, ...bursts].every((s) => s === 200)).toBe(true);
    expect(v.every((s) => s === 428)).toBe(true);
    // Handlers exit and get reaped: nothing piles up in the container.
    const top = (await docker.getContainer(c.id).top()) as { Processes: string[][] };
    expect(top.Processes.length).toBeLessThanOrEqual(4);
  });

  it('runs with the release compose settings (logs volume, env file values) and stops quickly', async () => {
    const volume = `${INFRA_PROJECT}_devlake-log`;
    await docker.createVolume({ Name: volume, Labels: { 'com.docker.compose.project': INFRA_PROJECT } });
    const c = await backend(
      {
        LOGGING_DIR: '/app/logs',
        TZ: 'UTC',
        PORT: '8080',
        MODE: 'release',
        ENCRYPTION_SECRET: '',
        DB_URL: 'mysql://merico:merico@mysql:3306/lake?charset=utf8mb4&parseTime=True&loc=UTC',
      },
      { volumes: { [volume]: '/app/logs' } },
    );
    await waitForHttp(`${c.url}/ping`);
    const container = docker.getContainer(c.id);
    const t0 = Date.now();
    await container.stop({ t: 10 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    const info = await container.inspect();
    expect(info.State.ExitCode).toBe(0);
  });
});
