import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/recovery/classify.js';
import type { DeployFailure } from '../../../src/recovery/types.js';
import { PORT_CLASSES, failureOf, localNegative, localPositive } from './corpus.js';

/** Independent oracle: the words every real "host port is taken" message carries. */
const REAL_BIND_FAILURE = /port is already allocated|address already in use|Only one usage of each socket address/i;

const sources = fc.constantFrom('engine', 'health', 'release', 'azure', 'auth', 'probe', 'internal', 'bogus', '');
const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.object());

const failureLike = fc.record(
  {
    source: fc.oneof(sources, anyValue),
    statusCode: fc.oneof(fc.integer({ min: 0, max: 600 }), anyValue),
    code: fc.oneof(fc.constantFrom('EACCES', 'ENOENT', 'SkuNotAvailable', 'deadline', 'DeploymentFailed'), anyValue),
    message: fc.oneof(fc.string({ maxLength: 300 }), anyValue),
    details: fc.oneof(
      fc.array(fc.record({ code: fc.oneof(fc.string(), anyValue), message: fc.oneof(fc.string(), anyValue), target: fc.option(fc.string()) }, { requiredKeys: [] }), {
        maxLength: 4,
      }),
      anyValue,
    ),
    operation: fc.oneof(fc.constantFrom('pull', 'container.start'), anyValue),
    service: anyValue,
    target: anyValue,
  },
  { requiredKeys: [] },
);

/** Fragments of real messages, shuffled into new ones. */
const fragment = fc.constantFrom(
  'Bind for',
  '0.0.0.0:8080',
  ':::3306',
  '[::]:3002',
  'failed:',
  'port',
  'is',
  'already',
  'allocated',
  'listen tcp4',
  'bind:',
  'address',
  'in use',
  'cannot assign requested address',
  'driver failed programming external connectivity on endpoint x (abc):',
  'Error starting userland proxy:',
  'failed to bind host port for',
  '172.18.0.2:8080/tcp:',
  'No such container',
  'Ports are not available: exposing port TCP 0.0.0.0:4000 -> 0.0.0.0:0:',
  'An attempt was made to access a socket in a way forbidden by its access permissions.',
  'EADDRINUSE:',
  '\n',
  ' ',
);

describe('classify, properties', () => {
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(failureLike, fc.anything()), (input) => {
        const c = classify(input as DeployFailure);
        expect(typeof c.classId).toBe('string');
        expect(typeof c.remediation).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(failureLike, (input) => {
        const a = classify(input as DeployFailure);
        const b = classify(input as DeployFailure);
        expect(b).toEqual(a);
      }),
      { numRuns: 1000 },
    );
  });

  it('a negative-corpus message inside random text is not a port conflict unless the text has a real bind failure', () => {
    const negatives = localNegative();
    fc.assert(
      fc.property(fc.constantFrom(...negatives), fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (neg, before, after) => {
        const message = `${before}${neg.message}${after}`;
        fc.pre(!REAL_BIND_FAILURE.test(message));
        const c = classify({ ...failureOf(neg), message });
        expect(PORT_CLASSES).not.toContain(c.classId);
      }),
      { numRuns: 2000 },
    );
  });

  it('text shuffled from real fragments is a port conflict only when it says a port is in use', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 14 }), fc.constantFrom('engine', 'probe'), (parts, source) => {
        const message = parts.join(' ');
        const c = classify({ source, message });
        if (PORT_CLASSES.includes(c.classId)) expect(message).toMatch(REAL_BIND_FAILURE);
        if (c.classId === 'local.mysql-port-conflict') expect(c.facts.port).toBe(3306);
      }),
      { numRuns: 3000 },
    );
  });

  it('a real port conflict inside surrounding text keeps its class and port', () => {
    const positives = localPositive().filter((e) => PORT_CLASSES.includes(e.classId) && e.port !== undefined);
    fc.assert(
      fc.property(fc.constantFrom(...positives), fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (pos, before, after) => {
        fc.pre(!/Bind for|listen|bind host port|EADDRINUSE/i.test(before + after));
        const c = classify({ ...failureOf(pos), message: `${before}\n${pos.message}\n${after}` });
        expect(c.classId).toBe(pos.classId);
        expect(c.facts.port).toBe(pos.port);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays fast on hostile input', () => {
    const hostile = [
      `Bind for ${':'.repeat(20_000)}`,
      `listen tcp ${'0:'.repeat(10_000)}`,
      `failed to bind host port for ${'1.'.repeat(10_000)}:1${':1'.repeat(5_000)}`,
      'a'.repeat(200_000),
    ];
    for (const message of hostile) {
      const started = performance.now();
      classify({ source: 'engine', message, details: [{ code: 'X', message }] });
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});
