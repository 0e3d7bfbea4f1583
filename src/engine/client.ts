// The one door to the Docker engine. Every Engine API call goes through `Engine.call`, which
// maps whatever dockerode/docker-modem/the socket throws into an `EngineError` carrying the
// daemon's own message; an abort surfaces as the signal's reason (an AbortError), never as
// an EngineError, because it is the caller's decision, not an engine failure.

import { createRequire, Module } from 'node:module';
import type Docker from 'dockerode';
import { resolveDockerHostFromProcess, type ResolvedDockerHost } from './docker-host.js';
import { EngineError, toEngineError, type EngineErrorContext, type EngineErrorFacts, type EngineOperation } from './errors.js';

const requireHere = createRequire(import.meta.url);

/**
 * Put a stand-in for one CommonJS module into require's cache, which loads the real module the
 * first time it is used. `kind` says what the module exports: a function (called, or constructed
 * with `new`: the real instance is returned), or an object of functions (each key a wrapper).
 */
function deferModule(req: NodeJS.Require, specifier: string, kind: 'function' | readonly string[]): void {
  let filename: string;
  try {
    filename = req.resolve(specifier);
  } catch {
    return; // laid out differently (another version): load it the ordinary way
  }
  if (req.cache[filename]) return;
  let real: unknown;
  const load = (): unknown => {
    if (real === undefined) {
      delete req.cache[filename];
      real = req(filename);
    }
    return real;
  };
  const standIn = new Module(filename);
  standIn.filename = filename;
  standIn.loaded = true;
  if (kind === 'function') {
    standIn.exports = function deferred(this: unknown, ...args: unknown[]): unknown {
      const fn = load() as (...a: unknown[]) => unknown;
      return new.target ? (Reflect.construct(fn, args) as unknown) : fn.apply(this, args);
    };
  } else {
    const exports: Record<string, unknown> = {};
    for (const key of kind) {
      exports[key] = function deferred(this: unknown, ...args: unknown[]): unknown {
        return ((load() as Record<string, (...a: unknown[]) => unknown>)[key] as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
    standIn.exports = exports;
  }
  req.cache[filename] = standIn;
}

let dockerode: typeof Docker | undefined;

/**
 * dockerode, without the parts a unix-socket or tcp client never calls at load time: its
 * BuildKit session helper (gRPC + protobuf), docker-modem's ssh transport (ssh2), its stream for
 * hijacked connections (readable-stream; exec/attach only) and the build context packer
 * (tar-fs; builds only). Each loads on its first use instead, which takes more than half off the
 * cost of loading dockerode, and with it off every engine command's start-up (docs/performance.md).
 * The layout is checked: a version that moved these files loads the ordinary way.
 */
function loadDockerode(): typeof Docker {
  if (dockerode) return dockerode;
  deferModule(requireHere, 'dockerode/lib/session.js', 'function');
  try {
    const fromDockerode = createRequire(requireHere.resolve('dockerode'));
    deferModule(fromDockerode, 'tar-fs', ['pack', 'extract']);
    const fromModem = createRequire(fromDockerode.resolve('docker-modem'));
    deferModule(fromModem, 'docker-modem/lib/ssh.js', 'function');
    deferModule(fromModem, 'docker-modem/lib/http_duplex.js', 'function');
  } catch {
    // dockerode not resolvable from here: the require below says so
  }
  dockerode = requireHere('dockerode') as typeof Docker;
  return dockerode;
}

export interface EngineCallContext extends EngineErrorContext {
  signal?: AbortSignal;
}

export interface Engine {
  /** The dockerode client. Use it only inside `call`. */
  readonly docker: Docker;
  /** Where we connect and why. */
  readonly endpoint: ResolvedDockerHost;
  /**
   * Run one Engine API interaction. Errors become `EngineError` with `operation` and the
   * context's service/target; if `ctx.signal` aborted, its reason is thrown instead.
   */
  call<T>(operation: EngineOperation, fn: (docker: Docker) => Promise<T>, ctx?: EngineCallContext): Promise<T>;
  /** GET /_ping. Fails with operation 'ping' (and the socket's syscallCode when unreachable). */
  ping(signal?: AbortSignal): Promise<void>;
}

export interface OpenEngineOptions {
  /** Endpoint to use; default: resolved from DOCKER_HOST / context / sockets. */
  endpoint?: ResolvedDockerHost;
  /** Environment for endpoint resolution (default process.env). Ignored when `endpoint` is given. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Extra docker-modem options, merged over the endpoint's. */
  dockerOptions?: Docker.DockerOptions;
  /**
   * Deadline for the engine to start answering one request (docker-modem's connectionTimeout:
   * until the response headers; streams like pull/build are not cut once they flow). A hung
   * daemon then fails with syscallCode ETIMEDOUT instead of waiting forever. Default 300 000 ms
   * (longer than any stop grace period we use); 0 disables.
   */
  responseTimeoutMs?: number;
}

export const DEFAULT_RESPONSE_TIMEOUT_MS = 300_000;

interface PingWithOptions {
  ping(options: { abortSignal?: AbortSignal }): Promise<unknown>;
}

class EngineClient implements Engine {
  readonly docker: Docker;
  readonly endpoint: ResolvedDockerHost;

  private readonly responseTimeoutMs: number;

  constructor(endpoint: ResolvedDockerHost, extra: Docker.DockerOptions | undefined, responseTimeoutMs: number) {
    this.endpoint = endpoint;
    this.responseTimeoutMs = responseTimeoutMs;
    // docker-modem merges its own DOCKER_HOST-derived defaults under ours: clear the
    // connection keys explicitly so the resolved endpoint alone decides.
    const DockerClient = loadDockerode();
    this.docker = new DockerClient({
      socketPath: undefined,
      host: undefined,
      port: undefined,
      protocol: undefined,
      ...endpoint.options,
      // Not in @types/dockerode; docker-modem reads it (see OpenEngineOptions.responseTimeoutMs).
      ...(responseTimeoutMs > 0 ? ({ connectionTimeout: responseTimeoutMs } as Docker.DockerOptions) : {}),
      ...extra,
    });
  }

  async call<T>(operation: EngineOperation, fn: (docker: Docker) => Promise<T>, ctx: EngineCallContext = {}): Promise<T> {
    ctx.signal?.throwIfAborted();
    const started = Date.now();
    try {
      return await fn(this.docker);
    } catch (err) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      const errCtx: EngineErrorContext = {};
      if (ctx.service !== undefined) errCtx.service = ctx.service;
      if (ctx.target !== undefined) errCtx.target = ctx.target;
      const code = (err as { code?: unknown } | null)?.code;
      if (this.responseTimeoutMs > 0 && code === 'ECONNRESET' && Date.now() - started >= this.responseTimeoutMs) {
        // docker-modem destroyed the request at the deadline ("socket hang up").
        const facts: EngineErrorFacts = {
          operation,
          rawMessage: `no answer from the Docker engine at ${this.endpoint.host} within ${this.responseTimeoutMs / 1000} s`,
          syscallCode: 'ETIMEDOUT',
          ...errCtx,
        };
        throw new EngineError(facts, { cause: err });
      }
      throw toEngineError(err, operation, errCtx);
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    // dockerode's ping accepts options (abortSignal); @types/dockerode only declares ping().
    await this.call('ping', (d) => (d as unknown as PingWithOptions).ping(abortOpt(signal)), { signal });
  }
}

/** A client for the resolved endpoint. No I/O besides reading docker's config files. */
export function openEngine(opts: OpenEngineOptions = {}): Engine {
  const endpoint = opts.endpoint ?? resolveDockerHostFromProcess(opts.env);
  return new EngineClient(endpoint, opts.dockerOptions, opts.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS);
}

/** True when `err` is an EngineError with one of these HTTP statuses. */
export function hasStatus(err: unknown, ...codes: number[]): err is EngineError {
  if (typeof err !== 'object' || err === null || !('facts' in err)) return false;
  const status = (err as EngineError).facts.statusCode;
  return status !== undefined && codes.includes(status);
}

/** dockerode's `abortSignal` option, only when there is a signal (an undefined key would reach the query string). */
export function abortOpt(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}
