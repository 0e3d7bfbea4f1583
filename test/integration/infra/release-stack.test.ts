// The release fixture's four services, created by hand from the fixture (env_file, environment,
// command, named volumes, one network with service aliases; host ports engine-chosen), all start
// and stay up with the test images, and reach each other by service name.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPOSE_PROJECT_LABEL, removeComposeProject, testProjectName } from '../../helpers/docker-cleanup.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { RELEASE_FIXTURES_DIR, releaseFileText } from '../../helpers/release-server.js';
import { docker, http, waitFor, waitForHttp } from './support.js';

const PROJECT = testProjectName('infra-stack');
afterAll(async () => {
  await removeComposeProject(PROJECT, { volumes: true });
});

interface Service {
  image: string;
  ports?: string[];
  volumes?: string[];
  env_file?: string[];
  environment?: Record<string, string | number>;
  command?: string;
}

function parseEnvFile(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && l.includes('='));
}

async function exec(container: Docker.Container, cmd: string[], timeoutMs = 10_000): Promise<{ code: number; output: string }> {
  const e = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({});
  const out = new PassThrough();
  let output = '';
  out.on('data', (d: Buffer) => (output += d.toString()));
  docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exec ${cmd.join(' ')} took over ${timeoutMs} ms`)), timeoutMs);
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const info = await e.inspect();
  return { code: info.ExitCode ?? -1, output };
}

describe('release fixture with the test images', () => {
  it('starts all four services, which stay up and reach each other by name', async () => {
    const doc = parse(await releaseFileText('docker-compose.yml', TEST_RELEASE_VERSION)) as { services: Record<string, Service> };
    const envFile = parseEnvFile(await fs.readFile(path.join(RELEASE_FIXTURES_DIR, 'env.example'), 'utf8'));
    const labels = (service?: string): Record<string, string> => ({
      [COMPOSE_PROJECT_LABEL]: PROJECT,
      ...(service ? { 'com.docker.compose.service': service } : {}),
    });
    const network = `${PROJECT}_default`;
    await docker.createNetwork({ Name: network, Labels: labels() });

    const hostPorts: Record<string, number> = {};
    const containers: Record<string, Docker.Container> = {};
    for (const [name, svc] of Object.entries(doc.services)) {
      const env = [
        ...(svc.env_file ? envFile : []),
        ...Object.entries(svc.environment ?? {}).map(([k, v]) => `${k}=${v}`),
      ];
      const target = Number((svc.ports?.[0] ?? '').split(':').at(-1));
      const key = `${target}/tcp`;
      const container = await docker.createContainer({
        name: `${PROJECT}-${name}-1`,
        Image: svc.image,
        Env: env,
        ...(svc.command ? { Cmd: svc.command.split(/\s+/).filter(Boolean) } : {}),
        Labels: labels(name),
        ExposedPorts: { [key]: {} },
        HostConfig: {
          NetworkMode: network,
          PortBindings: { [key]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
          Binds: (svc.volumes ?? []).map((v) => `${PROJECT}_${v}`),
        },
        NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [name] } } },
      });
      await container.start();
      const info = await container.inspect();
      hostPorts[name] = Number(info.NetworkSettings.Ports[key]?.[0]?.HostPort);
      containers[name] = container;
    }

    await waitForHttp(`http://127.0.0.1:${hostPorts.devlake}/ping`);
    await waitForHttp(`http://127.0.0.1:${hostPorts.grafana}/api/health`);
    await waitForHttp(`http://127.0.0.1:${hostPorts['config-ui']}/`);
    // apache/incubator-devlake backend/server/api/api.go: /version is registered before the 428
    // middleware (200 while the migration is pending); /plugins sits behind it (428 until done).
    expect((await http(`http://127.0.0.1:${hostPorts.devlake}/version`)).status).toBe(200);
    expect((await http(`http://127.0.0.1:${hostPorts.devlake}/plugins`)).status).toBe(428);

    // config-ui reaches devlake and grafana by service name; devlake reaches mysql.
    const ui = containers['config-ui']!;
    const viaName = await waitFor('config-ui to reach devlake:8080', async () => {
      // /version answers a body before the migration (api.go registers it before the 428 gate); /ping has none.
      const r = await exec(ui, ['wget', '-q', '-O', '-', 'http://devlake:8080/version']);
      return r.code === 0 ? r.output : undefined;
    }, 15_000, 300);
    expect(viaName).toContain('"version"');
    expect((await exec(ui, ['wget', '-q', '-O', '-', 'http://grafana:3000/api/health'])).code).toBe(0);
    expect((await exec(containers.devlake!, ['sh', '-c', 'echo hi | nc mysql 3306 & sleep 1; kill $! 2>/dev/null; true'])).code).toBe(0);

    // Nothing crashed or restarted a second later; the log volume is mounted where LOGGING_DIR says.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const [name, c] of Object.entries(containers)) {
      const info = await c.inspect();
      expect(info.State.Running, name).toBe(true);
      expect(info.RestartCount, name).toBe(0);
    }
    const logs = await exec(containers.devlake!, ['sh', '-c', 'test -d /app/logs && echo "$LOGGING_DIR $PORT $MODE"']);
    expect(logs.output.trim()).toBe('/app/logs 8080 release');
  });
});
