// Renders docs/recovery.md from the taxonomy table, so the user docs cannot drift from the code.
// Pure: `scripts/gen-recovery-doc.js` writes the file; a unit test compares it with this output.

import { ALTERNATE_BUNDLE, DEFAULT_BUNDLE, MYSQL_HOST_PORT } from '../devlake/ports.js';
import { declinedText, formatReportLine } from './report.js';
import { NO_REPAIR_ENV, REPAIRS, REPAIR_IDS, type RepairId } from './repairs/index.js';
import { disabledReason } from './repairs/kit.js';
import type { TaxonomyRule } from './taxonomy/index.js';
import { CLASS_TITLES, TAXONOMY, UNKNOWN_CLASS } from './taxonomy/index.js';
import { AZURE_CLASS_IDS, LOCAL_CLASS_IDS } from './types.js';
import type { ClassId } from './types.js';

export const RECOVERY_DOC_PATH = 'docs/recovery.md';

export function renderRecoveryDoc(table: readonly TaxonomyRule[] = TAXONOMY): string {
  const out: string[] = [];
  const p = (...lines: string[]): void => {
    out.push(...lines);
  };

  p(
    '<!-- Generated from src/recovery/taxonomy/ and src/recovery/repairs/ by `npm run docs:recovery`. Do not edit by hand. -->',
    '',
    '# Recovering from deploy failures',
    '',
    'When a deploy fails, gh-devlake does not guess. It **classifies** the failure against one table of known',
    'failures (below), applies **at most one named, safe repair** that the class allows, and **retries once**.',
    'If the retry fails too, it stops and tells you what to do by hand. Nothing else is ever changed for you.',
    '',
    '1. **Classify.** The failure is reduced to facts (where it came from, status, code, message, inner errors) and',
    '   matched against the table, top to bottom; the first rule that matches decides the class and extracts facts',
    '   such as the port, host IP, image or Azure resource. A failure no rule matches is `unknown`: no repair.',
    '2. **Repair.** Each class allows one repair or none. Whether it is applied is decided from the facts: for',
    `   example, switching to the alternate port bundle (${bundle(ALTERNATE_BUNDLE)}) helps only when the busy port is one`,
    `   of the default bundle's (${bundle(DEFAULT_BUNDLE)}). A declined repair says why.`,
    '3. **Retry once.** The failed step runs again, once. There is no loop.',
    '',
    'Every recovery prints four lines, for example:',
    '',
    '```text',
    formatReportLine({
      label: 'detected',
      text: 'port conflict — 8080 (backend) is in use by a host process (pid 4242, python3)',
    }),
    formatReportLine({ label: 'repair', text: 'switch to the alternate port bundle: backend 8085, grafana 3004, config UI 4004' }),
    formatReportLine({ label: 'retry', text: 'starting the stack again on the alternate bundle' }),
    formatReportLine({ label: 'outcome', text: `recovered — DevLake is healthy at http://localhost:${ALTERNATE_BUNDLE.backend}` }),
    '```',
    '',
    '- `Detected:` the class title and what was found (the port and who holds it, the Azure resource…).',
    '- `Repair:` the repair applied, or `none` and the reason (then no `Retry` line follows).',
    '- `Retry 1/1:` the one retry.',
    '- `Outcome:` `recovered` or `failed`; when failed, the remediation below, with the facts filled in.',
    '',
    'The same record goes to `--json` output and to the state file history. To see the full error and the rule',
    'that matched, re-run with `DEBUG=1`.',
    '',
    '## How a failure is matched',
    '',
    'A rule lists what it matches, as data. Every field a rule specifies must match; the fields are checked in this',
    'order: **source** (engine, probe, health, release, azure, auth, internal), **operation**, **HTTP status**,',
    '**code** (Node socket codes such as `ECONNREFUSED`, ARM error codes, credential error names; an ARM code may be',
    "top-level or in the deployment operations' inner errors, and a specific inner code wins over a generic outer",
    '`DeploymentFailed`), then **message patterns** (over the message and the inner errors\' messages; any pattern',
    'may match). Some rules refine on an extracted fact, such as the port. The first matching rule wins.',
    '',
    'In the remediations below, `{fact}` is filled in from the failure (`{port}`, `{hostIp}`, `{image}`…), and a',
    'part in `[ ]` is printed only when its facts are known.',
    '',
    '## All classes',
    '',
    '| Class | Matches | Repair | Remediation |',
    '| --- | --- | --- | --- |',
  );
  for (const rule of table) {
    p(`| [\`${rule.id}\`](#${anchor(rule.id)}) | ${cell(matchesText(rule, 1))} | ${cell(repairText(rule))} | ${cell(readableTemplate(rule.remediation))} |`);
  }
  p(`| [\`unknown\`](#unknown) | anything else | none | ${cell(UNKNOWN_CLASS.remediation)} |`, '');
  repairsSection(p, table);

  p('## Local (Docker)', '');
  for (const id of LOCAL_CLASS_IDS) section(p, id, table);
  p('## Azure', '');
  for (const id of AZURE_CLASS_IDS) section(p, id, table);

  p(
    '## Unknown',
    '',
    `<a id="unknown"></a>Any failure no rule matches is \`unknown\` (title "${UNKNOWN_CLASS.title}"). No repair is tried.`,
    '',
    `> ${UNKNOWN_CLASS.remediation}`,
    '',
    `Port numbers named here come from \`src/devlake/ports.ts\` (default bundle ${bundle(DEFAULT_BUNDLE)}, alternate`,
    `${bundle(ALTERNATE_BUNDLE)}, MySQL ${MYSQL_HOST_PORT}).`,
  );
  return `${out.join('\n')}\n`;
}

/** The repairs, from their registry (src/recovery/repairs/), with the classes that name each and the off switch. */
function repairsSection(p: (...lines: string[]) => void, table: readonly TaxonomyRule[]): void {
  p(
    '## Repairs',
    '',
    'Each repair is one module in `src/recovery/repairs/`, named by its id. It decides from the facts whether this run',
    'may apply it, and says why when it declines.',
    '',
    '| Repair | Target | What it does | Named by |',
    '| --- | --- | --- | --- |',
  );
  for (const id of REPAIR_IDS) {
    const r = REPAIRS[id];
    const classes = [...new Set(table.filter((rule) => rule.repair === id).map((rule) => rule.id))];
    const named = classes.length > 0 ? classes.map((c) => `[\`${c}\`](#${anchor(c)})`).join(', ') : 'no class yet';
    p(`| <a id="${repairAnchor(id)}"></a>\`${id}\` | ${r.target} | ${cell(r.summary)} | ${named} |`);
  }
  p(
    '',
    '### Turning a repair off',
    '',
    'Every automatic repair can be switched off for a run: `--no-repair <id>` (repeatable) on `deploy local`,',
    `\`deploy azure\` and \`doctor\`, or the environment variable \`${NO_REPAIR_ENV}=id,id\` (comma-separated; \`start\``,
    'honours it too). A switched-off repair declines, and the report says so:',
    '',
    '```text',
    formatReportLine({ label: 'repair', text: declinedText(disabledReason('local.alternate-bundle')) }),
    '```',
    '',
    '`doctor` then reports the finding as needing you instead of as repaired automatically. An id that is not in the',
    'table above is a usage error (exit 2) that lists the valid ids.',
    '',
  );
}

function repairAnchor(id: RepairId): string {
  return `repair-${id.replace('.', '-')}`;
}

function section(p: (...lines: string[]) => void, id: Exclude<ClassId, 'unknown'>, table: readonly TaxonomyRule[]): void {
  const rules = table.filter((r) => r.id === id);
  if (rules.length === 0) return;
  const title = CLASS_TITLES[id];
  p(`### <a id="${anchor(id)}"></a>\`${id}\` — ${title}`, '');
  const multiple = rules.length > 1;
  rules.forEach((rule, i) => {
    const lead = multiple ? `${i + 1}. ` : '';
    const indent = multiple ? '   ' : '';
    const head = rule.title !== title ? ` (${rule.title})` : '';
    p(`${lead}**Matches**${head}: ${escapeHtml(matchesText(rule, 0, false))}`);
    if (rule.note) p('', `${indent}_${escapeHtml(rule.note)}_`);
    p('', `${indent}**Repair:** ${repairText(rule)}`, '', `${indent}**By hand:** ${escapeHtml(readableTemplate(rule.remediation))}`);
    if (rule.link) p('', `${indent}See also: <${rule.link}>`);
    if (rule.examples.length > 0) {
      p('', `${indent}Examples:`, '');
      for (const ex of rule.examples) p(`${indent}- ${codeSpan(ex)}`);
    }
    p('');
  });
}

function matchesText(rule: TaxonomyRule, maxExamples: number, short = true): string {
  const m = rule.match;
  const parts: string[] = [];
  parts.push(m.sources ? `source ${orList(m.sources.map(codeSpan))}` : 'any source');
  if (m.operations) parts.push(`during ${orList(m.operations.map(codeSpan))}`);
  if (m.statusCodes) parts.push(`HTTP ${orList(m.statusCodes.map(String))}`);
  if (m.codes) parts.push(`code ${orList(m.codes.map(codeSpan))}`);
  if (m.about) parts.push('about a specific service (see note)');
  if (m.patterns) {
    const shown = rule.examples.slice(0, maxExamples).map((e) => codeSpan(clip(e, 90)));
    if (!short) parts.push(rule.examples.length > 0 ? 'a message like the examples below' : 'a message pattern');
    else parts.push(shown.length > 0 ? `message like ${shown.join(' or ')}` : 'a message pattern');
  }
  if (m.factIn) {
    for (const [fact, values] of Object.entries(m.factIn)) parts.push(`${codeSpan(fact)} is ${orList(values.map(String))}`);
  }
  return parts.join('; ');
}

function repairText(rule: TaxonomyRule): string {
  return rule.repair ? `[\`${rule.repair}\`](#${repairAnchor(rule.repair)})` : 'none';
}

/** A template for readers: `{fact|fallback}` → `{fact}`, `[[ … ]]` → `[ … ]`. */
export function readableTemplate(template: string): string {
  return template.replace(/\[\[([\s\S]*?)\]\]/g, '[$1]').replace(/\{(\w+)\|[^{}]*\}/g, '{$1}');
}

function anchor(id: string): string {
  return id.replace(/\./g, '-');
}

function bundle(b: { backend: number; grafana: number; configUi: number }): string {
  return `${b.backend}/${b.grafana}/${b.configUi}`;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A code span that survives backticks in the text. */
function codeSpan(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** `<` outside code spans would be read as HTML. */
function escapeHtml(s: string): string {
  return s
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;')))
    .join('');
}

function cell(s: string): string {
  return escapeHtml(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
