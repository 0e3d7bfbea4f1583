import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPOSE_DOC_PATH, SCHEMA_COMMIT_PATH, renderComposeDoc } from '../../../src/compose/doc.js';
import { KEY_RULES } from '../../../src/compose/keys.js';

const read = (p: string): string => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

describe('docs/compose.md', () => {
  const rendered = renderComposeDoc(read(SCHEMA_COMMIT_PATH).trim());

  it('matches the key table (regenerate with `npm run docs:compose`)', () => {
    expect(read(COMPOSE_DOC_PATH)).toBe(rendered);
  });

  it('states the class of every key, one row each', () => {
    const rows = rendered.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(KEY_RULES.length);
    for (const rule of KEY_RULES) {
      const row = rows.find((l) => l.startsWith(`| \`${rule.path}\` |`));
      expect(row, rule.path).toBeDefined();
      expect(row?.split(' | ')[1], rule.path).toMatch(rule.class === 'rejected' ? /^\*\*rejected\*\*$/ : new RegExp(`^${rule.class}`));
    }
  });

  it('names the spec commit the schema came from', () => {
    expect(rendered).toContain(`compose-spec/compose-spec at ${read(SCHEMA_COMMIT_PATH).trim().slice(0, 7)}`);
  });
});
