// A local git repository shaped like a DevLake fork: docker-compose-dev.yml at the root and build
// contexts backend/, grafana/, config-ui/ whose Dockerfiles build FROM gh-devlake-test/base:latest
// and run the same scripts as the test images (test/images/), so they behave the same.
// Test helper: it uses the git binary.

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { IMAGE_MARKER, IMAGES, TEST_IMAGES_DIR } from './images.js';
import { RELEASE_FIXTURES_DIR } from './release-server.js';

const run = promisify(execFile);

export const FORK_COMPOSE_FILE = 'docker-compose-dev.yml';
/** Build context (in the fork) → source folder under test/images/. */
export const FORK_CONTEXTS = { backend: 'devlake', grafana: 'dashboard', 'config-ui': 'config-ui' } as const;
/** Services the fork flow must start, and those it must not. */
export const FORK_STARTED_SERVICES = ['mysql', 'grafana', 'devlake', 'config-ui'] as const;
export const FORK_SKIPPED_SERVICES = ['postgres', 'authproxy'] as const;

export const FORK_COMPOSE_YAML = `# Test fork of Apache DevLake: shaped like the project's docker-compose-dev.yml.
version: "3"
services:
  mysql:
    image: mysql:8
    volumes:
      - mysql-storage:/var/lib/mysql
    restart: always
    ports:
      - 127.0.0.1:3306:3306
    environment:
      MYSQL_ROOT_PASSWORD: admin
      MYSQL_DATABASE: lake
      MYSQL_USER: merico
      MYSQL_PASSWORD: merico
      TZ: UTC
    command:
      --character-set-server=utf8mb4
      --collation-server=utf8mb4_bin
      --skip-log-bin

  postgres:
    image: postgres:14.2
    volumes:
      - postgres-storage:/var/lib/postgresql
    restart: always
    ports:
      - 127.0.0.1:5432:5432
    environment:
      POSTGRES_DB: lake
      POSTGRES_USER: merico
      POSTGRES_PASSWORD: merico
      TZ: UTC

  grafana:
    image: devlake.docker.scarf.sh/apache/devlake-dashboard:latest
    build:
      context: grafana/
    ports:
      - 3002:3000
    volumes:
      - grafana-storage:/var/lib/grafana
    environment:
      GF_SERVER_ROOT_URL: "http://localhost:4000/grafana"
      GF_USERS_DEFAULT_THEME: "light"
      MYSQL_URL: mysql:3306
      MYSQL_DATABASE: lake
      MYSQL_USER: merico
      MYSQL_PASSWORD: merico
      TZ: UTC
    restart: always
    depends_on:
      - mysql

  devlake:
    image: devlake.docker.scarf.sh/apache/devlake:latest
    build:
      context: backend
      args:
        HTTPS_PROXY: "\${HTTPS_PROXY}"
        GOPROXY: "\${GOPROXY}"
    ports:
      - 8080:8080
    restart: always
    volumes:
      - devlake-log:/app/logs
    env_file:
      - ./.env
    environment:
      LOGGING_DIR: /app/logs
      TZ: UTC
    depends_on:
      - mysql

  config-ui:
    image: devlake.docker.scarf.sh/apache/devlake-config-ui:latest
    build:
      context: config-ui
    ports:
      - 4000:4000
    env_file:
      - ./.env
    environment:
      DEVLAKE_ENDPOINT: devlake:8080
      GRAFANA_ENDPOINT: grafana:3000
      TZ: UTC
    depends_on:
      - devlake

  authproxy:
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.4.0-amd64
    network_mode: "host"
    env_file:
      - ./.env
    environment:
      OAUTH2_PROXY_HTTP_ADDRESS: 0.0.0.0:4180
      OAUTH2_PROXY_UPSTREAMS: http://localhost:4000
    depends_on:
      - config-ui

volumes:
  mysql-storage:
  postgres-storage:
  grafana-storage:
  devlake-log:
`;

/** A test image's Dockerfile rewritten to build FROM the base image (everything above the marker goes). */
export function forkDockerfile(testImageDockerfile: string, extraArgs: string[] = []): string {
  const at = testImageDockerfile.indexOf(IMAGE_MARKER);
  if (at < 0) throw new Error(`Dockerfile has no "${IMAGE_MARKER}" line`);
  const own = testImageDockerfile.slice(testImageDockerfile.indexOf('\n', at) + 1);
  const args = extraArgs.map((a) => `ARG ${a}\n`).join('');
  return `# Test fork build context: behaves like the matching gh-devlake test image.\nFROM ${IMAGES.base}\n${args}${own}`;
}

export interface ForkRepoOptions {
  /** Folder name of the repository inside dir (default 'incubator-devlake'). */
  name?: string;
  /** Extra or replacement files (path relative to the repo → content), committed with the rest. */
  files?: Record<string, string>;
  /** Branch name (default 'main'). */
  branch?: string;
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'gh-devlake tests',
      GIT_AUTHOR_EMAIL: 'tests@example.invalid',
      GIT_COMMITTER_NAME: 'gh-devlake tests',
      GIT_COMMITTER_EMAIL: 'tests@example.invalid',
    },
  });
  return stdout;
}

/**
 * Create the fork repository at `<dir>/<name>` (one commit on `main`) and return its absolute path;
 * `file://<path>` or the path itself can be cloned.
 */
export async function makeForkRepo(dir: string, opts: ForkRepoOptions = {}): Promise<string> {
  const repo = path.resolve(dir, opts.name ?? 'incubator-devlake');
  await fs.mkdir(repo, { recursive: true });
  await fs.writeFile(path.join(repo, FORK_COMPOSE_FILE), FORK_COMPOSE_YAML);
  await fs.copyFile(path.join(RELEASE_FIXTURES_DIR, 'env.example'), path.join(repo, 'env.example'));
  await fs.writeFile(path.join(repo, 'README.md'), '# incubator-devlake (gh-devlake test fork)\n');
  await fs.writeFile(path.join(repo, '.gitignore'), '.env\n');

  for (const [context, source] of Object.entries(FORK_CONTEXTS)) {
    const from = path.join(TEST_IMAGES_DIR, source);
    const to = path.join(repo, context);
    await fs.cp(from, to, { recursive: true });
    const dockerfile = await fs.readFile(path.join(from, 'Dockerfile'), 'utf8');
    const extraArgs = context === 'backend' ? ['HTTPS_PROXY', 'GOPROXY'] : [];
    await fs.writeFile(path.join(to, 'Dockerfile'), forkDockerfile(dockerfile, extraArgs));
    for (const entry of await fs.readdir(to)) if (entry.endsWith('.sh')) await fs.chmod(path.join(to, entry), 0o755);
  }

  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    const file = path.join(repo, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }

  await git(repo, 'init', '-q', '-b', opts.branch ?? 'main');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '--no-gpg-sign', '-m', 'test fork of incubator-devlake');
  return repo;
}
