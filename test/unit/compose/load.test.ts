import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { loadComposeProject, selectServices } from '../../../src/compose/load.js';
import { setEnvValue } from '../../../src/compose/envfile.js';
import { composeError, composeErrorAsync } from './helpers.js';

const RELEASE_COMPOSE = `version: "3"
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
    command: --character-set-server=utf8mb4
      --collation-server=utf8mb4_bin
      --skip-log-bin

  grafana:
    image: devlake.docker.scarf.sh/apache/devlake-dashboard:v1.0.1
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
    image: devlake.docker.scarf.sh/apache/devlake:v1.0.1
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
    image: devlake.docker.scarf.sh/apache/devlake-config-ui:v1.0.1
    ports:
      - 4000:4000
    env_file:
      - ./.env
    environment:
      DEVLAKE_ENDPOINT: devlake:8080
      GRAFANA_ENDPOINT: grafana:3000
      TZ: UTC
      #ADMIN_USER: devlake
      #ADMIN_PASS: merico
    depends_on:
      - devlake

volumes:
  mysql-storage:
  grafana-storage:
  devlake-log:
`;

const RELEASE_ENV = `# Lake plugin dir, absolute path or relative path
PLUGIN_DIR=bin/plugins
REMOTE_PLUGIN_DIR=python/plugins

# Lake Database Connection String
DB_URL=mysql://merico:merico@mysql:3306/lake?charset=utf8mb4&parseTime=True&loc=UTC
# Silent Error Warn Info
DB_LOGGING_LEVEL=Error

# Lake REST API
PORT=8080
MODE=release

NOTIFICATION_ENDPOINT=
API_TIMEOUT=120s
LOGGING_DIR=./logs

##########################
# Sensitive information encryption key
##########################
ENCRYPTION_SECRET=
`;

const tmpDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tmpDirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** A fresh project directory named `name` holding `files`. */
async function project(files: Record<string, string>, name = 'devlake'): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'compose-load-'));
  tmpDirs.push(root);
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  for (const [file, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), text);
  }
  return dir;
}

const load = (dir: string, env: NodeJS.ProcessEnv = {}, extra: { files?: string[]; projectName?: string } = {}) =>
  loadComposeProject({ dir, env, ...extra });

describe('loadComposeProject: the DevLake release compose file', () => {
  it('normalizes every service', async () => {
    const dir = await project({ 'docker-compose.yml': RELEASE_COMPOSE, '.env': RELEASE_ENV });
    const { project: p, warnings } = await load(dir);
    expect(warnings).toEqual([]);
    expect(p.name).toBe('devlake');
    expect(p.workingDir).toBe(dir);
    expect(p.configFiles).toEqual([path.join(dir, 'docker-compose.yml')]);
    expect(p.volumes).toEqual(['mysql-storage', 'grafana-storage', 'devlake-log']);
    expect(p.services.map((s) => [s.name, s.image])).toEqual([
      ['mysql', 'mysql:8'],
      ['grafana', 'devlake.docker.scarf.sh/apache/devlake-dashboard:v1.0.1'],
      ['devlake', 'devlake.docker.scarf.sh/apache/devlake:v1.0.1'],
      ['config-ui', 'devlake.docker.scarf.sh/apache/devlake-config-ui:v1.0.1'],
    ]);
    const [mysql, grafana, devlake, ui] = p.services;
    expect(mysql?.command).toEqual(['--character-set-server=utf8mb4', '--collation-server=utf8mb4_bin', '--skip-log-bin']);
    expect(mysql?.entrypoint).toBeUndefined();
    expect(mysql?.ports).toEqual([{ hostIp: '127.0.0.1', published: 3306, target: 3306, protocol: 'tcp' }]);
    expect(mysql?.volumes).toEqual([{ type: 'volume', source: 'mysql-storage', target: '/var/lib/mysql', readOnly: false }]);
    expect(mysql?.restart).toBe('always');
    expect(mysql?.environment).toEqual({ MYSQL_ROOT_PASSWORD: 'admin', MYSQL_DATABASE: 'lake', MYSQL_USER: 'merico', MYSQL_PASSWORD: 'merico', TZ: 'UTC' });
    expect(grafana?.ports).toEqual([{ hostIp: '', published: 3002, target: 3000, protocol: 'tcp' }]);
    expect(grafana?.dependsOn).toEqual(['mysql']);
    expect(devlake?.ports).toEqual([{ hostIp: '', published: 8080, target: 8080, protocol: 'tcp' }]);
    // env_file first, then `environment` overrides it
    expect(devlake?.environment.DB_URL).toBe('mysql://merico:merico@mysql:3306/lake?charset=utf8mb4&parseTime=True&loc=UTC');
    expect(devlake?.environment.LOGGING_DIR).toBe('/app/logs');
    expect(devlake?.environment.ENCRYPTION_SECRET).toBe('');
    expect(ui?.ports).toEqual([{ hostIp: '', published: 4000, target: 4000, protocol: 'tcp' }]);
    expect(ui?.environment.DEVLAKE_ENDPOINT).toBe('devlake:8080');
    expect(ui?.dependsOn).toEqual(['devlake']);
    expect(ui?.labels).toEqual({});
    expect(ui?.containerName).toBeUndefined();
  });

  it('picks up ENCRYPTION_SECRET written with setEnvValue', async () => {
    const dir = await project({ 'docker-compose.yml': RELEASE_COMPOSE, '.env': RELEASE_ENV });
    const envFile = path.join(dir, '.env');
    await fs.writeFile(envFile, setEnvValue(await fs.readFile(envFile, 'utf8'), 'ENCRYPTION_SECRET', 'K3y+with/odd=chars'));
    const { project: p } = await load(dir);
    expect(p.services.find((s) => s.name === 'devlake')?.environment.ENCRYPTION_SECRET).toBe('K3y+with/odd=chars');
  });

  it('selectServices keeps the named services and their dependencies', async () => {
    const extra = RELEASE_COMPOSE.replace('volumes:\n  mysql-storage:', '  extra:\n    image: busybox\n    volumes: [scratch:/s]\nvolumes:\n  scratch:\n  mysql-storage:');
    const dir = await project({ 'docker-compose.yml': extra, '.env': RELEASE_ENV });
    const { project: p } = await load(dir);
    expect(p.services.map((s) => s.name)).toEqual(['mysql', 'grafana', 'devlake', 'config-ui', 'extra']);
    const picked = selectServices(p, ['config-ui']);
    expect(picked.services.map((s) => s.name)).toEqual(['mysql', 'devlake', 'config-ui']);
    expect(picked.volumes).toEqual(['mysql-storage', 'devlake-log']);
    expect(selectServices(p, ['mysql', 'devlake', 'grafana', 'config-ui']).services).toHaveLength(4);
    const err = composeError(() => selectServices(p, ['mysql', 'nope']));
    expect(err.detail).toBe('no such service "nope"');
    expect(err.hint).toContain('config-ui');
  });
});

describe('loadComposeProject: the dev compose file with build sections', () => {
  const DEV = `name: devlake-dev
x-common: &common
  restart: unless-stopped
  labels:
    team: lake
services:
  mysql:
    <<: *common
    image: mysql:\${MYSQL_TAG:-8}
    volumes:
      - type: volume
        source: mysql-storage
        target: /var/lib/mysql
  devlake:
    <<: *common
    build:
      context: ./backend
      dockerfile: Dockerfile.dev
      args:
        - HTTPS_PROXY=\${HTTPS_PROXY:-}
        - GOPROXY
        - UNSET_ARG
    entrypoint: ["/bin/sh", "-c"]
    command: ['exec ./lake --port 8080']
    environment:
      - DB_URL=mysql://merico:\${MYSQL_PW}@mysql:3306/lake
      - FROM_OS
      - NOT_SET_ANYWHERE
    labels: [tier=backend, standalone]
    volumes:
      - ./backend/logs:/app/logs:ro
      - /var/run/docker.sock:/var/run/docker.sock
    depends_on:
      mysql:
        condition: service_healthy
    healthcheck:
      test: ["CMD", "true"]
    container_name: devlake-backend
  config-ui:
    build: config-ui
    ports:
      - target: 4000
        published: "4000"
        host_ip: 127.0.0.1
    depends_on: [devlake]
volumes:
  mysql-storage: {}
`;

  it('resolves builds, anchors, long syntax and interpolation', async () => {
    const dir = await project({ 'compose.yaml': DEV, '.env': 'MYSQL_PW=from-dotenv\nMYSQL_TAG=8.0\n' }, 'incubator-devlake');
    const { project: p, warnings } = await load(dir, { MYSQL_TAG: '8.4', GOPROXY: 'https://proxy', FROM_OS: 'os' });
    expect(p.name).toBe('devlake-dev');
    const [mysql, devlake, ui] = p.services;
    expect(mysql?.image).toBe('mysql:8.4'); // OS env wins over .env
    expect(mysql?.restart).toBe('unless-stopped');
    expect(mysql?.labels).toEqual({ team: 'lake' });
    expect(mysql?.volumes).toEqual([{ type: 'volume', source: 'mysql-storage', target: '/var/lib/mysql', readOnly: false }]);
    expect(devlake?.image).toBeUndefined();
    expect(devlake?.build).toEqual({ context: path.join(dir, 'backend'), dockerfile: 'Dockerfile.dev', args: { HTTPS_PROXY: '', GOPROXY: 'https://proxy' } });
    expect(devlake?.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(devlake?.command).toEqual(['exec ./lake --port 8080']);
    expect(devlake?.environment).toEqual({ DB_URL: 'mysql://merico:from-dotenv@mysql:3306/lake', FROM_OS: 'os' });
    expect(devlake?.labels).toEqual({ tier: 'backend', standalone: '' }); // explicit labels replace the merged ones
    expect(devlake?.restart).toBe('unless-stopped');
    expect(devlake?.volumes).toEqual([
      { type: 'bind', source: path.join(dir, 'backend/logs'), target: '/app/logs', readOnly: true },
      { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false },
    ]);
    expect(devlake?.dependsOn).toEqual(['mysql']);
    expect(devlake?.containerName).toBe('devlake-backend');
    expect(ui?.build).toEqual({ context: path.join(dir, 'config-ui'), dockerfile: 'Dockerfile', args: {} });
    expect(ui?.ports).toEqual([{ hostIp: '127.0.0.1', published: 4000, target: 4000, protocol: 'tcp' }]);
    expect(warnings).toEqual([]);
    expect(devlake?.healthcheck).toEqual({ test: ['CMD', 'true'] });
    expect(devlake?.conditions).toEqual([{ service: 'mysql', condition: 'service_healthy' }]);
  });
});

describe('loadComposeProject: errors point into the file', () => {
  it('malformed YAML reports line and column', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  web:\n    image: nginx: latest\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.file).toBe(path.join(dir, 'compose.yaml'));
    expect([err.line, err.column]).toEqual([3, 12]);
    expect(err.message).toMatch(/compose\.yaml:3:12: invalid YAML: Nested mappings/);
  });

  it('bad indentation, tabs and unclosed quotes are YAML errors with a position', async () => {
    const cases: [string, number][] = [
      ['services:\n  web:\n    image: nginx\n   ports: [80]\n', 4],
      ['services:\n\tweb:\n', 2],
      ['services:\n  web:\n    image: "nginx\n    ports: [80]\n', 5], // the scanner notices at the end
    ];
    for (const [text, line] of cases) {
      const dir = await project({ 'compose.yaml': text });
      const err = await composeErrorAsync(load(dir));
      expect(err.line).toBe(line);
      expect(err.column).toBeGreaterThan(0);
    }
  });

  it('duplicate keys are rejected', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  web:\n    image: a\n    image: b\n' });
    expect((await composeErrorAsync(load(dir))).line).toBe(4);
  });

  it('a service without image or build, at the service key', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  ok:\n    image: busybox\n  broken:\n    ports: ["80"]\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.detail).toBe('service "broken" has neither "image" nor "build"');
    expect([err.line, err.column]).toEqual([4, 3]);
  });

  it('a file that is not a mapping', async () => {
    for (const text of ['- a\n- b\n', 'just text\n', '']) {
      const dir = await project({ 'compose.yaml': text });
      expect((await composeErrorAsync(load(dir))).detail).toMatch(/must be a mapping/);
    }
  });

  it('several YAML documents and unknown tags are rejected', async () => {
    const multi = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n---\nservices: {}\n' });
    const err = await composeErrorAsync(load(multi));
    expect(err.detail).toBe('a compose file must hold a single YAML document');
    expect(err.line).toBe(4);
    const tagged = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    ports: !reset []\n' });
    const tagErr = await composeErrorAsync(load(tagged));
    expect(tagErr.detail).toMatch(/Unresolved tag: !reset/);
    expect(tagErr.line).toBe(4);
  });

  it('services must be a mapping', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  - web\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.detail).toMatch(/services must be a mapping/);
    expect(err.line).toBe(2);
  });

  it('unknown top-level keys fail, x-* and version do not', async () => {
    const dir = await project({ 'compose.yaml': 'version: "3.8"\nx-anything: 1\nservices:\n  a:\n    image: busybox\nservice:\n  b: {}\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.detail).toBe('unknown key "service"');
    expect([err.line, err.column]).toEqual([6, 1]);
  });

  it('unsupported service keys fail at the key', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    cgroup_parent: /x\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.detail).toBe('"services.a.cgroup_parent" is not supported');
    expect(err.hint).toMatch(/remove cgroup_parent/);
    expect([err.line, err.column]).toEqual([4, 5]);
    const typo = await project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    enviroment: [A=1]\n' });
    const unknown = await composeErrorAsync(load(typo));
    expect(unknown.detail).toBe('unknown key "services.a.enviroment"');
    expect([unknown.line, unknown.column]).toEqual([4, 5]);
  });

  it('a missing required variable names the variable and the value position', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: "busybox:${TAG:?pick a tag}"\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.variable).toBe('TAG');
    expect([err.line, err.column]).toEqual([3, 12]);
    expect(err.detail).toBe('services.a.image: required variable TAG is missing a value: pick a tag');
  });

  it('a bad port names the spec and its line (also through an anchor)', async () => {
    const dir = await project({ 'compose.yaml': 'x-ports: &p\n  - "99999"\nservices:\n  a:\n    image: busybox\n    ports: *p\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.detail).toMatch(/invalid port "99999"/);
    expect(err.line).toBe(2);
  });

  it('an undeclared named volume', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    volumes:\n      - data:/data\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.detail).toMatch(/named volume "data" is not declared/);
    expect(err.line).toBe(5);
  });

  it('volume syntax errors', async () => {
    const cases: [string, RegExp][] = [
      ['data:relative', /must be absolute/],
      ['~/x:/x', /"~" is not expanded/],
      ['./a:/b:bogus', /unknown option "bogus"/],
      ['{type: npipe, source: x, target: /t}', /type "npipe" is not supported/],
    ];
    for (const [entry, why] of cases) {
      const dir = await project({ 'compose.yaml': `services:\n  a:\n    image: busybox\n    volumes:\n      - ${entry}\nvolumes:\n  data:\n` });
      expect((await composeErrorAsync(load(dir))).detail).toMatch(why);
    }
  });

  it('unknown dependency and cycles', async () => {
    const unknown = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [ghost]\n' });
    const err = await composeErrorAsync(load(unknown));
    expect(err.detail).toBe('service "a" depends on undefined service "ghost"');
    expect(err.line).toBe(4);
    const cycle = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: {a: {condition: service_started}}\n' });
    expect((await composeErrorAsync(load(cycle))).detail).toBe('dependency cycle: a -> b -> a');
  });

  it('a missing required env_file is named; an optional one is skipped', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    env_file:\n      - path: ./opt.env\n        required: false\n      - ./missing.env\n' });
    const err = await composeErrorAsync(load(dir));
    expect(err.detail).toBe(`env file ${path.join(dir, 'missing.env')} not found`);
    expect(err.line).toBe(7);
    const ok = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    env_file: [{path: ./opt.env, required: false}]\n' });
    expect((await load(ok)).project.services[0]?.environment).toEqual({});
  });

  it('an error inside an env_file points into that file', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    env_file: conf/app.env\n', 'conf/app.env': 'A=1\nB="open\n' });
    const err = await composeErrorAsync(load(dir));
    expect([err.file, err.line]).toEqual([path.join(dir, 'conf/app.env'), 2]);
  });

  it('a "billion laughs" file is stopped before it expands, and says what to do', async () => {
    let text = 'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 0, prev = 'a'; i < 9; i++) {
      const name = String.fromCharCode(98 + i);
      text += `x-${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
      prev = name;
    }
    const dir = await project({ 'compose.yaml': `${text}services:\n  a:\n    image: x\n` });
    const started = Date.now();
    const err = await composeErrorAsync(load(dir));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.detail).toBe('the file expands through YAML aliases (*name) to more than 1,000,000 values');
    expect(err.hint).toMatch(/<<: \*name/);
  });

  it('no compose file at all', async () => {
    const dir = await project({ 'README.md': 'hi' });
    expect((await composeErrorAsync(load(dir))).detail).toBe('no compose file found');
  });
});

describe('loadComposeProject: compose semantics', () => {
  it('env_file values are interpolated with OS env > .env, and bare keys inherit', async () => {
    const dir = await project({
      'compose.yaml': 'services:\n  a:\n    image: x\n    env_file: app.env\n    environment:\n      OVERRIDE: yes\n      PORT: 8080\n      DEBUG: false\n      EMPTY:\n',
      '.env': 'HOST=dotenv-host\nUSER_NAME=dotenv-user\n',
      'app.env': 'URL=http://${HOST}:1\nUSER_NAME\nOVERRIDE=no\nLITERAL=\'${HOST}\'\n',
    });
    const { project: p } = await load(dir, { HOST: 'os-host', EMPTY: '' });
    expect(p.services[0]?.environment).toEqual({ URL: 'http://os-host:1', USER_NAME: 'dotenv-user', OVERRIDE: 'yes', LITERAL: '${HOST}', PORT: '8080', DEBUG: 'false', EMPTY: '' });
  });

  it('project name precedence: option > COMPOSE_PROJECT_NAME (OS, then .env) > name: > directory', async () => {
    const files = { 'compose.yaml': 'name: from-file\nservices:\n  a:\n    image: x\n', '.env': 'COMPOSE_PROJECT_NAME=from-dotenv\n' };
    const dir = await project(files, 'My Project.v2');
    expect((await load(dir, { COMPOSE_PROJECT_NAME: 'from-os' }, { projectName: 'explicit' })).project.name).toBe('explicit');
    expect((await load(dir, { COMPOSE_PROJECT_NAME: 'from-os' })).project.name).toBe('from-os');
    expect((await load(dir)).project.name).toBe('from-dotenv');
    const noEnv = await project({ 'compose.yaml': files['compose.yaml'] }, 'My Project.v2');
    expect((await load(noEnv)).project.name).toBe('from-file');
    const bare = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n' }, 'My Project.v2');
    expect((await load(bare)).project.name).toBe('myprojectv2');
  });

  it('profiles: services with profiles are skipped unless COMPOSE_PROFILES enables them', async () => {
    const text = 'services:\n  a:\n    image: x\n  debug:\n    image: y\n    profiles: [debug]\n';
    const dir = await project({ 'compose.yaml': text });
    const off = await load(dir);
    expect(off.project.services.map((s) => s.name)).toEqual(['a']);
    expect(off.warnings.join('\n')).toMatch(/service "debug" is not started: it belongs to profile\(s\) debug/);
    const on = await load(dir, { COMPOSE_PROFILES: 'other, debug' });
    expect(on.project.services.map((s) => s.name)).toEqual(['a', 'debug']);
    const dep = await project({ 'compose.yaml': `${text}    \n  b:\n    image: z\n    depends_on: [debug]\n` });
    expect((await composeErrorAsync(load(dep))).detail).toMatch(/depends on "debug", which is disabled/);
  });

  it('an optional dependency that is absent is dropped with a warning', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on:\n      cache: {condition: service_started, required: false}\n' });
    const { project: p, warnings } = await load(dir);
    expect(p.services[0]?.dependsOn).toEqual([]);
    expect(warnings.join()).toMatch(/optional dependency "cache"/);
  });

  it('Swarm-only keys become warnings with positions; an undeclared network fails', async () => {
    const dir = await project({
      'compose.yaml': 'services:\n  a:\n    image: x\n    tty: true\n    networks: [default]\n    x-note: ignored silently\n    restart: "on-failure:3"\n    deploy:\n      placement: {constraints: [node.role==manager]}\n  b:\n    image: y\n    restart: no\nnetworks:\n  default:\n',
    });
    const { project: p, warnings } = await load(dir);
    const file = path.join(dir, 'compose.yaml');
    expect(p.services.map((s) => [s.restart, s.restartMaxRetries])).toEqual([['on-failure', 3], ['no', undefined]]);
    expect(p.services[0]?.options?.tty).toBe(true);
    expect(p.services[0]?.networks).toEqual([{ key: 'default', aliases: [] }]);
    expect(warnings).toEqual([`${file}:9:7: "services.a.deploy.placement" is ignored: Swarm only; one local engine has no nodes, rollouts or service endpoints`]);
    const custom = await project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    networks: [backend]\n' });
    expect((await composeErrorAsync(load(custom))).detail).toBe('service "a" uses network "backend", which is not declared');
  });

  it('warns about unset variables like compose', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: "x:${TAG}"\n' });
    const { project: p, warnings } = await load(dir);
    expect(p.services[0]?.image).toBe('x:');
    expect(warnings).toEqual([`${path.join(dir, 'compose.yaml')}:3:12: the "TAG" variable is not set; defaulting to a blank string`]);
  });

  it('merges an override file: compose.override.yaml is picked up by default', async () => {
    const dir = await project({
      'compose.yaml': 'services:\n  a:\n    image: x:1\n    command: run --fast\n    ports: ["80:80"]\n    environment: [A=1, B=2]\n    volumes: ["./data:/data", "./logs:/logs"]\n',
      'compose.override.yaml': 'services:\n  a:\n    image: x:2\n    command: [debug]\n    ports: ["80:80", "9229:9229"]\n    environment: {B: override, C: "3"}\n    volumes: ["./other:/data"]\n  b:\n    image: y\n',
    });
    const { project: p } = await load(dir);
    expect(p.configFiles).toEqual([path.join(dir, 'compose.yaml'), path.join(dir, 'compose.override.yaml')]);
    const [a, b] = p.services;
    expect(a?.image).toBe('x:2');
    expect(a?.command).toEqual(['debug']);
    expect(a?.ports.map((m) => m.published)).toEqual([80, 9229]);
    expect(a?.environment).toEqual({ A: '1', B: 'override', C: '3' });
    expect(a?.volumes.map((v) => [v.type === 'tmpfs' ? '' : v.source, v.target])).toEqual([
      [path.join(dir, 'logs'), '/logs'],
      [path.join(dir, 'other'), '/data'],
    ]);
    expect(b?.image).toBe('y');
  });

  it('explicit files are used as given and errors locate into the file that defined the value', async () => {
    const dir = await project({
      'base.yml': 'services:\n  a:\n    image: x\n',
      'extra.yml': 'services:\n  a:\n    ports:\n      - "bad"\n',
    });
    const err = await composeErrorAsync(load(dir, {}, { files: ['base.yml', 'extra.yml'] }));
    expect([err.file, err.line]).toEqual([path.join(dir, 'extra.yml'), 4]);
  });

  it('prefers compose.yaml and warns when several default files exist', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  a:\n    image: new\n', 'docker-compose.yml': 'services:\n  a:\n    image: old\n' });
    const { project: p, warnings } = await load(dir);
    expect(p.services[0]?.image).toBe('new');
    expect(warnings.join()).toMatch(/found compose\.yaml and docker-compose\.yml; using compose\.yaml/);
  });
});
