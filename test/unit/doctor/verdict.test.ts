import { describe, expect, it } from 'vitest';
import { applyCombinedPortRepair, buildReport, exitCodeOf, worstVerdict } from '../../../src/doctor/verdict.js';
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

describe('the local port repairs are one step', () => {
  it('3306 and a default-bundle port held: both repaired in the one retry, exit 0', () => {
    const checks = [auto('8080', 'local.alternate-bundle'), auto('3306', 'local.unpublish-mysql'), ok('4000')];
    expect(applyCombinedPortRepair(checks)).toEqual(checks);
    expect(buildReport('/d', checks)).toMatchObject({ verdict: 'auto-repair', exitCode: 0 });
  });
  it('the bundle switch blocked (alternate busy): the whole step declines, 3306 needs you too', () => {
    const blocked: CheckResult = { ...you('local.port.8080'), classId: 'local.port-conflict', repair: 'local.alternate-bundle', facts: { fallbackBlocked: true } };
    const out = applyCombinedPortRepair([blocked, auto('local.port.3306', 'local.unpublish-mysql'), ok('4000')]);
    expect(out.map((c) => c.verdict)).toEqual(['needs-you', 'needs-you', 'ok']);
    expect(out[1]?.summary).toMatch(/repairs its port conflicts in one step, which declines because the alternate bundle is busy \(see local\.port\.8080\)/);
    expect(out[1]?.remediation).toBe('free it');
  });
  it('Azure repairs are untouched', () => {
    const blocked: CheckResult = { ...you('local.port.8080'), facts: { fallbackBlocked: true } };
    expect(applyCombinedPortRepair([blocked, auto('vault', 'azure.purge-vault')])[1]?.verdict).toBe('auto-repair');
  });
});
