import { describe, expect, it } from 'vitest';
import { classify, matchTaxonomy, normalizeHostIp, renderRemediation } from '../../../src/recovery/classify.js';
import { toDeployFailure } from '../../../src/recovery/failure.js';
import { UNKNOWN_CLASS } from '../../../src/recovery/taxonomy/index.js';
import type { DeployFailure } from '../../../src/recovery/types.js';
import { PORT_CLASSES, azureCorpus, failureOf, localNegative, localPositive, thrownOf } from './corpus.js';

describe('local corpus: every form users meet', () => {
  const entries = localPositive();
  it('is not empty', () => expect(entries.length).toBeGreaterThan(50));

  it.each(entries.map((e) => [e.message.slice(0, 110), e] as const))('%s', (_name, e) => {
    const c = classify(failureOf(e));
    expect(c.classId).toBe(e.classId);
    if (e.port !== undefined) expect(c.facts.port).toBe(e.port);
    if (e.hostIp !== undefined) expect(c.facts.hostIp).toBe(e.hostIp);
    if (e.facts) expect(c.facts).toMatchObject(e.facts);
    for (const name of e.noFacts ?? []) expect(c.facts).not.toHaveProperty(name);
    if (e.noClass) expect(c.classId).not.toBe(e.noClass);
    if (e.remediationIncludes) expect(c.remediation).toContain(e.remediationIncludes);
    expect(c.remediation).not.toMatch(/[{}]|\[\[|\]\]/);
  });
});

describe('local negative corpus: never a port conflict', () => {
  it.each(localNegative().map((e) => [e.message.slice(0, 110), e] as const))('%s', (_name, e) => {
    const c = classify(failureOf(e));
    expect(PORT_CLASSES).not.toContain(c.classId);
    if (e.classId) expect(c.classId).toBe(e.classId);
  });
});

describe('azure corpus: through toDeployFailure, then classify', () => {
  it.each(azureCorpus().map((e) => [`${e.kind} ${e.classId}: ${e.note ?? ''}`, e] as const))('%s', (_name, e) => {
    const c = classify(toDeployFailure(thrownOf(e)));
    expect(c.classId).toBe(e.classId);
    if (e.facts) expect(c.facts).toMatchObject(e.facts);
    if (e.repair !== undefined) expect(c.repair).toBe(e.repair);
    if (e.remediationIncludes) expect(c.remediation).toContain(e.remediationIncludes);
    expect(c.remediation).not.toMatch(/[{}]|\[\[|\]\]/);
  });
});

describe('port conflicts', () => {
  const conflict = (port: number, hostIp = '0.0.0.0'): DeployFailure => ({
    source: 'engine',
    statusCode: 500,
    operation: 'container.start',
    message: `Bind for ${hostIp}:${port} failed: port is already allocated`,
  });

  it('bundle ports carry role and bundle, and allow the alternate bundle', () => {
    const c = classify(conflict(8080));
    expect(c).toMatchObject({
      classId: 'local.port-conflict',
      title: 'port conflict',
      repair: 'local.alternate-bundle',
      facts: { port: 8080, hostIp: '0.0.0.0', role: 'backend', roleLabel: 'backend', bundle: 'default' },
    });
    expect(c.remediation).toContain('8085/3004/4004');
  });

  it('3306 is MySQL: unpublish it instead', () => {
    const c = classify(conflict(3306));
    expect(c).toMatchObject({ classId: 'local.mysql-port-conflict', repair: 'local.unpublish-mysql', facts: { port: 3306 } });
  });

  it('a port in no bundle has no role, and the remediation does not promise the bundle fallback', () => {
    const c = classify(conflict(9999));
    expect(c.classId).toBe('local.port-conflict');
    expect(c.facts.role).toBeUndefined();
    expect(c.facts.bundle).toBeUndefined();
    expect(c.remediation).not.toContain('8085');
    expect(c.remediation).toContain('does not help');
  });

  it('an alternate-bundle port says the alternate bundle cannot help', () => {
    const c = classify(conflict(4004));
    expect(c.facts).toMatchObject({ bundle: 'alternate', role: 'configUi' });
    expect(c.remediation).toContain('cannot help');
  });

  it('port facts are numbers; IPv6 any-address is "::"', () => {
    for (const ip of ['::', '[::]']) {
      const c = classify(conflict(8080, ip));
      expect(c.facts.port).toBe(8080);
      expect(c.facts.hostIp).toBe('::');
    }
  });

  it('a port conflict without a port still classifies, with no port facts', () => {
    const c = classify({ source: 'engine', message: 'listen: bind: address already in use' });
    expect(c.classId).toBe('local.port-conflict');
    expect(c.facts.port).toBeUndefined();
    expect(c.remediation).toContain('(unknown)');
  });

  it('an impossible port number is dropped, not kept as a fact', () => {
    const c = classify({ source: 'engine', message: 'Bind for 0.0.0.0:99999 failed: port is already allocated' });
    expect(c.classId).toBe('local.port-conflict');
    expect(c.facts.port).toBeUndefined();
  });
});

describe('facts copied from the failure', () => {
  it('service, target, statusCode and code', () => {
    const c = classify({
      source: 'engine',
      statusCode: 500,
      code: 'X',
      service: 'devlake',
      target: 'devlake-devlake-1',
      message: 'Bind for 0.0.0.0:8080 failed: port is already allocated',
    });
    expect(c.facts).toMatchObject({ service: 'devlake', target: 'devlake-devlake-1', statusCode: 500, code: 'X' });
  });

  it('the failure is kept, normalized, on the classification', () => {
    const f: DeployFailure = { source: 'engine', message: 'socket hang up' };
    expect(classify(f).failure).toEqual(f);
  });
});

describe('unknown', () => {
  it('gets the DEBUG=1 advice and no repair', () => {
    const c = classify({ source: 'internal', message: 'something odd' });
    expect(c).toMatchObject({ classId: 'unknown', repair: null, title: UNKNOWN_CLASS.title });
    expect(c.remediation).toContain('DEBUG=1');
  });

  it('garbage in: still a classification', () => {
    for (const input of [null, undefined, 42, 'text', [], { source: 'nope' }, { message: { toString: 1 } }]) {
      const c = classify(input as unknown as DeployFailure);
      expect(c.classId).toBe('unknown');
    }
  });

  it('a getter that throws does not escape', () => {
    const evil = {
      source: 'engine',
      get message(): string {
        throw new Error('boom');
      },
    };
    expect(classify(evil as unknown as DeployFailure).classId).toBe('unknown');
  });
});

describe('matchTaxonomy', () => {
  it('reports the rule index, first match wins', () => {
    const hit = matchTaxonomy({ source: 'engine', message: 'Bind for 0.0.0.0:3306 failed: port is already allocated' });
    expect(hit?.rule.id).toBe('local.mysql-port-conflict');
    expect(hit?.index).toBe(0);
  });

  it('inner detail codes win over the outer wrapper', () => {
    const hit = matchTaxonomy({
      source: 'azure',
      code: 'InvalidTemplateDeployment',
      message: 'The template deployment failed because of policy violation.',
      details: [{ code: 'RequestDisallowedByPolicy', message: "Resource 'x' was disallowed by policy. Reasons: 'Allowed locations'." }],
    });
    expect(hit?.rule.id).toBe('azure.policy-disallowed');
    expect(hit?.facts).toMatchObject({ name: 'x', policy: 'Allowed locations', detailCode: 'RequestDisallowedByPolicy' });
  });

  it('codes match case-insensitively', () => {
    expect(classify({ source: 'azure', code: 'skunotavailable', message: 'nope' }).classId).toBe('azure.sku-not-available');
  });
});

describe('renderRemediation', () => {
  it('fills facts, uses fallbacks, drops optional segments and stray punctuation', () => {
    expect(renderRemediation('Port {port} on {hostIp|the host}.', { port: 8080 })).toBe('Port 8080 on the host.');
    expect(renderRemediation('Run `az login[[ --tenant {tenant}]]` now.', {})).toBe('Run `az login` now.');
    expect(renderRemediation('Run `az login[[ --tenant {tenant}]]` now.', { tenant: 't1' })).toBe('Run `az login --tenant t1` now.');
    expect(renderRemediation("Vault '{name}' ({container}) is gone .", {})).toBe('Vault is gone.');
    expect(renderRemediation('A {nope} B', {})).toBe('A B');
  });

  it('never re-reads fact values as template syntax', () => {
    expect(renderRemediation('X {a} Y', { a: '{b} [[c]]', b: 'no' })).toBe('X {b} [[c]] Y');
  });
});

describe('normalizeHostIp', () => {
  it.each([
    ['', '0.0.0.0'],
    ['::', '::'],
    ['[::]', '::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['127.0.0.1', '127.0.0.1'],
    ['[FE80::1]', 'fe80::1'],
  ])('%j → %j', (raw, want) => expect(normalizeHostIp(raw)).toBe(want));
});
