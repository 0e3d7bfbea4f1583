// docs/architecture.md walks a failure through the code by file and function name: every file it
// names must exist, and every function it names right after a file must be in that file, so a
// rename that leaves the walk-through stale fails here instead of misleading a reader.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/architecture.md', root), 'utf8');

/** `src/x/y.ts` or `machines/x.ts`, optionally followed by the functions it is said to hold. */
const FILE_THEN_NAMES = /`((?:src|machines)\/[\w./-]+\.ts)`((?:\s+`[A-Za-z_$][\w$.]*`)*)/g;

const mentions: { file: string; names: string[] }[] = [];
for (const m of doc.matchAll(FILE_THEN_NAMES)) {
  const names = [...(m[2] ?? '').matchAll(/`([^`]+)`/g)].map((n) => (n[1] ?? '').split('.')[0] ?? '');
  mentions.push({ file: m[1] ?? '', names });
}

describe('docs/architecture.md', () => {
  test('names files at all (the pattern still reads it)', () => {
    expect(mentions.length).toBeGreaterThan(30);
  });

  test.each(mentions.map((m) => [m.file, m.names] as const))('%s exists and holds %j', (file, names) => {
    const url = new URL(file, root);
    expect(existsSync(url), `${file} is named in docs/architecture.md but does not exist`).toBe(true);
    const text = readFileSync(url, 'utf8');
    for (const name of names) expect(new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(text), `${file} does not contain ${name}`).toBe(true);
  });

  test('every folder the layer table names exists', () => {
    for (const m of doc.matchAll(/`((?:src|machines)\/[\w/-]*\/)`/g)) {
      const folder = (m[1] ?? '').replace('<target>/', '');
      expect(existsSync(new URL(folder, root)), `${folder} is named in docs/architecture.md but does not exist`).toBe(true);
    }
  });
});
