// A port held through Docker's userland proxy is a container's (issue 17, item 2): with 3306
// published by another stack's MySQL, the report names that container, its compose project, its
// file and the command that stops it — never "a host process (docker-proxy)". Publishes 3306:
// runs in the serial integration project.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadComposeProject } from '../../../src/compose/load.js';
import { openEngine } from '../../../src/engine/client.js';
import { findByAddress } from '../../../src/engine/ps.js';
import { up } from '../../../src/engine/up.js';
import { describeHolderText, describePortHolder, findHostProcess } from '../../../src/recovery/port-holder.js';
import { runCli } from '../../helpers/cli.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { docker, makeTestDir, reportLines, type TestDir } from '../cli/support.js';
import { waitPortsFree } from './support.js';

const engine = openEngine();
let server: ReleaseServer;
let other: TestDir;
let otherFile: string;
let mysqlName: string;
let mysqlIp: string;
const dirs: TestDir[] = [];

beforeAll(async () => {
  server = await startReleaseServer();
  await waitPortsFree([3306]);
  // Another stack in another folder: only its MySQL, publishing 3306 on loopback as the release does.
  other = await makeTestDir('holder-other');
  await mkdir(other.dir, { recursive: true });
  otherFile = path.join(other.dir, 'docker-compose.yml');
  await writeFile(otherFile, `services:\n  mysql:\n    image: ${IMAGES.mysql}\n    ports:\n      - 127.0.0.1:3306:3306\n`);
  const { project } = await loadComposeProject({ dir: other.dir, projectName: other.project });
  await up(engine, project, { signal: AbortSignal.timeout(60_000) });
  const [info] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${other.project}`] } });
  mysqlName = (info?.Names[0] ?? '').replace(/^\//, '');
  mysqlIp = Object.values(info?.NetworkSettings.Networks ?? {})[0]?.IPAddress ?? '';
  expect(mysqlIp).not.toBe('');
});

afterAll(async () => {
  await Promise.all([...dirs, other].map((t) => t.cleanup()));
  await server.close();
});

describe('3306 published by another stack’s container', () => {
  it('on /proc the socket is docker-proxy’s, and its command line names the container address', async () => {
    const proc = await findHostProcess(3306);
    // The engine runs with its userland proxy (the default): otherwise no process holds the port.
    expect(proc?.command).toBe('docker-proxy');
    expect(proc?.proxy).toEqual({ proto: 'tcp', hostIp: '127.0.0.1', hostPort: 3306, containerIp: mysqlIp, containerPort: 3306 });
  });

  it('the proxy resolves to the container, its project, file and stop command when the list does not name it', async () => {
    // An engine list that does not show the mapping (the container still starting, or listed by
    // another client): the address the proxy forwards to still finds the container.
    const holder = await describePortHolder(3306, { findPublishers: () => [], findByAddress: (ip) => findByAddress(engine, ip), exists: existsSync });
    expect(holder).toEqual({ kind: 'container', name: mysqlName, project: other.project, composeFile: otherFile, stopCommand: `docker compose -f "${otherFile}" stop` });
    expect(describeHolderText(holder)).toBe(`in use by container ${mysqlName} of compose project ${other.project} (${otherFile})`);
  });

  it('deploy: Detected names the container, the record its stop command; MySQL is left unpublished', async () => {
    const t = await makeTestDir('holder-mine');
    dirs.push(t);
    const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t.root, env: server.env });
    expect(r.code, r.stderr).toBe(0);
    expect(reportLines(r.stdout)).toEqual([
      `Detected: MySQL port conflict — 3306 (MySQL) is in use by container ${mysqlName} of compose project ${other.project} (${otherFile})`,
      "Repair:   start MySQL without publishing 3306 on the host (DevLake reaches it on the stack's own network)",
      'Retry 1/1: starting the stack again on the default bundle without publishing MySQL',
      'Outcome:  recovered — DevLake is healthy at http://localhost:8080',
    ]);
    const state = JSON.parse(await readFile(path.join(t.dir, '.devlake-local.json'), 'utf8')) as { mysqlUnpublished: boolean; history: { facts: Record<string, unknown> }[] };
    expect(state.mysqlUnpublished).toBe(true);
    expect(state.history[0]?.facts).toMatchObject({ holder: mysqlName, stopCommand: `docker compose -f "${otherFile}" stop` });
  });

  it('doctor names the same container', async () => {
    const t = await makeTestDir('holder-doctor');
    dirs.push(t);
    const r = await runCli(['doctor', '--dir', t.dir], { cwd: t.root, env: server.env, timeoutMs: 60_000 });
    expect(r.stdout).toMatch(new RegExp(`local\\.mysql-port-conflict +port 3306 \\(MySQL\\) is in use by container ${mysqlName} of compose project ${other.project} \\(`));
    expect(r.stdout).not.toContain('docker-proxy');
  });
});

