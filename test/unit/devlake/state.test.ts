import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appendHistory, HISTORY_LIMIT, LOCAL_STATE_FILE, parseLocalState, readLocalState, StateFileError, writeLocalState, type LocalState } from '../../../src/devlake/state.js';

// What the Go `gh devlake` writes for a local deploy (field names as its State struct).
const GO_TOOL_STATE = `{
  "deployedAt": "2026-01-10T10:00:00Z",
  "method": "local",
  "endpoints": { "backend": "http://localhost:8080", "grafana": "http://localhost:3002", "configUi": "http://localhost:4000" },
  "connections": [ { "plugin": "github", "connectionId": 1, "name": "GitHub" } ],
  "project": { "name": "p", "blueprintId": 3 }
}`;

describe('state file', () => {
  it('reads the Go tool’s format', () => {
    const s = parseLocalState(GO_TOOL_STATE, 'x.json');
    expect(s.method).toBe('local');
    expect(s.endpoints.backend).toBe('http://localhost:8080');
    expect(s.endpoints.configUi).toBe('http://localhost:4000');
    expect(s.bundle).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['   \n', 'empty'],
    ['{"deployedAt": "x", "endp', 'not-json'],
    ['[1,2]', 'not-object'],
    ['{"method":"local"}', 'missing-field'],
    ['{"schemaVersion": 99, "endpoints": {"backend": "http://x"}}', 'newer-version'],
  ])('rejects %j as %s with the file named', (text, problem) => {
    try {
      parseLocalState(text, '/d/.devlake-local.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StateFileError);
      expect((err as StateFileError).problem).toBe(problem);
      expect((err as StateFileError).message).toContain('/d/.devlake-local.json');
    }
  });

  it('writes atomically with mode 0600 and keeps unknown fields', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gdl-state-'));
    await writeFile(path.join(dir, LOCAL_STATE_FILE), GO_TOOL_STATE);
    await chmod(path.join(dir, LOCAL_STATE_FILE), 0o644);
    const before = await readLocalState(dir);
    await writeLocalState(dir, { ...before!, bundle: 'alternate' });
    const file = path.join(dir, LOCAL_STATE_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const after = JSON.parse(await readFile(file, 'utf8')) as LocalState;
    expect(after.bundle).toBe('alternate');
    expect(after.connections).toEqual([{ plugin: 'github', connectionId: 1, name: 'GitHub' }]);
    expect(after.schemaVersion).toBe(1);
  });

  it('returns undefined when there is no state file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gdl-state-'));
    expect(await readLocalState(dir)).toBeUndefined();
  });

  it('caps the history', () => {
    let s: LocalState = { deployedAt: 'x', method: 'local', endpoints: { backend: 'b' } };
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
      s = appendHistory(s, { at: String(i), flow: 'deploy-local', classId: 'unknown', facts: {}, repair: null, attempts: 1, outcome: 'failed', detail: '' });
    }
    expect(s.history).toHaveLength(HISTORY_LIMIT);
    expect(s.history?.[0]?.at).toBe('5');
  });
});
