// docs/machines.md and docs/machines/*.svg must match the machines in the code.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { machines } from '../../../machines/index.js';
import { renderMachinesDoc, svgIsFresh, toMermaid } from '../../../src/machines-export/index.js';

const root = new URL('../../../', import.meta.url);
const REGENERATE = 'run `npm run docs:machines` (needs Graphviz `dot` for the pictures: apt-get install graphviz)';

describe('docs/machines.md', () => {
  test('is what the exporter renders from the machines', () => {
    const file = new URL('docs/machines.md', root);
    expect(existsSync(file), `docs/machines.md is missing: ${REGENERATE}`).toBe(true);
    const onDisk = readFileSync(file, 'utf8');
    const fresh = renderMachinesDoc(machines);
    // One line of context on failure is more useful than a 400-line diff.
    const a = onDisk.split('\n');
    const b = fresh.split('\n');
    const first = b.findIndex((line, i) => line !== a[i]);
    expect(onDisk === fresh, `docs/machines.md differs from the code (first at line ${first + 1}: ${JSON.stringify(a[first])} ≠ ${JSON.stringify(b[first])}): ${REGENERATE}`).toBe(true);
  });

  test.each(Object.entries(machines))('shows %s as a Mermaid diagram', (name, machine) => {
    const doc = renderMachinesDoc(machines);
    expect(doc).toContain(`## ${name}\n`);
    expect(doc).toContain('```mermaid\n' + toMermaid(machine));
  });

  test.each(Object.entries(machines))('docs/machines/%s.svg is drawn from the current DOT', (name, machine) => {
    const file = new URL(`docs/machines/${name}.svg`, root);
    expect(existsSync(file), `docs/machines/${name}.svg is missing: ${REGENERATE}`).toBe(true);
    expect(svgIsFresh(readFileSync(file, 'utf8'), machine), `docs/machines/${name}.svg is stale: ${REGENERATE}`).toBe(true);
  });
});
