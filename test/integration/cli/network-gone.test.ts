// local.recreate-container on the real engine: the stack of an earlier run, stopped, whose network
// was then removed (docker/compose#8539: starting it fails with `network <id> not found`). The
// repair recreates this deployment's own containers, keeps their volumes, and the one retry
// recovers; another project's container that also points at a gone network is left alone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/io/exit-codes.js';
import { runCli } from '../../helpers/cli.js';
import { testProjectName } from '../../helpers/docker-cleanup.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { composeContainers, composeNetworks, composeVolumes, docker, makeTestDir, reportLines, type TestDir } from './support.js';

let server: ReleaseServer;
let t: TestDir;
const other = { project: testProjectName('netgone-other'), network: '', container: '' };

beforeAll(async () => {
  server = await startReleaseServer({ latest: TEST_RELEASE_VERSION });
  t = await makeTestDir('netgone');
});

afterAll(async () => {
  if (other.container) await docker.getContainer(other.container).remove({ force: true }).catch(() => undefined);
  if (other.network) await docker.getNetwork(other.network).remove().catch(() => undefined);
  await t.cleanup();
  await server.close();
});

const deploy = (extra: string[] = []) =>
  runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '120', ...extra], { cwd: t.root, env: server.env, timeoutMs: 200_000 });

async function networkIdOf(name: string): Promise<string> {
  return ((await docker.getNetwork(name).inspect()) as { Id: string }).Id;
}

describe('a stale container of this deployment whose network is gone', () => {
  it('is recreated (ours only, volumes kept) and the deploy recovers in its one retry', async () => {
    const first = await deploy();
    expect(first.code, first.stdout + first.stderr).toBe(EXIT.ok);
    const stop = await runCli(['stop', '--dir', t.dir], { cwd: t.root, timeoutMs: 120_000 });
    expect(stop.code, stop.stdout + stop.stderr).toBe(EXIT.ok);
    const before = await composeContainers(t.project);
    const volumes = await composeVolumes(t.project);
    const [network] = await composeNetworks(t.project);
    const oldNetwork = await networkIdOf(network!);
    await docker.getNetwork(network!).remove();

    // Someone else's container (another compose project) on a network that is gone too.
    const net = await docker.createNetwork({ Name: `${other.project}_default`, Labels: { 'com.docker.compose.project': other.project } });
    other.network = net.id;
    const c = await docker.createContainer({
      name: `${other.project}-web-1`,
      Image: IMAGES.base,
      Cmd: ['sleep', '600'],
      Labels: { 'com.docker.compose.project': other.project, 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'False' },
      HostConfig: { NetworkMode: `${other.project}_default` },
    });
    other.container = c.id;
    await docker.getNetwork(net.id).remove();
    other.network = '';

    const r = await deploy();
    expect(r.code, r.stdout + r.stderr).toBe(EXIT.ok);
    const lines = reportLines(r.stdout);
    expect(lines.map((l) => l.split(/:\s/)[0])).toEqual(['Detected', 'Repair', 'Retry 1/1', 'Outcome']);
    expect(lines[0]).toBe(`Detected: network of an existing container is gone — network ${oldNetwork} not found`);
    expect(lines[1]).toMatch(new RegExp(`^Repair: {3}recreate (?:${t.project}-[\\w-]+-1(?:, )?){4} \\(their network ${oldNetwork.slice(0, 12)} is gone\\); data volumes kept$`));
    expect(lines[3]).toMatch(/^Outcome: {2}recovered — /);

    // New containers, all running, on the project's new network; the same volumes (MySQL's data kept).
    const after = await composeContainers(t.project);
    expect(after.map((x) => x.Labels['com.docker.compose.service']).sort()).toEqual(['config-ui', 'devlake', 'grafana', 'mysql']);
    expect(after.every((x) => x.State === 'running')).toBe(true);
    const oldIds = new Set(before.map((x) => x.Id));
    expect(after.some((x) => oldIds.has(x.Id))).toBe(false);
    expect(await networkIdOf(network!)).not.toBe(oldNetwork);
    expect(await composeVolumes(t.project)).toEqual(volumes);
    // The other project's container is exactly where it was.
    expect(((await docker.getContainer(other.container).inspect()) as { Id: string }).Id).toBe(other.container);
  });

  it('switched off (--no-repair local.recreate-container): declines and says so, nothing removed', async () => {
    const stop = await runCli(['stop', '--dir', t.dir], { cwd: t.root, timeoutMs: 120_000 });
    expect(stop.code).toBe(EXIT.ok);
    const before = (await composeContainers(t.project)).map((x) => x.Id).sort();
    const [network] = await composeNetworks(t.project);
    await docker.getNetwork(network!).remove();
    const r = await deploy(['--no-repair', 'local.recreate-container']);
    expect(r.code).toBe(EXIT.failed);
    const lines = reportLines(r.stdout);
    expect(lines[0]).toMatch(/^Detected: network of an existing container is gone — /);
    expect(lines[1]).toBe('Repair:   none — disabled by --no-repair local.recreate-container');
    expect((await composeContainers(t.project)).map((x) => x.Id).sort()).toEqual(before);
  });
});
