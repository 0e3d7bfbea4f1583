// From check results to one answer: the worst verdict and the exit code. Pure.
//
// One rule needs the whole picture. A local deploy repairs its port conflicts in one step before its
// one retry (src/flows/deploy-local.ts): the class's repair plus the other port repair if that port
// is taken too (3306 and a default-bundle port together). If the bundle switch is needed and the
// alternate bundle is busy, that step declines as a whole, so MySQL's 3306 is not repaired either.

import type { CheckResult, DoctorReport, Verdict } from './types.js';

const RANK: Readonly<Record<Verdict, number>> = { ok: 0, 'auto-repair': 1, 'needs-you': 2 };

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'ok';
  for (const v of verdicts) if (RANK[v] > RANK[worst]) worst = v;
  return worst;
}

export function exitCodeOf(verdict: Verdict): 0 | 1 {
  return verdict === 'needs-you' ? 1 : 0;
}

/**
 * The local port repairs are one step: when a check needs the bundle switch and the alternate bundle
 * is busy (fact `fallbackBlocked`), the deploy declines the whole step, so a `local.unpublish-mysql`
 * counted on as automatic needs you too.
 */
export function applyCombinedPortRepair(checks: readonly CheckResult[]): CheckResult[] {
  const blocked = checks.find((c) => c.facts.fallbackBlocked === true);
  if (!blocked) return [...checks];
  const reason = `the deploy repairs its port conflicts in one step, which declines because the alternate bundle is busy (see ${blocked.id})`;
  return checks.map((c) =>
    c.verdict === 'auto-repair' && c.repair?.startsWith('local.') ? { ...c, verdict: 'needs-you', summary: `${c.summary}; ${reason}`, facts: { ...c.facts, declined: reason } } : c,
  );
}

export function buildReport(dir: string, checks: readonly CheckResult[], skipped: DoctorReport['skipped'] = []): DoctorReport {
  const combined = applyCombinedPortRepair(checks);
  const verdict = worstVerdict(combined.map((c) => c.verdict));
  return { dir, verdict, exitCode: exitCodeOf(verdict), checks: combined, skipped: [...skipped] };
}
