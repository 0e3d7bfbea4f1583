// Writes docs/compose.md from the key table, src/compose/keys.ts (ESM: package.json has
// "type": "module"; a .js name like gen-recovery-doc.js, for the same lint reason). Run from the
// built output:
//   npm run build && node scripts/gen-compose-doc.js
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMPOSE_DOC_PATH, SCHEMA_COMMIT_PATH, renderComposeDoc } from '../dist/src/compose/doc.js';

const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
writeFileSync(root(COMPOSE_DOC_PATH), renderComposeDoc(readFileSync(root(SCHEMA_COMMIT_PATH), 'utf8').trim()));
console.log(`wrote ${COMPOSE_DOC_PATH}`);
