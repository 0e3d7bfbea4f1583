import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/compose/model.js';
import { canonicalJson, serviceConfigHash } from '../../../src/engine/hash.js';

function svc(over: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name: 'web',
    image: 'busybox:latest',
    command: ['httpd', '-f', '-p', '8000'],
    environment: { A: '1', B: '2' },
    ports: [{ hostIp: '', published: 18000, target: 8000, protocol: 'tcp' }],
    volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }],
    dependsOn: [],
    restart: 'always',
    labels: { 'x.team': 'a' },
    ...over,
  };
}

const image = { name: 'busybox:latest', id: 'sha256:1111' };

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
  });
});

describe('serviceConfigHash', () => {
  const base = serviceConfigHash(svc(), image);

  it('is a sha256 hex and stable across key order and unrelated fields', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(serviceConfigHash(svc({ environment: { B: '2', A: '1' } }), image)).toBe(base);
    expect(serviceConfigHash(svc({ labels: { 'x.team': 'a' } }), { id: 'sha256:1111', name: 'busybox:latest' })).toBe(base);
    // depends_on and build context do not define the container.
    expect(serviceConfigHash(svc({ dependsOn: ['db'] }), image)).toBe(base);
    expect(serviceConfigHash(svc({ build: { context: '/x', dockerfile: 'Dockerfile', args: {} } }), image)).toBe(base);
  });

  it('changes with every field that defines the container', () => {
    const variants: [string, string][] = [
      ['image name', serviceConfigHash(svc(), { ...image, name: 'busybox:1' })],
      ['image id', serviceConfigHash(svc(), { ...image, id: 'sha256:2222' })],
      ['command', serviceConfigHash(svc({ command: ['httpd', '-f', '-p', '8001'] }), image)],
      ['entrypoint', serviceConfigHash(svc({ entrypoint: ['/bin/sh', '-c'] }), image)],
      ['env value', serviceConfigHash(svc({ environment: { A: '1', B: '3' } }), image)],
      ['env key', serviceConfigHash(svc({ environment: { A: '1', B: '2', C: '' } }), image)],
      ['published port', serviceConfigHash(svc({ ports: [{ hostIp: '', published: 18001, target: 8000, protocol: 'tcp' }] }), image)],
      ['host ip', serviceConfigHash(svc({ ports: [{ hostIp: '127.0.0.1', published: 18000, target: 8000, protocol: 'tcp' }] }), image)],
      ['volume', serviceConfigHash(svc({ volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }] }), image)],
      ['restart', serviceConfigHash(svc({ restart: 'no' }), image)],
      ['labels', serviceConfigHash(svc({ labels: { 'x.team': 'b' } }), image)],
      ['container_name', serviceConfigHash(svc({ containerName: 'web' }), image)],
    ];
    const seen = new Set([base]);
    for (const [what, h] of variants) {
      expect(h, what).not.toBe(base);
      expect(seen.has(h), `${what} collides`).toBe(false);
      seen.add(h);
    }
  });
});
