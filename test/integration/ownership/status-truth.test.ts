// Issue 18 cases 4 and 5: `status` tells the truth, from this folder's own containers. Exit codes
// for scripts (0 healthy, 1 degraded, 5 stopped, 6 missing) and words for people; endpoints are
// what this project's containers publish, never the well-known ports another project may hold.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { runCli } from '../../helpers/cli.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { makeTestDir, type TestDir } from '../cli/support.js';
import path from 'node:path';

let server: ReleaseServer;
let t: TestDir;
const dirs: TestDir[] = [];

async function status(dir: string): Promise<{ code: number; text: string; doc: { state: string; summary: string; endpoints: { name: string; url: string; healthy: boolean }[] } }> {
  const text = await runCli(['status', '--dir', dir], { cwd: path.dirname(dir) });
  const json = await runCli(['status', '--dir', dir, '--json'], { cwd: path.dirname(dir) });
  expect(json.code).toBe(text.code);
  return { code: text.code, text: text.stdout, doc: JSON.parse(json.stdout) as never };
}

beforeAll(async () => {
  server = await startReleaseServer({ latest: TEST_RELEASE_VERSION });
  t = await makeTestDir('status');
  dirs.push(t);
  const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t.root, env: server.env });
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  for (const d of dirs) await d.cleanup();
  await server.close();
});

describe('status exit codes and words', () => {
  it('healthy: 0', async () => {
    const s = await status(t.dir);
    expect(s.code).toBe(0);
    expect(s.doc.state).toBe('healthy');
    expect(s.text).toMatch(/State: +running: 4\/4 container\(s\) up/);
    expect(s.text).toMatch(/Backend:\s+http:\/\/localhost:8080\s+healthy/);
  });

  it('degraded: 1, naming what is down', async () => {
    expect((await runCli(['stop', '--dir', t.dir, '--service', 'grafana'], { cwd: t.root })).code).toBe(0);
    const s = await status(t.dir);
    expect(s.code).toBe(1);
    expect(s.doc.state).toBe('degraded');
    expect(s.text).toContain('grafana exited');
    expect(s.text).toContain(`gh-devlake start --dir ${t.dir}`);
  });

  it('stopped after stop: 5, and it says stopped', async () => {
    expect((await runCli(['stop', '--dir', t.dir], { cwd: t.root })).code).toBe(0);
    const s = await status(t.dir);
    expect(s.code).toBe(5);
    expect(s.doc.state).toBe('stopped');
    expect(s.text).toMatch(/State: +stopped: 4 container\(s\), none running/);
    expect(s.doc.endpoints).toEqual([]);
  });

  it('missing after cleanup --keep-data: 6, data kept', async () => {
    expect((await runCli(['cleanup', '--local', '--dir', t.dir, '--force', '--keep-data'], { cwd: t.root })).code).toBe(0);
    const s = await status(t.dir);
    expect(s.code).toBe(6);
    expect(s.text).toContain('removed by cleanup --keep-data');
    // The kept data is reused by the next deploy, which is healthy again.
    const again = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t.root, env: server.env });
    expect(again.code, again.stderr).toBe(0);
    expect((await status(t.dir)).code).toBe(0);
  });

  it('prepared by --start=false: 5, "prepared, not started" (not "did not finish")', async () => {
    const p = await makeTestDir('status-prepared');
    dirs.push(p);
    const r = await runCli(['deploy', 'local', '--dir', p.dir, '--version', TEST_RELEASE_VERSION, '--start=false'], { cwd: p.root, env: server.env });
    expect(r.code, r.stderr).toBe(0);
    const s = await status(p.dir);
    expect(s.code).toBe(5);
    expect(s.text).toContain('prepared, not started');
    expect(s.text).not.toContain('did not finish');
  });

  it('nothing deployed in the folder: 6, even while another folder\'s DevLake answers on 8080', async () => {
    const e = await makeTestDir('status-empty');
    dirs.push(e);
    await mkdir(e.dir, { recursive: true });
    const s = await status(e.dir);
    expect(s.code).toBe(6);
    expect(s.text).toContain("it is not this folder's deployment");
  });
});

describe('endpoints come from what this project publishes', () => {
  it('a custom stack that publishes no ports is not reported healthy on the well-known ports another project holds', async () => {
    const c = await makeTestDir('status-noports');
    dirs.push(c);
    await mkdir(c.dir, { recursive: true });
    // The backend and Grafana of a custom stack, neither publishing a host port; t's stack holds 8080/3002/4000.
    await writeFile(
      path.join(c.dir, 'docker-compose.yml'),
      ['services:', '  devlake:', `    image: ${IMAGES.backend()}`, '    environment:', '      MIGRATION_REQUIRED: "0"', '  grafana:', `    image: ${IMAGES.grafana()}`, ''].join('\n'),
    );
    const d = await runCli(['deploy', 'local', '--dir', c.dir, '--source', 'custom', '--timeout', '30'], { cwd: c.root });
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const s = await status(c.dir);
    expect(s.doc.endpoints).toEqual([]);
    expect(s.text).not.toContain('localhost:3002');
    expect(s.text).not.toContain('localhost:8080');
    expect(s.text).toMatch(/Grafana: +not published by this project's containers/);
    expect(s.code).toBe(1);
    expect(s.doc.summary).toContain('no container publishes the backend');
  });
});
