// Writes docs/recovery.md from the taxonomy table (ESM: package.json has "type": "module").
// A .js name on purpose: eslint ignores **/*.js, while an .mjs file would fail `npm run lint`
// (not in any tsconfig). Run from the built output:
//   npm run build && node scripts/gen-recovery-doc.js
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RECOVERY_DOC_PATH, renderRecoveryDoc } from '../dist/src/recovery/doc.js';

const target = fileURLToPath(new URL(`../${RECOVERY_DOC_PATH}`, import.meta.url));
writeFileSync(target, renderRecoveryDoc());
console.log(`wrote ${RECOVERY_DOC_PATH}`);
