// runMigration and waitForPing against a node:http model of DevLake v1.0.1's API
// (apache/incubator-devlake `backend/server/api/api.go`, `backend/server/services/init.go`):
// /ping before every middleware; GET /proceed-db-migration blocks while ExecuteMigration() runs and
// answers 400 to a second call; every later route answers 428 until the status is ready.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runMigration, waitForPing } from '../../../src/devlake/health.js';
import { DeployError } from '../../../src/recovery/deploy-error.js';
import { freePort } from '../../helpers/free-port.js';

interface Model {
  url: string;
  triggers: number;
  gatedPolls: number;
  close(): Promise<void>;
}

const open: Model[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

async function devlake(opts: { pending?: boolean; migrationMs?: number; fails?: boolean }): Promise<Model> {
  let status: 'waiting' | 'migrating' | 'ready' = opts.pending === false ? 'ready' : 'waiting';
  const m = { url: '', triggers: 0, gatedPolls: 0 } as Model;
  const server = http.createServer((req, res) => {
    const send = (code: number) => res.writeHead(code, { connection: 'close' }).end('{}');
    if (req.url === '/ping') return send(200);
    if (req.url === '/proceed-db-migration') {
      m.triggers++;
      if (status === 'ready') return send(200);
      if (status === 'migrating') return send(400);
      status = 'migrating';
      setTimeout(() => {
        if (opts.fails) return void (res.destroyed || send(500));
        status = 'ready';
        if (!res.destroyed) send(200);
      }, opts.migrationMs ?? 0);
      return;
    }
    if (req.url === '/plugins') m.gatedPolls++;
    send(status === 'ready' ? 200 : 428);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  m.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  m.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  open.push(m);
  return m;
}

describe('runMigration', () => {
  it('nothing pending: nothing triggered', async () => {
    const d = await devlake({ pending: false });
    expect(await runMigration(d.url, { deadline: Date.now() + 5_000, intervalMs: 20 })).toEqual({ how: 'not-needed', durationMs: 0 });
    expect(d.triggers).toBe(0);
  });

  it('pending: one trigger, held open while the migration runs, done when the gated route stops answering 428', async () => {
    const d = await devlake({ migrationMs: 400 });
    const progress: string[] = [];
    const r = await runMigration(d.url, { deadline: Date.now() + 10_000, intervalMs: 20, requestTimeoutMs: 100, onProgress: (t) => progress.push(t) });
    expect(r.how).toBe('triggered');
    expect(r.durationMs).toBeGreaterThanOrEqual(380);
    // A per-request timeout of 100 ms did not cut the trigger short: it was made once.
    expect(d.triggers).toBe(1);
    expect(d.gatedPolls).toBeGreaterThan(3);
    expect(progress[0]).toMatch(/^Migration running… 0 s of 10 s$/);
  });

  it('two waits at once share one request', async () => {
    const d = await devlake({ migrationMs: 300 });
    const deadline = Date.now() + 10_000;
    const [a, b] = await Promise.all([runMigration(d.url, { deadline, intervalMs: 20 }), runMigration(d.url, { deadline, intervalMs: 20 })]);
    expect([a.how, b.how]).toEqual(['triggered', 'triggered']);
    expect(d.triggers).toBe(1);
  });

  it('the deadline passes mid-migration: migration-deadline, with the route and its 428', async () => {
    const d = await devlake({ migrationMs: 60_000 });
    const err = (await runMigration(d.url, { deadline: Date.now() + 300, intervalMs: 20 }).catch((e: unknown) => e)) as DeployError;
    expect(err).toBeInstanceOf(DeployError);
    expect(err.failure).toMatchObject({ source: 'health', code: 'migration-deadline', statusCode: 428, target: `${d.url}/plugins` });
    expect(err.message).toMatch(/^the database migration did not finish within 0 s: http:\/\/127\.0\.0\.1:\d+\/plugins still answers 428 Precondition Required; DevLake goes on migrating$/);
    expect(d.triggers).toBe(1);
  });

  it('a failed migration (500 from the trigger) ends the wait: migration-failed', async () => {
    const d = await devlake({ migrationMs: 50, fails: true });
    const err = (await runMigration(d.url, { deadline: Date.now() + 5_000, intervalMs: 20 }).catch((e: unknown) => e)) as DeployError;
    expect(err.failure).toMatchObject({ code: 'migration-failed', statusCode: 500 });
  });

  it('someone else started it (400 to our trigger): we wait for theirs', async () => {
    const d = await devlake({ migrationMs: 300 });
    const theirs = fetch(`${d.url}/proceed-db-migration`);
    await new Promise((r) => setTimeout(r, 50));
    const r = await runMigration(d.url, { deadline: Date.now() + 10_000, intervalMs: 20 });
    expect(r.how).toBe('triggered');
    expect(d.triggers).toBe(2);
    expect((await theirs).status).toBe(200);
  });
});

describe('waitForPing', () => {
  it('tolerates a refused port until the backend listens, and says how often its container restarted', async () => {
    const port = await freePort();
    const progress: string[] = [];
    let restarts = 0;
    const server = http.createServer((_req, res) => res.writeHead(200).end());
    setTimeout(() => server.listen(port, '127.0.0.1'), 1_300);
    try {
      await waitForPing(`http://127.0.0.1:${port}`, {
        deadline: Date.now() + 10_000,
        onProgress: (t) => progress.push(t),
        restarts: () => Promise.resolve(++restarts),
      });
    } finally {
      server.close();
    }
    expect(progress.some((t) => /^Waiting for the backend… \d s of 10 s \(ECONNREFUSED; the backend container restarted \d+ times?\)$/.test(t))).toBe(true);
  });

  it('at the deadline: the deadline failure with what it saw and the restart count', async () => {
    const port = await freePort();
    const err = (await waitForPing(`http://127.0.0.1:${port}`, { deadline: Date.now() + 300, restarts: () => Promise.resolve(2) }).catch((e: unknown) => e)) as DeployError;
    expect(err.failure).toMatchObject({ source: 'health', code: 'deadline' });
    expect(err.message).toMatch(/did not become ready within 0 s \(last: ECONNREFUSED; the backend container restarted 2 times\)$/);
  });
});
