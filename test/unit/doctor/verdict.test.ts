import { describe, expect, it } from 'vitest';
import { applyLocalRetryBudget, buildReport, exitCodeOf, worstVerdict } from '../../../src/doctor/verdict.js';
import type { CheckResult } from '../../../src/doctor/types.js';

const ok = (id: string): CheckResult => ({ id, classId: 'local.port-conflict', verdict: 'ok', summary: `${id} ok`, facts: {} });
const auto = (id: string, repair: CheckResult['repair']): CheckResult => ({ id, classId: 'local.port-conflict', verdict: 'auto-repair', summary: `${id} held`, repair, remediation: 'free it', facts: {} });
const you = (id: string): CheckResult => ({ id, classId: 'local.docker-unavailable', verdict: 'needs-you', summary: `${id} down`, remediation: 'start it', facts: {} });

describe('verdicts and exit codes', () => {
  it('the worst verdict wins', () => {
    expect(worstVerdict([])).toBe('ok');
    expect(worstVerdict(['ok', 'auto-repair', 'ok'])).toBe('auto-repair');
    expect(worstVerdict(['auto-repair', 'needs-you', 'ok'])).toBe('needs-you');
  });
  it('exit 0 with at most automatic repairs, 1 when something needs you', () => {
    expect(exitCodeOf('ok')).toBe(0);
    expect(exitCodeOf('auto-repair')).toBe(0);
    expect(exitCodeOf('needs-you')).toBe(1);
  });
  it('buildReport: all ok → 0; an automatic repair → 0; one needs-you → 1', () => {
    expect(buildReport('/d', [ok('a'), ok('b')])).toMatchObject({ verdict: 'ok', exitCode: 0 });
    expect(buildReport('/d', [ok('a'), auto('b', 'local.alternate-bundle')])).toMatchObject({ verdict: 'auto-repair', exitCode: 0 });
    expect(buildReport('/d', [auto('a', 'local.alternate-bundle'), you('b')])).toMatchObject({ verdict: 'needs-you', exitCode: 1 });
    expect(buildReport('/d', [ok('a')], [{ id: 'local.disk', reason: 'no engine' }]).skipped).toEqual([{ id: 'local.disk', reason: 'no engine' }]);
  });
});

describe('one repair per local deploy', () => {
  it('several checks counting on the same repair: all stay automatic', () => {
    const checks = [auto('8080', 'local.alternate-bundle'), auto('3002', 'local.alternate-bundle')];
    expect(applyLocalRetryBudget(checks)).toEqual(checks);
  });
  it('two different local repairs: MySQL first (it starts first), the bundle switch needs you', () => {
    const out = applyLocalRetryBudget([auto('8080', 'local.alternate-bundle'), auto('3306', 'local.unpublish-mysql'), ok('4000')]);
    expect(out.map((c) => c.verdict)).toEqual(['needs-you', 'auto-repair', 'ok']);
    expect(out[0]?.summary).toMatch(/a deploy repairs once \(one retry\), and local\.unpublish-mysql is used on the failure it meets first/);
    expect(out[0]?.remediation).toBe('free it');
    expect(buildReport('/d', out).exitCode).toBe(1);
  });
  it('Azure repairs are not limited this way (each has its own gate)', () => {
    const checks = [auto('login', 'azure.login'), auto('vault', 'azure.purge-vault'), auto('mysql', 'azure.start-mysql')];
    expect(applyLocalRetryBudget(checks)).toEqual(checks);
  });
});
