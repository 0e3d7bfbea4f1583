// `up` against a scripted engine: the round trips it makes and when, without a daemon and
// without timing anything. Starts are held open by the test and released one by one, so the
// order of events is exact.

import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/compose/model.js';
import type { Engine } from '../../../src/engine/client.js';
import type { ResolvedDockerHost } from '../../../src/engine/docker-host.js';
import { EngineError, toEngineError } from '../../../src/engine/errors.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import { up } from '../../../src/engine/up.js';

interface Deferred {
  resolve: () => void;
  reject: (err: Error) => void;
  settled: boolean;
}

class ScriptedEngine {
  readonly log: string[] = [];
  readonly starts = new Map<string, Deferred>();
  inFlight = 0;
  maxInFlightBeforeCreate = 0;
  private created = false;

  private notFound(): Promise<never> {
    return Promise.reject(Object.assign(new Error('(HTTP code 404) no such object'), { statusCode: 404, json: { message: 'not found' } }));
  }

  /** A preparatory request: answered on a later turn of the event loop, counted while open. */
  private prep<T>(what: string, answer: () => Promise<T>): Promise<T> {
    this.log.push(what);
    this.inFlight++;
    if (!this.created) this.maxInFlightBeforeCreate = Math.max(this.maxInFlightBeforeCreate, this.inFlight);
    return new Promise<void>((r) => setImmediate(r)).then(() => {
      this.inFlight--;
      return answer();
    });
  }

  readonly docker = {
    getNetwork: (name: string) => ({ inspect: () => this.prep(`inspect network ${name}`, () => this.notFound()) }),
    createNetwork: (o: { Name: string }) => this.prep(`create network ${o.Name}`, () => Promise.resolve({ id: 'net1' })),
    getVolume: (name: string) => ({ inspect: () => this.prep(`inspect volume ${name}`, () => this.notFound()) }),
    createVolume: (o: { Name: string }) => this.prep(`create volume ${o.Name}`, () => Promise.resolve({ name: o.Name })),
    getImage: (name: string) => ({ inspect: () => this.prep(`inspect image ${name}`, () => Promise.resolve({ Id: `sha256:${name}` })) }),
    listContainers: () => this.prep('list containers', () => Promise.resolve([])),
    createContainer: (o: { name: string }) => {
      this.created = true;
      this.log.push(`create ${o.name}`);
      return Promise.resolve({ id: o.name });
    },
    getContainer: (id: string) => ({
      start: () => {
        this.log.push(`start ${id}`);
        return new Promise<void>((resolve, reject) => {
          const d: Deferred = {
            settled: false,
            resolve: () => {
              d.settled = true;
              this.log.push(`started ${id}`);
              resolve();
            },
            reject: (err: Error) => {
              d.settled = true;
              this.log.push(`failed ${id}`);
              reject(err);
            },
          };
          this.starts.set(id, d);
        });
      },
    }),
  };

  engine(): Engine {
    const docker = this.docker as unknown as Docker;
    return {
      docker,
      endpoint: { host: 'unix:///scripted.sock', source: 'DOCKER_HOST', options: {} } as unknown as ResolvedDockerHost,
      async call(operation, fn, ctx = {}) {
        try {
          return await fn(docker);
        } catch (err) {
          throw toEngineError(err, operation, ctx);
        }
      },
      ping: () => Promise.resolve(),
    };
  }

  /** Turn the event loop until `cond` holds (bounded by turns, not by time). */
  async until(cond: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (cond()) return;
      await new Promise<void>((r) => setImmediate(r));
    }
    throw new Error(`never happened: ${what}\n${this.log.join('\n')}`);
  }
}

const svc = (name: string, dependsOn: string[] = [], over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  image: `img/${name}:1`,
  environment: {},
  ports: [],
  volumes: [],
  dependsOn,
  labels: {},
  ...over,
});

/** DevLake's release stack, as far as ordering goes. */
const devlake: ComposeProject = {
  name: 'sched',
  workingDir: '/tmp/sched',
  configFiles: ['/tmp/sched/docker-compose.yml'],
  services: [
    svc('mysql', [], { volumes: [{ type: 'volume', source: 'mysql-storage', target: '/var/lib/mysql', readOnly: false }] }),
    svc('grafana', ['mysql'], { volumes: [{ type: 'volume', source: 'grafana-storage', target: '/var/lib/grafana', readOnly: false }] }),
    svc('devlake', ['mysql']),
    svc('config-ui', ['devlake']),
  ],
  volumes: ['mysql-storage', 'grafana-storage'],
};

const id = (service: string) => `sched-${service}-1`;

describe('up: fewer round trips, no wave barrier', () => {
  it('asks for the network, volumes, images and existing containers at once, creates every container before the first start', async () => {
    const s = new ScriptedEngine();
    const running = up(s.engine(), devlake);
    await s.until(() => s.starts.has(id('mysql')), 'mysql starts');
    // Everything independent was in flight together (network + 2 volumes + 4 images + the list).
    expect(s.maxInFlightBeforeCreate).toBeGreaterThanOrEqual(8);
    const firstStart = s.log.findIndex((l) => l.startsWith('start '));
    expect(s.log.slice(0, firstStart).filter((l) => l.startsWith('create sched-'))).toHaveLength(4);
    s.starts.get(id('mysql'))?.resolve();
    await s.until(() => s.starts.has(id('grafana')) && s.starts.has(id('devlake')), 'grafana and devlake start');
    s.starts.get(id('devlake'))?.resolve();
    s.starts.get(id('grafana'))?.resolve();
    await s.until(() => s.starts.has(id('config-ui')), 'config-ui starts');
    s.starts.get(id('config-ui'))?.resolve();
    const result = await running;
    expect(result.services.map((r) => [r.service, r.outcome])).toEqual([
      ['mysql', 'created'],
      ['grafana', 'created'],
      ['devlake', 'created'],
      ['config-ui', 'created'],
    ]);
    expect(result.waves).toEqual([['mysql'], ['grafana', 'devlake'], ['config-ui']]);
  });

  it('starts a service as soon as its own dependencies are started, not when its whole wave is', async () => {
    const s = new ScriptedEngine();
    const events: EngineEvent[] = [];
    const running = up(s.engine(), devlake, { onEvent: (e) => events.push(e) });
    await s.until(() => s.starts.has(id('mysql')), 'mysql starts');
    s.starts.get(id('mysql'))?.resolve();
    await s.until(() => s.starts.has(id('devlake')) && s.starts.has(id('grafana')), 'the second wave starts');
    s.starts.get(id('devlake'))?.resolve();
    // grafana is still starting, and config-ui (which needs only devlake) goes ahead.
    await s.until(() => s.starts.has(id('config-ui')), 'config-ui starts while grafana is still starting');
    expect(s.starts.get(id('grafana'))?.settled).toBe(false);
    expect(s.log.indexOf(`start ${id('config-ui')}`)).toBeGreaterThan(s.log.indexOf(`started ${id('devlake')}`));
    s.starts.get(id('config-ui'))?.resolve();
    s.starts.get(id('grafana'))?.resolve();
    await running;
    // Wave events still come in order, one per wave.
    expect(events.filter((e) => e.type === 'wave').map((e) => (e.type === 'wave' ? e.index : -1))).toEqual([0, 1, 2]);
  });

  it('a failed start stops what has not started, lets what is starting settle, then throws that failure', async () => {
    const s = new ScriptedEngine();
    const created: string[] = [];
    let outcome: unknown;
    const running = up(s.engine(), devlake, {
      onEvent: (e) => e.type === 'container' && e.action === 'created' && created.push(e.containerId),
    }).then(
      () => (outcome = 'resolved'),
      (err: unknown) => (outcome = err),
    );
    await s.until(() => s.starts.has(id('mysql')), 'mysql starts');
    s.starts.get(id('mysql'))?.resolve();
    await s.until(() => s.starts.has(id('devlake')) && s.starts.has(id('grafana')), 'the second wave starts');
    const bind = 'driver failed programming external connectivity on endpoint sched-devlake-1: Bind for 0.0.0.0:8080 failed: port is already allocated';
    s.starts.get(id('devlake'))?.reject(Object.assign(new Error(`(HTTP code 500) server error - ${bind}`), { statusCode: 500, json: { message: bind } }));
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    expect(outcome).toBeUndefined(); // grafana's start is still in flight
    s.starts.get(id('grafana'))?.resolve();
    await running;
    expect(outcome).toBeInstanceOf(EngineError);
    const facts = (outcome as EngineError).facts;
    expect(facts).toMatchObject({ operation: 'container.start', service: 'devlake', statusCode: 500 });
    expect(facts.rawMessage).toContain('port is already allocated');
    expect(s.starts.has(id('config-ui'))).toBe(false);
    // Everything made is announced, config-ui's unstarted container too, so the caller can undo the attempt.
    expect(created.sort()).toEqual([id('config-ui'), id('devlake'), id('grafana'), id('mysql')]);
  });
});
