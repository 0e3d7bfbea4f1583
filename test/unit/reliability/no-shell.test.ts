// "Nothing we run is assembled from strings into a shell": a scan of src/ for every child process.
// Each one is started with an argument vector (never exec/execSync, never `shell: true`, never a
// command line built with a template or `+`), and only from the files known to need one.
// Row of docs/reliability.md ("Secrets").

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Who may start a process, and why. A new entry here is a reviewed decision. */
const ALLOWED: Record<string, string> = {
  'devlake/fork.ts': 'git clone/fetch for --source fork (argv, `--` before the URL)',
  'azure/login.ts': 'the interactive `az login` repair (argv, shell: false)',
  'io/inspect.ts': 'opening the inspector page in a browser',
  'doctor/netsh.ts': 'netsh on Windows, read-only',
  'cli/main.ts': "hands commander the module on first use; starts nothing (commander's executable subcommands are unused)",
};

function sources(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(path.join(dir, r)).isDirectory() ? sources(dir, r) : r.endsWith('.ts') ? [r] : [];
  });
}

describe('child processes', () => {
  it('secrets: no child process is started through a shell', () => {
    const users: string[] = [];
    for (const rel of sources(SRC)) {
      const text = readFileSync(path.join(SRC, rel), 'utf8');
      if (!/from 'node:child_process'|(require|import)\(['"](node:)?child_process['"]\)/.test(text)) continue;
      users.push(rel);
      const where = `src/${rel}`;
      // exec/execSync always go through a shell.
      expect(text, where).not.toMatch(/(?<![.\w])exec(Sync)?\s*\(/);
      expect(text, where).not.toMatch(/import\s*\{[^}]*\bexec(Sync)?\b[^}]*\}\s*from 'node:child_process'/);
      expect(text, where).not.toMatch(/shell:\s*(true|[^f\s,}])/);
      // The program is a name or a literal, and its arguments an array — not a command line.
      for (const m of text.matchAll(/\b(spawn|spawnSync|execFile|execFileSync)\s*\(\s*([^,]+),\s*([^,]+)/g)) {
        const [, , program, args] = m;
        expect(program, `${where}: ${m[0]}`).not.toMatch(/[`+]/);
        expect(args?.trim(), `${where}: ${m[0]}`).toMatch(/^(\[|[A-Za-z_][\w.]*$)/);
      }
    }
    expect(users.sort()).toEqual(Object.keys(ALLOWED).sort());
  });
});
