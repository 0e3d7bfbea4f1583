import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEY_RULES, checkKeys } from '../../../src/compose/keys.js';
// @ts-expect-error -- a plain ESM script without types; generate() is what `npm run schema:compose` writes.
import { generate } from '../../../scripts/vendor-compose-schema.mjs';
import { composeError } from './helpers.js';

const SCHEMA_DIR = new URL('../../../src/compose/schema/', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('compose-spec.json', SCHEMA_DIR), 'utf8')) as Schema;

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  definitions?: Record<string, Schema>;
}

/** Every key path of the schema: `*` for names (services.web), `[]` for list items. */
function schemaPaths(): string[] {
  const out = new Set<string>();
  const deref = (n: Schema | undefined): Schema | undefined => {
    let node = n;
    while (node?.$ref) node = schema.definitions?.[node.$ref.split('/').pop() ?? ''];
    return node;
  };
  const walk = (n: Schema | undefined, p: string, depth: number): void => {
    const node = deref(n);
    if (!node || depth > 8) return;
    for (const alt of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) walk(alt, p, depth + 1);
    if (node.items) walk(node.items, `${p}[]`, depth + 1);
    for (const [k, v] of Object.entries(node.properties ?? {})) {
      const q = p ? `${p}.${k}` : k;
      out.add(q);
      walk(v, q, depth + 1);
    }
    const named = node.patternProperties?.['^[a-zA-Z0-9._-]+$'];
    if (named) {
      out.add(`${p}.*`);
      walk(named, `${p}.*`, depth + 1);
    }
  };
  walk(schema, '', 0);
  return [...out];
}

describe('the key table (src/compose/keys.ts)', () => {
  const byPath = new Map(KEY_RULES.map((r) => [r.path, r]));

  it('classifies every key of the Compose Specification schema (directly, or through a rejected/ignored parent)', () => {
    const paths = schemaPaths();
    expect(paths.length).toBeGreaterThan(300);
    const unclassified = paths.filter((p) => {
      if (byPath.has(p)) return false;
      // A child of a rejected or ignored key is never reached.
      const parts = p.split('.');
      for (let i = parts.length - 1; i > 0; i--) {
        const parent = byPath.get(parts.slice(0, i).join('.').replace(/\[\]$/, '')) ?? byPath.get(parts.slice(0, i).join('.'));
        if (parent) return parent.class === 'implemented';
      }
      return true;
    });
    expect(unclassified).toEqual([]);
  });

  it('lists each key once, only keys the schema has, and says something for each', () => {
    const paths = new Set(schemaPaths());
    expect(KEY_RULES.filter((r) => !paths.has(r.path)).map((r) => r.path)).toEqual([]);
    expect(new Set(KEY_RULES.map((r) => r.path)).size).toBe(KEY_RULES.length);
    expect(KEY_RULES.filter((r) => r.note.length < 4)).toEqual([]);
  });

  it('never warns-and-ignores a key that changes data, identity, networking or start order', () => {
    const ignored = KEY_RULES.filter((r) => r.class === 'ignored').map((r) => r.path);
    for (const p of ignored) expect(p).not.toMatch(/^services\.\*\.(volumes|networks|image|build|network_mode|ports|depends_on|restart|user)$|\.(external|condition)$|^(volumes|networks|secrets|configs)\.\*(\.name)?$/);
    expect(ignored).toContain('services.*.deploy.placement');
  });

  it('rejects at the key with what to do, warns for ignored keys, skips x- extensions', () => {
    const warnings: string[] = [];
    const locate = (p: readonly (string | number)[]) => ({ file: 'compose.yaml', line: p.length });
    const model = { 'x-common': { whatever: 1 }, services: { web: { image: 'x', 'x-note': 1, deploy: { update_config: { parallelism: 2 } }, develop: { watch: [] } } } };
    checkKeys(model, locate, (at, m) => warnings.push(`${at.line}: ${m}`));
    expect(warnings).toEqual([
      expect.stringMatching(/^4: "services.web.deploy.update_config" is ignored: Swarm only/),
      expect.stringMatching(/^3: "services.web.develop" is ignored: used by `docker compose watch` only/),
    ]);
    const err = composeError(() => checkKeys({ services: { web: { image: 'x', links: ['db'] } } }, locate, () => undefined));
    expect(err.detail).toBe('"services.web.links" is not supported');
    expect(err.hint).toMatch(/reaches the others by name/);
    expect(err.line).toBe(3);
  });
});

describe('the vendored schema', () => {
  it('src/compose/schema/validate.ts is what scripts/vendor-compose-schema.mjs generates from compose-spec.json', () => {
    expect(readFileSync(new URL('validate.ts', SCHEMA_DIR), 'utf8')).toBe((generate as () => string)());
  });
});
