// One list of compose's default file names (src/compose/file-names.ts), in compose-go's order: the
// loader, the local commands' findComposeFile and the port holder's working-dir fallback agree on
// which file a folder's compose project is.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_COMPOSE_FILES } from '../../../src/compose/file-names.js';
import { loadComposeProject } from '../../../src/compose/load.js';
import { findComposeFile } from '../../../src/devlake/local-project.js';
import { FORK_COMPOSE_FILE } from '../../../src/devlake/fork.js';
import { describePortHolder } from '../../../src/recovery/port-holder.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(files: readonly string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gdl-names-'));
  dirs.push(dir);
  for (const f of files) await writeFile(path.join(dir, f), 'services:\n  web:\n    image: busybox\n');
  return dir;
}

describe('compose file names', () => {
  it('compose-go order: compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml', () => {
    expect(DEFAULT_COMPOSE_FILES).toEqual(['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']);
  });

  // Every pair of names: the loader, findComposeFile and the port holder pick the same one.
  for (const [i, first] of DEFAULT_COMPOSE_FILES.entries()) {
    for (const second of DEFAULT_COMPOSE_FILES.slice(i + 1)) {
      it(`${first} and ${second} in one folder: ${first} everywhere`, async () => {
        const dir = await folder([second, first]);
        const { project } = await loadComposeProject({ dir, env: {} });
        expect(project.configFiles).toEqual([path.join(dir, first)]);
        expect(findComposeFile(dir)).toBe(path.join(dir, first));
        const holder = await describePortHolder(8080, { findPublishers: () => [{ name: 'x-web-1', workingDir: dir }], exists: existsSync });
        expect(holder).toMatchObject({ kind: 'container', composeFile: path.join(dir, first) });
      });
    }
  }

  it("a fork's compose file only when no default-named one is there", async () => {
    expect(findComposeFile(await folder([FORK_COMPOSE_FILE]))).toMatch(new RegExp(`${FORK_COMPOSE_FILE.replace('.', '\\.')}$`));
    expect(findComposeFile(await folder([FORK_COMPOSE_FILE, 'docker-compose.yml']))).toMatch(/[/\\]docker-compose\.yml$/);
  });
});
