// Doctor's output: one line per check (`[ok]` / `[auto]` / `[you]`, class id, summary, then the
// repair the deploy would apply or what to do by hand), a result line; or one JSON document. Pure.

import { REPAIRS, REPAIR_IDS, type RepairId } from '../recovery/repairs/index.js';
import { VERDICT_TAG, type CheckResult, type DoctorReport, type Verdict } from './types.js';
import { oneLine } from '../recovery/report.js';

/** The repair in words, as the deploy would announce it: each repair module's own summary. */
export const REPAIR_TEXT: Readonly<Record<RepairId, string>> = Object.fromEntries(REPAIR_IDS.map((id) => [id, REPAIRS[id].summary])) as Record<RepairId, string>;

export interface Paint {
  ok: (s: string) => string;
  auto: (s: string) => string;
  you: (s: string) => string;
}

const PLAIN: Paint = { ok: (s) => s, auto: (s) => s, you: (s) => s };


function tail(c: CheckResult): string {
  if (c.verdict === 'auto-repair' && c.repair) return ` — will be repaired automatically: ${c.repair} (${REPAIR_TEXT[c.repair]})`;
  if (c.verdict === 'needs-you' && c.remediation) return ` — next: ${oneLine(c.remediation)}`;
  return '';
}

export function checkLine(c: CheckResult, classWidth = 0, paint: Paint = PLAIN): string {
  const tag = VERDICT_TAG[c.verdict];
  const painted = c.verdict === 'ok' ? paint.ok(tag) : c.verdict === 'auto-repair' ? paint.auto(tag) : paint.you(tag);
  const pad = ' '.repeat(Math.max(1, 7 - tag.length));
  const cls = (c.classId ?? '-').padEnd(classWidth);
  return `${painted}${pad}${cls} ${oneLine(c.summary)}${tail(c)}`;
}

export function resultLine(report: DoctorReport): string {
  const count = (v: Verdict) => report.checks.filter((c) => c.verdict === v).length;
  if (report.verdict === 'needs-you') {
    const n = count('needs-you');
    return `Result: ${n} check${n === 1 ? '' : 's'} need${n === 1 ? 's' : ''} you before a deploy would succeed (exit 1).`;
  }
  if (report.verdict === 'auto-repair') {
    const repairs = [...new Set(report.checks.filter((c) => c.verdict === 'auto-repair').map((c) => c.repair))].filter((r): r is RepairId => r !== undefined);
    return `Result: a deploy would succeed with automatic repair${repairs.length === 1 ? '' : 's'}: ${repairs.join(', ')}.`;
  }
  return 'Result: a deploy would meet no known failure.';
}

export function renderText(report: DoctorReport, paint: Paint = PLAIN): string[] {
  const width = Math.max(0, ...report.checks.map((c) => (c.classId ?? '-').length));
  const lines = [`gh-devlake doctor: ${report.dir}`];
  for (const c of report.checks) lines.push(checkLine(c, width, paint));
  for (const s of report.skipped) lines.push(`[--]   ${'-'.padEnd(width)} ${s.id} not checked: ${s.reason}`);
  lines.push(resultLine(report));
  return lines;
}

/** The --json document. */
export function renderJson(report: DoctorReport): Record<string, unknown> {
  return {
    ok: report.exitCode === 0,
    exitCode: report.exitCode,
    verdict: report.verdict,
    dir: report.dir,
    checks: report.checks.map((c) => ({
      id: c.id,
      classId: c.classId,
      verdict: c.verdict,
      summary: c.summary,
      ...(c.repair !== undefined ? { repair: c.repair, repairText: REPAIR_TEXT[c.repair] } : {}),
      ...(c.remediation !== undefined ? { remediation: c.remediation } : {}),
      facts: c.facts,
    })),
    skipped: report.skipped,
  };
}
