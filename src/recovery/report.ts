// The four labelled lines — Detected, Repair, Retry, Outcome — built from what a flow did.
// Pure: the CLI prints them; --json and the state-file history take the record instead.

import type { Classification, RecoveryRecord, RepairId } from './types.js';

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
