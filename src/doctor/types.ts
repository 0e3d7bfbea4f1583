// The vocabulary of `gh-devlake doctor`: one typed result per check. A check changes nothing; it
// says what a deploy would meet, classified by the same taxonomy the deploy uses.

import type { ClassId, Facts, RepairId } from '../recovery/types.js';

/**
 * ok: nothing in the way. auto-repair: the deploy would meet a known failure and repair it by
 * itself (the same guard as the deploy's machine says yes). needs-you: the deploy would fail here.
 */
export type Verdict = 'ok' | 'auto-repair' | 'needs-you';

export interface CheckResult {
  /** Stable id of the check: 'local.engine', 'local.port.8080', 'azure.keyvault'… */
  id: string;
  /**
   * The taxonomy class the check is about: the class a failure here classifies as (for `ok`, the
   * class it rules out). Null for checks no deploy failure class describes (a state file that does
   * not parse is an input error, not a classified failure).
   */
  classId: ClassId | null;
  verdict: Verdict;
  /** One line for people. */
  summary: string;
  /** The repair the deploy would apply (auto-repair), or the one the class names but the guard declines. */
  repair?: RepairId;
  /** What to do by hand, from the taxonomy with the facts filled in. */
  remediation?: string;
  facts: Facts;
}

/** What the whole run found. */
export interface DoctorReport {
  dir: string;
  /** The worst verdict of all checks. */
  verdict: Verdict;
  /** 0: a deploy would succeed with at most automatic repairs; 1: something needs you. */
  exitCode: 0 | 1;
  checks: CheckResult[];
  /** Checks that could not run, with why (e.g. the engine is unreachable). */
  skipped: { id: string; reason: string }[];
}

export const VERDICT_TAG: Readonly<Record<Verdict, string>> = { ok: '[ok]', 'auto-repair': '[auto]', 'needs-you': '[you]' };
