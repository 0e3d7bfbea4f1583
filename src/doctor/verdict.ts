// From check results to one answer: the worst verdict and the exit code. Pure.
//
// One rule needs the whole picture: a local deploy retries at most once, so it applies at most one
// repair. If the checks foresee two different local repairs, only the first failure the deploy meets
// is repaired; the retry then fails on the second, which therefore needs you. MySQL starts first
// (every DevLake service depends on it), so a 3306 conflict is met before a bundle-port conflict.

import type { RepairId } from '../recovery/types.js';
import type { CheckResult, DoctorReport, Verdict } from './types.js';

/** Local repairs in the order a deploy meets their failures. */
export const LOCAL_REPAIR_ORDER: readonly RepairId[] = ['local.unpublish-mysql', 'local.alternate-bundle'];

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
 * Apply the one-repair-per-local-deploy rule: the first local repair (in LOCAL_REPAIR_ORDER) stays
 * `auto-repair`; checks counting on a different local repair become `needs-you`.
 */
export function applyLocalRetryBudget(checks: readonly CheckResult[]): CheckResult[] {
  const wanted = new Set(checks.filter((c) => c.verdict === 'auto-repair' && c.repair?.startsWith('local.')).map((c) => c.repair));
  if (wanted.size <= 1) return [...checks];
  const first = LOCAL_REPAIR_ORDER.find((r) => wanted.has(r));
  return checks.map((c) => {
    if (c.verdict !== 'auto-repair' || !c.repair?.startsWith('local.') || c.repair === first) return c;
    const reason = `a deploy repairs once (one retry), and ${first ?? 'another repair'} is used on the failure it meets first`;
    return {
      ...c,
      verdict: 'needs-you',
      summary: `${c.summary}; ${reason}`,
      facts: { ...c.facts, declined: reason },
    };
  });
}

export function buildReport(dir: string, checks: readonly CheckResult[], skipped: DoctorReport['skipped'] = []): DoctorReport {
  const budgeted = applyLocalRetryBudget(checks);
  const verdict = worstVerdict(budgeted.map((c) => c.verdict));
  return { dir, verdict, exitCode: exitCodeOf(verdict), checks: budgeted, skipped: [...skipped] };
}
