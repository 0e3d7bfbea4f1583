// The one table: figure, ours, baseline, ratio, target, pass/fail. Printed as Markdown (readable
// in a terminal, pasted as is into docs/performance.md) and kept as JSON in bench/results.json.

import type { Summary } from './stats.js';

export interface Target {
  /** What is compared with the limit: our median, or the ratio of medians ours/baseline. */
  of: 'value' | 'ratio';
  /** In the row's unit (seconds, MB), or a ratio. */
  max: number;
}

export interface Row {
  id: string;
  figure: string;
  unit: 's' | 'MB';
  ours: Summary | null;
  baselineLabel: string | null;
  baseline: Summary | null;
  /** median(ours) / median(baseline). */
  ratio: number | null;
  target: Target | null;
  /** null: nothing to pass (a reported figure), or not measured. */
  pass: boolean | null;
  /** Why there is no figure. */
  notMeasured?: string;
  note?: string;
  details?: Record<string, unknown>;
}

export function makeRow(r: Omit<Row, 'ratio' | 'pass'>): Row {
  const ratio = r.ours && r.baseline && r.baseline.median > 0 ? r.ours.median / r.baseline.median : null;
  let pass: boolean | null = null;
  if (r.target && r.ours && !r.notMeasured) {
    // Rows in seconds hold milliseconds.
    const v = r.target.of === 'ratio' ? ratio : r.unit === 's' ? r.ours.median / 1000 : r.ours.median;
    pass = v === null ? null : v <= r.target.max;
  }
  return { ...r, ratio, pass };
}

function num(x: number, unit: Row['unit']): string {
  return unit === 's' ? (x / 1000).toFixed(2) : x.toFixed(0);
}

function cell(s: Summary | null, unit: Row['unit']): string {
  if (!s || s.n === 0) return '—';
  return `${num(s.median, unit)} ${unit} (${num(s.min, unit)}–${num(s.max, unit)}, n=${s.n})`;
}

function targetText(t: Target | null, unit: Row['unit']): string {
  if (!t) return 'report';
  return t.of === 'ratio' ? `≤ ${t.max}×` : `≤ ${t.max} ${unit}`;
}

export function markdownTable(rows: readonly Row[]): string {
  const head = ['figure', 'ours: median (min–max)', 'baseline: median (min–max)', 'ratio', 'target', 'result'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) {
    const baseline = r.baselineLabel ? `${r.baselineLabel}: ${cell(r.baseline, r.unit)}` : '—';
    const result = r.notMeasured ? `not measured: ${r.notMeasured}` : r.pass === null ? 'reported' : r.pass ? 'PASS' : 'FAIL';
    const ratio = r.ratio === null ? '—' : `${r.ratio >= 0.01 ? r.ratio.toFixed(2) : r.ratio.toPrecision(1)}×`;
    lines.push(`| ${r.figure} | ${r.notMeasured ? '—' : cell(r.ours, r.unit)} | ${baseline} | ${ratio} | ${targetText(r.target, r.unit)} | ${result} |`);
  }
  const notes = rows.filter((r) => r.note && !r.notMeasured).map((r) => `- ${r.figure.split(' ')[0]} ${r.note ?? ''}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
