// Renders docs/compose.md from the key table (keys.ts), so the user docs cannot drift from what
// the loader does. Pure: `scripts/gen-compose-doc.js` writes the file; a unit test compares it
// with this output.
import { KEY_RULES } from './keys.js';
import type { KeyClass, KeyRule } from './keys.js';

export const COMPOSE_DOC_PATH = 'docs/compose.md';
/** The commit of compose-spec/compose-spec the schema was vendored from (scripts/vendor-compose-schema.mjs writes it). */
export const SCHEMA_COMMIT_PATH = 'src/compose/schema/COMMIT';

const CLASS_TEXT: Record<KeyClass, string> = {
  implemented: 'implemented',
  rejected: '**rejected**',
  ignored: 'ignored (warning)',
};

// A `|` in a note would end the table cell.
const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function renderComposeDoc(schemaCommit: string, rules: readonly KeyRule[] = KEY_RULES): string {
  const count = (c: KeyClass): number => rules.filter((r) => r.class === c).length;
  const out = [
    '<!-- Generated from src/compose/keys.ts by `npm run docs:compose`. Do not edit by hand. -->',
    '',
    '# Compose files: every key and what gh-devlake does with it',
    '',
    '`deploy local --source custom` reads your compose files itself and creates the containers through the',
    "Docker Engine API, the way Compose v2 would. Every key of the Compose Specification",
    `(compose-spec/compose-spec at ${schemaCommit.slice(0, 7)}) is in exactly one class:`,
    '',
    `- **implemented** (${count('implemented')}) — it reaches the engine as Compose v2 would make it; the note says where.`,
    `- **rejected** (${count('rejected')}) — the deploy stops before anything is created, at the key's file:line:column, saying what to do instead (exit 3).`,
    `- **ignored** (${count('ignored')}) — a warning, and nothing else: only keys that change nothing on one local engine`,
    '  (Swarm, build caches, `compose watch`, metadata). Never data, identity, networking or start order.',
    '',
    "A key's children follow it unless listed; a rejected or ignored key is not read further. `x-` extensions are",
    "skipped, as Compose skips them. After this table the file is validated against the specification's JSON",
    'schema, so a misspelt key (`enviroment`) or a wrong shape fails at its position too.',
    '',
    'In the paths, `*` is any name (`services.*` is every service) and `[]` is any list item.',
    '',
    '| Key | Class | What it becomes, what to do instead, or why it changes nothing |',
    '|---|---|---|',
    ...rules.map((r) => `| \`${r.path}\` | ${CLASS_TEXT[r.class]} | ${cell(r.note)} |`),
    '',
  ];
  return out.join('\n');
}
