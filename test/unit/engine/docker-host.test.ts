import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contextDirName, defaultSocketCandidates, parseDockerHost, resolveDockerHost, type DockerHostInput } from '../../../src/engine/docker-host.js';
import { EngineError } from '../../../src/engine/errors.js';

const HOME = '/home/dev';

function input(over: Partial<DockerHostInput> & { files?: Record<string, string>; existing?: string[] } = {}): DockerHostInput {
  const files = over.files ?? {};
  const existing = new Set([...(over.existing ?? []), ...Object.keys(files)]);
  return {
    env: over.env ?? {},
    homeDir: over.homeDir ?? HOME,
    platform: over.platform ?? 'linux',
    readFile: over.readFile ?? ((f) => files[f]),
    exists: over.exists ?? ((f) => existing.has(f)),
  };
}

function sha(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex');
}

function meta(name: string, host: string, skipTls = false): string {
  return JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: skipTls } } });
}

describe('parseDockerHost', () => {
  it('unix, npipe, tcp, ssh', () => {
    expect(parseDockerHost('unix:///run/user/1000/docker.sock')).toEqual({
      host: 'unix:///run/user/1000/docker.sock',
      options: { socketPath: '/run/user/1000/docker.sock' },
    });
    expect(parseDockerHost('npipe:////./pipe/docker_engine').options).toEqual({ socketPath: '//./pipe/docker_engine' });
    expect(parseDockerHost('tcp://10.0.0.5:2375')).toEqual({
      host: 'tcp://10.0.0.5:2375',
      options: { protocol: 'http', host: '10.0.0.5', port: 2375 },
    });
    expect(parseDockerHost('tcp://docker.example')).toMatchObject({ host: 'tcp://docker.example:2375', options: { port: 2375 } });
    expect(parseDockerHost('tcp://docker.example', true).options).toEqual({ protocol: 'https', host: 'docker.example', port: 2376 });
    expect(parseDockerHost('tcp://h:80').options.port).toBe(80);
    expect(parseDockerHost('tcp://[::1]:2375').options.host).toBe('::1');
    expect(parseDockerHost('localhost:2375').host).toBe('tcp://localhost:2375');
    expect(parseDockerHost('ssh://me@box:2222').options).toEqual({ protocol: 'ssh', host: 'box', port: 2222, username: 'me' });
  });

  it('rejects unusable hosts with a connect EngineError', () => {
    for (const bad of ['unix://', 'fd://', 'tcp://']) {
      let caught: unknown;
      try {
        parseDockerHost(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught, bad).toBeInstanceOf(EngineError);
      expect((caught as EngineError).facts.operation).toBe('connect');
    }
  });
});

describe('resolveDockerHost', () => {
  it('DOCKER_HOST wins over DOCKER_CONTEXT and config.json', () => {
    const r = resolveDockerHost(
      input({
        env: { DOCKER_HOST: 'unix:///tmp/d.sock', DOCKER_CONTEXT: 'ctx' },
        files: { [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'other' }) },
        existing: ['/var/run/docker.sock'],
      }),
    );
    expect(r.source).toBe('DOCKER_HOST');
    expect(r.host).toBe('unix:///tmp/d.sock');
    expect(r.options).toEqual({ socketPath: '/tmp/d.sock' });
    expect(r.description).toContain('DOCKER_HOST=unix:///tmp/d.sock');
  });

  it('DOCKER_HOST tcp with DOCKER_TLS_VERIFY uses https and the cert path', () => {
    const r = resolveDockerHost(
      input({ env: { DOCKER_HOST: 'tcp://1.2.3.4', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, existing: ['/certs/ca.pem', '/certs/cert.pem', '/certs/key.pem'] }),
    );
    expect(r.options).toEqual({ protocol: 'https', host: '1.2.3.4', port: 2376 });
    expect(r.tls).toEqual({ verify: true, ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' });
  });

  it('DOCKER_CONTEXT → contexts/meta/<sha256(name)>/meta.json, over currentContext', () => {
    const name = 'desktop-linux';
    const metaPath = `${HOME}/.docker/contexts/meta/${sha(name)}/meta.json`;
    expect(contextDirName(name)).toBe(sha(name));
    const r = resolveDockerHost(
      input({
        env: { DOCKER_CONTEXT: name },
        files: {
          [metaPath]: meta(name, `unix://${HOME}/.docker/run/docker.sock`),
          [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'other' }),
        },
      }),
    );
    expect(r.source).toBe('DOCKER_CONTEXT');
    expect(r.context).toBe(name);
    expect(r.options).toEqual({ socketPath: `${HOME}/.docker/run/docker.sock` });
  });

  it('currentContext from $DOCKER_CONFIG/config.json', () => {
    const name = 'colima';
    const cfg = '/opt/dockercfg';
    const r = resolveDockerHost(
      input({
        env: { DOCKER_CONFIG: cfg },
        files: {
          [`${cfg}/config.json`]: JSON.stringify({ auths: {}, currentContext: name }),
          [`${cfg}/contexts/meta/${sha(name)}/meta.json`]: meta(name, 'unix:///Users/dev/.colima/default/docker.sock'),
          // Ignored: DOCKER_CONFIG replaces ~/.docker.
          [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'nope' }),
        },
      }),
    );
    expect(r.source).toBe('currentContext');
    expect(r.host).toBe('unix:///Users/dev/.colima/default/docker.sock');
    expect(r.description).toContain(`${cfg}/config.json`);
  });

  it('a tcp context with TLS material uses https and the context tls dir', () => {
    const name = 'remote';
    const h = sha(name);
    const tlsDir = `${HOME}/.docker/contexts/tls/${h}/docker`;
    const r = resolveDockerHost(
      input({
        env: { DOCKER_CONTEXT: name },
        files: { [`${HOME}/.docker/contexts/meta/${h}/meta.json`]: meta(name, 'tcp://remote.example:2376', true) },
        existing: [`${tlsDir}/ca.pem`, `${tlsDir}/cert.pem`, `${tlsDir}/key.pem`],
      }),
    );
    expect(r.options).toEqual({ protocol: 'https', host: 'remote.example', port: 2376 });
    expect(r.tls).toEqual({ verify: false, ca: `${tlsDir}/ca.pem`, cert: `${tlsDir}/cert.pem`, key: `${tlsDir}/key.pem` });
  });

  it('a named context that does not exist is an error, "default" is not', () => {
    expect(() => resolveDockerHost(input({ env: { DOCKER_CONTEXT: 'ghost' } }))).toThrow(/context "ghost".*not found/);
    const r = resolveDockerHost(input({ env: { DOCKER_CONTEXT: 'default' }, existing: ['/var/run/docker.sock'] }));
    expect(r.source).toBe('socket');
  });

  it('falls back to the first existing socket, in order', () => {
    const run = `${HOME}/.docker/run/docker.sock`;
    const desktop = `${HOME}/.docker/desktop/docker.sock`;
    expect(defaultSocketCandidates({ homeDir: HOME, platform: 'linux' })).toEqual([run, desktop, '/var/run/docker.sock']);
    expect(resolveDockerHost(input({ existing: [run, desktop, '/var/run/docker.sock'] })).options.socketPath).toBe(run);
    expect(resolveDockerHost(input({ existing: [desktop, '/var/run/docker.sock'] })).options.socketPath).toBe(desktop);
    const plain = resolveDockerHost(input({ existing: ['/var/run/docker.sock'] }));
    expect(plain).toMatchObject({ source: 'socket', host: 'unix:///var/run/docker.sock' });
    const none = resolveDockerHost(input({}));
    expect(none).toMatchObject({ source: 'default', options: { socketPath: '/var/run/docker.sock' } });
    expect(none.description).toContain('none of');
  });

  it('a corrupt config.json is treated as no current context', () => {
    const r = resolveDockerHost(input({ files: { [`${HOME}/.docker/config.json`]: '{not json' }, existing: ['/var/run/docker.sock'] }));
    expect(r.source).toBe('socket');
  });

  it('Windows: the docker_engine named pipe', () => {
    const r = resolveDockerHost(input({ platform: 'win32', homeDir: 'C:\\Users\\dev' }));
    expect(r.options).toEqual({ socketPath: '//./pipe/docker_engine' });
    expect(r.host).toBe('npipe:////./pipe/docker_engine');
  });
});
