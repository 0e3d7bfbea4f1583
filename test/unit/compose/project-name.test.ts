import { describe, it, expect } from 'vitest';
import { isValidProjectName, normalizeProjectName, resolveProjectName } from '../../../src/compose/project-name.js';
import { composeError, lookupFrom } from './helpers.js';

describe('normalizeProjectName', () => {
  it.each([
    ['My Project.v2', 'myprojectv2'],
    ['_x', 'x'],
    ['-_-a-b_c', 'a-b_c'],
    ['DevLake', 'devlake'],
    ['devlake-1.0.1', 'devlake-101'],
    ['9lives', '9lives'],
    ['Café', 'caf'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeProjectName(raw)).toBe(expected);
    expect(isValidProjectName(expected)).toBe(true);
  });

  it.each(['---', '', '...', '_-_', 'éé'])('%j has nothing left: error hinting COMPOSE_PROJECT_NAME', (raw) => {
    const err = composeError(() => normalizeProjectName(raw));
    expect(err.hint).toContain('COMPOSE_PROJECT_NAME');
  });
});

describe('resolveProjectName', () => {
  const dir = '/work/My Project.v2';

  it('falls back to the normalized directory basename', () => {
    expect(resolveProjectName({ dir })).toBe('myprojectv2');
    expect(resolveProjectName({ dir: '/tmp/x/devlake/' })).toBe('devlake');
  });

  it('precedence: explicit > COMPOSE_PROJECT_NAME > name: > directory', () => {
    const lookup = lookupFrom({ COMPOSE_PROJECT_NAME: 'from-env' });
    expect(resolveProjectName({ dir, topLevelName: 'from-file' })).toBe('from-file');
    expect(resolveProjectName({ dir, lookup, topLevelName: 'from-file' })).toBe('from-env');
    expect(resolveProjectName({ dir, explicit: 'cli', lookup, topLevelName: 'from-file' })).toBe('cli');
    expect(resolveProjectName({ dir, lookup: lookupFrom({ COMPOSE_PROJECT_NAME: '' }), topLevelName: 'from-file' })).toBe('from-file');
  });

  it('rejects a chosen name that is not already valid, suggesting the normalized one', () => {
    const err = composeError(() => resolveProjectName({ dir, topLevelName: 'My App', at: { file: 'compose.yaml', line: 1, column: 7 } }));
    expect(err.detail).toContain('"My App" is not a valid project name');
    expect(err.hint).toContain('"myapp"');
    expect([err.line, err.column]).toEqual([1, 7]);
    const envErr = composeError(() => resolveProjectName({ dir, lookup: lookupFrom({ COMPOSE_PROJECT_NAME: '_bad' }) }));
    expect(envErr.detail).toContain('COMPOSE_PROJECT_NAME');
  });

  it('an unusable directory name is an error', () => {
    expect(composeError(() => resolveProjectName({ dir: '/tmp/---' })).hint).toContain('COMPOSE_PROJECT_NAME');
  });
});
