// up / ps / start / stop / down against the real engine, asserting what `docker compose ps`
// would see: containers, network and volumes found through the compose label filters.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeProject } from '../../../src/compose/model.js';
import { openEngine, type Engine } from '../../../src/engine/client.js';
import { down } from '../../../src/engine/down.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import { COMPOSE_VERSION } from '../../../src/engine/labels.js';
import { tailLogs } from '../../../src/engine/logs.js';
import { ps } from '../../../src/engine/ps.js';
import { start } from '../../../src/engine/start.js';
import { stop } from '../../../src/engine/stop.js';
import { up } from '../../../src/engine/up.js';
import { BASE_IMAGE, ensureBaseImage, freePort, httpService, makeProject, purgeProject, uniqueProject, waitHttp } from './helpers.js';

const PROJECT = uniqueProject('updown');
const engine: Engine = openEngine();
const docker = engine.docker;
let webPort = 0;
let bindDir = '';
let project: ComposeProject;

const byLabel = (extra: string[] = []) => ({ label: [`com.docker.compose.project=${PROJECT}`, ...extra] });

async function containersByService(): Promise<Map<string, { id: string; state: string; labels: Record<string, string>; name: string }>> {
  const list = await docker.listContainers({ all: true, filters: byLabel(['com.docker.compose.oneoff=False']) });
  return new Map(
    list.map((c) => [c.Labels['com.docker.compose.service'] ?? '', { id: c.Id, state: c.State, labels: c.Labels, name: (c.Names[0] ?? '').slice(1) }]),
  );
}

function projectV1(): ComposeProject {
  return makeProject(
    PROJECT,
    [
      httpService('worker', { dependsOn: ['web'] }),
      httpService('web', {
        dependsOn: ['db'],
        ports: [{ hostIp: '', published: webPort, target: 8000, protocol: 'tcp' }],
        restart: 'unless-stopped',
        environment: { GREETING: 'hi', EMPTY: '' },
        labels: { 'dev.gh-devlake.test': 'web' },
      }),
      httpService('db', {
        command: ['sh', '-c', 'echo hello-from-v1 > /data/marker && exec httpd -f -p 8000'],
        volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }],
      }),
      httpService('extra', { volumes: [{ type: 'bind', source: bindDir, target: '/conf', readOnly: true }] }),
    ],
    ['data'],
    bindDir,
  );
}

beforeAll(async () => {
  await ensureBaseImage(docker);
  await purgeProject(docker, PROJECT);
  webPort = await freePort();
  bindDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-engtest-bind-'));
  await fs.writeFile(path.join(bindDir, 'app.conf'), 'x=1\n');
  project = projectV1();
});

afterAll(async () => {
  await purgeProject(docker, PROJECT);
  if (bindDir) await fs.rm(bindDir, { recursive: true, force: true });
});

describe('up', () => {
  let firstIds = new Map<string, string>();

  it('creates the network, volumes and containers with compose names and labels', async () => {
    const events: EngineEvent[] = [];
    const t0 = performance.now();
    const result = await up(engine, project, { onEvent: (e) => events.push(e), signal: AbortSignal.timeout(60_000) });
    const ms = performance.now() - t0;
    console.log(`[measure] up of 4 containers (cold: network+volume+4 create/start): ${ms.toFixed(0)} ms`);

    expect(result.services.map((s) => s.outcome)).toEqual(['created', 'created', 'created', 'created']);

    // Network: exactly compose's name and labels.
    const nets = await docker.listNetworks({ filters: byLabel() });
    expect(nets.map((n) => n.Name)).toEqual([`${PROJECT}_default`]);
    expect(nets[0]?.Driver).toBe('bridge');
    expect(nets[0]?.Labels).toMatchObject({
      'com.docker.compose.project': PROJECT,
      'com.docker.compose.network': 'default',
      'com.docker.compose.version': COMPOSE_VERSION,
    });

    // Volume: <project>_data with compose's labels.
    const vols = (await docker.listVolumes({ filters: byLabel() })).Volumes ?? [];
    expect(vols.map((v) => v.Name)).toEqual([`${PROJECT}_data`]);
    expect(vols[0]?.Labels).toMatchObject({ 'com.docker.compose.project': PROJECT, 'com.docker.compose.volume': 'data' });

    // Containers: what `docker compose ps` lists.
    const cs = await containersByService();
    expect([...cs.keys()].sort()).toEqual(['db', 'extra', 'web', 'worker']);
    for (const [svc, c] of cs) {
      expect(c.name).toBe(`${PROJECT}-${svc}-1`);
      expect(c.state).toBe('running');
      expect(c.labels).toMatchObject({
        'com.docker.compose.project': PROJECT,
        'com.docker.compose.service': svc,
        'com.docker.compose.container-number': '1',
        'com.docker.compose.oneoff': 'False',
        'com.docker.compose.project.working_dir': bindDir,
        'com.docker.compose.project.config_files': path.join(bindDir, 'docker-compose.yml'),
        'com.docker.compose.version': COMPOSE_VERSION,
      });
      expect(c.labels['com.docker.compose.config-hash']).toMatch(/^[0-9a-f]{64}$/);
      expect(c.labels['com.docker.compose.image']).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(cs.get('web')?.labels['com.docker.compose.depends_on']).toBe('db:service_started:false');
    expect(cs.get('worker')?.labels['com.docker.compose.depends_on']).toBe('web:service_started:false');
    expect(cs.get('db')?.labels['com.docker.compose.depends_on']).toBe('');
    expect(cs.get('web')?.labels['dev.gh-devlake.test']).toBe('web');

    // Details of the web container: env, ports, restart, network alias.
    const web = await docker.getContainer(cs.get('web')?.id ?? '').inspect();
    expect(web.Config.Env).toEqual(expect.arrayContaining(['EMPTY=', 'GREETING=hi']));
    expect(web.HostConfig.PortBindings).toEqual({ '8000/tcp': [{ HostIp: '', HostPort: String(webPort) }] });
    expect(web.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(web.NetworkSettings.Networks[`${PROJECT}_default`]?.Aliases).toEqual(expect.arrayContaining(['web']));
    expect(await waitHttp(webPort)).toBeGreaterThan(0);

    const extra = await docker.getContainer(cs.get('extra')?.id ?? '').inspect();
    expect(extra.HostConfig.Binds).toEqual([`${bindDir}:/conf:ro`]);
    const db = await docker.getContainer(cs.get('db')?.id ?? '').inspect();
    expect(db.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: `${PROJECT}_data`, Destination: '/data' })]);

    // `created` events carry the container ids (what a caller collects to undo an attempt).
    const createdIds = events.filter((e) => e.type === 'container' && e.action === 'created').map((e) => (e.type === 'container' ? e.containerId : ''));
    expect(createdIds.sort()).toEqual([...cs.values()].map((c) => c.id).sort());
    firstIds = new Map([...cs].map(([k, v]) => [k, v.id]));
  });

  it('starts in depends_on waves', async () => {
    const events: EngineEvent[] = [];
    const result = await up(engine, project, { onEvent: (e) => events.push(e) });
    expect(result.waves).toEqual([['db', 'extra'], ['web'], ['worker']]);
    expect(events.filter((e) => e.type === 'wave').map((e) => (e.type === 'wave' ? e.services : []))).toEqual(result.waves);
    // The engine's own start times follow the waves.
    const cs = await containersByService();
    const startedAt = async (svc: string) => Date.parse((await docker.getContainer(cs.get(svc)?.id ?? '').inspect()).State.StartedAt);
    expect(await startedAt('db')).toBeLessThanOrEqual(await startedAt('web'));
    expect(await startedAt('web')).toBeLessThanOrEqual(await startedAt('worker'));
  });

  it('is idempotent: a second up changes nothing', async () => {
    const t0 = performance.now();
    const result = await up(engine, project);
    console.log(`[measure] up of 4 unchanged containers (warm no-op): ${(performance.now() - t0).toFixed(0)} ms`);
    expect(result.services.every((s) => s.outcome === 'unchanged')).toBe(true);
    const cs = await containersByService();
    expect(new Map([...cs].map(([k, v]) => [k, v.id]))).toEqual(firstIds);
    expect((await docker.listNetworks({ filters: byLabel() })).length).toBe(1);
  });

  it('starts a stopped container (same id)', async () => {
    const stopped = await stop(engine, PROJECT, { service: 'web', timeoutSeconds: 2 });
    expect(stopped).toEqual([firstIds.get('web')]);
    expect((await containersByService()).get('web')?.state).toBe('exited');
    const result = await up(engine, project);
    expect(result.services.find((s) => s.service === 'web')).toMatchObject({ outcome: 'started', containerId: firstIds.get('web') });
    expect((await containersByService()).get('web')?.state).toBe('running');
  });

  it('recreates a changed service and keeps its named volume', async () => {
    const volBefore = await docker.getVolume(`${PROJECT}_data`).inspect();
    const changed: ComposeProject = {
      ...project,
      services: project.services.map((s) =>
        s.name === 'db' ? { ...s, command: ['sh', '-c', 'echo "marker: $(cat /data/marker)"; exec httpd -f -p 8000'] } : s,
      ),
    };
    const events: EngineEvent[] = [];
    const t0 = performance.now();
    const result = await up(engine, changed, { onEvent: (e) => events.push(e), stopTimeoutSeconds: 2 });
    console.log(`[measure] up recreating 1 of 4 containers: ${(performance.now() - t0).toFixed(0)} ms`);
    const db = result.services.find((s) => s.service === 'db');
    expect(db?.outcome).toBe('recreated');
    expect(db?.containerId).not.toBe(firstIds.get('db'));
    expect(events).toContainEqual(expect.objectContaining({ type: 'container', service: 'db', action: 'removed', containerId: firstIds.get('db') }));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'container', service: 'db', action: 'recreated', containerId: db?.containerId, previousId: firstIds.get('db') }),
    );
    // The others are untouched.
    for (const svc of ['web', 'worker', 'extra']) expect(result.services.find((s) => s.service === svc)?.outcome).toBe('unchanged');

    const volAfter = await docker.getVolume(`${PROJECT}_data`).inspect();
    expect((volAfter as { CreatedAt?: string }).CreatedAt).toBe((volBefore as { CreatedAt?: string }).CreatedAt);
    // The new container reads what the old one wrote into the volume.
    let lines: string[] = [];
    for (let i = 0; i < 50 && !lines.some((l) => l.includes('marker: hello-from-v1')); i++) {
      lines = (await tailLogs(engine, db?.containerId ?? '', 10)).map((l) => l.text);
      if (!lines.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines).toContain('marker: hello-from-v1');
    project = changed;
    firstIds.set('db', db?.containerId ?? '');
  });
});

describe('ps / stop / start', () => {
  it('ps lists the services with state and published ports', async () => {
    const list = await ps(engine, PROJECT);
    expect(list.map((c) => c.service)).toEqual(['db', 'extra', 'web', 'worker']);
    expect(list.every((c) => c.state === 'running' && c.project === PROJECT && c.number === 1)).toBe(true);
    const web = list.find((c) => c.service === 'web');
    expect(web?.name).toBe(`${PROJECT}-web-1`);
    expect(web?.ports.filter((p) => p.hostPort !== undefined).map((p) => p.hostPort)).toContain(webPort);
    expect(web?.ports.every((p) => p.containerPort === 8000 && p.protocol === 'tcp')).toBe(true);
  });

  it('stop then start the whole project in dependency order', async () => {
    const events: EngineEvent[] = [];
    const stopped = await stop(engine, PROJECT, { timeoutSeconds: 2, onEvent: (e) => events.push(e) });
    expect(stopped.length).toBe(4);
    const stopOrder = events.map((e) => (e.type === 'container' ? e.service : ''));
    expect(stopOrder.indexOf('worker')).toBeLessThan(stopOrder.indexOf('web'));
    expect(stopOrder.indexOf('web')).toBeLessThan(stopOrder.indexOf('db'));
    expect(await ps(engine, PROJECT)).toEqual([]);
    expect((await ps(engine, PROJECT, { all: true })).map((c) => c.state)).toEqual(['exited', 'exited', 'exited', 'exited']);

    events.length = 0;
    const started = await start(engine, PROJECT, { onEvent: (e) => events.push(e) });
    expect(started.length).toBe(4);
    const startOrder = events.map((e) => (e.type === 'container' ? e.service : ''));
    expect(startOrder.indexOf('db')).toBeLessThan(startOrder.indexOf('web'));
    expect(startOrder.indexOf('web')).toBeLessThan(startOrder.indexOf('worker'));
    expect((await ps(engine, PROJECT)).length).toBe(4);
    expect(await start(engine, PROJECT)).toEqual([]);
  });
});

describe('down', () => {
  it('without volumes: containers and network go, the named volume stays', async () => {
    const result = await down(engine, PROJECT, { volumes: false, timeoutSeconds: 2 });
    expect(result.removedContainers.length).toBe(4);
    expect(result.removedNetworks).toEqual([`${PROJECT}_default`]);
    expect(result.removedVolumes).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: byLabel() })).toEqual([]);
    expect(await docker.listNetworks({ filters: byLabel() })).toEqual([]);
    expect(((await docker.listVolumes({ filters: byLabel() })).Volumes ?? []).map((v) => v.Name)).toEqual([`${PROJECT}_data`]);
  });

  it('up again reuses the volume; down -v removes it', async () => {
    const result = await up(engine, project);
    expect(result.volumes).toEqual([{ key: 'data', name: `${PROJECT}_data`, created: false }]);
    const d = await down(engine, PROJECT, { volumes: true, timeoutSeconds: 2 });
    expect(d.removedVolumes).toEqual([`${PROJECT}_data`]);
    expect((await docker.listVolumes({ filters: byLabel() })).Volumes ?? []).toEqual([]);
    expect(await down(engine, PROJECT, { volumes: true })).toEqual({ removedContainers: [], removedNetworks: [], removedVolumes: [], keptShared: false });
  });

  it('onlyContainers removes just those; network and volumes go with the last container', async () => {
    const small = makeProject(PROJECT, [httpService('a'), httpService('b', { volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }] })], ['data']);
    const created: string[] = [];
    await up(engine, small, { onEvent: (e) => e.type === 'container' && e.action === 'created' && created.push(e.containerId) });
    expect(created.length).toBe(2);
    const bId = (await containersByService()).get('b')?.id ?? '';

    const first = await down(engine, PROJECT, { volumes: true, onlyContainers: created.filter((id) => id !== bId), timeoutSeconds: 2 });
    expect(first.removedContainers.length).toBe(1);
    expect(first.keptShared).toBe(true);
    expect([...(await containersByService()).keys()]).toEqual(['b']);
    expect((await docker.listNetworks({ filters: byLabel() })).length).toBe(1);

    const second = await down(engine, PROJECT, { volumes: true, onlyContainers: [bId.slice(0, 12)], timeoutSeconds: 2 });
    expect(second).toMatchObject({ removedContainers: [bId], removedNetworks: [`${PROJECT}_default`], removedVolumes: [`${PROJECT}_data`], keptShared: false });
  });
});

it('uses the base image built for these tests', async () => {
  expect((await docker.getImage(BASE_IMAGE).inspect()).Id).toMatch(/^sha256:/);
});
