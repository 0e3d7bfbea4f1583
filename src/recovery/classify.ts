// The classifier: a pure walk over the taxonomy table. Same input, same answer; never throws.
// Anything it cannot place is `unknown`, with advice to re-run with DEBUG=1.

import { ROLE_LABEL, roleOfPort } from '../devlake/ports.js';
import { normalizeFailure } from './failure.js';
import { TAXONOMY, UNKNOWN_CLASS } from './taxonomy/index.js';
import type { TaxonomyRule } from './taxonomy/index.js';
import type { Classification, DeployFailure, Facts, FactValue } from './types.js';

/** Longest text a pattern sees; longer messages are cut for matching only. */
const MAX_MATCH_TEXT = 16_384;
/** Longest free-text fact (`detail`, `innerErrors`). */
const MAX_FACT_TEXT = 600;

export function classify(failure: DeployFailure): Classification {
  let safe: DeployFailure;
  try {
    safe = normalizeFailure(failure);
  } catch {
    safe = { source: 'internal', message: '' };
  }
  try {
    const hit = matchTaxonomy(safe);
    if (hit) {
      return {
        classId: hit.rule.id,
        title: hit.rule.title,
        facts: hit.facts,
        repair: hit.rule.repair,
        remediation: renderRemediation(hit.rule.remediation, hit.facts),
        failure: safe,
      };
    }
  } catch {
    // A rule must never take the classifier down; fall through to `unknown`.
  }
  const facts = copiedFacts(safe, undefined);
  const inner = innermostDetail(safe.details ?? [], undefined);
  if (inner) facts.detail = inner;
  return {
    classId: UNKNOWN_CLASS.id,
    title: UNKNOWN_CLASS.title,
    facts,
    repair: null,
    remediation: UNKNOWN_CLASS.remediation,
    failure: safe,
  };
}

export interface RuleHit {
  rule: TaxonomyRule;
  /** Position of the rule in TAXONOMY (for DEBUG output). */
  index: number;
  facts: Facts;
}

/** The first rule that matches a (normalized) failure, with its facts. Pure; may throw only on a broken table. */
export function matchTaxonomy(failure: DeployFailure, table: readonly TaxonomyRule[] = TAXONOMY): RuleHit | undefined {
  const ctx = contextOf(failure);
  for (let index = 0; index < table.length; index++) {
    const rule = table[index];
    if (!rule) continue;
    const facts = matchRule(rule, ctx);
    if (facts) return { rule, index, facts };
  }
  return undefined;
}

// ── Matching ────────────────────────────────────────────────────────────────

interface Text {
  text: string;
  /** Index of the inner detail this text is from; undefined for the outer message. */
  detail: number | undefined;
}

interface MatchContext {
  failure: DeployFailure;
  details: NonNullable<DeployFailure['details']>;
  texts: Text[];
  /** Inner details' codes first, then the outer code: a specific inner code beats a generic wrapper. */
  codes: { code: string; detail: number | undefined }[];
  about: string[];
  /** The failure's and the inner details' targets. */
  targets: string[];
}

function contextOf(f: DeployFailure): MatchContext {
  const details = f.details ?? [];
  const texts: Text[] = [{ text: f.message.slice(0, MAX_MATCH_TEXT), detail: undefined }];
  details.forEach((d, i) => texts.push({ text: d.message.slice(0, MAX_MATCH_TEXT), detail: i }));
  const codes: MatchContext['codes'] = [];
  details.forEach((d, i) => {
    if (d.code) codes.push({ code: d.code.toLowerCase(), detail: i });
  });
  if (f.code) codes.push({ code: f.code.toLowerCase(), detail: undefined });
  const targets = [f.target, ...details.map((d) => d.target)].filter((s): s is string => typeof s === 'string' && s !== '');
  const about = [f.operation, f.service]
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .concat(targets, texts.map((t) => t.text));
  return { failure: f, details, texts, codes, about, targets };
}

function matchRule(rule: TaxonomyRule, ctx: MatchContext): Facts | undefined {
  const m = rule.match;
  const f = ctx.failure;
  if (m.sources && !m.sources.includes(f.source)) return undefined;
  if (m.operations && (f.operation === undefined || !m.operations.includes(f.operation))) return undefined;
  if (m.statusCodes && (f.statusCode === undefined || !m.statusCodes.includes(f.statusCode))) return undefined;

  let where: number | undefined;
  if (m.codes) {
    const wanted = new Set(m.codes.map((c) => c.toLowerCase()));
    const hit = ctx.codes.find((c) => wanted.has(c.code));
    if (!hit) return undefined;
    where = hit.detail;
  }
  if (m.about && !m.about.some((re) => ctx.about.some((t) => re.test(t)))) return undefined;

  let groups: Record<string, string | undefined> = {};
  if (m.patterns) {
    const found = firstMatch(m.patterns, ctx.texts);
    if (!found) return undefined;
    groups = found.match.groups ?? {};
    where ??= found.text.detail;
  }

  const facts = buildFacts(rule, ctx, groups, where);
  if (m.factIn) {
    for (const [name, allowed] of Object.entries(m.factIn)) {
      const v = facts[name];
      if (v === undefined || !allowed.includes(v)) return undefined;
    }
  }
  return facts;
}

function firstMatch(patterns: readonly RegExp[], texts: readonly Text[]): { match: RegExpExecArray; text: Text } | undefined {
  for (const re of patterns) {
    for (const text of texts) {
      const match = re.exec(text.text);
      if (match) return { match, text };
    }
  }
  return undefined;
}

// ── Facts ───────────────────────────────────────────────────────────────────

function buildFacts(
  rule: TaxonomyRule,
  ctx: MatchContext,
  groups: Record<string, string | undefined>,
  where: number | undefined,
): Facts {
  const facts: Facts = {};
  const put = (name: string, value: FactValue | undefined): void => {
    if (value === undefined || value === '' || Object.hasOwn(facts, name)) return;
    facts[name] = typeof value === 'string' ? value.trim() : value;
  };
  const f = ctx.failure;
  const spec = rule.facts;

  // 1. The match's own named groups: the most specific facts. An empty host IP means all interfaces.
  for (const [name, value] of Object.entries(groups)) put(name, name === 'hostIp' && value === '' ? '0.0.0.0' : value);

  // 2. Extract-only regexes, over the matched text first, then the other texts, then the targets.
  if (spec?.extract) {
    const ordered = [...ctx.texts]
      .sort((a, b) => Number(b.detail === where) - Number(a.detail === where))
      .concat(ctx.targets.map((text) => ({ text, detail: undefined })));
    for (const re of spec.extract) {
      for (const t of ordered) {
        const g = re.exec(t.text)?.groups;
        if (g) {
          for (const [name, value] of Object.entries(g)) put(name, value);
          break;
        }
      }
    }
  }

  // 3. The target, when the rule says what it is.
  if (spec?.fromTarget) {
    const { fact, operations } = spec.fromTarget;
    if (!operations || (f.operation !== undefined && operations.includes(f.operation))) {
      put(fact, resourceName((where !== undefined ? ctx.details[where]?.target : undefined) ?? f.target));
    }
  }

  // 4. Free-text facts.
  if (spec?.detail) {
    const text = where !== undefined ? ctx.details[where]?.message : f.message;
    put('detail', clip(text ?? f.message));
  }
  // ARM errors nest (DeploymentFailed → ResourceDeploymentFailure → SkuNotAvailable): the `Detected:`
  // line names the innermost meaningful one, not the wrapper's "terminal provisioning state 'Failed'".
  if (!spec?.detail) put('detail', innermostDetail(ctx.details, where));
  if (spec?.innerErrors) {
    const inner = ctx.details
      .filter((d) => d.code !== '' || d.message !== '')
      .map((d) => (d.code && d.message ? `${d.code}: ${d.message}` : d.code || d.message));
    put('innerErrors', clip(inner.length > 0 ? inner.join('; ') : f.message));
  }

  // 5. Copied from the failure.
  Object.assign(facts, { ...copiedFacts(f, where !== undefined ? ctx.details[where]?.code : undefined), ...facts });

  normalizePortFacts(facts);
  return facts;
}

/**
 * ARM codes that only wrap another error (ARM's deployment errors, resource operation failures, and the
 * generic statuses providers wrap a JSON body in). See azure-resource-manager troubleshooting
 * "common-deployment-errors": DeploymentFailed and ResourceDeploymentFailure say "see the details".
 */
const WRAPPER_CODES = new Set(
  ['DeploymentFailed', 'ResourceDeploymentFailure', 'ResourceOperationFailure', 'InvalidTemplateDeployment', 'ValidationForResourceFailed', 'Conflict', 'BadRequest', 'Failed', 'Unknown', 'MultipleErrorsOccurred'].map((c) => c.toLowerCase()),
);

/** "Code: message" of the innermost meaningful inner error: the matched one if it means something, else the first that does. */
function innermostDetail(details: NonNullable<DeployFailure['details']>, where: number | undefined): string | undefined {
  const meaningful = (d: { code: string } | undefined): boolean => d !== undefined && d.code !== '' && !WRAPPER_CODES.has(d.code.toLowerCase());
  const at = where !== undefined && meaningful(details[where]) ? details[where] : details.find(meaningful);
  if (!at) return undefined;
  return clip(at.message ? `${at.code}: ${at.message}` : at.code);
}

/** An ARM resource ID names its resource in the last segment; other targets are names already. */
function resourceName(target: string | undefined): string | undefined {
  if (target === undefined || !/^\/subscriptions\//i.test(target)) return target;
  return target.split('/').filter((s) => s !== '').pop();
}

function copiedFacts(f: DeployFailure, detailCode: string | undefined): Facts {
  const facts: Facts = {};
  if (f.service) facts.service = f.service;
  if (f.target) facts.target = f.target;
  if (f.statusCode !== undefined) facts.statusCode = f.statusCode;
  if (f.code) facts.code = f.code;
  if (detailCode) facts.detailCode = detailCode;
  return facts;
}

/** `port` becomes a number (or goes), `hostIp` is normalized, and bundle ports get `role`/`bundle`. */
function normalizePortFacts(facts: Facts): void {
  if (facts.port !== undefined) {
    const port = typeof facts.port === 'number' ? facts.port : Number.parseInt(String(facts.port), 10);
    if (Number.isInteger(port) && port > 0 && port <= 65_535) facts.port = port;
    else delete facts.port;
  }
  if (facts.hostIp !== undefined) facts.hostIp = normalizeHostIp(String(facts.hostIp));
  if (typeof facts.protocol === 'string') facts.protocol = facts.protocol.toLowerCase();
  if (typeof facts.port === 'number') {
    const owner = roleOfPort(facts.port);
    if (owner) {
      facts.role = owner.role;
      facts.roleLabel = ROLE_LABEL[owner.role];
      facts.bundle = owner.bundle.name;
    }
  }
}

/**
 * `[::]` and `::` → `::`; empty or `*` (all interfaces) → `0.0.0.0`; `localhost` → `127.0.0.1`; otherwise
 * lower-cased as is (a word the message used instead of an address stays that word).
 */
export function normalizeHostIp(raw: string): string {
  let ip = raw.trim().toLowerCase();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (ip === '' || ip === '*') return '0.0.0.0';
  if (ip === 'localhost') return '127.0.0.1';
  if (ip.includes(':') && /^[0:]+$/.test(ip)) return '::';
  return ip;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_FACT_TEXT ? `${flat.slice(0, MAX_FACT_TEXT - 1)}…` : flat;
}

// ── Remediation templates ───────────────────────────────────────────────────

const TOKEN = /\[\[([\s\S]*?)\]\]|\{(\w+)(?:\|([^{}]*))?\}/g;
const PLACEHOLDER = /\{(\w+)(?:\|([^{}]*))?\}/g;

function factText(facts: Facts, name: string): string | undefined {
  if (!Object.hasOwn(facts, name)) return undefined;
  const v = facts[name];
  return v === undefined || v === '' ? undefined : String(v);
}

/**
 * Fill a remediation template: `{fact}`, `{fact|fallback}`, and `[[ optional segment ]]` (dropped whole
 * when a placeholder inside it has no value). Missing facts leave no stray quotes, brackets or spaces.
 * Fact values are inserted verbatim and never re-read as template syntax.
 */
export function renderRemediation(template: string, facts: Facts): string {
  const filled = template.replace(
    TOKEN,
    (_all, optional: string | undefined, name: string | undefined, fallback: string | undefined) => {
      if (optional !== undefined) {
        let complete = true;
        const inner = optional.replace(PLACEHOLDER, (_m, n: string, fb: string | undefined) => {
          const v = factText(facts, n) ?? fb;
          if (v === undefined) complete = false;
          return v ?? '';
        });
        return complete ? inner : '';
      }
      return factText(facts, name ?? '') ?? fallback ?? '';
    },
  );
  return filled
    .replace(/\(\s*\)|''|""|``/g, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +([.,;:!?)])/g, '$1')
    .replace(/\( +/g, '(')
    .trim();
}
