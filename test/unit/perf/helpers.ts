// Running the built CLI (dist/) with every loaded module recorded, for the lazy-loading tests.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = path.join(REPO, 'gh-devlake');
const RECORDER = path.join(REPO, 'test', 'unit', 'perf', 'fixtures', 'record-modules.mjs');

export function assertBuilt(): void {
  if (!existsSync(path.join(REPO, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('these tests run the built CLI: run `npm run build` first (npm test does)');
  }
}

export interface Recorded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Resolved module URLs (ES modules) and file names (CommonJS), one per entry. */
  modules: string[];
}

/** Run `node [--import recorder] <args>` with a clean environment plus `env`; bounded. */
export function runRecorded(args: string[], env: Record<string, string> = {}): Recorded {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdl-perf-mods-'));
  const file = path.join(dir, 'modules.txt');
  try {
    const r = spawnSync(process.execPath, ['--import', RECORDER, ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, NO_COLOR: '1', GDL_RECORD_MODULES: file, ...env },
      encoding: 'utf8',
      timeout: 15_000,
    });
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const modules = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' ').pop() ?? '');
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, modules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function azureModules(modules: readonly string[]): string[] {
  return modules.filter((m) => /[\\/]node_modules[\\/]@azure(-rest)?[\\/]|^@azure\//.test(m));
}
