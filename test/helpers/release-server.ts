// A stand-in for DevLake's release downloads and the GitHub "latest release" API, on loopback.
//   GET /<version>/docker-compose.yml   fixture with {{VERSION}} replaced
//   GET /<version>/env.example          fixture
//   GET /repos/apache/incubator-devlake/releases/latest   {"tag_name": "<latest>", ...}
// Plain HTTP, or HTTPS with a given certificate (the proxy tests tunnel to it with CONNECT, as to
// github.com). `rateLimited` answers the API as GitHub does once its primary limit is used up.
// Point the product at it with `env(server)`: DEVLAKE_RELEASE_BASE_URL and DEVLAKE_GITHUB_API_URL.

import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { REPO_ROOT, TEST_RELEASE_VERSION } from './images.js';

export const RELEASE_FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'release');
export const LATEST_RELEASE_PATH = '/repos/apache/incubator-devlake/releases/latest';
export const RELEASE_FILES = ['docker-compose.yml', 'env.example'] as const;
export type ReleaseFile = (typeof RELEASE_FILES)[number];

export interface ReleaseServerKnobs {
  /** Serve an HTML page (200, text/html) instead of these files; `true` = every release file. */
  html?: boolean | ReleaseFile[];
  /** Answer every request with this HTTP status, or drop the connection ('reset'). */
  fail?: number | 'reset';
  /** Answer only the latest-release API with this status, or drop it ('reset'). */
  failLatest?: number | 'reset';
  /** Wait this long before answering anything. */
  delayMs?: number;
  /** Replace a release file's text (after {{VERSION}} substitution): for malformed-file tests. */
  override?: Partial<Record<ReleaseFile, string>>;
  /** The latest-release API answers GitHub's primary rate-limit response (403, x-ratelimit-remaining: 0). */
  rateLimited?: boolean;
}

export interface ReleaseServerOptions extends ReleaseServerKnobs {
  /** Versions that exist (default [TEST_RELEASE_VERSION]); others 404. */
  versions?: string[];
  /** What the latest-release API names (default: the first version). */
  latest?: string;
  /** Serve HTTPS with this certificate (test/fake-arm/certs.ts makes one for 127.0.0.1). */
  tls?: { cert: string; key: string };
}

export interface ReleaseServer {
  /** `http(s)://127.0.0.1:<port>`: files at `${baseUrl}/${version}/docker-compose.yml`. */
  baseUrl: string;
  /** GitHub API stand-in: `${apiUrl}/repos/apache/incubator-devlake/releases/latest`. */
  apiUrl: string;
  /** Paths requested so far (with query strings), in order. */
  requests: string[];
  /** Change knobs while running (merged into the current ones). */
  configure(knobs: ReleaseServerKnobs & { latest?: string; versions?: string[] }): void;
  /** The environment the product reads. */
  env: { DEVLAKE_RELEASE_BASE_URL: string; DEVLAKE_GITHUB_API_URL: string };
  close(): Promise<void>;
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1><p>This page is not a release file.</p></body></html>\n';

/**
 * GitHub's answer once the primary rate limit is used up, as docs.github.com describes it
 * ("Rate limits for the REST API" > "Exceeding the rate limit": 403 or 429, `x-ratelimit-remaining: 0`,
 * `x-ratelimit-reset` in UTC epoch seconds; headers listed under "Checking the status of your rate
 * limit"): https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api.
 * The body is GitHub's own, as users quote it (e.g. RedHatOfficial/ocp4-helpernode scraped in
 * noseka1/cop-bazaar): unauthenticated limit 60 per address; with a token, 5000 per user.
 */
export function gitHubRateLimited(withToken: boolean, now = Date.now()): { status: number; headers: Record<string, string>; body: string } {
  const limit = withToken ? 5000 : 60;
  return {
    status: 403,
    headers: {
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(now / 1000) + 1800),
      'x-ratelimit-resource': 'core',
      'x-ratelimit-used': String(limit),
      'x-github-request-id': 'C0DE:1F2E:3A4B5C:6D7E8F:65A1B2C3',
    },
    body: JSON.stringify({
      message: withToken
        ? 'API rate limit exceeded for user ID 1.'
        : "API rate limit exceeded for 203.0.113.7. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
      documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
    }),
  };
}

async function loadFixtures(): Promise<Record<ReleaseFile, string>> {
  const [compose, env] = await Promise.all(RELEASE_FILES.map((f) => fs.readFile(path.join(RELEASE_FIXTURES_DIR, f), 'utf8')));
  return { 'docker-compose.yml': compose!, 'env.example': env! };
}

/** The fixture text for one version, as the server serves it. */
export async function releaseFileText(file: ReleaseFile, version: string = TEST_RELEASE_VERSION): Promise<string> {
  return (await loadFixtures())[file].replaceAll('{{VERSION}}', version);
}

export async function startReleaseServer(opts: ReleaseServerOptions = {}): Promise<ReleaseServer> {
  const fixtures = await loadFixtures();
  const state: ReleaseServerOptions & { versions: string[] } = { ...opts, versions: opts.versions ?? [TEST_RELEASE_VERSION] };
  const requests: string[] = [];

  const send = (res: http.ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...headers });
    res.end(body);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const failure = url.pathname === LATEST_RELEASE_PATH ? (state.fail ?? state.failLatest) : state.fail;
    if (failure === 'reset') {
      req.socket.destroy();
      return;
    }
    if (typeof failure === 'number') {
      send(res, failure, 'text/plain; charset=utf-8', `test release server: failing with ${failure}\n`);
      return;
    }
    if (url.pathname === LATEST_RELEASE_PATH && state.rateLimited) {
      const limited = gitHubRateLimited(req.headers.authorization !== undefined);
      send(res, limited.status, 'application/json; charset=utf-8', limited.body, limited.headers);
      return;
    }
    if (url.pathname === LATEST_RELEASE_PATH) {
      const tag = state.latest ?? state.versions[0] ?? TEST_RELEASE_VERSION;
      const body = JSON.stringify({
        tag_name: tag,
        name: tag,
        draft: false,
        prerelease: false,
        html_url: `https://example.invalid/apache/incubator-devlake/releases/tag/${tag}`,
      });
      send(res, 200, 'application/json; charset=utf-8', body);
      return;
    }
    const m = /^\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const version = m?.[1] ? decodeURIComponent(m[1]) : undefined;
    const file = m?.[2] as ReleaseFile | undefined;
    if (!version || !file || !RELEASE_FILES.includes(file) || !state.versions.includes(version)) {
      send(res, 404, 'text/plain; charset=utf-8', '404: Not Found\n');
      return;
    }
    if (state.html === true || (Array.isArray(state.html) && state.html.includes(file))) {
      send(res, 200, 'text/html; charset=utf-8', HTML_PAGE);
      return;
    }
    const text = state.override?.[file] ?? fixtures[file].replaceAll('{{VERSION}}', version);
    send(res, 200, file.endsWith('.yml') ? 'text/yaml; charset=utf-8' : 'text/plain; charset=utf-8', text);
  };

  const listener: http.RequestListener = (req, res) => {
    requests.push(req.url ?? '/');
    if (state.delayMs) setTimeout(() => handle(req, res), state.delayMs);
    else handle(req, res);
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;
  return {
    baseUrl,
    apiUrl: baseUrl,
    requests,
    env: { DEVLAKE_RELEASE_BASE_URL: baseUrl, DEVLAKE_GITHUB_API_URL: baseUrl },
    configure(knobs) {
      Object.assign(state, knobs);
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
