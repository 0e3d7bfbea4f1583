// The four labelled lines — Detected, Repair, Retry, Outcome — derived from what a machine did.
// The machine appends every incident to `context.incidents` (machines/deploy-local.ts); `reportOf`
// and `recordOf` read only its output. Pure: the CLI prints the lines; --json and the state-file
// history take the record.

import type { Classification, DeployFailure, RecoveryRecord, RepairId } from './types.js';
import { NO_REPAIR } from './repairs/kit.js';
import type { BundleName } from '../devlake/ports.js';
import { observedRemediation, type Observed } from './advice.js';

export const REPORT_LABELS = {
  detected: 'Detected:',
  repair: 'Repair:',
  retry: 'Retry 1/1:',
  outcome: 'Outcome:',
} as const;

const LABEL_COLUMN = REPORT_LABELS.detected.length + 1;

export type ReportLabel = keyof typeof REPORT_LABELS;

export interface ReportLine {
  label: ReportLabel;
  text: string;
}

/** Labels padded to one column so the four lines read as a block. */
export function formatReportLine(line: ReportLine, paint: (s: string) => string = (s) => s): string {
  const label = REPORT_LABELS[line.label];
  // Texts start in one column after `Detected: `; `Retry 1/1:` is one longer and keeps a single space.
  return `${paint(label)}${' '.repeat(Math.max(1, LABEL_COLUMN - label.length))}${line.text}`;
}

/** `Detected:` — the class title and its one-line detail. */
export function detectedText(c: Classification): string {
  const detail = typeof c.facts.detail === 'string' && c.facts.detail !== '' ? c.facts.detail : c.failure.message;
  return `${c.title} — ${oneLine(detail)}`;
}

/** `Repair:` when no repair applies: say so and why. */
export function declinedText(reason: string): string {
  return `none — ${reason}`;
}

export interface RunSummary {
  flow: string;
  /** First failure's class, if any failure happened. */
  first?: Classification;
  /** The failure that ended the run, when it failed (the retry's own, after a retry). */
  last?: Classification;
  repair?: { id: RepairId; description: string; also?: RepairId[] };
  repairDeclined?: string;
  attempts: number;
  outcome: 'ok' | 'recovered' | 'failed';
  /** For 'ok'/'recovered': where DevLake answers. For 'failed': the failure in words. */
  detail: string;
}

export function buildRecord(s: RunSummary, at: Date = new Date()): RecoveryRecord | undefined {
  if (!s.first) return undefined;
  const record: RecoveryRecord = {
    at: at.toISOString(),
    flow: s.flow,
    classId: s.first.classId,
    facts: s.first.facts,
    repair: s.repair?.id ?? null,
    attempts: s.attempts,
    outcome: s.outcome === 'failed' ? 'failed' : 'recovered',
    detail: s.detail,
  };
  if (s.repairDeclined !== undefined) record.repairDeclined = s.repairDeclined;
  if (s.repair?.also && s.repair.also.length > 0) record.alsoApplied = s.repair.also;
  return record;
}

/** Whitespace (newlines included) folded to single spaces: every report line is one line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * One thing that happened on a run, in order: a compose attempt (with the plan it ran on), a
 * failure, its class, the repair applied or why none was, and how the run ended.
 */
export type Incident =
  | { kind: 'attempt'; attempt: number; bundle: BundleName; mysqlUnpublished: boolean }
  | { kind: 'failure'; failure: DeployFailure }
  | { kind: 'classified'; classification: Classification }
  | { kind: 'repaired'; repair: RepairId; also?: RepairId[]; description: string }
  | { kind: 'declined'; reason: string }
  | { kind: 'ended'; ok: boolean };

/** What the report and the record read of a machine's output (deploy-local's context has it all). */
export interface RunOutput {
  incidents: readonly Incident[];
  /** Where the backend answered ('' when the stack does not publish it). */
  healthy?: { backendUrl: string };
  /** What the run saw beyond its incidents (its source, the alternate bundle found busy): the advice follows it. */
  seen?: Omit<Observed, 'bundle'>;
}

/** Applied to the failure's message and remediation before they are quoted (the flow's redactor). */
export type TextFilter = (s: string) => string;
const asIs: TextFilter = (s) => s;

type Of<K extends Incident['kind']> = Extract<Incident, { kind: K }>;
function all<K extends Incident['kind']>(o: RunOutput, kind: K): Of<K>[] {
  return o.incidents.filter((i): i is Of<K> => i.kind === kind);
}
function first<K extends Incident['kind']>(o: RunOutput, kind: K): Of<K> | undefined {
  return all(o, kind)[0];
}

/** What the run's output says, folded once for the report, the record and the failure. */
function facts(o: RunOutput, clean: TextFilter) {
  const classes = all(o, 'classified').map((i) => i.classification);
  const ok = first(o, 'ended')?.ok === true;
  const repaired = first(o, 'repaired');
  const declined = first(o, 'declined');
  const retry = all(o, 'attempt').find((a) => a.attempt === 2);
  // The class that ended the run (the retry's own, after a retry); the first is the one detected.
  const last = classes.at(-1);
  const failure = all(o, 'failure').at(-1)?.failure;
  let detail: string;
  if (ok) {
    const url = o.healthy?.backendUrl ?? '';
    detail = url !== '' ? `DevLake is healthy at ${url}` : 'the stack is up; no container publishes the backend, so its health was not checked';
  } else {
    const message = clean(last ? last.failure.message : (failure?.message ?? 'unknown failure'));
    detail = `${last ? last.title : 'failed'}: ${oneLine(message)}`;
  }
  return { ok, first: classes[0], last, repaired, declined, retry, failure, detail };
}

/** What to do next: the class's remediation, less the ways out the run saw cannot help. */
function remediationOf(o: RunOutput, last: Classification | undefined): string {
  if (!last) return 'Re-run with DEBUG=1 for details.';
  if (!o.seen) return last.remediation;
  return observedRemediation(last, { ...o.seen, bundle: all(o, 'attempt').at(-1)?.bundle ?? 'default' });
}

/** The run's outcome in one word. */
export function outcomeOf(o: RunOutput): 'ok' | 'recovered' | 'failed' {
  const ok = first(o, 'ended')?.ok === true;
  return ok ? (first(o, 'repaired') ? 'recovered' : 'ok') : 'failed';
}

/** The report of a run: Detected, Repair, Retry, Outcome, in that order (none for a clean run). */
export function reportOf(o: RunOutput, clean: TextFilter = asIs): ReportLine[] {
  const f = facts(o, clean);
  const lines: ReportLine[] = [];
  if (f.first) lines.push({ label: 'detected', text: detectedText(f.first) });
  if (f.repaired) lines.push({ label: 'repair', text: f.repaired.description });
  else if (!f.ok && f.first) lines.push({ label: 'repair', text: declinedText(f.declined?.reason ?? NO_REPAIR) });
  if (f.retry) lines.push({ label: 'retry', text: `starting the stack again on the ${f.retry.bundle} bundle${f.retry.mysqlUnpublished ? ' without publishing MySQL' : ''}` });
  if (f.ok) {
    if (f.repaired) lines.push({ label: 'outcome', text: `recovered — ${f.detail}` });
  } else {
    const remediation = clean(remediationOf(o, f.last));
    lines.push({ label: 'outcome', text: `failed — ${f.detail}. Next: ${remediation}` });
  }
  return lines;
}

/** The state-file history record of a run that met a failure (none for a clean run). */
export function recordOf(o: RunOutput, flow: string, clean: TextFilter = asIs, at: Date = new Date()): RecoveryRecord | undefined {
  const f = facts(o, clean);
  const summary: RunSummary = { flow, attempts: all(o, 'attempt').length, outcome: outcomeOf(o), detail: f.detail };
  if (f.first) summary.first = f.first;
  if (f.last) summary.last = f.last;
  if (f.repaired) summary.repair = { id: f.repaired.repair, description: f.repaired.description, ...(f.repaired.also ? { also: f.repaired.also } : {}) };
  if (!f.ok && f.declined) summary.repairDeclined = f.declined.reason;
  return buildRecord(summary, at);
}

/** Why a failed run failed, for --json: the class that ended it, its message and what to do. */
export function failureOf(o: RunOutput, clean: TextFilter = asIs): { classId: string; message: string; remediation: string } | undefined {
  const f = facts(o, clean);
  if (f.ok) return undefined;
  return {
    classId: f.last?.classId ?? 'unknown',
    message: clean(f.last ? f.last.failure.message : (f.failure?.message ?? 'unknown failure')),
    remediation: clean(remediationOf(o, f.last)),
  };
}
