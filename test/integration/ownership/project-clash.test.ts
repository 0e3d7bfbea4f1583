// Issue 18 case 1: two folders with the same name are two deployments. A deploy, stop and cleanup
// from one never touch the containers, networks or volumes whose
// `com.docker.compose.project.working_dir` is the other folder: every byte of the other stack's
// volumes, its container ids and states, and its folder's files are the same after.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { removeComposeProject, testProjectName } from '../../helpers/docker-cleanup.js';
import { derivedProjectName } from '../../../src/devlake/project-identity.js';
import { composeContainers } from '../cli/support.js';
import { hashTree, snapshotProject, writeVolumeData, type ProjectSnapshot } from './support.js';

let server: ReleaseServer;
let root: string;
const name = testProjectName('clash');
let a: string;
let b: string;
let c: string;
let derived: string;

/** Everything of deployment a: its project in the engine and its folder's bytes. */
async function snapshotA(): Promise<{ project: ProjectSnapshot; files: Record<string, string> }> {
  return { project: await snapshotProject(name), files: await hashTree(a) };
}

function deploy(dir: string, extra: string[] = []) {
  return runCli(['deploy', 'local', '--dir', dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60', ...extra], { cwd: root, env: server.env });
}

let before: Awaited<ReturnType<typeof snapshotA>>;

beforeAll(async () => {
  server = await startReleaseServer({ latest: TEST_RELEASE_VERSION });
  root = await mkdtemp(path.join(os.tmpdir(), 'gdl-clash-'));
  a = path.join(root, 'a', name);
  b = path.join(root, 'b', name);
  c = path.join(root, 'c', name);
  derived = derivedProjectName(b);
  const first = await deploy(a);
  expect(first.stderr).not.toContain('error');
  expect(first.code).toBe(0);
  await writeVolumeData(name, 'a');
  before = await snapshotA();
  expect(before.project.containers).toHaveLength(4);
  expect(before.project.volumes).toHaveLength(3);
  expect(before.project.containers.every((x) => x.state === 'running' && x.workingDir === a)).toBe(true);
});

afterAll(async () => {
  await removeComposeProject(name, { volumes: true });
  await removeComposeProject(derived, { volumes: true });
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('two folders with the same name', () => {
  it('deploy from b gets a project of its own, says so, and leaves a exactly as it was', async () => {
    const r = await deploy(b);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain(`Compose project: ${derived}`);
    expect(r.stdout + r.stderr).toContain(`belongs to the deployment in ${a}`);
    // a holds the default bundle's ports: b's deploy falls back to the alternate bundle.
    expect(r.stdout).toContain('http://localhost:8085');
    const state = JSON.parse(await readFile(path.join(b, '.devlake-local.json'), 'utf8')) as Record<string, unknown>;
    expect(state.composeProject).toBe(derived);
    const bContainers = await composeContainers(derived);
    expect(bContainers).toHaveLength(4);
    expect(bContainers.every((x) => x.Labels['com.docker.compose.project.working_dir'] === b)).toBe(true);
    expect(await snapshotA()).toEqual(before);
  });

  it('a re-deploy from b reuses the recorded name', async () => {
    const r = await deploy(b, ['--json']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('Compose project:');
    expect(await snapshotA()).toEqual(before);
  });

  it('stop and cleanup from b act on b only', async () => {
    const stop = await runCli(['stop', '--dir', b], { cwd: root });
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(derived);
    expect((await composeContainers(derived)).every((x) => x.State === 'exited')).toBe(true);
    expect(await snapshotA()).toEqual(before);
    const clean = await runCli(['cleanup', '--local', '--dir', b, '--force'], { cwd: root });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(`volume(s) of ${derived}`);
    expect(await composeContainers(derived)).toEqual([]);
    expect((await snapshotProject(derived)).volumes).toEqual([]);
    expect(await snapshotA()).toEqual(before);
  });

  it('a folder with no record of its own (same name, a compose file, no state) cannot stop or clean up a', async () => {
    await mkdir(c, { recursive: true });
    await copyFile(path.join(a, 'docker-compose.yml'), path.join(c, 'docker-compose.yml'));
    const stop = await runCli(['stop', '--dir', c], { cwd: root });
    expect(stop.code).toBe(1);
    expect(stop.stderr).toContain(`belongs to the deployment in ${a}`);
    const clean = await runCli(['cleanup', '--local', '--dir', c, '--force'], { cwd: root });
    expect(clean.code).toBe(1);
    expect(clean.stderr).toContain(`belongs to the deployment in ${a}`);
    expect(clean.stderr).toContain('nothing was removed');
    expect(await snapshotA()).toEqual(before);
  });

  it('doctor reports the clash and the name a deploy would use', async () => {
    const r = await runCli(['doctor', '--dir', c, '--json'], { cwd: root });
    const doc = JSON.parse(r.stdout) as { checks: { id: string; verdict: string; summary: string; facts: Record<string, unknown> }[] };
    const check = doc.checks.find((x) => x.id === 'local.project-name');
    expect(check?.verdict).toBe('ok');
    expect(check?.summary).toContain(`"${name}" is the compose project of ${a}`);
    expect(check?.facts.project).toBe(derivedProjectName(c));
    // The deployment check looks at c's project, not at a's running containers.
    const deployment = doc.checks.find((x) => x.id === 'local.deployment');
    expect(deployment?.summary).toContain('no deployment in DIR');
    expect(await snapshotA()).toEqual(before);
  });

  it('a COMPOSE_PROJECT_NAME that is a\'s project is refused, nothing changed', async () => {
    const d = path.join(root, 'd', 'other');
    const r = await runCli(['deploy', 'local', '--dir', d, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: root, env: { ...server.env, COMPOSE_PROJECT_NAME: name } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`"${name}"`);
    expect(r.stderr).toContain(`used by the deployment in ${a}`);
    expect(await snapshotA()).toEqual(before);
  });
});
