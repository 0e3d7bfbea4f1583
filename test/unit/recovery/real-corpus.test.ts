// The classifier against the real world: messages that users met, as they reported them, each
// fixture entry naming its source. Every entry is classified; none of the negatives (real
// messages that are not a host port conflict, many of them naming a port) may become one.

import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/recovery/classify.js';
import { toDeployFailure } from '../../../src/recovery/failure.js';
import { PORT_CLASSES, realAzure, realLocal, realNegative, thrownOf } from './corpus.js';

const SOURCE = /^https:\/\/(?:github\.com\/[\w.-]+\/[\w.-]+\/(?:issues|pull)\/\d+|github\.com\/[\w.-]+\/[\w.-]+\/blob\/\S+|\S+\.(?:com|org|io|net)\/\S*)$/;
const label = (s: string, n = 100): string => s.replace(/\s+/g, ' ').slice(0, n);

describe('real local failures', () => {
  const entries = realLocal();
  it('has at least 150 entries, each with its source', () => {
    expect(entries.length).toBeGreaterThanOrEqual(150);
    for (const e of entries) expect(e.source, e.failure.message).toMatch(SOURCE);
  });

  it.each(entries.map((e) => [`${e.classId} ← ${label(e.failure.message)}`, e] as const))('%s', (_name, e) => {
    const c = classify(e.failure);
    expect(c.classId, e.source).toBe(e.classId);
    if (e.title) expect(c.title).toBe(e.title);
    if (e.facts) expect(c.facts).toMatchObject(e.facts);
    expect(c.remediation).not.toMatch(/[{}]|\[\[|\]\]/);
  });
});

describe('real messages that are not a port conflict', () => {
  const entries = realNegative();
  it('has at least 30 entries, each with its source', () => {
    expect(entries.length).toBeGreaterThanOrEqual(30);
    for (const e of entries) expect(e.source).toMatch(SOURCE);
  });

  it.each(entries.map((e) => [`${e.classId ?? 'not a port conflict'} ← ${label(e.failure.message)}`, e] as const))('%s', (_name, e) => {
    const c = classify(e.failure);
    expect(PORT_CLASSES, e.source).not.toContain(c.classId);
    if (e.classId) expect(c.classId, e.source).toBe(e.classId);
  });
});

describe('real Azure failures', () => {
  const entries = realAzure();
  it('has at least 60 entries, each with its source', () => {
    expect(entries.length).toBeGreaterThanOrEqual(60);
    for (const e of entries) expect(e.source).toMatch(SOURCE);
  });

  it.each(entries.map((e) => [`${e.classId} ← ${e.source.replace('https://github.com/', '')}`, e] as const))('%s', (_name, e) => {
    const c = classify(toDeployFailure(thrownOf(e)));
    expect(c.classId, e.source).toBe(e.classId);
    if (e.facts) expect(c.facts).toMatchObject(e.facts);
    if (e.repair !== undefined) expect(c.repair).toBe(e.repair);
    expect(c.remediation).not.toMatch(/[{}]|\[\[|\]\]/);
  });
});
