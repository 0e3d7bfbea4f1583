// One bounded GET of a small text document (the release files, the latest-release API), on
// node:http(s). Not fetch: Node's fetch loads its own HTTP stack (undici) on first use, ~60 ms
// of a deploy's start-up on a small machine (docs/performance.md), for two small files.

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
}

export interface HttpTextResponse {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** The body, for 2xx answers only (others are drained). */
  text: string;
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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export async function httpGetText(url: string, opts: HttpGetOptions): Promise<HttpTextResponse> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const maxRedirects = opts.maxRedirects ?? 5;
  let current = new URL(url);
  let headers = { ...opts.headers };
  for (let hop = 0; ; hop++) {
    const res = await request(current, headers, signal, opts);
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode ?? 0) && location) {
      res.resume();
      if (hop >= maxRedirects) throw new HttpGetError(current.href, undefined, `more than ${maxRedirects} redirects from ${url}`);
      const next = new URL(location, current);
      // Credentials are for the host they were meant for, not wherever it redirects to.
      if (next.origin !== current.origin) headers = withoutAuthorization(headers);
      current = next;
      continue;
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      res.resume();
      return { status, url: current.href, text: '' };
    }
    return { status, url: current.href, text: await readText(res, current.href, opts.maxBytes ?? DEFAULT_MAX_BYTES, signal, opts) };
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

function failure(err: unknown, url: string, signal: AbortSignal, opts: HttpGetOptions): Error {
  // The caller's abort is theirs to report; our own deadline is a failure of the GET.
  if (opts.signal?.aborted) return opts.signal.reason instanceof Error ? opts.signal.reason : new Error(String(opts.signal.reason));
  if (signal.aborted) return new HttpGetError(url, 'ETIMEDOUT', `no answer from ${url} within ${opts.timeoutMs / 1000} s`, { cause: err });
  const e = err as NodeJS.ErrnoException;
  return new HttpGetError(url, e.code, e.message, { cause: err });
}

async function request(target: URL, headers: Record<string, string>, signal: AbortSignal, opts: HttpGetOptions): Promise<IncomingMessage> {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new HttpGetError(target.href, undefined, `unsupported URL scheme ${target.protocol}`);
  if (signal.aborted) throw failure(signal.reason, target.href, signal, opts);
  const client = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<IncomingMessage>((resolve, reject) => {
    // agent: false: its own connection, closed after the answer (nothing keeps the process alive).
    const req = client.get(target, { headers, agent: false, signal }, resolve);
    req.on('error', (err) => reject(failure(err, target.href, signal, opts)));
  });
}

async function readText(res: IncomingMessage, url: string, maxBytes: number, signal: AbortSignal, opts: HttpGetOptions): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      const buf = chunk as Buffer;
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
