// docs/reliability.md and the tests cannot drift: every row names a test that exists in the
// reliability test files, every reliability test has a row, and every exit code is a documented one.

import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../../src/io/exit-codes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = path.join(ROOT, 'docs', 'reliability.md');
const TEST_DIRS = ['test/integration/reliability', 'test/unit/reliability'];
/** Test names that are rows; other tests in these files are helpers' own checks. */
const ROW_PREFIX = /^(input|fault|secrets|property|unit): /;
const BOUNDS = 'Bounds';

function allTestFiles(dir = path.join(ROOT, 'test')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allTestFiles(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
  );
}

export interface Row {
  section: string;
  cells: string[];
  test: string;
}

/** The rows of every table in the doc, with the test each names (the last cell, in backticks). */
export function tableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  let section = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    // Cells split on '|' outside backticks (a command in a cell may hold one).
    const cells: string[] = [];
    let cur = '';
    let code = false;
    for (const ch of line.slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)) {
      if (ch === '`') code = !code;
      if (ch === '|' && !code) {
        cells.push(cur.trim());
        cur = '';
      } else cur += ch;
    }
    cells.push(cur.trim());
    const last = cells.at(-1) ?? '';
    if (last === 'Test') continue; // header
    rows.push({ section, cells, test: /^`(.+)`$/.exec(last)?.[1] ?? last });
  }
  return rows;
}

/** Test titles declared in a file: it('…'), it("…"), it.skipIf(…)('…'). */
export function testTitles(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/\bit(?:\.skipIf\([^)]*\))?\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*,/g)) out.push((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

function reliabilityTests(): Map<string, string> {
  const byName = new Map<string, string>();
  for (const dir of TEST_DIRS) {
    for (const f of readdirSync(path.join(ROOT, dir)).filter((n) => n.endsWith('.test.ts'))) {
      for (const title of testTitles(readFileSync(path.join(ROOT, dir, f), 'utf8'))) byName.set(title, `${dir}/${f}`);
    }
  }
  return byName;
}

describe('docs/reliability.md', () => {
  it('docs: every row of docs/reliability.md names a test that exists', () => {
    const all = tableRows(readFileSync(DOC, 'utf8'));
    // The Bounds table has its own columns and names tests anywhere under test/ (checked below).
    const rows = all.filter((r) => r.section !== BOUNDS);
    const tests = reliabilityTests();
    expect(rows.length).toBeGreaterThan(30);
    // Every row's test exists, under exactly that name.
    const missing = rows.filter((r) => !tests.has(r.test)).map((r) => `${r.section}: ${r.test}`);
    expect(missing).toEqual([]);
    // Every row test has a row, and only one.
    const named = rows.map((r) => r.test);
    expect(named.filter((n, i) => named.indexOf(n) !== i)).toEqual([]);
    const unlisted = [...tests.keys()].filter((t) => ROW_PREFIX.test(t) && !named.includes(t));
    expect(unlisted).toEqual([]);
    // Five columns; the exit code is one we document (or a dash where it does not apply).
    const codes = new Set<string>(Object.values(EXIT).map(String));
    for (const r of rows) {
      expect(r.cells, r.test).toHaveLength(5);
      const exit = r.cells[2] ?? '';
      expect(exit === '—' || exit.startsWith('as the ') || exit.split(/\s*\(|\s*\/\s*/)[0]?.split(/,\s*/).every((c) => codes.has(c)), `${r.test}: exit "${exit}"`).toBe(true);
    }
  });

  it('docs: every row of the Bounds table names a file that exists and a test that exists (or none)', () => {
    const rows = tableRows(readFileSync(DOC, 'utf8')).filter((r) => r.section === BOUNDS);
    expect(rows.length).toBeGreaterThan(25);
    const titles = new Set(allTestFiles().flatMap((f) => testTitles(readFileSync(f, 'utf8'))));
    for (const r of rows) {
      expect(r.cells, r.test).toHaveLength(5);
      for (const m of (r.cells[1] ?? '').matchAll(/`((?:src|machines)\/[^` ]+\.ts)`/g)) expect(existsSync(path.join(ROOT, m[1] ?? '')), `${r.cells[0]}: ${m[1]}`).toBe(true);
      expect(r.cells[1], r.cells[0]).toMatch(/`(src|machines)\//);
      if (r.test !== '—') expect(titles.has(r.test), `${r.cells[0]}: no test named "${r.test}"`).toBe(true);
    }
  });

  it('parses tables with pipes inside code', () => {
    expect(tableRows('## S\n| a | b |\n|---|---|\n| `x | y` | `t` |\n').map((r) => [r.cells, r.test])).toEqual([[['a', 'b'], 'b'], [['`x | y`', '`t`'], 't']]);
    expect(testTitles(`it('a: b', x); it.skipIf(!M)("c's d", y); it('e \\'f\\'', z)`)).toEqual(['a: b', "c's d", "e 'f'"]);
  });
});
