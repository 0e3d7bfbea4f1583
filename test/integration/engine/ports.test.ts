// Published ports: a host process holding the port makes `up` fail with the daemon's bind
// error as an EngineError; findPublishers names the container that holds a port.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../../src/engine/client.js';
import { down } from '../../../src/engine/down.js';
import { EngineError } from '../../../src/engine/errors.js';
import { findPublishers, ps } from '../../../src/engine/ps.js';
import { up } from '../../../src/engine/up.js';
import { ensureBaseImage, freePort, holdPort, httpService, makeProject, purgeProject, uniqueProject } from './helpers.js';

const PROJECT = uniqueProject('ports');
const engine = openEngine();
const docker = engine.docker;

beforeAll(async () => {
  await ensureBaseImage(docker);
  await purgeProject(docker, PROJECT);
});
afterEach(async () => {
  await purgeProject(docker, PROJECT);
});
afterAll(async () => {
  await purgeProject(docker, PROJECT);
});

describe('port already in use', () => {
  it('up throws an EngineError with the daemon bind error, status 500 and the service', async () => {
    const port = await freePort();
    const holder = await holdPort(port, '0.0.0.0');
    try {
      const project = makeProject(PROJECT, [
        httpService('db'),
        httpService('web', { dependsOn: ['db'], ports: [{ hostIp: '', published: port, target: 8000, protocol: 'tcp' }] }),
      ]);
      const created: string[] = [];
      const t0 = performance.now();
      let caught: unknown;
      try {
        await up(engine, project, {
          signal: AbortSignal.timeout(60_000),
          onEvent: (e) => e.type === 'container' && (e.action === 'created' || e.action === 'recreated') && created.push(e.containerId),
        });
      } catch (err) {
        caught = err;
      }
      console.log(`[measure] up failing on a held port: ${(performance.now() - t0).toFixed(0)} ms`);
      expect(caught).toBeInstanceOf(EngineError);
      const facts = (caught as EngineError).facts;
      console.log(`[daemon] ${facts.rawMessage}`);
      expect(facts.operation).toBe('container.start');
      expect(facts.service).toBe('web');
      expect(facts.statusCode).toBe(500);
      expect(facts.rawMessage).not.toMatch(/^\(HTTP code/);
      expect(facts.rawMessage).toContain(String(port));
      expect(facts.rawMessage).toMatch(/address already in use|port is already allocated/);
      expect(facts.target).toMatch(/^[0-9a-f]{64}$/);

      // What the attempt made is still there for the caller to look at or remove.
      const all = await ps(engine, PROJECT, { all: true });
      expect(all.find((c) => c.service === 'db')?.state).toBe('running');
      expect(all.find((c) => c.service === 'web')?.state).toBe('created');
      expect(created.length).toBe(2);

      const torn = await down(engine, PROJECT, { volumes: false, onlyContainers: created, timeoutSeconds: 1 });
      expect(torn.removedContainers.sort()).toEqual([...created].sort());
      expect(torn.removedNetworks).toEqual([`${PROJECT}_default`]);
      expect(await ps(engine, PROJECT, { all: true })).toEqual([]);
    } finally {
      await holder.close();
    }
  });
});

describe('findPublishers', () => {
  it('names the container holding a host port, with its compose labels', async () => {
    const port = await freePort();
    const other = await freePort();
    const project = makeProject(PROJECT, [httpService('web', { ports: [{ hostIp: '127.0.0.1', published: port, target: 8000, protocol: 'tcp' }] })]);
    await up(engine, project, { signal: AbortSignal.timeout(60_000) });
    const found = await findPublishers(engine, port);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      name: `${PROJECT}-web-1`,
      project: PROJECT,
      service: 'web',
      state: 'running',
      configFiles: [project.configFiles[0]],
      workingDir: project.workingDir,
      bindings: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 8000, protocol: 'tcp' }],
    });
    expect(await findPublishers(engine, port, { protocol: 'udp' })).toEqual([]);
    expect(await findPublishers(engine, other)).toEqual([]);
  });

  it('an engine-chosen host port (published undefined) is reported by ps', async () => {
    const project = makeProject(PROJECT, [httpService('web', { ports: [{ hostIp: '127.0.0.1', target: 8000, protocol: 'tcp' }] })]);
    await up(engine, project, { signal: AbortSignal.timeout(60_000) });
    const [web] = await ps(engine, PROJECT);
    const hostPort = web?.ports[0]?.hostPort;
    expect(hostPort).toBeGreaterThan(0);
    expect((await findPublishers(engine, hostPort ?? 0)).map((p) => p.service)).toEqual(['web']);
  });
});
