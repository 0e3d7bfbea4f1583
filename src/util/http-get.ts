// One bounded GET of a small text document (the release files, the latest-release API).
// Direct: node:http(s). Not fetch: Node's fetch loads its own HTTP stack (undici) on first use,
// ~60 ms of a deploy's start-up on a small machine (docs/performance.md), for two small files.
// Behind a proxy (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, lower-case first, as curl and Go read them):
// undici's EnvHttpProxyAgent, loaded only then, so only proxied runs pay for it.

import type { IncomingMessage } from 'node:http';

export interface HttpGetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
  /** Redirects followed before giving up (GitHub release assets redirect once). */
  maxRedirects?: number;
  /** Larger bodies are refused: these are small text files. */
  maxBytes?: number;
  /**
   * Where the proxy variables are read (default: process.env). Given explicitly, nothing else is
   * read, so a test's environment decides alone.
   */
  env?: ProxyEnv;
}

/** The variables a proxy is configured with; both spellings, as users set either. */
export interface ProxyEnv {
  HTTPS_PROXY?: string | undefined;
  https_proxy?: string | undefined;
  HTTP_PROXY?: string | undefined;
  http_proxy?: string | undefined;
  NO_PROXY?: string | undefined;
  no_proxy?: string | undefined;
}

export interface HttpTextResponse {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** The body, for 2xx answers only (others are drained). */
  text: string;
  /** Response headers, lower-case names (a repeated header's values joined with ", "). */
  headers: Record<string, string>;
}

/** A GET that did not produce an HTTP answer: the socket's code (ECONNREFUSED…) when there is one. */
export class HttpGetError extends Error {
  override readonly name = 'HttpGetError';
  constructor(
    readonly url: string,
    readonly code: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Our code for a proxy that refused to open the tunnel (the proxy's status is in the message). */
export const PROXY_REFUSED = 'proxy-refused';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/** One hop's answer, whichever client fetched it. */
interface Hop {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
  /** Discard the body without reading it (redirects, errors). */
  drain(): void;
  /** Stop the body midway (too large). */
  destroy(): void;
}

interface Client {
  get(target: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Hop>;
  close(): Promise<void>;
}

const first = (...values: (string | undefined)[]): string | undefined => values.find((v) => v !== undefined && v !== '');

/** The proxy for a scheme, as undici's EnvHttpProxyAgent picks it (https falls back to the http proxy). */
export function proxyFor(protocol: 'http:' | 'https:', env: ProxyEnv): string | undefined {
  const http = first(env.http_proxy, env.HTTP_PROXY);
  return protocol === 'https:' ? (first(env.https_proxy, env.HTTPS_PROXY) ?? http) : http;
}

export async function httpGetText(url: string, opts: HttpGetOptions): Promise<HttpTextResponse> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const maxRedirects = opts.maxRedirects ?? 5;
  const env: ProxyEnv = opts.env ?? process.env;
  const proxied = proxyFor('https:', env) !== undefined;
  let current = new URL(url);
  let headers = { ...opts.headers };
  const client = proxied ? await proxyClient(env) : nodeClient;
  try {
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new HttpGetError(current.href, undefined, `unsupported URL scheme ${current.protocol}`);
      if (signal.aborted) throw failure(signal.reason, current.href, signal, opts);
      let res: Hop;
      try {
        res = await client.get(current, headers, signal);
      } catch (err) {
        throw failure(err, current.href, signal, opts);
      }
      const location = res.headers.location;
      if (REDIRECTS.has(res.status) && location) {
        res.drain();
        if (hop >= maxRedirects) throw new HttpGetError(current.href, undefined, `more than ${maxRedirects} redirects from ${url}`);
        const next = new URL(location, current);
        // Credentials are for the host they were meant for, not wherever it redirects to.
        if (next.origin !== current.origin) headers = withoutAuthorization(headers);
        current = next;
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        res.drain();
        return { status: res.status, url: current.href, text: '', headers: res.headers };
      }
      const text = await readText(res, current.href, opts.maxBytes ?? DEFAULT_MAX_BYTES, signal, opts);
      return { status: res.status, url: current.href, text, headers: res.headers };
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

/** The first string `code` along an error's cause chain (undici nests the socket's). */
function codeOf(err: unknown): string | undefined {
  let cur = err as { code?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    if (typeof cur.code === 'string' && !cur.code.startsWith('UND_ERR_')) return cur.code;
    cur = cur.cause as typeof cur;
  }
  const top = (err as { code?: unknown } | undefined)?.code;
  return typeof top === 'string' ? top : undefined;
}

function failure(err: unknown, url: string, signal: AbortSignal, opts: HttpGetOptions): Error {
  // The caller's abort is theirs to report; our own deadline is a failure of the GET.
  if (opts.signal?.aborted) return opts.signal.reason instanceof Error ? opts.signal.reason : new Error(String(opts.signal.reason));
  if (signal.aborted) return new HttpGetError(url, 'ETIMEDOUT', `no answer from ${url} within ${opts.timeoutMs / 1000} s`, { cause: err });
  if (err instanceof HttpGetError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // undici: "Proxy response (407) !== 200 when HTTP Tunneling": the proxy, not the server, said no.
  const proxyStatus = /Proxy response \((\d{3})\)/.exec(message)?.[1];
  if (proxyStatus) return new HttpGetError(url, PROXY_REFUSED, `the proxy refused to connect to ${new URL(url).host} (proxy answered HTTP ${proxyStatus})`, { cause: err });
  return new HttpGetError(url, codeOf(err), message, { cause: err });
}

function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

// ── Direct: node:http(s) ─────────────────────────────────────────────────────

const nodeClient: Client = {
  async get(target, headers, signal) {
    const client = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      // agent: false: its own connection, closed after the answer (nothing keeps the process alive).
      const req = client.get(target, { headers, agent: false, signal }, resolve);
      req.on('error', reject);
    });
    return {
      status: res.statusCode ?? 0,
      headers: headersOf(res.headers),
      body: res,
      drain: () => void res.resume(),
      destroy: () => void res.destroy(),
    };
  },
  close: () => Promise.resolve(),
};

// ── Proxied: undici's EnvHttpProxyAgent (NO_PROXY decided by undici) ────────

async function proxyClient(env: ProxyEnv): Promise<Client> {
  const undici = await import('undici');
  const agent = withoutExperimentalNotice(
    () =>
      new undici.EnvHttpProxyAgent({
        // Explicit, so only the given environment counts (undici would read process.env otherwise).
        httpProxy: first(env.http_proxy, env.HTTP_PROXY) ?? '',
        httpsProxy: first(env.https_proxy, env.HTTPS_PROXY) ?? '',
        noProxy: first(env.no_proxy, env.NO_PROXY) ?? '',
      }),
  );
  return {
    async get(target, headers, signal) {
      let res: Awaited<ReturnType<typeof undici.request>>;
      try {
        res = await undici.request(target, { method: 'GET', headers, dispatcher: agent, signal, maxRedirections: 0 });
      } catch (err) {
        throw proxyUnreachable(err, target, env) ?? err;
      }
      return {
        status: res.statusCode,
        headers: headersOf(res.headers),
        body: res.body,
        drain: () => void res.body.dump().catch(() => undefined),
        destroy: () => void res.body.destroy(),
      };
    },
    close: () => agent.close(),
  };
}

/** A proxy URL fit for a message: its credentials (`http://user:pass@proxy`) left out. */
function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/**
 * The socket error of a connection to the proxy itself (refused, reset, timed out), worded as the
 * proxy's: undici reports it as `connect ECONNREFUSED <proxy address>`, which names neither the
 * proxy nor the variable that chose it. Undefined for anything else (the target's own errors).
 */
function proxyUnreachable(err: unknown, target: URL, env: ProxyEnv): HttpGetError | undefined {
  const chosen = proxyFor(target.protocol === 'https:' ? 'https:' : 'http:', env);
  if (!chosen) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(chosen);
  } catch {
    return undefined;
  }
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  let cur = err as { port?: unknown; address?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++, cur = cur.cause as typeof cur) {
    if (cur.port !== proxyPort) continue;
    // An address on the error must be the proxy's, when the proxy is named by address.
    const host = proxy.hostname.replace(/^\[|\]$/g, '');
    if (typeof cur.address === 'string' && /^[\d.]+$|:/.test(host) && cur.address !== host) continue;
    const variable = target.protocol === 'https:' && first(env.https_proxy, env.HTTPS_PROXY) ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    const message = err instanceof Error ? err.message : String(err);
    return new HttpGetError(target.href, codeOf(err), `cannot connect to the proxy ${proxyLabel(proxy)} (${variable}): ${message}`, { cause: err });
  }
  return undefined;
}

/**
 * undici 6 marks EnvHttpProxyAgent experimental with a process warning on first use. The API we
 * use (constructor options, dispatch) is the one undici 7 made stable; the notice would only
 * alarm users, so it is dropped, and only it.
 */
function withoutExperimentalNotice<T>(make: () => T): T {
  const original = process.emitWarning.bind(process);
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    const code = (rest[0] as { code?: string } | undefined)?.code;
    if (code === 'UNDICI-EHPA') return;
    (original as (...a: unknown[]) => void)(warning, ...rest);
  };
  const saved: unknown = Reflect.get(process, 'emitWarning');
  Reflect.set(process, 'emitWarning', filtered);
  try {
    return make();
  } finally {
    Reflect.set(process, 'emitWarning', saved);
  }
}

async function readText(res: Hop, url: string, maxBytes: number, signal: AbortSignal, opts: HttpGetOptions): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buf.length;
      if (size > maxBytes) {
        res.destroy();
        throw new HttpGetError(url, 'EFBIG', `${url} is larger than ${maxBytes} bytes`);
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof HttpGetError) throw err;
    throw failure(err, url, signal, opts);
  }
  return Buffer.concat(chunks).toString('utf8');
}
