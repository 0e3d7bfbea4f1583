// Local stand-ins for the images DevLake's compose files name, built FROM scratch with the host's
// static busybox (no registry is reachable). Sources: test/images/<dir>/. Built through dockerode.
//
// Each image carries a label with a hash of its inputs (its folder, busybox, build args); an image
// whose tags all carry the current hash is not rebuilt, so a warm call costs a few inspects.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';

export const TEST_RELEASE_VERSION = 'v1.0.1';

/** Registry path of DevLake's images in the release compose files. */
export const DEVLAKE_IMAGE_PREFIX = 'devlake.docker.scarf.sh/apache';

export const IMAGES = {
  /** scratch + busybox with every applet in /bin; fork-flow Dockerfiles build FROM it. */
  base: 'gh-devlake-test/base:latest',
  mysql: 'mysql:8',
  backend: (version: string = TEST_RELEASE_VERSION): string => `${DEVLAKE_IMAGE_PREFIX}/devlake:${version}`,
  grafana: (version: string = TEST_RELEASE_VERSION): string => `${DEVLAKE_IMAGE_PREFIX}/devlake-dashboard:${version}`,
  configUi: (version: string = TEST_RELEASE_VERSION): string => `${DEVLAKE_IMAGE_PREFIX}/devlake-config-ui:${version}`,
} as const;

/** Label holding the hash of an image's inputs. */
export const IMAGE_HASH_LABEL = 'dev.gh-devlake.test.inputs-hash';
/** Bump to force every test image to rebuild. */
const RECIPE_VERSION = '1';

// GDL_REPO_ROOT lets scripts that run these helpers transpiled elsewhere (npm run demo) point back here.
export const REPO_ROOT = process.env.GDL_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
export const TEST_IMAGES_DIR = path.join(REPO_ROOT, 'test', 'images');
export const BUSYBOX_PATH = process.env.GDL_TEST_BUSYBOX ?? '/usr/bin/busybox';
/** Dockerfile line after which an image's own steps start (fork-repo.ts swaps the lines above it). */
export const IMAGE_MARKER = '# --- image ---';

export interface TestImageSpec {
  /** Folder under test/images/. */
  dir: 'base' | 'mysql' | 'devlake' | 'dashboard' | 'config-ui';
  /** Every tag this build gets; the first is the build's own tag. */
  tags: string[];
  buildargs: Record<string, string>;
}

/**
 * The images the tests need, for these release versions. TEST_RELEASE_VERSION is always included
 * and is what `:latest` names, so extra versions never move `:latest`.
 */
export function testImageSpecs(versions: readonly string[] = [TEST_RELEASE_VERSION]): TestImageSpec[] {
  const all = [...new Set([TEST_RELEASE_VERSION, ...versions])];
  const withLatest = [...all, 'latest'];
  const specs: TestImageSpec[] = [
    { dir: 'base', tags: [IMAGES.base], buildargs: {} },
    { dir: 'mysql', tags: [IMAGES.mysql], buildargs: {} },
  ];
  for (const version of all) {
    const tags = [IMAGES.backend(version)];
    if (version === TEST_RELEASE_VERSION) tags.push(IMAGES.backend('latest'));
    specs.push({ dir: 'devlake', tags, buildargs: { DEVLAKE_VERSION: version } });
  }
  specs.push({ dir: 'dashboard', tags: withLatest.map((v) => IMAGES.grafana(v)), buildargs: {} });
  specs.push({ dir: 'config-ui', tags: withLatest.map((v) => IMAGES.configUi(v)), buildargs: {} });
  return specs;
}

export interface BuildTestImagesOptions {
  versions?: readonly string[];
  docker?: Docker;
  /** Rebuild even when the hash label matches. */
  force?: boolean;
  /** Per-image build deadline (default 120 s). */
  timeoutMs?: number;
}

export interface BuildTestImagesResult {
  /** Tags that were (re)built or (re)tagged. */
  built: string[];
  /** Tags already up to date. */
  upToDate: string[];
  durationMs: number;
}

/** Files under dir, relative, sorted, '/'-separated. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(dir, prefix), { withFileTypes: true });
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

let busyboxHash: Promise<string> | undefined;
async function hashBusybox(): Promise<string> {
  busyboxHash ??= (async () => {
    let data: Buffer;
    try {
      data = await fs.readFile(BUSYBOX_PATH);
    } catch (err) {
      throw new Error(
        `test images need a static busybox at ${BUSYBOX_PATH} (Debian package busybox-static; run scripts/ci-setup.sh): ${(err as Error).message}`,
      );
    }
    return createHash('sha256').update(data).digest('hex');
  })();
  return busyboxHash;
}

/** Hash of everything that goes into one image. */
export async function imageInputsHash(spec: TestImageSpec): Promise<string> {
  const dir = path.join(TEST_IMAGES_DIR, spec.dir);
  const h = createHash('sha256');
  h.update(`recipe ${RECIPE_VERSION}\0dir ${spec.dir}\0busybox ${await hashBusybox()}\0`);
  h.update(`args ${JSON.stringify(Object.entries(spec.buildargs).sort())}\0`);
  for (const rel of await listFiles(dir)) {
    h.update(`file ${rel}\0`);
    h.update(await fs.readFile(path.join(dir, rel)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 32);
}

/** `repo:tag` → parts; the tag is after the last ':' that follows the last '/'. */
export function splitImageRef(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: 'latest' };
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

async function inspectOrUndefined(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

/** Build a context folder through dockerode; resolves once the engine reports success. */
export async function buildFromContext(
  docker: Docker,
  contextDir: string,
  opts: { tag: string; labels?: Record<string, string>; buildargs?: Record<string, string>; timeoutMs?: number },
): Promise<void> {
  const src = await listFiles(contextDir);
  const abort = new AbortController();
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const log: string[] = [];
  try {
    const stream = await docker.buildImage(
      { context: contextDir, src },
      { t: opts.tag, labels: opts.labels ?? {}, buildargs: opts.buildargs ?? {}, rm: true, forcerm: true, abortSignal: abort.signal },
    );
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.stream) log.push(event.stream);
          if (event.error) log.push(`ERROR: ${event.errorDetail?.message ?? event.error}\n`);
        },
      );
    });
    const failed = log.find((l) => l.startsWith('ERROR: '));
    if (failed) throw new Error(failed.slice(7).trim());
  } catch (err) {
    const why = abort.signal.aborted ? `timed out after ${timeoutMs} ms` : (err as Error).message;
    throw new Error(`building ${opts.tag} from ${contextDir} failed: ${why}\n${log.join('').trim()}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** Copy test/images/<dir>/ and busybox into a fresh temp folder. The caller removes it. */
export async function assembleContext(dir: TestImageSpec['dir']): Promise<string> {
  const ctx = await fs.mkdtemp(path.join(os.tmpdir(), `gdl-img-${dir}-`));
  await fs.cp(path.join(TEST_IMAGES_DIR, dir), ctx, { recursive: true });
  await fs.copyFile(BUSYBOX_PATH, path.join(ctx, 'busybox'));
  await fs.chmod(path.join(ctx, 'busybox'), 0o755);
  for (const rel of await listFiles(ctx)) {
    if (rel.endsWith('.sh')) await fs.chmod(path.join(ctx, rel), 0o755);
  }
  return ctx;
}

async function ensureImage(docker: Docker, spec: TestImageSpec, opts: BuildTestImagesOptions, result: BuildTestImagesResult): Promise<void> {
  const hash = await imageInputsHash(spec);
  const current = await Promise.all(spec.tags.map((t) => inspectOrUndefined(docker, t)));
  const matching = opts.force ? undefined : current.find((info) => info?.Config?.Labels?.[IMAGE_HASH_LABEL] === hash);
  let id = matching?.Id;
  if (!id) {
    const ctx = await assembleContext(spec.dir);
    try {
      await buildFromContext(docker, ctx, {
        tag: spec.tags[0]!,
        labels: { [IMAGE_HASH_LABEL]: hash },
        buildargs: spec.buildargs,
        timeoutMs: opts.timeoutMs ?? 120_000,
      });
    } finally {
      await fs.rm(ctx, { recursive: true, force: true });
    }
    const built = await docker.getImage(spec.tags[0]!).inspect();
    id = built.Id;
  }
  for (const [i, tag] of spec.tags.entries()) {
    const before = current[i];
    if (before?.Id === id) {
      result.upToDate.push(tag);
      continue;
    }
    if (i > 0 || matching) {
      const { repo, tag: t } = splitImageRef(tag);
      await docker.getImage(id).tag({ repo, tag: t });
    }
    result.built.push(tag);
    // The image this tag used to name may now be dangling: drop it (best effort; it may be in use).
    if (before && before.Id !== id) {
      await docker
        .getImage(before.Id)
        .remove({ noprune: false })
        .catch(() => undefined);
    }
  }
}

/**
 * Build (or confirm) every test image. Base first, so the other builds reuse its cached
 * busybox layers; the rest in parallel.
 */
export async function buildTestImages(opts: BuildTestImagesOptions = {}): Promise<BuildTestImagesResult> {
  const started = Date.now();
  const docker = opts.docker ?? new Docker();
  const result: BuildTestImagesResult = { built: [], upToDate: [], durationMs: 0 };
  const [base, ...rest] = testImageSpecs(opts.versions);
  await ensureImage(docker, base!, opts, result);
  await Promise.all(rest.map((spec) => ensureImage(docker, spec, opts, result)));
  result.durationMs = Date.now() - started;
  return result;
}
