// startReleaseServer(): release files per version, the latest-release API, 404s and failure knobs.

import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGES, TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { LATEST_RELEASE_PATH, startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';

let server: ReleaseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

interface ComposeFile {
  services: Record<string, { image: string; ports?: string[]; volumes?: string[]; env_file?: string[]; command?: string; depends_on?: string[] }>;
  volumes: Record<string, unknown>;
}

describe('release server', () => {
  it('serves docker-compose.yml with the version in the image tags, and env.example', async () => {
    server = await startReleaseServer();
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.env.DEVLAKE_RELEASE_BASE_URL).toBe(server.baseUrl);

    const compose = await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/docker-compose.yml`);
    expect(compose.status).toBe(200);
    expect(compose.body).not.toContain('{{VERSION}}');
    const doc = parse(compose.body) as ComposeFile;
    expect(Object.keys(doc.services)).toEqual(['mysql', 'grafana', 'devlake', 'config-ui']);
    expect(doc.services.mysql!.image).toBe(IMAGES.mysql);
    expect(doc.services.devlake!.image).toBe(IMAGES.backend(TEST_RELEASE_VERSION));
    expect(doc.services.grafana!.image).toBe(IMAGES.grafana(TEST_RELEASE_VERSION));
    expect(doc.services['config-ui']!.image).toBe(IMAGES.configUi(TEST_RELEASE_VERSION));
    expect(doc.services.devlake!.ports).toEqual(['8080:8080']);
    expect(doc.services.grafana!.ports).toEqual(['3002:3000']);
    expect(doc.services['config-ui']!.ports).toEqual(['4000:4000']);
    expect(doc.services.mysql!.ports).toEqual(['127.0.0.1:3306:3306']);
    expect(doc.services.mysql!.command).toBe('--character-set-server=utf8mb4 --collation-server=utf8mb4_bin --skip-log-bin');
    expect(doc.services.devlake!.env_file).toEqual(['./.env']);
    expect(Object.keys(doc.volumes)).toEqual(['mysql-storage', 'grafana-storage', 'devlake-log']);

    const env = await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/env.example`);
    expect(env.status).toBe(200);
    expect(env.body).toMatch(/^ENCRYPTION_SECRET=$/m);
    expect(env.body).toContain('DB_URL=mysql://merico:merico@mysql:3306/lake?charset=utf8mb4&parseTime=True&loc=UTC');
    expect(env.body).toMatch(/^PORT=8080$/m);
    expect(server.requests).toEqual([`/${TEST_RELEASE_VERSION}/docker-compose.yml`, `/${TEST_RELEASE_VERSION}/env.example`]);
  });

  it('names the latest release in the GitHub API shape and 404s unknown versions', async () => {
    server = await startReleaseServer({ versions: ['v1.0.0', 'v1.0.1'], latest: 'v1.0.1' });
    const latest = await get(`${server.apiUrl}${LATEST_RELEASE_PATH}`);
    expect(latest.status).toBe(200);
    expect(latest.type).toMatch(/application\/json/);
    expect(JSON.parse(latest.body)).toMatchObject({ tag_name: 'v1.0.1' });
    expect((await get(`${server.baseUrl}/v1.0.0/docker-compose.yml`)).body).toContain('devlake:v1.0.0');
    expect((await get(`${server.baseUrl}/v9.9.9/docker-compose.yml`)).status).toBe(404);
    expect((await get(`${server.baseUrl}/v1.0.1/other.yml`)).status).toBe(404);
    server.configure({ latest: 'v1.0.0' });
    expect(JSON.parse((await get(`${server.apiUrl}${LATEST_RELEASE_PATH}`)).body)).toMatchObject({ tag_name: 'v1.0.0' });
  });

  it('serves HTML instead of YAML, fails, drops connections and overrides files on request', async () => {
    server = await startReleaseServer({ html: ['docker-compose.yml'] });
    const html = await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/docker-compose.yml`);
    expect(html.status).toBe(200);
    expect(html.type).toMatch(/text\/html/);
    expect(html.body).toMatch(/^<!DOCTYPE html>/);
    expect((await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/env.example`)).body).toContain('ENCRYPTION_SECRET=');

    server.configure({ html: false, fail: 503 });
    expect((await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/docker-compose.yml`)).status).toBe(503);
    expect((await get(`${server.apiUrl}${LATEST_RELEASE_PATH}`)).status).toBe(503);

    server.configure({ fail: undefined, failLatest: 'reset' });
    await expect(get(`${server.apiUrl}${LATEST_RELEASE_PATH}`)).rejects.toThrow();
    expect((await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/env.example`)).status).toBe(200);

    server.configure({ failLatest: undefined, override: { 'docker-compose.yml': 'services: [broken' } });
    expect((await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/docker-compose.yml`)).body).toBe('services: [broken');
  });

  it('closes promptly, twice', async () => {
    server = await startReleaseServer({ delayMs: 50 });
    expect((await get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/env.example`)).status).toBe(200);
    await server.close();
    await server.close();
    await expect(get(`${server.baseUrl}/${TEST_RELEASE_VERSION}/env.example`)).rejects.toThrow();
  });
});
