// TEST ONLY: a REAL container registry on loopback — Debian's docker-registry package, the CNCF
// distribution registry (github.com/distribution/distribution 2.8) — standing in for an Azure
// Container Registry's login server. Its own config and storage directory, a free 127.0.0.1 port,
// and htpasswd (bcrypt, written by apache2-utils' htpasswd) auth for one user, as an ACR admin
// user. Plain HTTP: the Docker engine allows 127.0.0.0/8 registries without TLS by default
// (its insecure-registries default), so `docker push 127.0.0.1:<port>/…` works unchanged.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const START_DEADLINE_MS = 15_000;

export interface TestRegistry {
  /** host:port — the login server. */
  server: string;
  username: string;
  password: string;
  /** GET a registry API path with the user's basic auth: status and JSON body. */
  api(pathname: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startTestRegistry(username: string, password: string): Promise<TestRegistry> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-registry-'));
  const port = await freePort();
  const server = `127.0.0.1:${port}`;
  const { stdout } = await run('htpasswd', ['-Bbn', username, password], { timeout: 10_000 });
  await fs.writeFile(path.join(dir, 'htpasswd'), stdout);
  await fs.mkdir(path.join(dir, 'data'));
  // distribution's configuration reference (docs/configuration.md): storage, http, auth.htpasswd.
  await fs.writeFile(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      'http:',
      `  addr: ${server}`,
      `  secret: ${Math.random().toString(36).slice(2)}`,
      'auth:',
      '  htpasswd:',
      '    realm: gh-devlake-test-registry',
      `    path: ${path.join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const authHeader = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const api = async (pathname: string) => {
    const res = await fetch(`http://${server}${pathname}`, { headers: { authorization: authHeader }, signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  };
  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  // Ready when /v2/ answers (200 with the credentials), within a bounded time.
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr}`);
    const ok = await api('/v2/').then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`docker-registry did not answer on ${server} within ${START_DEADLINE_MS / 1000} s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { server, username, password, api, close };
}
