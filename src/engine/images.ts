// Images: use a local one, else pull it (progress per layer), or build one from a context.
// A pull or build failure — the request failing or an `error` message inside the stream —
// becomes an EngineError ('pull' / 'build') carrying the daemon's words.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import type { BuildSpec } from '../compose/model.js';
import type { Engine } from './client.js';
import { abortOpt, hasStatus } from './client.js';
import { EngineError, type EngineErrorFacts } from './errors.js';
import { readJsonLines, streamError, type JsonMessage } from './stream.js';

export interface PullProgress {
  image: string;
  /** Layer id (absent for whole-image status lines like "Pulling from library/mysql"). */
  layer?: string;
  /** "Pulling fs layer", "Downloading", "Extracting", "Pull complete", "Digest: …", "Status: …". */
  status: string;
  current?: number;
  total?: number;
}

export interface BuildProgress {
  tag: string;
  /** Builder output (one chunk of `stream`, usually a line with its newline). */
  stream?: string;
  /** Status lines the classic builder relays when it pulls a base image. */
  status?: string;
}

export interface ImageCallOptions {
  signal?: AbortSignal;
  /** Compose service this image is for (goes into error facts). */
  service?: string;
}

/** Image inspect, or undefined when the image is not present locally. */
export async function inspectImage(engine: Engine, name: string, opts: ImageCallOptions = {}): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await engine.call('image.inspect', (d) => d.getImage(name).inspect(), {
      target: name,
      service: opts.service,
      signal: opts.signal,
    });
  } catch (err) {
    if (hasStatus(err, 404)) return undefined;
    throw err;
  }
}

function streamFailure(operation: 'pull' | 'build' | 'push', message: string, target: string, service?: string): EngineError {
  const facts: EngineErrorFacts = { operation, rawMessage: message, target };
  if (service !== undefined) facts.service = service;
  return new EngineError(facts);
}

function toPullProgress(image: string, msg: JsonMessage): PullProgress | undefined {
  if (typeof msg.status !== 'string') return undefined;
  const p: PullProgress = { image, status: msg.status };
  if (typeof msg.id === 'string') p.layer = msg.id;
  const detail = msg.progressDetail as { current?: unknown; total?: unknown } | undefined;
  if (detail && typeof detail.current === 'number') p.current = detail.current;
  if (detail && typeof detail.total === 'number') p.total = detail.total;
  return p;
}

/**
 * Read a pull, build or push progress stream to its end. The daemon reports a failure inside the stream
 * (with HTTP 200): the first `error` message becomes an EngineError for `operation`; every other
 * message goes to `onMessage`.
 */
async function readProgressStream(
  operation: 'pull' | 'build' | 'push',
  stream: NodeJS.ReadableStream,
  name: string,
  opts: ImageCallOptions,
  onMessage: (msg: JsonMessage) => void,
): Promise<void> {
  let failure: string | undefined;
  await readJsonLines(
    stream,
    (msg) => {
      const err = streamError(msg);
      if (err !== undefined) {
        failure ??= err;
        return;
      }
      onMessage(msg);
    },
    opts.signal,
  );
  if (failure !== undefined) throw streamFailure(operation, failure, name, opts.service);
}

/** Pull `name` (`:latest` when untagged) and return its ID. */
export async function pullImage(
  engine: Engine,
  name: string,
  onProgress?: (p: PullProgress) => void,
  opts: ImageCallOptions = {},
): Promise<{ id: string }> {
  const ctx = { target: name, service: opts.service, signal: opts.signal };
  await engine.call(
    'pull',
    async (d) => {
      const stream = await d.pull(name, abortOpt(opts.signal));
      await readProgressStream('pull', stream, name, opts, (msg) => {
        const p = toPullProgress(name, msg);
        if (p && onProgress) onProgress(p);
      });
    },
    ctx,
  );
  const info = await inspectImage(engine, name, opts);
  if (!info) throw streamFailure('pull', `pull of ${name} ended but the image is not present`, name, opts.service);
  return { id: info.Id };
}

/** Local image → its ID; otherwise pull it. */
export async function ensureImage(
  engine: Engine,
  name: string,
  onProgress?: (p: PullProgress) => void,
  opts: ImageCallOptions = {},
): Promise<{ id: string; pulled: boolean }> {
  const local = await inspectImage(engine, name, opts);
  if (local) return { id: local.Id, pulled: false };
  const { id } = await pullImage(engine, name, onProgress, opts);
  return { id, pulled: true };
}

/**
 * Every file (and empty directory) under `dir`, relative, with '/' separators: the `src` list
 * dockerode packs into the build context tarball. Symlinks are listed, not followed.
 */
export async function listContextFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    if (entries.length === 0 && rel !== '') out.push(rel);
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else out.push(child);
    }
  }
  await walk('');
  return out.sort();
}

/**
 * Build `spec` into `tag` with the daemon's builder (POST /build, classic builder). The whole
 * context directory is sent; `.dockerignore` in the context root is honoured by dockerode
 * (@balena/dockerignore, the same pattern rules as docker's) — note that, unlike the docker
 * CLI, an ignored Dockerfile is not sent back in, so do not ignore it.
 */
export async function buildImage(
  engine: Engine,
  spec: BuildSpec,
  tag: string,
  onProgress?: (p: BuildProgress) => void,
  opts: ImageCallOptions = {},
): Promise<{ id: string }> {
  const ctx = { target: tag, service: opts.service, signal: opts.signal };
  let src: string[];
  try {
    src = await listContextFiles(spec.context);
  } catch (err) {
    const facts: EngineErrorFacts = { operation: 'build', rawMessage: `cannot read build context ${spec.context}: ${(err as Error).message}`, target: tag };
    if (opts.service !== undefined) facts.service = opts.service;
    throw new EngineError(facts, { cause: err });
  }
  const dockerfile = (spec.dockerfile || 'Dockerfile').split(path.sep).join('/');
  // forcerm: a failed step's intermediate container goes too, like with BuildKit.
  const buildOpts: Docker.ImageBuildOptions = { t: tag, dockerfile, rm: true, forcerm: true, ...abortOpt(opts.signal) };
  if (Object.keys(spec.args).length > 0) buildOpts.buildargs = { ...spec.args };
  await engine.call(
    'build',
    async (d) => {
      const stream = await d.buildImage({ context: spec.context, src }, buildOpts);
      await readProgressStream('build', stream, tag, opts, (msg) => {
        if (!onProgress) return;
        if (typeof msg.stream === 'string') onProgress({ tag, stream: msg.stream });
        else if (typeof msg.status === 'string') onProgress({ tag, status: msg.status });
      });
    },
    ctx,
  );
  const info = await inspectImage(engine, tag, opts);
  if (!info) throw streamFailure('build', `build of ${tag} ended but the image is not present`, tag, opts.service);
  return { id: info.Id };
}

/** Registry credentials for a push (the Engine API's X-Registry-Auth). */
export interface RegistryAuth {
  /** The registry host (`<name>.azurecr.io`, `127.0.0.1:5000`). */
  serveraddress: string;
  username: string;
  password: string;
}

/** `docker tag source repo:tag`, by the Engine API (POST /images/{name}/tag). */
export async function tagImage(engine: Engine, source: string, repo: string, tag: string, opts: ImageCallOptions = {}): Promise<void> {
  await engine.call('image.tag', (d) => d.getImage(source).tag({ repo, tag }), { target: `${repo}:${tag}`, service: opts.service, signal: opts.signal });
}

/**
 * Push `repo:tag` with the registry's credentials (POST /images/{name}/push). Like a pull, the
 * daemon reports a failure (unauthorized, unknown registry) inside the stream, with HTTP 200:
 * that `error` message becomes an EngineError ('push') carrying the daemon's words. Resolves with
 * the pushed digest, when the daemon reported one.
 */
export async function pushImage(
  engine: Engine,
  repo: string,
  tag: string,
  auth: RegistryAuth,
  onProgress?: (p: PullProgress) => void,
  opts: ImageCallOptions = {},
): Promise<{ digest?: string }> {
  const name = `${repo}:${tag}`;
  let digest: string | undefined;
  await engine.call(
    'push',
    async (d) => {
      const stream = await d.getImage(repo).push({ tag, authconfig: auth, ...abortOpt(opts.signal) } as Docker.ImagePushOptions);
      await readProgressStream('push', stream, name, opts, (msg) => {
        const aux = msg.aux as { Digest?: unknown } | undefined;
        if (aux && typeof aux.Digest === 'string') digest = aux.Digest;
        const p = toPullProgress(name, msg);
        if (p && onProgress) onProgress(p);
      });
    },
    { target: name, service: opts.service, signal: opts.signal },
  );
  return digest ? { digest } : {};
}
