import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/compose/model.js';
import { applyPortPlan, endpointsOf, hostIpOf, publishedPorts } from '../../../src/devlake/plan.js';

function svc(name: string, ports: [string, number | undefined, number][]): ServiceSpec {
  return {
    name,
    image: `${name}:1`,
    environment: {},
    ports: ports.map(([hostIp, published, target]) => ({ hostIp, published, target, protocol: 'tcp' as const })),
    volumes: [],
    dependsOn: [],
    labels: {},
  };
}

const project: ComposeProject = {
  name: 'devlake',
  workingDir: '/x',
  configFiles: ['/x/docker-compose.yml'],
  volumes: [],
  services: [
    svc('mysql', [['127.0.0.1', 3306, 3306]]),
    svc('grafana', [['', 3002, 3000]]),
    svc('devlake', [['', 8080, 8080]]),
    svc('config-ui', [['', 4000, 4000], ['', 9999, 9999], ['', undefined, 5000]]),
  ],
};

describe('applyPortPlan', () => {
  it('keeps the default bundle as written', () => {
    expect(applyPortPlan(project, { bundle: 'default', mysqlUnpublished: false })).toEqual(project);
  });

  it('remaps only bundle host ports to the alternate bundle, never container ports', () => {
    const out = applyPortPlan(project, { bundle: 'alternate', mysqlUnpublished: false });
    expect(publishedPorts(out)).toEqual([
      { port: 3306, hostIp: '127.0.0.1', service: 'mysql' },
      { port: 3004, hostIp: '', service: 'grafana' },
      { port: 8085, hostIp: '', service: 'devlake' },
      { port: 4004, hostIp: '', service: 'config-ui' },
      { port: 9999, hostIp: '', service: 'config-ui' },
    ]);
    expect(out.services.find((s) => s.name === 'devlake')?.ports[0]?.target).toBe(8080);
    expect(out.services.find((s) => s.name === 'config-ui')?.ports[2]).toEqual({ hostIp: '', published: undefined, target: 5000, protocol: 'tcp' });
  });

  it('drops only MySQL’s published 3306 when asked', () => {
    const out = applyPortPlan(project, { bundle: 'default', mysqlUnpublished: true });
    expect(out.services.find((s) => s.name === 'mysql')?.ports).toEqual([]);
    expect(publishedPorts(out).map((p) => p.port)).toEqual([3002, 8080, 4000, 9999]);
  });

  it('does not mutate its input', () => {
    const copy = structuredClone(project);
    applyPortPlan(project, { bundle: 'alternate', mysqlUnpublished: true });
    expect(project).toEqual(copy);
  });

  it('finds the host IP a port is published on', () => {
    expect(hostIpOf(project, 3306)).toBe('127.0.0.1');
    expect(hostIpOf(project, 8080)).toBe('');
    expect(hostIpOf(project, 1)).toBe('');
  });
});

describe('endpointsOf', () => {
  it('follows the bundle for a release compose file', () => {
    expect(endpointsOf(project, { bundle: 'default', mysqlUnpublished: false })).toEqual({
      backend: 'http://localhost:8080',
      grafana: 'http://localhost:3002',
      configUi: 'http://localhost:4000',
    });
    expect(endpointsOf(project, { bundle: 'alternate', mysqlUnpublished: false }).backend).toBe('http://localhost:8085');
  });

  it('reads a custom compose file’s own host ports and host IPs', () => {
    const custom: ComposeProject = {
      ...project,
      services: [svc('devlake', [['127.0.0.1', 18080, 8080]]), svc('grafana', [['', 13000, 3000]])],
    };
    expect(endpointsOf(custom, { bundle: 'default', mysqlUnpublished: false })).toEqual({
      backend: 'http://127.0.0.1:18080',
      grafana: 'http://localhost:13000',
      configUi: 'http://localhost:4000',
    });
  });

  it('falls back to the bundle without a project', () => {
    expect(endpointsOf(undefined, { bundle: 'alternate', mysqlUnpublished: false }).configUi).toBe('http://localhost:4004');
  });
});
