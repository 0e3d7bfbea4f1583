// The grafana, config-ui and mysql stand-ins start with the release compose settings and answer.

import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { removeComposeProject } from '../../helpers/docker-cleanup.js';
import { INFRA_PROJECT, docker, http, startContainer, waitFor, waitForHttp, type Started } from './support.js';

const started: Started[] = [];
afterAll(async () => {
  await Promise.all(started.map((c) => c.remove()));
  await removeComposeProject(INFRA_PROJECT, { volumes: true });
});

function echo(port: number, text: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no echo from ${port} within ${timeoutMs} ms (got ${JSON.stringify(got)})`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (d) => {
      got += d.toString();
      if (got.includes(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('grafana, config-ui and mysql stand-ins', () => {
  it('grafana serves index.html and /api/health on 3000', async () => {
    const c = await startContainer(IMAGES.grafana(TEST_RELEASE_VERSION), 3000, {
      env: { GF_SERVER_ROOT_URL: 'http://localhost:4000/grafana', GF_USERS_DEFAULT_THEME: 'light', MYSQL_URL: 'mysql:3306', TZ: 'UTC' },
    });
    started.push(c);
    await waitForHttp(`${c.url}/api/health`);
    const health = await http(`${c.url}/api/health`);
    expect(JSON.parse(health.body)).toMatchObject({ database: 'ok' });
    const index = await http(`${c.url}/`);
    expect(index.status).toBe(200);
    expect(index.body).toContain('<html');
    expect((await http(`${c.url}/nope`)).status).toBe(404);
  });

  it('config-ui serves index.html on 4000, also as :latest', async () => {
    for (const image of [IMAGES.configUi(TEST_RELEASE_VERSION), IMAGES.configUi('latest')]) {
      const c = await startContainer(image, 4000, { env: { DEVLAKE_ENDPOINT: 'devlake:8080', GRAFANA_ENDPOINT: 'grafana:3000' } });
      started.push(c);
      await waitForHttp(`${c.url}/`);
      expect((await http(`${c.url}/`)).body).toContain('Config UI');
    }
  });

  it('mysql accepts TCP on 3306 with the compose command flags and a data volume', async () => {
    const c = await startContainer(IMAGES.mysql, 3306, {
      env: { MYSQL_ROOT_PASSWORD: 'admin', MYSQL_DATABASE: 'lake', MYSQL_USER: 'merico', MYSQL_PASSWORD: 'merico', TZ: 'UTC' },
      cmd: ['--character-set-server=utf8mb4', '--collation-server=utf8mb4_bin', '--skip-log-bin'],
      volumes: { [`${INFRA_PROJECT}_mysql-storage`]: '/var/lib/mysql' },
    });
    started.push(c);
    const got = await waitFor('mysql stand-in to echo', () => echo(c.port, 'hello\n', 2_000), 20_000, 200);
    expect(got).toContain('hello');
    const info = await docker.getContainer(c.id).inspect();
    expect(info.State.Running).toBe(true);
  });

  it('every devlake image stops within a few seconds on SIGTERM', async () => {
    const images: [string, number][] = [
      [IMAGES.grafana(TEST_RELEASE_VERSION), 3000],
      [IMAGES.configUi(TEST_RELEASE_VERSION), 4000],
      [IMAGES.mysql, 3306],
    ];
    for (const [image, port] of images) {
      const c = await startContainer(image, port);
      started.push(c);
      const t0 = Date.now();
      await docker.getContainer(c.id).stop({ t: 10 });
      expect(Date.now() - t0, image).toBeLessThan(5_000);
    }
  });
});
