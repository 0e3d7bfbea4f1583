// Which Docker engine to talk to, resolved the way the docker CLI does:
//   1. DOCKER_HOST (unix://, tcp://, npipe://, ssh://)
//   2. DOCKER_CONTEXT, else `currentContext` in <DOCKER_CONFIG or ~/.docker>/config.json
//      → contexts/meta/<sha256(name)>/meta.json → Endpoints.docker.Host
//   3. the first existing of ~/.docker/run/docker.sock, ~/.docker/desktop/docker.sock,
//      /var/run/docker.sock (Windows: //./pipe/docker_engine).
// The core is pure (environment, file reader and exists check are passed in) so every
// branch is unit-tested; `resolveDockerHostFromProcess` is the thin I/O wrapper.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { EngineError } from './errors.js';

export type DockerHostSource =
  /** DOCKER_HOST was set. */
  | 'DOCKER_HOST'
  /** DOCKER_CONTEXT named a context. */
  | 'DOCKER_CONTEXT'
  /** config.json's currentContext named a context. */
  | 'currentContext'
  /** No host or context: the first socket that exists. */
  | 'socket'
  /** Nothing found: the platform default, which may not exist (connect will say ENOENT). */
  | 'default';

export interface DockerHostInput {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  platform: NodeJS.Platform;
  /** File contents, or undefined when the file cannot be read. */
  readFile: (file: string) => string | undefined;
  exists: (file: string) => boolean;
}

/** TLS material to load (paths). `verify: false` comes from a context's SkipTLSVerify. */
export interface DockerTlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  verify: boolean;
}

export interface ResolvedDockerHost {
  /** Endpoint in docker's URL form: unix:///var/run/docker.sock, tcp://h:2375, npipe:////./pipe/docker_engine. */
  host: string;
  source: DockerHostSource;
  /** Context name when the host came from a context. */
  context?: string;
  /** One line for humans: how the endpoint was chosen. */
  description: string;
  /** dockerode/docker-modem connection options (TLS files not loaded yet). */
  options: Dockerode.DockerOptions;
  tls?: DockerTlsFiles;
}

/** sha256 hex of a context name: the directory name docker uses under contexts/meta and contexts/tls. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function hostFail(message: string): never {
  throw new EngineError({ operation: 'connect', rawMessage: message });
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

export function dockerConfigDir(input: Pick<DockerHostInput, 'env' | 'homeDir' | 'platform'>): string {
  const fromEnv = input.env.DOCKER_CONFIG;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : pathApi(input.platform).join(input.homeDir, '.docker');
}

/** Socket candidates tried in order when neither DOCKER_HOST nor a context is set. */
export function defaultSocketCandidates(input: Pick<DockerHostInput, 'homeDir' | 'platform'>): string[] {
  if (input.platform === 'win32') return ['//./pipe/docker_engine'];
  const p = pathApi(input.platform);
  return [
    p.join(input.homeDir, '.docker', 'run', 'docker.sock'),
    p.join(input.homeDir, '.docker', 'desktop', 'docker.sock'),
    '/var/run/docker.sock',
  ];
}

/**
 * Parse a docker host URL into dockerode options. `tls` switches tcp to https.
 * A bare `host:port` is taken as tcp like the docker CLI and docker-modem do.
 */
export function parseDockerHost(host: string, tls = false): { host: string; options: Dockerode.DockerOptions } {
  const trimmed = host.trim();
  const url = trimmed.includes('://') ? trimmed : `tcp://${trimmed}`;
  const scheme = url.slice(0, url.indexOf('://')).toLowerCase();
  const rest = url.slice(url.indexOf('://') + 3);
  switch (scheme) {
    case 'unix':
      if (rest === '') hostFail(`invalid docker host "${host}": unix:// needs a socket path`);
      return { host: `unix://${rest}`, options: { socketPath: rest } };
    case 'npipe':
      if (rest === '') hostFail(`invalid docker host "${host}": npipe:// needs a pipe path`);
      // npipe:////./pipe/docker_engine → //./pipe/docker_engine
      return { host: `npipe://${rest}`, options: { socketPath: rest } };
    case 'tcp':
    case 'http':
    case 'https': {
      let parsed: URL;
      try {
        // A non-special scheme: URL keeps every port (http:// would drop :80).
        parsed = new URL(`tcp://${rest}`);
      } catch {
        hostFail(`invalid docker host "${host}"`);
      }
      if (parsed.hostname === '') hostFail(`invalid docker host "${host}": no host name`);
      const secure = tls || scheme === 'https';
      const port = parsed.port !== '' ? Number(parsed.port) : secure ? 2376 : 2375;
      const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
      const options: Dockerode.DockerOptions = { protocol: secure ? 'https' : 'http', host: hostname, port };
      return { host: `tcp://${parsed.hostname}:${port}`, options };
    }
    case 'ssh': {
      let parsed: URL;
      try {
        parsed = new URL(`ssh://${rest}`);
      } catch {
        hostFail(`invalid docker host "${host}"`);
      }
      const options: Dockerode.DockerOptions = {
        protocol: 'ssh',
        host: parsed.hostname,
        port: parsed.port !== '' ? Number(parsed.port) : 22,
      };
      if (parsed.username !== '') options.username = decodeURIComponent(parsed.username);
      return { host: `ssh://${rest}`, options };
    }
    default:
      return hostFail(`unsupported docker host "${host}": scheme ${scheme}:// (use unix://, tcp://, npipe:// or ssh://)`);
  }
}

interface ContextMeta {
  Name?: unknown;
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

function fromContext(input: DockerHostInput, name: string, source: 'DOCKER_CONTEXT' | 'currentContext'): ResolvedDockerHost | undefined {
  const p = pathApi(input.platform);
  const configDir = dockerConfigDir(input);
  const hash = contextDirName(name);
  const metaPath = p.join(configDir, 'contexts', 'meta', hash, 'meta.json');
  const text = input.readFile(metaPath);
  if (text === undefined) hostFail(`context "${name}" (from ${source}) not found: cannot read ${metaPath}`);
  let meta: ContextMeta;
  try {
    meta = JSON.parse(text) as ContextMeta;
  } catch (e) {
    hostFail(`context "${name}": invalid ${metaPath}: ${(e as Error).message}`);
  }
  const endpoint = meta.Endpoints?.docker;
  const hostValue = endpoint?.Host;
  if (typeof hostValue !== 'string' || hostValue === '') {
    // A context without a docker endpoint host behaves like the default context.
    return undefined;
  }
  const tlsDir = p.join(configDir, 'contexts', 'tls', hash, 'docker');
  const tlsFiles: DockerTlsFiles = { verify: endpoint?.SkipTLSVerify !== true };
  for (const kind of ['ca', 'cert', 'key'] as const) {
    const file = p.join(tlsDir, `${kind}.pem`);
    if (input.exists(file)) tlsFiles[kind] = file;
  }
  const hasTls = tlsFiles.ca !== undefined || tlsFiles.cert !== undefined;
  const parsed = parseDockerHost(hostValue, hasTls);
  const via = source === 'DOCKER_CONTEXT' ? 'DOCKER_CONTEXT' : `currentContext in ${p.join(configDir, 'config.json')}`;
  const result: ResolvedDockerHost = {
    host: parsed.host,
    source,
    context: name,
    description: `context "${name}" (${via}) → ${parsed.host}`,
    options: parsed.options,
  };
  if (hasTls && parsed.options.protocol === 'https') result.tls = tlsFiles;
  return result;
}

function currentContext(input: DockerHostInput): string | undefined {
  const configPath = pathApi(input.platform).join(dockerConfigDir(input), 'config.json');
  const text = input.readFile(configPath);
  if (text === undefined) return undefined;
  try {
    const config = JSON.parse(text) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' && config.currentContext !== '' ? config.currentContext : undefined;
  } catch {
    // The docker CLI refuses a corrupt config.json; we only need one field, so treat it as unset.
    return undefined;
  }
}

/** Pure resolution: no I/O except through `input.readFile` / `input.exists`. */
export function resolveDockerHost(input: DockerHostInput): ResolvedDockerHost {
  const envHost = input.env.DOCKER_HOST;
  if (envHost !== undefined && envHost !== '') {
    const tlsVerify = (input.env.DOCKER_TLS_VERIFY ?? '') !== '';
    const parsed = parseDockerHost(envHost, tlsVerify);
    const result: ResolvedDockerHost = {
      host: parsed.host,
      source: 'DOCKER_HOST',
      description: `DOCKER_HOST=${envHost}`,
      options: parsed.options,
    };
    if (parsed.options.protocol === 'https' && tlsVerify) {
      const p = pathApi(input.platform);
      const certDir = input.env.DOCKER_CERT_PATH || dockerConfigDir(input);
      result.tls = { verify: true };
      for (const kind of ['ca', 'cert', 'key'] as const) {
        const file = p.join(certDir, `${kind}.pem`);
        if (input.exists(file)) result.tls[kind] = file;
      }
    }
    return result;
  }

  const envContext = input.env.DOCKER_CONTEXT;
  const [contextName, source] =
    envContext !== undefined && envContext !== ''
      ? [envContext, 'DOCKER_CONTEXT' as const]
      : [currentContext(input), 'currentContext' as const];
  if (contextName !== undefined && contextName !== 'default') {
    const fromCtx = fromContext(input, contextName, source);
    if (fromCtx) return fromCtx;
  }

  const candidates = defaultSocketCandidates(input);
  const found = candidates.find((c) => input.exists(c));
  const socket = found ?? candidates.at(-1) ?? '/var/run/docker.sock';
  const isPipe = socket.startsWith('//');
  const host = isPipe ? `npipe://${socket}` : `unix://${socket}`;
  return {
    host,
    source: found ? 'socket' : 'default',
    description: found
      ? `${socket} (first existing of ${candidates.join(', ')})`
      : `${socket} (default; none of ${candidates.join(', ')} exists)`,
    options: { socketPath: socket },
  };
}

/** The I/O wrapper: process environment, real files, TLS material loaded into the options. */
export function resolveDockerHostFromProcess(env: Readonly<Record<string, string | undefined>> = process.env): ResolvedDockerHost {
  const resolved = resolveDockerHost({
    env,
    homeDir: homedir(),
    platform: process.platform,
    readFile: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    exists: (file) => existsSync(file),
  });
  if (resolved.tls) {
    const options = { ...resolved.options };
    try {
      if (resolved.tls.ca) options.ca = readFileSync(resolved.tls.ca);
      if (resolved.tls.cert) options.cert = readFileSync(resolved.tls.cert);
      if (resolved.tls.key) options.key = readFileSync(resolved.tls.key);
    } catch (e) {
      hostFail(`cannot read TLS material for ${resolved.host}: ${(e as Error).message}`);
    }
    return { ...resolved, options };
  }
  return resolved;
}
