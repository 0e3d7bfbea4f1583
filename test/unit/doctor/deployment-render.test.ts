import { describe, expect, it } from 'vitest';
import type { LocalContext } from '../../../src/doctor/context.js';
import { decideDeployment, type DeploymentObservation } from '../../../src/doctor/deployment.js';
import { checkLine, renderJson, renderText, resultLine } from '../../../src/doctor/render.js';
import { buildReport } from '../../../src/doctor/verdict.js';
import type { CheckResult } from '../../../src/doctor/types.js';

function ctx(over: Partial<LocalContext> = {}): LocalContext {
  return { dir: '/d', dirKind: 'dir', stateFile: '/d/.devlake-local.json', projectName: 'd', deploy: {}, source: 'official', sourceAssumed: true, plan: { bundle: 'default', mysqlUnpublished: false }, ...over };
}
const STATE = { deployedAt: '2026-01-01T00:00:00Z', method: 'local', endpoints: { backend: 'http://localhost:8085' }, bundle: 'alternate' as const, source: 'fork' as const, status: 'complete' as const };
const backend = (healthy: boolean, status?: number, error?: string) => ({
  name: 'backend' as const,
  url: 'http://localhost:8085',
  healthy,
  state: healthy ? ('healthy' as const) : status === 428 ? ('migrating' as const) : ('unhealthy' as const),
  ...(status !== undefined ? { status } : {}),
  ...(error ? { error } : {}),
});
const running = [
  { name: 'd-mysql-1', service: 'mysql', state: 'running' },
  { name: 'd-devlake-1', service: 'devlake', state: 'running' },
];

describe('decideDeployment', () => {
  it('nothing in DIR: ok, a fresh deploy on the default bundle', () => {
    const r = decideDeployment(ctx(), { containers: [] });
    expect(r).toMatchObject({ id: 'local.deployment', verdict: 'ok', classId: 'local.health-timeout' });
    expect(r.summary).toBe('no deployment in DIR; a deploy starts fresh on the default bundle, source official (assumed: the default --source)');
    expect(decideDeployment(ctx({ dirKind: 'missing' }), {}).summary).toMatch(/does not exist yet; the deploy creates it/);
  });
  it('running and healthy: ok with the bundle in use', () => {
    const c = ctx({ state: STATE, source: 'fork', sourceAssumed: false, plan: { bundle: 'alternate', mysqlUnpublished: false } });
    const r = decideDeployment(c, { containers: running, health: [backend(true, 200)] });
    expect(r.verdict).toBe('ok');
    expect(r.summary).toBe('DevLake runs in DIR (2/2 containers up, alternate bundle) and its backend is healthy at http://localhost:8085');
    expect(r.facts).toMatchObject({ bundle: 'alternate', source: 'fork', stateFile: '/d/.devlake-local.json', containers: 'mysql=running, devlake=running', backendHealth: 'http://localhost:8085 healthy' });
  });
  it('running but the backend does not answer: the health-timeout class, needs you', () => {
    const r = decideDeployment(ctx({ state: STATE }), { containers: running, health: [backend(false, undefined, 'ECONNREFUSED')] });
    expect(r).toMatchObject({ verdict: 'needs-you', classId: 'local.health-timeout' });
    expect(r.remediation).toMatch(/docker compose logs devlake/);
  });
  it('migration pending (428): ok, the deploy triggers it', () => {
    expect(decideDeployment(ctx({ state: STATE }), { containers: running, health: [backend(false, 428)] }).verdict).toBe('ok');
  });
  it('stopped, or recorded without containers: ok', () => {
    const stopped = running.map((c) => ({ ...c, state: 'exited' }));
    expect(decideDeployment(ctx({ state: STATE }), { containers: stopped }).summary).toMatch(/is stopped \(2 containers/);
    expect(decideDeployment(ctx({ state: { ...STATE, status: 'incomplete' } }), { containers: [] }).summary).toMatch(/the last deploy did not finish\); no containers exist, the deploy creates them/);
    expect(decideDeployment(ctx({ state: STATE }), {}).summary).toMatch(/its containers are unknown \(the engine did not answer\)/);
  });
  it('input problems need you and have no class', () => {
    expect(decideDeployment(ctx({ stateError: '/d/.devlake-local.json is not valid JSON (x).' }), {})).toMatchObject({ classId: null, verdict: 'needs-you' });
    const broken = { composeFile: '/d/docker-compose.yml', composeError: '/d/docker-compose.yml:3:1: bad' };
    expect(decideDeployment(ctx({ ...broken, source: 'custom', sourceAssumed: false }), {})).toMatchObject({ classId: null, verdict: 'needs-you' });
    expect(decideDeployment(ctx({ ...broken, source: 'fork', sourceAssumed: false }), {})).toMatchObject({ classId: null, verdict: 'needs-you' });
  });
  it('a compose file the deploy replaces (official) or completes (a fork without .env) is fine', () => {
    const official = decideDeployment(ctx({ composeFile: '/d/docker-compose.yml', composeError: 'bad' }), { containers: [] });
    expect(official.verdict).toBe('ok');
    expect(official.summary).toMatch(/^no deployment in DIR.*; docker-compose\.yml in DIR does not load \(bad\); an official deploy replaces it/);
    const fork = decideDeployment(
      ctx({ source: 'fork', sourceAssumed: false, composeFile: '/d/docker-compose-dev.yml', composeError: '/d/docker-compose-dev.yml:60:7: env file /d/.env not found' }),
      { containers: [] },
    );
    expect(fork.verdict).toBe('ok');
    expect(fork.summary).toMatch(/needs a \.env, which the fork deploy writes from env\.example/);
    expect(decideDeployment(ctx({ dirKind: 'file' }), {})).toMatchObject({ classId: null, verdict: 'needs-you' });
  });
  it('observation without health (engine down, no state) stays ok', () => {
    const o: DeploymentObservation = {};
    expect(decideDeployment(ctx(), o).verdict).toBe('ok');
  });
});

const checks: CheckResult[] = [
  { id: 'local.engine', classId: 'local.docker-unavailable', verdict: 'ok', summary: 'Docker engine 27 answers', facts: {} },
  { id: 'local.port.8080', classId: 'local.port-conflict', verdict: 'auto-repair', summary: 'port 8080 (backend, default bundle) is in use by a host process (pid 7, node)', repair: 'local.alternate-bundle', remediation: 'Free it.', facts: { port: 8080 } },
  { id: 'local.deployment', classId: null, verdict: 'needs-you', summary: 'the state file\ncannot be used', remediation: 'Remove it.', facts: {} },
];

describe('render', () => {
  it('one line per check: tag, class id, summary, then the repair or the remediation', () => {
    expect(checkLine(checks[0]!, 24)).toBe('[ok]   local.docker-unavailable Docker engine 27 answers');
    expect(checkLine(checks[1]!, 24)).toBe(
      '[auto] local.port-conflict      port 8080 (backend, default bundle) is in use by a host process (pid 7, node) — will be repaired automatically: local.alternate-bundle (switch to the alternate port bundle (8085/3004/4004))',
    );
    expect(checkLine(checks[2]!, 24)).toBe('[you]  -                        the state file cannot be used — next: Remove it.');
  });
  it('text: a heading, the lines, skipped checks, the result', () => {
    const lines = renderText(buildReport('/d', checks, [{ id: 'local.disk', reason: 'no engine' }]));
    expect(lines[0]).toBe('gh-devlake doctor: /d');
    expect(lines).toHaveLength(1 + 3 + 1 + 1);
    expect(lines[4]).toMatch(/^\[--\] +- +local\.disk not checked: no engine$/);
    expect(lines.at(-1)).toBe('Result: 1 check needs you before a deploy would succeed (exit 1).');
  });
  it('the result line', () => {
    expect(resultLine(buildReport('/d', checks.slice(0, 2)))).toBe('Result: a deploy would succeed with automatic repair: local.alternate-bundle.');
    expect(resultLine(buildReport('/d', checks.slice(0, 1)))).toBe('Result: a deploy would meet no known failure.');
  });
  it('json: one document with every check', () => {
    const doc = renderJson(buildReport('/d', checks));
    expect(doc).toMatchObject({ ok: false, exitCode: 1, verdict: 'needs-you', dir: '/d' });
    const list = doc.checks as Record<string, unknown>[];
    expect(list).toHaveLength(3);
    expect(list[1]).toEqual({
      id: 'local.port.8080',
      classId: 'local.port-conflict',
      verdict: 'auto-repair',
      summary: checks[1]!.summary,
      repair: 'local.alternate-bundle',
      repairText: 'switch to the alternate port bundle (8085/3004/4004)',
      remediation: 'Free it.',
      facts: { port: 8080 },
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
