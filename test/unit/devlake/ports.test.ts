import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALTERNATE_BUNDLE, BUNDLES, DEFAULT_BUNDLE, bundlePorts, endpointsFor, remapHostPort, roleOfPort } from '../../../src/devlake/ports.js';

describe('port bundles', () => {
  it('are the documented numbers', () => {
    expect(bundlePorts(DEFAULT_BUNDLE)).toEqual([8080, 3002, 4000]);
    expect(bundlePorts(ALTERNATE_BUNDLE)).toEqual([8085, 3004, 4004]);
  });

  it('share no port', () => {
    const all = BUNDLES.flatMap(bundlePorts);
    expect(new Set(all).size).toBe(all.length);
  });

  it('know the role of each port', () => {
    expect(roleOfPort(8080)).toEqual({ bundle: DEFAULT_BUNDLE, role: 'backend' });
    expect(roleOfPort(3004)).toEqual({ bundle: ALTERNATE_BUNDLE, role: 'grafana' });
    expect(roleOfPort(3306)).toBeUndefined();
  });

  it('remap there and back, and leave other ports alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (p) => {
        const there = remapHostPort(p, DEFAULT_BUNDLE, ALTERNATE_BUNDLE);
        if (bundlePorts(DEFAULT_BUNDLE).includes(p)) expect(remapHostPort(there, ALTERNATE_BUNDLE, DEFAULT_BUNDLE)).toBe(p);
        else if (!bundlePorts(ALTERNATE_BUNDLE).includes(p)) expect(there).toBe(p);
      }),
    );
  });

  it('give endpoints per bundle', () => {
    expect(endpointsFor(ALTERNATE_BUNDLE)).toEqual({ backend: 'http://localhost:8085', grafana: 'http://localhost:3004', configUi: 'http://localhost:4004' });
  });
});
