import { describe, expect, it } from 'vitest';
import { matchTaxonomy } from '../../../src/recovery/classify.js';
import { KNOWN_FACTS, TAXONOMY, docsFor, rulesFor } from '../../../src/recovery/taxonomy/index.js';
import type { TaxonomyRule } from '../../../src/recovery/taxonomy/index.js';
import { AZURE_CLASS_IDS, LOCAL_CLASS_IDS, REPAIR_IDS } from '../../../src/recovery/types.js';
import type { DeployFailure } from '../../../src/recovery/types.js';
import { redactShapes } from '../../../src/util/redact.js';

const known = new Set<string>(KNOWN_FACTS);

function regexesOf(rule: TaxonomyRule): RegExp[] {
  return [...(rule.match.patterns ?? []), ...(rule.match.about ?? []), ...(rule.facts?.extract ?? [])];
}

function groupNames(re: RegExp): string[] {
  return [...re.source.matchAll(/\(\?<([A-Za-z]\w*)>/g)].map((m) => m[1] ?? '');
}

function exampleFailure(rule: TaxonomyRule, message: string): DeployFailure {
  const m = rule.match;
  const f: DeployFailure = { source: m.sources?.[0] ?? 'azure', message };
  if (m.statusCodes?.[0] !== undefined) f.statusCode = m.statusCodes[0];
  if (m.codes?.[0] !== undefined) f.code = m.codes[0];
  if (m.operations?.[0] !== undefined) f.operation = m.operations[0];
  return f;
}

describe('the taxonomy table', () => {
  it('covers every class id with at least one rule, and only those', () => {
    for (const id of [...LOCAL_CLASS_IDS, ...AZURE_CLASS_IDS]) expect(rulesFor(id).length, id).toBeGreaterThan(0);
    const ids = new Set<string>([...LOCAL_CLASS_IDS, ...AZURE_CLASS_IDS]);
    for (const rule of TAXONOMY) expect(ids.has(rule.id), rule.id).toBe(true);
  });

  it('names only known repairs; local classes local repairs, Azure classes Azure repairs', () => {
    for (const rule of TAXONOMY) {
      if (rule.repair === null) continue;
      expect(REPAIR_IDS).toContain(rule.repair);
      expect(rule.repair.split('.')[0]).toBe(rule.id.split('.')[0]);
    }
  });

  it('uses no stateful regexes (g or y)', () => {
    for (const rule of TAXONOMY) for (const re of regexesOf(rule)) expect(re.flags, `${rule.id} ${re.source}`).not.toMatch(/[gy]/);
  });

  it('produces and uses only known fact names', () => {
    for (const rule of TAXONOMY) {
      for (const re of regexesOf(rule)) for (const g of groupNames(re)) expect(known.has(g), `${rule.id}: group ${g}`).toBe(true);
      if (rule.facts?.fromTarget) expect(known.has(rule.facts.fromTarget.fact)).toBe(true);
      for (const key of Object.keys(rule.match.factIn ?? {})) expect(known.has(key), key).toBe(true);
      for (const m of rule.remediation.matchAll(/\{(\w+)(?:\|[^{}]*)?\}/g)) expect(known.has(m[1] ?? ''), `${rule.id}: {${m[1]}}`).toBe(true);
    }
  });

  it('gives every rule a title, a remediation, a docs anchor per class, and examples', () => {
    for (const rule of TAXONOMY) {
      expect(rule.title.length).toBeGreaterThan(0);
      expect(rule.remediation.length).toBeGreaterThan(20);
      expect(rule.docs).toBe(`recovery.md#${rule.id.replace('.', '-')}`);
      expect(docsFor(rule.id)).toBe(rule.docs);
      expect(rule.examples.length, rule.id).toBeGreaterThan(0);
      // A rule with no structural field would match everything.
      const m = rule.match;
      expect(Boolean(m.codes ?? m.patterns ?? m.statusCodes), rule.id).toBe(true);
    }
  });

  it("classifies each rule's own examples as its class", () => {
    for (const rule of TAXONOMY) {
      for (const example of rule.examples) {
        const hit = matchTaxonomy(exampleFailure(rule, example));
        expect(hit?.rule.id, `${rule.id}: ${example}`).toBe(rule.id);
      }
    }
  });

  it('keeps MySQL before the generic port conflict, and the invalid-template wrapper last', () => {
    const idx = (id: string): number => TAXONOMY.findIndex((r) => r.id === id);
    expect(idx('local.mysql-port-conflict')).toBeLessThan(idx('local.port-conflict'));
    expect(TAXONOMY[TAXONOMY.length - 1]?.id).toBe('azure.invalid-template');
    // Local deadlines come before the Azure 428 rule: a local migration deadline is not "warming".
    expect(idx('local.migration-timeout')).toBeLessThan(idx('azure.migration-warming'));
  });

  it('words nothing the output redactor would mask (a `TOKEN=…` or `user:pass@` in a remediation printed as ***)', () => {
    // Every line the CLI prints goes through src/util/redact.ts: a remediation that looks like an
    // assignment of a secret reaches the user half masked (found by test/integration/cli/network.test.ts).
    for (const rule of TAXONOMY) for (const text of [rule.title, rule.remediation, rule.note ?? '']) expect(redactShapes(text), rule.id).toBe(text);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(TAXONOMY)).toBe(true);
  });
});
