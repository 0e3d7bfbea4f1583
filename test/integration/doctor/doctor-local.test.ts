// `gh-devlake doctor` against the real Docker engine: the well-known ports held by a host process,
// by another compose project's container, by this deployment's own container; the engine
// unreachable. The command function is driven directly (and the built CLI once main.ts wires it).
// Everything a test starts is released in `finally`/afterEach, also when an assertion fails.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../../src/cli/commands/doctor.js';
import type { GlobalIo } from '../../../src/cli/main.js';
import type { ComposeProject, ServiceSpec } from '../../../src/compose/model.js';
import { openEngine } from '../../../src/engine/client.js';
import { up } from '../../../src/engine/up.js';
import { runCli } from '../../helpers/cli.js';
import { removeComposeProject, testProjectName } from '../../helpers/docker-cleanup.js';
import { holdPort, type HeldPort } from '../../helpers/hold-port.js';
import { IMAGES } from '../../helpers/images.js';
import { WELL_KNOWN_PORTS, assertWellKnownPortsFree } from './support.js';
import type { CheckResult } from '../../../src/doctor/types.js';

const WELL_KNOWN = WELL_KNOWN_PORTS;

/** A check as `--json` prints it: the product's own type. */
type Check = CheckResult;
interface Doc {
  ok: boolean;
  exitCode: number;
  verdict: string;
  dir: string;
  checks: Check[];
  skipped: { id: string; reason: string }[];
}

/** Run the command function as main.ts will: captured stdout/stderr, an environment of our choosing. */
async function doctor(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    env: { ...env, NO_COLOR: '1' },
  } as unknown as GlobalIo;
  const code = await doctorCommand(io)(flags);
  return { code, stdout, stderr };
}

async function doctorJson(dir: string, env?: NodeJS.ProcessEnv): Promise<{ code: number; doc: Doc }> {
  const r = await doctor({ dir, json: true }, env);
  return { code: r.code, doc: JSON.parse(r.stdout) as Doc };
}

function check(doc: Doc, id: string): Check {
  const c = doc.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${doc.checks.map((x) => x.id).join(', ')}`);
  return c;
}

const tmpDirs: string[] = [];
async function tmpDir(slug: string): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), `gdl-doctor-${slug}-`));
  tmpDirs.push(d);
  return d;
}

const held: HeldPort[] = [];
const projects: string[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((h) => h.release()));
  for (const p of projects.splice(0)) await removeComposeProject(p);
});
afterAll(async () => {
  for (const d of tmpDirs) await fs.rm(d, { recursive: true, force: true });
});

// These tests own the well-known ports while they run (integration files run one at a time).
beforeAll(assertWellKnownPortsFree);

function service(name: string, ports: [number, number][], command: string[] = ['sleep', '3600']): ServiceSpec {
  return {
    name,
    image: IMAGES.base,
    command,
    environment: {},
    ports: ports.map(([published, target]) => ({ hostIp: '', published, target, protocol: 'tcp' })),
    volumes: [],
    dependsOn: [],
    labels: {},
  };
}

/** Start a small compose project (label-compatible with Docker Compose) whose compose file exists on disk. */
async function startProject(name: string, services: ServiceSpec[], dir: string, composeText = 'services: {}\n'): Promise<ComposeProject> {
  const file = path.join(dir, 'compose.yml');
  await fs.writeFile(file, composeText);
  const project: ComposeProject = { name, workingDir: dir, configFiles: [file], services, volumes: [] };
  projects.push(name);
  await up(openEngine(), project, { signal: AbortSignal.timeout(120_000) });
  return project;
}

describe('doctor (local) on the real engine', () => {
  it('nothing in the way: every check ok, exit 0', async () => {
    const dir = await tmpDir('clean');
    const { code, doc } = await doctorJson(dir);
    expect(code, JSON.stringify(doc, null, 2)).toBe(0);
    expect(doc.verdict).toBe('ok');
    expect(check(doc, 'local.engine')).toMatchObject({ verdict: 'ok', classId: 'local.docker-unavailable' });
    expect(check(doc, 'local.engine').facts.endpoint).toMatch(/^unix:\/\//);
    expect(typeof check(doc, 'local.engine').facts.version).toBe('string');
    for (const p of WELL_KNOWN) expect(check(doc, `local.port.${p}`).verdict).toBe('ok');
    expect(check(doc, 'local.disk').verdict).toBe('ok');
    expect(check(doc, 'local.images').verdict).toBe('ok');
  });

  it('8080 held by a host process: the alternate bundle will be used (auto), exit 0, and who holds it', async () => {
    const h = await holdPort(8080);
    held.push(h);
    const dir = await tmpDir('hostproc');
    const { code, doc } = await doctorJson(dir);
    expect(code, JSON.stringify(doc.checks, null, 2)).toBe(0);
    const c = check(doc, 'local.port.8080');
    expect(c).toMatchObject({ classId: 'local.port-conflict', verdict: 'auto-repair', repair: 'local.alternate-bundle' });
    expect(c.facts).toMatchObject({ holderKind: 'process', holderPid: h.pid, port: 8080, role: 'backend', bundle: 'default' });
    expect(c.summary).toContain(`in use by a host process (pid ${h.pid}`);
    expect(doc.verdict).toBe('auto-repair');

    // The text form: one line per check, the tag, the class id, the repair.
    const text = await doctor({ dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\[auto\] +local\.port-conflict +port 8080 \(backend, default bundle\) is in use by a host process .* will be repaired automatically: local\.alternate-bundle/m);
    expect(text.stdout).toMatch(/^Result: a deploy would succeed with automatic repair: local\.alternate-bundle\.$/m);
  });

  it('8080 and 8085 held: the fallback cannot help, needs you, exit 1', async () => {
    held.push(await holdPort(8080), await holdPort(8085));
    const dir = await tmpDir('bothbundles');
    const { code, doc } = await doctorJson(dir);
    expect(code).toBe(1);
    const c = check(doc, 'local.port.8080');
    expect(c.verdict).toBe('needs-you');
    expect(c.summary).toMatch(/the alternate bundle is busy too \(8085 is in use by a host process/);
    expect(c.remediation).toMatch(/Free it/);
    expect(check(doc, 'local.port.8085').verdict).toBe('ok');
  });

  it('a custom deployment with 8080 held: no automatic repair, exit 1', async () => {
    held.push(await holdPort(8080));
    const dir = await tmpDir('custom');
    await fs.writeFile(
      path.join(dir, '.devlake-local.json'),
      JSON.stringify({ schemaVersion: 1, deployedAt: '2026-01-01T00:00:00Z', method: 'local', endpoints: { backend: 'http://localhost:8080' }, bundle: 'default', source: 'custom', status: 'complete' }),
    );
    // doctor predicts the deploy it is given the flags of: `deploy local --source custom`.
    const r = await doctor({ dir, json: true, source: 'custom' });
    const { code } = r;
    const doc = JSON.parse(r.stdout) as Doc;
    expect(code).toBe(1);
    expect(check(doc, 'local.port.8080')).toMatchObject({ verdict: 'needs-you', classId: 'local.port-conflict', repair: 'local.alternate-bundle' });
    expect(check(doc, 'local.port.8080').facts.declined).toMatch(/custom deploys keep your ports/);
    expect(check(doc, 'local.deployment').facts).toMatchObject({ source: 'custom', sourceAssumed: false, bundle: 'default' });
    // Without --source the deploy is official, and it stops on the state file's custom record.
    const plain = await doctorJson(dir);
    expect(check(plain.doc, 'local.compose-file')).toMatchObject({ verdict: 'needs-you' });
    expect(check(plain.doc, 'local.compose-file').remediation).toContain('--source custom');
  });

  it("another compose project's container publishes 8080 and 3306: named with its project and file; both repaired in the one retry", async () => {
    const otherDir = await tmpDir('other');
    const name = testProjectName('doctor-other');
    await startProject(name, [service('web', [[8080, 80]]), service('db', [[3306, 3306]])], otherDir);
    const dir = await tmpDir('victim');
    const { code, doc } = await doctorJson(dir);

    const web = check(doc, 'local.port.8080');
    expect(web).toMatchObject({ classId: 'local.port-conflict', verdict: 'auto-repair', repair: 'local.alternate-bundle' });
    expect(web.facts).toMatchObject({ holderKind: 'container', holder: `${name}-web-1`, holderProject: name, holderComposeFile: path.join(otherDir, 'compose.yml') });
    expect(web.summary).toContain(`in use by container ${name}-web-1 of compose project ${name} (${path.join(otherDir, 'compose.yml')})`);
    const db = check(doc, 'local.port.3306');
    expect(db).toMatchObject({ classId: 'local.mysql-port-conflict', verdict: 'auto-repair', repair: 'local.unpublish-mysql' });
    expect(db.facts).toMatchObject({ holderKind: 'container', holder: `${name}-db-1` });
    expect(code).toBe(0);
  });

  it('3306 and 8080 held, the alternate bundle busy too: the one repair step declines, both need you', async () => {
    held.push(await holdPort(8080), await holdPort(3306), await holdPort(3004));
    const { code, doc } = await doctorJson(await tmpDir('blocked'));
    expect(code).toBe(1);
    expect(check(doc, 'local.port.8080')).toMatchObject({ verdict: 'needs-you', facts: { fallbackBlocked: true } });
    expect(check(doc, 'local.port.3306').verdict).toBe('needs-you');
    expect(check(doc, 'local.port.3306').summary).toMatch(/one step, which declines because the alternate bundle is busy/);
  });

  it("another project's container on 3002 only: automatic, exit 0", async () => {
    const otherDir = await tmpDir('other2');
    const name = testProjectName('doctor-grafana');
    await startProject(name, [service('grafana', [[3002, 3000]])], otherDir);
    const { code, doc } = await doctorJson(await tmpDir('victim2'));
    expect(code).toBe(0);
    expect(check(doc, 'local.port.3002')).toMatchObject({ verdict: 'auto-repair', repair: 'local.alternate-bundle', facts: { holderProject: name } });
  });

  it("this deployment's own running stack: its ports are not a conflict, and it is healthy", async () => {
    const dir = await tmpDir('own');
    const name = testProjectName('doctor-own');
    // A backend stand-in that answers /ping (busybox httpd), published on 8080 like DevLake's.
    const backend = service('devlake', [[8080, 8080]], ['sh', '-c', 'mkdir -p /www && echo pong > /www/ping && exec httpd -f -p 8080 -h /www']);
    await startProject(name, [backend], dir, `name: ${name}\nservices:\n  devlake:\n    image: ${IMAGES.base}\n    ports: ["8080:8080"]\n`);
    const { doc } = await doctorJson(dir);
    const port = check(doc, 'local.port.8080');
    expect(port.verdict).toBe('ok');
    expect(port.summary).toMatch(/held by this deployment/);
    const dep = check(doc, 'local.deployment');
    expect(dep.facts.project).toBe(name);
    // The backend may need a moment to listen: accept healthy, or ask again once.
    let deployment = dep;
    if (deployment.verdict !== 'ok') deployment = check((await doctorJson(dir)).doc, 'local.deployment');
    expect(deployment.verdict, deployment.summary).toBe('ok');
    expect(deployment.summary).toMatch(/runs in DIR .* healthy at http:\/\/localhost:8080/);
    expect(check(doc, 'local.image.devlake')).toMatchObject({ verdict: 'ok', facts: { present: true, image: IMAGES.base } });
  });

  it('the engine unreachable (DOCKER_HOST=unix:///nonexistent.sock): local.docker-unavailable, needs you, exit 1', async () => {
    const dir = await tmpDir('noengine');
    const { code, doc } = await doctorJson(dir, { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' });
    expect(code).toBe(1);
    const e = check(doc, 'local.engine');
    expect(e).toMatchObject({ classId: 'local.docker-unavailable', verdict: 'needs-you' });
    expect(e.facts).toMatchObject({ endpoint: 'unix:///nonexistent.sock', endpointSource: 'DOCKER_HOST' });
    expect(e.remediation).toMatch(/The Docker engine is not reachable at \/nonexistent\.sock/);
    expect(doc.skipped.map((s) => s.id).sort()).toEqual(['local.disk', 'local.images']);
    // Ports are still bind-tested.
    expect(check(doc, 'local.port.8080').verdict).toBe('ok');
  });
});

// The built CLI.
describe('gh-devlake doctor (built CLI)', () => {
  it('a held port: text lines, exit 0; --json: one document', async () => {
    const h = await holdPort(4000);
    held.push(h);
    const dir = await tmpDir('cli');
    const text = await runCli(['doctor', '--dir', dir], { cwd: dir, timeoutMs: 60_000 });
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^\[auto\] +local\.port-conflict +port 4000 \(config UI, default bundle\)/m);
    const json = await runCli(['doctor', '--dir', dir, '--json'], { cwd: dir, timeoutMs: 60_000 });
    const doc = JSON.parse(json.stdout) as Doc;
    expect(check(doc, 'local.port.4000').facts.holderPid).toBe(h.pid);
  });

  it('engine unreachable: exit 1', async () => {
    const dir = await tmpDir('cli-noengine');
    const r = await runCli(['doctor', '--dir', dir], { cwd: dir, env: { DOCKER_HOST: 'unix:///nonexistent.sock' }, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\[you\] +local\.docker-unavailable /m);
  });

  it('usage: Azure flags without --azure → exit 2', async () => {
    const dir = await tmpDir('cli-usage');
    const r = await runCli(['doctor', '--dir', dir, '--resource-group', 'rg'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
  });
});
