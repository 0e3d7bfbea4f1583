// makeForkRepo(): a clonable git repo with a DevLake-shaped docker-compose-dev.yml whose build
// contexts build FROM the base image and behave like the test images.

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORK_COMPOSE_FILE, FORK_CONTEXTS, makeForkRepo } from '../../helpers/fork-repo.js';
import { IMAGES, buildFromContext } from '../../helpers/images.js';
import { removeComposeProject } from '../../helpers/docker-cleanup.js';
import { INFRA_PROJECT, docker, http, startContainer, waitForHttp, type Started } from './support.js';

const run = promisify(execFile);
let dir: string;
let repo: string;
const tags: string[] = [];
const started: Started[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-test-fork-'));
  repo = await makeForkRepo(dir, { files: { 'docs/NOTE.md': 'extra file\n' } });
});
afterAll(async () => {
  await Promise.all(started.map((c) => c.remove()));
  await removeComposeProject(INFRA_PROJECT, { volumes: true });
  for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

interface DevCompose {
  services: Record<string, { image?: string; build?: { context: string; args?: Record<string, string> }; network_mode?: string; ports?: string[] }>;
}

describe('fork repo', () => {
  it('is a git repo with one commit and a DevLake-shaped docker-compose-dev.yml', async () => {
    expect(repo).toBe(path.join(dir, 'incubator-devlake'));
    const { stdout: log } = await run('git', ['-C', repo, 'log', '--oneline'], { timeout: 10_000 });
    expect(log.trim().split('\n')).toHaveLength(1);
    const { stdout: status } = await run('git', ['-C', repo, 'status', '--porcelain'], { timeout: 10_000 });
    expect(status).toBe('');
    await fs.access(path.join(repo, 'docs', 'NOTE.md'));

    const doc = parse(await fs.readFile(path.join(repo, FORK_COMPOSE_FILE), 'utf8')) as DevCompose;
    expect(Object.keys(doc.services).sort()).toEqual(['authproxy', 'config-ui', 'devlake', 'grafana', 'mysql', 'postgres']);
    expect(doc.services.postgres!.image).toBe('postgres:14.2');
    expect(doc.services.authproxy!.network_mode).toBe('host');
    expect(doc.services.grafana!.build!.context).toBe('grafana/');
    expect(doc.services.devlake!.build!.context).toBe('backend');
    expect(doc.services['config-ui']!.build!.context).toBe('config-ui');
    expect(doc.services.devlake!.image).toBe(IMAGES.backend('latest'));
    expect(doc.services.grafana!.image).toBe(IMAGES.grafana('latest'));
    expect(doc.services['config-ui']!.image).toBe(IMAGES.configUi('latest'));
    for (const context of Object.keys(FORK_CONTEXTS)) {
      const dockerfile = await fs.readFile(path.join(repo, context, 'Dockerfile'), 'utf8');
      expect(dockerfile).toContain(`FROM ${IMAGES.base}`);
      expect(dockerfile).not.toContain('FROM scratch');
    }
    await fs.access(path.join(repo, 'env.example'));
  });

  it('clones over file://', async () => {
    const clone = path.join(dir, 'clone');
    await run('git', ['clone', '-q', `file://${repo}`, clone], { timeout: 30_000 });
    await fs.access(path.join(clone, FORK_COMPOSE_FILE));
    const mode = (await fs.stat(path.join(clone, 'backend', 'handler.sh'))).mode;
    expect(mode & 0o111).not.toBe(0);
  });

  it('builds every context, and the built backend behaves like the test image', async () => {
    for (const context of Object.keys(FORK_CONTEXTS)) {
      const tag = `gdl-test-fork-check/${context}:p${process.pid}`;
      tags.push(tag);
      await buildFromContext(docker, path.join(repo, context), {
        tag,
        buildargs: context === 'backend' ? { HTTPS_PROXY: '', GOPROXY: '' } : {},
        timeoutMs: 60_000,
      });
      const info = await docker.getImage(tag).inspect();
      expect(info.Size).toBeLessThan(5_000_000);
    }
    // The backend needs its MySQL to start (services.Init), as the test image does.
    const mysql = await startContainer(IMAGES.mysql, 3306);
    started.push(mysql);
    const ip = Object.values((await docker.getContainer(mysql.id).inspect()).NetworkSettings.Networks)[0]?.IPAddress;
    const backend = await startContainer(`gdl-test-fork-check/backend:p${process.pid}`, 8080, { env: { MIGRATION_SECONDS: '0', DB_URL: `mysql://merico:merico@${ip}:3306/lake` } });
    started.push(backend);
    await waitForHttp(`${backend.url}/ping`);
    expect((await http(`${backend.url}/plugins`)).status).toBe(428);
    expect((await http(`${backend.url}/proceed-db-migration`)).status).toBe(200);
    expect((await http(`${backend.url}/plugins`)).status).toBe(200);

    const grafana = await startContainer(`gdl-test-fork-check/grafana:p${process.pid}`, 3000);
    started.push(grafana);
    await waitForHttp(`${grafana.url}/api/health`);
  });
});
