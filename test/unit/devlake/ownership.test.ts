// The pure parts of issue 18's ownership rules: project names, compose replacement, .env merge, backups.

import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chooseProjectName, derivedProjectName, foreignDirs, ProjectClashError, type ProjectUsage } from '../../../src/devlake/project-identity.js';
import { composeVerdict, sha256 } from '../../../src/devlake/release-files.js';
import { mergeEnv } from '../../../src/devlake/env-merge.js';
import { backupFile, moveAside } from '../../../src/devlake/backup.js';

const empty = (name: string): ProjectUsage => ({ name, containers: [], networks: [], volumes: [] });
const usedBy = (name: string, dir: string): ProjectUsage => ({ name, containers: [{ id: 'c1', name: `${name}-mysql-1`, state: 'running', workingDir: dir }], networks: [`${name}_default`], volumes: [`${name}_mysql-storage`] });

describe('project names', () => {
  const b = '/srv/b/devlake';
  it('uses the folder name when nobody else does, or when the containers are this folder\'s', async () => {
    expect(await chooseProjectName({ dir: b, composeName: 'devlake', userChosen: false, hasState: false, usage: (n) => Promise.resolve(empty(n)) })).toEqual({ name: 'devlake', origin: 'folder' });
    expect((await chooseProjectName({ dir: b, composeName: 'devlake', userChosen: false, hasState: true, usage: (n) => Promise.resolve(usedBy(n, b)) })).origin).toBe('folder');
  });
  it('derives a stable name when another folder holds the folder name', async () => {
    const id = await chooseProjectName({ dir: b, composeName: 'devlake', userChosen: false, hasState: false, usage: (n) => Promise.resolve((n === 'devlake' ? usedBy(n, '/srv/a/devlake') : empty(n))) });
    expect(id.name).toBe(derivedProjectName(b));
    expect(id.name).toMatch(/^devlake-[0-9a-f]{8}$/);
    expect(id.clash).toEqual({ name: 'devlake', dirs: ['/srv/a/devlake'], unattributed: false });
    expect(derivedProjectName(b)).toBe(derivedProjectName(b + '/'));
    expect(derivedProjectName('/srv/a/devlake')).not.toBe(derivedProjectName(b));
  });
  it('does not take volumes no container claims when the folder has no state file', async () => {
    const orphan = (n: string): ProjectUsage => (n === 'devlake' ? { ...empty(n), volumes: ['devlake_mysql-storage'] } : empty(n));
    expect((await chooseProjectName({ dir: b, composeName: 'devlake', userChosen: false, hasState: false, usage: (n) => Promise.resolve(orphan(n)) })).clash?.unattributed).toBe(true);
    expect((await chooseProjectName({ dir: b, composeName: 'devlake', userChosen: false, hasState: true, usage: (n) => Promise.resolve(orphan(n)) })).origin).toBe('folder');
  });
  it('keeps a recorded or chosen name, and refuses it when another folder uses it', async () => {
    expect((await chooseProjectName({ dir: b, composeName: 'devlake', userChosen: false, recorded: 'mine', hasState: true, usage: (n) => Promise.resolve(empty(n)) })).name).toBe('mine');
    await expect(chooseProjectName({ dir: b, composeName: 'shared', userChosen: true, hasState: false, usage: (n) => Promise.resolve(usedBy(n, '/srv/a/devlake')) })).rejects.toBeInstanceOf(ProjectClashError);
  });
  it('counts a container without the working-dir label as not this folder\'s', () => {
    expect(foreignDirs({ ...empty('x'), containers: [{ id: '1', name: 'x', state: 'running' }] }, b)).toEqual(['(no working dir label)']);
  });
});

describe('replacing docker-compose.yml', () => {
  it('writes over nothing, the same bytes, or the file it recorded writing; nothing else', () => {
    expect(composeVerdict(undefined, 'new', undefined).kind).toBe('absent');
    expect(composeVerdict('new', 'new', undefined).kind).toBe('same');
    expect(composeVerdict('old release', 'new', { source: 'official', composeSha256: sha256('old release') }).kind).toBe('ours');
    expect(composeVerdict('edited', 'new', { source: 'official', composeSha256: sha256('old release') }).kind).toBe('users');
    expect(composeVerdict('mine', 'new', undefined).kind).toBe('users');
    expect(composeVerdict('new', 'new', { source: 'custom' }).kind).toBe('users');
  });
});

describe('.env merge', () => {
  const files = { env: '.env', example: 'env.example' };
  const example = '# comment\nA=1\nB=2\nENCRYPTION_SECRET=\n';
  it('keeps the user\'s bytes, adds what is new, sets a missing secret, ends with a newline', () => {
    const m = mergeEnv('A=9\nOWN=x', example, files, () => 'SECRET');
    expect(m.text.startsWith('A=9\nOWN=x\n')).toBe(true);
    expect(m.text.endsWith('\n')).toBe(true);
    expect(m.added).toEqual(['B', 'ENCRYPTION_SECRET']);
    expect(m.kept).toEqual(['A']);
    expect(m.own).toEqual(['OWN']);
    expect(m.secret).toBe('generated');
    expect(m.text).toContain('B=2\n');
    expect(m.text).toContain('ENCRYPTION_SECRET=SECRET\n');
  });
  it('changes nothing when nothing is new', () => {
    const mine = 'A=9\nB=2\nENCRYPTION_SECRET=KEEP\n';
    expect(mergeEnv(mine, example, files, () => 'NEW')).toMatchObject({ text: mine, changed: false, secret: 'kept' });
  });
  it('a fresh .env is the example with a generated secret', () => {
    expect(mergeEnv(undefined, 'A=1\nENCRYPTION_SECRET=', files, () => 'S').text).toBe('A=1\nENCRYPTION_SECRET=S\n');
  });
});

describe('numbered backups', () => {
  it('never overwrite an older backup; moveAside renames without replacing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gdl-backup-'));
    const f = path.join(dir, '.env');
    await writeFile(f, 'one');
    expect(await backupFile(f)).toBe(`${f}.bak.1`);
    await writeFile(f, 'two');
    expect(await backupFile(f, undefined, 0o600)).toBe(`${f}.bak.2`);
    expect(await readFile(`${f}.bak.1`, 'utf8')).toBe('one');
    expect(await readFile(`${f}.bak.2`, 'utf8')).toBe('two');
    expect(await moveAside(f)).toBe(`${f}.bak.3`);
    expect((await readdir(dir)).sort()).toEqual(['.env.bak.1', '.env.bak.2', '.env.bak.3']);
    expect(await backupFile(f)).toBeUndefined();
  });
});
