// The official flow's inputs: a DevLake release's docker-compose.yml and env.example,
// fetched from the release base URL (GitHub releases by default; a loopback server in tests).

import path from 'node:path';
import { DeployError } from '../recovery/deploy-error.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { httpGetText, HttpGetError, type HttpTextResponse, type ProxyEnv } from '../util/http-get.js';
import { makeDir } from '../util/make-dir.js';

export const DEFAULT_RELEASE_BASE_URL = 'https://github.com/apache/incubator-devlake/releases/download';
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
export const RELEASE_REPO = 'apache/incubator-devlake';
export const RELEASE_FILES = ['docker-compose.yml', 'env.example'] as const;

export interface ReleaseEnv extends ProxyEnv {
  DEVLAKE_RELEASE_BASE_URL?: string;
  DEVLAKE_GITHUB_API_URL?: string;
  /** A GitHub token lifts the API's unauthenticated limit (60 requests an hour per address). */
  GITHUB_TOKEN?: string;
  GH_TOKEN?: string;
}

/** The token to send to GitHub, if any: GITHUB_TOKEN, else GH_TOKEN (what `gh` itself reads). */
export function githubToken(env: ReleaseEnv): string | undefined {
  return [env.GITHUB_TOKEN, env.GH_TOKEN].map((t) => t?.trim()).find((t) => t !== undefined && t !== '');
}

/** The failure codes of our own downloads (the taxonomy matches them). */
export const RELEASE_CODES = {
  rateLimited: 'rate-limited',
  notYaml: 'not-yaml',
} as const;

const VERSION_RE = /^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

export function isVersionTag(v: string): boolean {
  return VERSION_RE.test(v);
}

const REQUEST_TIMEOUT_MS = 30_000;

/** The body of a 2xx answer. Throws DeployError (source 'release') for network errors and other statuses. */
async function get(url: string, what: string, env: ReleaseEnv, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<string> {
  let res: HttpTextResponse;
  try {
    res = await httpGetText(url, { headers, env, timeoutMs: REQUEST_TIMEOUT_MS, ...(signal ? { signal } : {}) });
  } catch (err) {
    signal?.throwIfAborted();
    const code = err instanceof HttpGetError ? err.code : undefined;
    throw new DeployError({ source: 'release', code, operation: what, target: url, message: `cannot fetch ${url}: ${(err as Error).message}` }, { cause: err });
  }
  if (res.status < 200 || res.status >= 300) {
    const limited = rateLimit(res, 'authorization' in headers);
    if (limited) throw new DeployError({ source: 'release', statusCode: res.status, code: RELEASE_CODES.rateLimited, operation: what, target: url, message: `${url} answered HTTP ${res.status}: ${limited}` });
    throw new DeployError({ source: 'release', statusCode: res.status, operation: what, target: url, message: `${url} answered HTTP ${res.status}` });
  }
  return res.text;
}

/**
 * GitHub's rate limit in words, or undefined when the answer is not one: 403 or 429 with
 * `x-ratelimit-remaining: 0` (or 429 with `retry-after`), as docs.github.com describes
 * ("Rate limits for the REST API": primary and secondary limits).
 */
function rateLimit(res: HttpTextResponse, withToken: boolean): string | undefined {
  const remaining = res.headers['x-ratelimit-remaining'];
  const retryAfter = res.headers['retry-after'];
  if (!((res.status === 403 || res.status === 429) && (remaining === '0' || (res.status === 429 && retryAfter !== undefined)))) return undefined;
  const reset = Number(res.headers['x-ratelimit-reset']);
  const when = Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC` : retryAfter ? `; retry after ${retryAfter} s` : '';
  return `GitHub's rate limit is used up (x-ratelimit-remaining: ${remaining ?? '?'}${when}), ${withToken ? 'with the token that was sent' : 'for unauthenticated requests from this address'}`;
}

/** `latest` → the newest release tag, through the GitHub API (`DEVLAKE_GITHUB_API_URL` overrides the base). */
export async function resolveVersion(version: string, env: ReleaseEnv, signal?: AbortSignal): Promise<string> {
  if (version !== 'latest') return version;
  const api = (env.DEVLAKE_GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'user-agent': 'gh-devlake' };
  // The token goes to the GitHub API (default or DEVLAKE_GITHUB_API_URL) only, never into a message.
  const token = githubToken(env);
  if (token) headers.authorization = `Bearer ${token}`;
  const text = await get(`${api}/repos/${RELEASE_REPO}/releases/latest`, 'release.latest', env, signal, headers);
  let body: { tag_name?: unknown } | null = null;
  try {
    body = JSON.parse(text) as { tag_name?: unknown } | null;
  } catch {
    // not JSON: reported below as no tag
  }
  if (typeof body?.tag_name !== 'string' || !isVersionTag(body.tag_name)) {
    throw new DeployError({ source: 'release', operation: 'release.latest', message: `the GitHub API did not return a release tag for ${RELEASE_REPO}` });
  }
  return body.tag_name;
}

/** A compose file must be YAML, not an HTML error page that answered 200. */
function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<\?xml)/i.test(text);
}

/** The release's files, fetched completely and checked (not HTML), nothing written yet. */
export type ReleaseFiles = Record<(typeof RELEASE_FILES)[number], string>;

/**
 * The release files' headers: the token only for GitHub's own release host, never for a mirror
 * (DEVLAKE_RELEASE_BASE_URL), which must not see a GitHub credential. GitHub's redirect to its
 * asset host crosses origins, so the token stops at github.com (http-get drops it).
 */
function downloadHeaders(base: string, env: ReleaseEnv): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'gh-devlake' };
  const token = githubToken(env);
  if (token && new URL(base).origin === new URL(DEFAULT_RELEASE_BASE_URL).origin) headers.authorization = `Bearer ${token}`;
  return headers;
}

/** Fetch every release file into memory. Throws DeployError (source 'release') on 404, HTML, network errors. */
export async function fetchRelease(version: string, env: ReleaseEnv, signal?: AbortSignal): Promise<ReleaseFiles> {
  const base = (env.DEVLAKE_RELEASE_BASE_URL ?? DEFAULT_RELEASE_BASE_URL).replace(/\/+$/, '');
  const texts: Partial<ReleaseFiles> = {};
  // Both files at once; a failure of either leaves nothing written (the caller writes later).
  await Promise.all(
    RELEASE_FILES.map(async (file) => {
      const url = `${base}/${version}/${file}`;
      const text = await get(url, 'release.download', env, signal, downloadHeaders(base, env));
      if (looksLikeHtml(text)) {
        throw new DeployError({ source: 'release', code: RELEASE_CODES.notYaml, operation: 'release.download', target: url, message: `${url} returned HTML, not the release's ${file}` });
      }
      texts[file] = text;
    }),
  );
  return texts as ReleaseFiles;
}

/** Write fetched release files into dir, each atomically (a reader never sees half a file). */
export async function writeRelease(dir: string, files: ReleaseFiles): Promise<void> {
  await makeDir(dir);
  for (const file of RELEASE_FILES) await writeFileAtomic(path.join(dir, file), files[file], 0o644);
}

/**
 * Download the release files into dir. Each is fetched completely before anything is written,
 * so a failed download leaves dir as it was.
 */
export async function downloadRelease(dir: string, version: string, env: ReleaseEnv, signal?: AbortSignal): Promise<void> {
  await writeRelease(dir, await fetchRelease(version, env, signal));
}

/**
 * A release download started ahead of the flow that uses it: the command starts it before
 * loading the flow's modules, so the network wait and the module loading overlap. Nothing is
 * written; the flow awaits `version` and `files` at the step where it would have fetched them.
 */
export interface ReleasePrefetch {
  readonly version: Promise<string>;
  readonly files: Promise<ReleaseFiles>;
  /** Stop the download (an interrupt, or a run that ended before using it). */
  abort(reason?: unknown): void;
}

export function prefetchRelease(version: string, env: ReleaseEnv): ReleasePrefetch {
  const controller = new AbortController();
  const resolved = resolveVersion(version, env, controller.signal);
  const files = resolved.then((v) => fetchRelease(v, env, controller.signal));
  // Whoever awaits them sees the errors; a run that never gets there must not see them as unhandled.
  resolved.catch(() => undefined);
  files.catch(() => undefined);
  return { version: resolved, files, abort: (reason?: unknown) => controller.abort(reason) };
}
