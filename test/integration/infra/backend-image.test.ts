// The test backend image (devlake.docker.scarf.sh/apache/devlake:v1.0.1) behaves as DevLake v1.0.1
// does (test/images/devlake/*.sh name the upstream functions): it needs MySQL to start, listens
// only after its init, answers /ping /ready /health /version before the 428 gate, blocks on
// /proceed-db-migration for the whole migration, and keeps the history in MySQL's volume.

import { afterAll, describe, expect, it } from 'vitest';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { removeComposeProject } from '../../helpers/docker-cleanup.js';
import { INFRA_PROJECT, docker, http, parseRawResponse, rawRequest, startContainer, waitFor, waitForHttp, type Started } from './support.js';

const started: Started[] = [];

/** A MySQL stand-in with a volume of its own; returns the DB_URL a backend reaches it by. */
async function mysql(): Promise<{ dbUrl: string; container: Started }> {
  const volume = `${INFRA_PROJECT}_mysql-${started.length}-${process.pid}`;
  await docker.createVolume({ Name: volume, Labels: { 'com.docker.compose.project': INFRA_PROJECT } });
  const c = await startContainer(IMAGES.mysql, 3306, { volumes: { [volume]: '/var/lib/mysql' } });
  started.push(c);
  const ip = Object.values((await docker.getContainer(c.id).inspect()).NetworkSettings.Networks)[0]?.IPAddress;
  return { dbUrl: `mysql://merico:merico@${ip}:3306/lake?charset=utf8mb4&parseTime=True&loc=UTC`, container: c };
}

async function backend(env: Record<string, string> = {}, opts: { volumes?: Record<string, string>; version?: string } = {}): Promise<Started> {
  const c = await startContainer(IMAGES.backend(opts.version ?? TEST_RELEASE_VERSION), 8080, { env, ...(opts.volumes ? { volumes: opts.volumes } : {}) });
  started.push(c);
  return c;
}

async function statusOf(url: string, timeoutMs = 5_000): Promise<number> {
  return (await http(url, { timeoutMs })).status;
}

afterAll(async () => {
  await Promise.all(started.map((c) => c.remove()));
  await removeComposeProject(INFRA_PROJECT, { volumes: true });
});

describe('test backend image: start-up (services.Init)', () => {
  it('panics (exit 2) without DB_URL, and while MySQL is not reachable', async () => {
    const run = async (env: string[]): Promise<{ code: number; logs: string }> => {
      const c = await docker.createContainer({ Image: IMAGES.backend(TEST_RELEASE_VERSION), Env: env, Labels: { 'com.docker.compose.project': INFRA_PROJECT } });
      try {
        await c.start();
        const { StatusCode } = (await c.wait()) as { StatusCode: number };
        return { code: StatusCode, logs: (await c.logs({ stdout: true, stderr: true })).toString('latin1') };
      } finally {
        await c.remove({ force: true });
      }
    };
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.logs).toContain('panic: DB_URL is required');
    const unreachable = await run(['DB_URL=mysql://merico:merico@127.0.0.1:3306/lake']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.logs).toContain('panic: dial tcp 127.0.0.1:3306: connect: connection refused');
  });

  it('listens only after START_DELAY_SECONDS (nothing answers during Init)', async () => {
    const db = await mysql();
    const t0 = Date.now();
    const c = await backend({ DB_URL: db.dbUrl, START_DELAY_SECONDS: '2' });
    await expect(http(`${c.url}/ping`, { timeoutMs: 1_000 })).rejects.toThrow();
    await waitForHttp(`${c.url}/ping`, 20_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000);
  });
});

describe('test backend image: the 428 gate and /proceed-db-migration', () => {
  it('answers the routes registered before the gate, 428 after it, until migrated', async () => {
    const db = await mysql();
    const c = await backend({ DB_URL: db.dbUrl, MIGRATION_SECONDS: '0' });
    await waitForHttp(`${c.url}/ping`);
    const ping = await http(`${c.url}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.body).toBe('');
    expect(JSON.parse((await http(`${c.url}/version`)).body)).toEqual({ version: `${TEST_RELEASE_VERSION}@test` });
    expect(await statusOf(`${c.url}/ready`)).toBe(503);
    expect(JSON.parse((await http(`${c.url}/health`)).body)).toMatchObject({ success: true, message: 'maybe' });
    for (const p of ['/plugins', '/blueprints', '/projects', '/no-such-route']) {
      const r = await http(c.url + p);
      expect(r.status, p).toBe(428);
      const body = JSON.parse(r.body) as { success: unknown; message: unknown };
      expect(body.success).toBe(false);
      expect(body.message).toEqual(expect.stringContaining('New migration scripts detected. Database migration is required to launch DevLake.'));
    }
    // Only GET is registered: HEAD /ping is an unknown route, behind the gate.
    expect(parseRawResponse(await rawRequest(c.port, 'HEAD /ping HTTP/1.1\r\nHost: x\r\n\r\n')).statusLine).toBe('HTTP/1.1 428 Precondition Required');

    expect(await statusOf(`${c.url}/proceed-db-migration`)).toBe(200);
    expect(await statusOf(`${c.url}/plugins`)).toBe(200);
    expect(await statusOf(`${c.url}/ready`)).toBe(200);
    expect(await statusOf(`${c.url}/no-such-route`)).toBe(404);
    // Ready: ExecuteMigration() returns at once.
    expect(await statusOf(`${c.url}/proceed-db-migration`)).toBe(200);
  });

  it('blocks /proceed-db-migration for MIGRATION_SECONDS, refuses a second one, and goes on when the client leaves', async () => {
    const db = await mysql();
    const c = await backend({ DB_URL: db.dbUrl, MIGRATION_SECONDS: '4' });
    await waitForHttp(`${c.url}/ping`);
    // A client that gives up after 1 s (shorter than the migration) does not stop it.
    const t0 = Date.now();
    await expect(http(`${c.url}/proceed-db-migration`, { timeoutMs: 1_000 })).rejects.toThrow();
    const second = await http(`${c.url}/proceed-db-migration`);
    expect(second.status).toBe(400);
    expect(second.body).toContain('There is a migration in progress.');
    const during = await http(`${c.url}/plugins`);
    expect(during.status).toBe(428);
    expect(JSON.parse(during.body)).toMatchObject({ message: 'Database migration is in progress. Please wait until it is completed.' });
    expect(await statusOf(`${c.url}/ping`)).toBe(200);
    expect(await statusOf(`${c.url}/version`)).toBe(200);
    await waitFor('migration done', async () => ((await statusOf(`${c.url}/plugins`)) === 200 ? true : undefined), 20_000, 200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3_800);
  });

  it('a request that waits answers 200 only when the migration is done', async () => {
    const db = await mysql();
    const c = await backend({ DB_URL: db.dbUrl, MIGRATION_SECONDS: '2' });
    await waitForHttp(`${c.url}/ping`);
    const t0 = Date.now();
    expect(await statusOf(`${c.url}/proceed-db-migration`, 10_000)).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
    expect(await statusOf(`${c.url}/plugins`)).toBe(200);
  });

  it('keeps the history in MySQL: a restarted backend has nothing pending', async () => {
    const db = await mysql();
    const c = await backend({ DB_URL: db.dbUrl, MIGRATION_SECONDS: '0' });
    await waitForHttp(`${c.url}/ping`);
    expect(await statusOf(`${c.url}/proceed-db-migration`)).toBe(200);
    await docker.getContainer(c.id).restart({ t: 5 });
    const port = Number((await docker.getContainer(c.id).inspect()).NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort);
    await waitForHttp(`http://127.0.0.1:${port}/ping`);
    expect(await statusOf(`http://127.0.0.1:${port}/plugins`)).toBe(200);
    // A fresh backend on the same database: nothing pending either.
    const again = await backend({ DB_URL: db.dbUrl, MIGRATION_SECONDS: '30' });
    await waitForHttp(`${again.url}/ping`);
    expect(await statusOf(`${again.url}/plugins`)).toBe(200);
  });

  it('FORCE_MIGRATION=true runs the scripts inside Init: nothing listens until they are done', async () => {
    const db = await mysql();
    const t0 = Date.now();
    const c = await backend({ DB_URL: db.dbUrl, MIGRATION_SECONDS: '2', FORCE_MIGRATION: 'true' });
    await expect(http(`${c.url}/ping`, { timeoutMs: 1_000 })).rejects.toThrow();
    await waitForHttp(`${c.url}/ping`, 20_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000);
    expect(await statusOf(`${c.url}/plugins`)).toBe(200);
  });
});

describe('test backend image: serving', () => {
  it('writes well-formed HTTP/1.1 responses, drains request bodies, and closes the connection', async () => {
    const db = await mysql();
    const c = await backend({ DB_URL: db.dbUrl });
    await waitForHttp(`${c.url}/ping`);
    const res = parseRawResponse(await rawRequest(c.port, 'GET /version HTTP/1.1\r\nHost: x\r\nUser-Agent: raw\r\n\r\n'));
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.headers['connection']).toBe('close');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));

    const gated = parseRawResponse(await rawRequest(c.port, 'GET /plugins HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(gated.statusLine).toBe('HTTP/1.1 428 Precondition Required');
    expect(Number(gated.headers['content-length'])).toBe(Buffer.byteLength(gated.body));

    // A request body is drained, so the response arrives intact (POST is not a registered route: 428).
    const body = JSON.stringify({ filler: 'x'.repeat(20_000) });
    const post = parseRawResponse(await rawRequest(c.port, `POST /blueprints HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    expect(post.statusLine).toBe('HTTP/1.1 428 Precondition Required');
    const chunked = parseRawResponse(
      await rawRequest(c.port, `POST /blueprints HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n${'y'.repeat(26)}\r\n3\r\nabc\r\n0\r\n\r\n`),
    );
    expect(chunked.statusLine).toBe('HTTP/1.1 428 Precondition Required');
  });

  it('serves many sequential requests and concurrent 0.5 s pollers without errors', async () => {
    const db = await mysql();
    const c = await backend({ DB_URL: db.dbUrl });
    await waitForHttp(`${c.url}/ping`);
    for (let i = 0; i < 150; i++) expect(await statusOf(`${c.url}/ping`)).toBe(200);
    const poll = async (path: string): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push(await statusOf(c.url + path));
        await new Promise((r) => setTimeout(r, 500));
      }
      return statuses;
    };
    const burst = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        out.push(...(await Promise.all(Array.from({ length: 40 }, () => statusOf(`${c.url}/ping`)))));
        await new Promise((r) => setTimeout(r, 700));
      }
      return out;
    };
    const [a, b, v, gated, bursts] = await Promise.all([poll('/ping'), poll('/ping'), poll('/version'), poll('/plugins'), burst()]);
    expect([...a, ...b, ...v, ...bursts].every((s) => s === 200)).toBe(true);
    expect(gated.every((s) => s === 428)).toBe(true);
    // Handlers exit and get reaped: nothing piles up in the container.
    const top = (await docker.getContainer(c.id).top()) as { Processes: string[][] };
    expect(top.Processes.length).toBeLessThanOrEqual(4);
  });

  it('runs with the release compose settings (logs volume, env file values) and stops quickly', async () => {
    const db = await mysql();
    const volume = `${INFRA_PROJECT}_devlake-log`;
    await docker.createVolume({ Name: volume, Labels: { 'com.docker.compose.project': INFRA_PROJECT } });
    const c = await backend(
      { LOGGING_DIR: '/app/logs', TZ: 'UTC', PORT: ':8080', MODE: 'release', ENCRYPTION_SECRET: '', FORCE_MIGRATION: 'false', DB_URL: db.dbUrl },
      { volumes: { [volume]: '/app/logs' } },
    );
    await waitForHttp(`${c.url}/ping`);
    const container = docker.getContainer(c.id);
    const t0 = Date.now();
    await container.stop({ t: 10 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await container.inspect()).State.ExitCode).toBe(0);
  });
});
