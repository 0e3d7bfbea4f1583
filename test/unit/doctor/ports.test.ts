import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/compose/model.js';
import {
  alternateBundleStatus,
  decidePort,
  observePort,
  plannedPorts,
  portsToCheck,
  probeHostIp,
  type PortObservation,
  type PortPlanContext,
} from '../../../src/doctor/ports.js';
import type { PortPublisher } from '../../../src/engine/ps.js';
import type { PortHolder } from '../../../src/recovery/port-holder.js';

const PROCESS: PortHolder = { kind: 'process', pid: 4242, command: 'python3' };
const CONTAINER: PortHolder = { kind: 'container', name: 'other-web-1', project: 'other', composeFile: '/srv/other/compose.yml', stopCommand: 'docker compose -f "/srv/other/compose.yml" down' };

const DEFAULT_PLAN = new Set([8080, 3002, 4000, 3306]);

function ctx(over: Partial<PortPlanContext> = {}): PortPlanContext {
  return { plan: { bundle: 'default', mysqlUnpublished: false }, source: 'official', planned: DEFAULT_PLAN, alternateFree: true, ...over };
}
const held = (port: number, holder: PortHolder = PROCESS, extra: Partial<PortObservation> = {}): PortObservation => ({ port, hostIp: '', state: 'held', holder, ...extra });

describe('decidePort', () => {
  it('a free port is ok, with the class it rules out', () => {
    const r = decidePort({ port: 8080, hostIp: '', state: 'free' }, ctx());
    expect(r).toMatchObject({ id: 'local.port.8080', classId: 'local.port-conflict', verdict: 'ok', summary: 'port 8080 (backend, default bundle) is free' });
    expect(decidePort({ port: 3306, hostIp: '127.0.0.1', state: 'free' }, ctx()).classId).toBe('local.mysql-port-conflict');
  });

  it('a default-bundle port held, alternate free, official: the deploy switches bundles', () => {
    const r = decidePort(held(8080), ctx());
    expect(r.verdict).toBe('auto-repair');
    expect(r.classId).toBe('local.port-conflict');
    expect(r.repair).toBe('local.alternate-bundle');
    expect(r.summary).toBe('port 8080 (backend, default bundle) is in use by a host process (pid 4242, python3)');
    expect(r.remediation).toMatch(/Host port 8080 \(backend\) on 0\.0\.0\.0 is already in use/);
    expect(r.facts).toMatchObject({ port: 8080, role: 'backend', bundle: 'default', holderPid: 4242, holderCommand: 'python3', planned: true });
  });

  it('held by another compose project: its container, project and file are in the facts', () => {
    const r = decidePort(held(3002, CONTAINER), ctx({ source: 'fork' }));
    expect(r.verdict).toBe('auto-repair');
    expect(r.summary).toContain('in use by container other-web-1 of compose project other (/srv/other/compose.yml)');
    expect(r.facts).toMatchObject({ holderKind: 'container', holder: 'other-web-1', holderProject: 'other', holderComposeFile: '/srv/other/compose.yml' });
  });

  it('a default-bundle port held, alternate busy: needs you, and why', () => {
    const r = decidePort(held(8080), ctx({ alternateFree: false, alternateBusy: '8085 is in use by a host process (pid 1, x)' }));
    expect(r.verdict).toBe('needs-you');
    expect(r.repair).toBe('local.alternate-bundle');
    expect(r.summary).toMatch(/the alternate bundle is busy too \(8085 is in use by a host process/);
    expect(r.facts.fallbackBlocked).toBe(true);
    expect(r.remediation).toMatch(/Free it/);
  });

  it('custom source: never repaired', () => {
    const r = decidePort(held(8080), ctx({ source: 'custom' }));
    expect(r.verdict).toBe('needs-you');
    expect(r.facts.declined).toMatch(/custom deploys keep your ports/);
    expect(decidePort(held(3306), ctx({ source: 'custom' })).verdict).toBe('needs-you');
  });

  it('3306 held: the deploy starts MySQL unpublished', () => {
    const r = decidePort(held(3306), ctx());
    expect(r).toMatchObject({ classId: 'local.mysql-port-conflict', verdict: 'auto-repair', repair: 'local.unpublish-mysql' });
  });

  it('3306 held but MySQL already unpublished: not in the plan, ok', () => {
    const r = decidePort(held(3306), ctx({ plan: { bundle: 'default', mysqlUnpublished: true }, planned: new Set([8080, 3002, 4000]) }));
    expect(r.verdict).toBe('ok');
    expect(r.summary).toMatch(/MySQL is not published/);
  });

  it('an alternate port held while the deploy uses the default bundle: ok (it matters only for the fallback)', () => {
    const r = decidePort(held(8085), ctx());
    expect(r.verdict).toBe('ok');
    expect(r.summary).toMatch(/the deploy uses the default bundle/);
  });

  it('deployed on the alternate bundle and an alternate port is held: needs you', () => {
    const plan = { bundle: 'alternate' as const, mysqlUnpublished: false };
    const r = decidePort(held(8085), ctx({ plan, planned: new Set([8085, 3004, 4004, 3306]) }));
    expect(r.verdict).toBe('needs-you');
    expect(r.remediation).toMatch(/switching to the alternate bundle cannot help/);
    expect(r.facts.declined).toMatch(/already on the alternate bundle/);
  });

  it('a port the compose file publishes beyond the bundles: the generic class, no repair applies', () => {
    const r = decidePort(held(5432), ctx({ planned: new Set([...DEFAULT_PLAN, 5432]) }));
    expect(r).toMatchObject({ classId: 'local.port-conflict', verdict: 'needs-you' });
    expect(r.remediation).toMatch(/not one of DevLake's bundle ports/);
  });

  it('held by this deployment: ok', () => {
    const r = decidePort(held(8080, { ...CONTAINER, name: 'devlake-devlake-1', project: 'devlake' }, { own: true }), ctx());
    expect(r.verdict).toBe('ok');
    expect(r.summary).toMatch(/held by this deployment \(devlake-devlake-1\)/);
  });

  it('a port in a Windows excluded range: local.port-excluded, no repair', () => {
    const r = decidePort({ port: 4000, hostIp: '', state: 'excluded', excludedRange: '3949-4048' }, ctx());
    expect(r).toMatchObject({ classId: 'local.port-excluded', verdict: 'needs-you' });
    expect(r.repair).toBeUndefined();
    expect(r.summary).toMatch(/reserved by Windows \(excluded range 3949-4048\)/);
    expect(r.remediation).toMatch(/netsh int ipv4 show excludedportrange/);
    expect(r.facts.port).toBe(4000);
  });
});

describe('alternateBundleStatus', () => {
  it('free when every alternate port is free or ours', () => {
    expect(alternateBundleStatus([{ port: 8085, hostIp: '', state: 'free' }, held(8080)])).toEqual({ free: true });
    expect(alternateBundleStatus([held(8085, CONTAINER, { own: true })])).toEqual({ free: true });
  });
  it('busy: says which port and who', () => {
    const s = alternateBundleStatus([held(3004), { port: 4004, hostIp: '', state: 'excluded', excludedRange: '4000-4100' }]);
    expect(s.free).toBe(false);
    expect(s.busy).toBe('3004 is in use by a host process (pid 4242, python3); 4004 is reserved by Windows (4000-4100)');
  });
});

function svc(name: string, ports: [string, number, number][]): ServiceSpec {
  return { name, image: `${name}:1`, environment: {}, ports: ports.map(([hostIp, published, target]) => ({ hostIp, published, target, protocol: 'tcp' })), volumes: [], dependsOn: [], labels: {} };
}
const PROJECT: ComposeProject = {
  name: 'devlake',
  workingDir: '/d',
  configFiles: ['/d/docker-compose.yml'],
  volumes: [],
  services: [svc('mysql', [['127.0.0.1', 3306, 3306]]), svc('grafana', [['', 3002, 3000]]), svc('devlake', [['', 8080, 8080]]), svc('config-ui', [['', 4000, 4000]]), svc('postgres', [['127.0.0.1', 5432, 5432]])],
};

describe('the plan', () => {
  it('without a compose file: the release layout on the recorded bundle', () => {
    expect([...plannedPorts(undefined, { bundle: 'default', mysqlUnpublished: false }).keys()]).toEqual([8080, 3002, 4000, 3306]);
    expect([...plannedPorts(undefined, { bundle: 'alternate', mysqlUnpublished: true }).keys()]).toEqual([8085, 3004, 4004]);
  });
  it('with a compose file: its ports after the plan, with their host addresses', () => {
    const p = plannedPorts(PROJECT, { bundle: 'alternate', mysqlUnpublished: true });
    expect(Object.fromEntries(p)).toEqual({ 3004: '', 8085: '', 4004: '', 5432: '127.0.0.1' });
    expect(probeHostIp(PROJECT, { bundle: 'default', mysqlUnpublished: false }, 3306)).toBe('127.0.0.1');
    expect(probeHostIp(PROJECT, { bundle: 'default', mysqlUnpublished: false }, 8085)).toBe('');
  });
  it('checks both bundles, 3306, then other published ports', () => {
    expect(portsToCheck([8080, 5432])).toEqual([8080, 3002, 4000, 8085, 3004, 4004, 3306, 5432]);
  });
});

describe('observePort', () => {
  const pub = (project: string): PortPublisher => ({ id: 'c1', name: `${project}-web-1`, image: 'x', state: 'running', project, bindings: [] });

  it('free on bind and no container publishes it: free', async () => {
    const o = await observePort(8080, '', { isFree: () => Promise.resolve(true), publishers: () => Promise.resolve([]) });
    expect(o).toEqual({ port: 8080, hostIp: '', state: 'free' });
  });
  it('bind works but a container publishes it (no userland proxy): held by that container', async () => {
    const o = await observePort(8080, '', { isFree: () => Promise.resolve(true), publishers: () => Promise.resolve([pub('other')]), ownProject: 'devlake' });
    expect(o.state).toBe('held');
    expect(o.own).toBeUndefined();
    expect(o.holder).toMatchObject({ kind: 'container', name: 'other-web-1', project: 'other' });
  });
  it('our own project publishes it: own', async () => {
    const o = await observePort(8080, '', { isFree: () => Promise.resolve(false), publishers: () => Promise.resolve([pub('devlake')]), ownProject: 'devlake' });
    expect(o).toMatchObject({ state: 'held', own: true });
  });
  it('in an excluded range: not bind-tested at all', async () => {
    let probed = false;
    const o = await observePort(4000, '', {
      excluded: [{ start: 3949, end: 4048, administered: false }],
      isFree: () => {
        probed = true;
        return Promise.resolve(true);
      },
    });
    expect(o).toEqual({ port: 4000, hostIp: '', state: 'excluded', excludedRange: '3949-4048' });
    expect(probed).toBe(false);
  });
  it('a failing engine list counts as no container', async () => {
    const o = await observePort(8080, '', {
      isFree: () => Promise.resolve(false),
      publishers: () => Promise.reject(new Error('engine gone')),
      describeHolder: () => Promise.resolve(PROCESS),
    });
    expect(o).toMatchObject({ state: 'held', holder: PROCESS });
  });
});
