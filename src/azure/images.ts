// Custom images for `deploy azure` without --official: build DevLake's backend, config UI and
// Grafana images from a fork with the engine's builder (dockerode, as the local fork flow builds),
// tag them for the registry and push them with its credentials. --skip-image-build uses what the
// registry already holds (checked through the daemon, not assumed).

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../engine/client.js';
import { buildImage, pushImage, tagImage, type RegistryAuth } from '../engine/images.js';
import { ensureClone } from '../devlake/fork.js';
import type { RegistryLogin } from './registry.js';
import { EngineError } from '../engine/errors.js';
import { DeployError } from '../recovery/deploy-error.js';

export type ImageRole = 'backend' | 'configUi' | 'grafana';

/**
 * The three images and where a DevLake fork keeps their build contexts: the `build.context` of the
 * services devlake, config-ui and grafana in apache/incubator-devlake's docker-compose-dev.yml.
 * Repository names follow the official images (devlake, devlake-config-ui, devlake-dashboard).
 */
export const CUSTOM_IMAGES: readonly { role: ImageRole; context: string; repository: string }[] = [
  { role: 'backend', context: 'backend', repository: 'devlake' },
  { role: 'configUi', context: 'config-ui', repository: 'devlake-config-ui' },
  { role: 'grafana', context: 'grafana', repository: 'devlake-dashboard' },
];

/** Build arguments the fork's backend Dockerfile takes from the environment (docker-compose-dev.yml). */
const BACKEND_ARGS = ['HTTPS_PROXY', 'GOPROXY'] as const;

export type ImageSet = Record<ImageRole, string>;

/** `<server>/<repository>:<tag>` for each image. Pure. */
export function customImageNames(server: string, tag: string): ImageSet {
  const of = (role: ImageRole) => `${server}/${CUSTOM_IMAGES.find((i) => i.role === role)!.repository}:${tag}`;
  return { backend: of('backend'), configUi: of('configUi'), grafana: of('grafana') };
}

/**
 * The fork's source tree: a local directory as it is (uncommitted changes included), or a clone of
 * a URL into a temp directory (removed by `cleanup`).
 */
export async function forkSource(repoUrl: string, signal?: AbortSignal): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const local = await fs.stat(repoUrl).then((s) => s.isDirectory()).catch(() => false);
  if (local) return { dir: path.resolve(repoUrl), cleanup: () => Promise.resolve() };
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-fork-'));
  const dir = path.join(parent, 'src');
  try {
    await ensureClone(repoUrl, dir, signal);
  } catch (err) {
    await fs.rm(parent, { recursive: true, force: true });
    throw err;
  }
  return { dir, cleanup: () => fs.rm(parent, { recursive: true, force: true }) };
}

export interface BuildPushOptions {
  engine: Engine;
  sourceDir: string;
  registry: RegistryLogin;
  tag: string;
  env: NodeJS.ProcessEnv;
  onProgress?: (text: string) => void;
  signal?: AbortSignal;
}

/** Build each image from the fork, tag it for the registry and push it; the pushed names. */
export async function buildAndPushImages(o: BuildPushOptions): Promise<{ images: ImageSet; digests: Partial<Record<ImageRole, string>> }> {
  const images = customImageNames(o.registry.server, o.tag);
  const auth: RegistryAuth = { serveraddress: o.registry.server, username: o.registry.username, password: o.registry.password };
  const digests: Partial<Record<ImageRole, string>> = {};
  // One at a time: the engine's builder is the bottleneck, and a failure stops before the next push.
  for (const image of CUSTOM_IMAGES) {
    const context = path.join(o.sourceDir, image.context);
    await fs.access(path.join(context, 'Dockerfile')).catch(() => {
      throw new Error(`${path.join(image.context, 'Dockerfile')} not found in ${o.sourceDir}: --repo-url must be a DevLake fork (backend/, config-ui/, grafana/)`);
    });
    const args: Record<string, string> = {};
    if (image.role === 'backend') for (const a of BACKEND_ARGS) if (o.env[a]) args[a] = o.env[a];
    const name = images[image.role];
    const repo = name.slice(0, name.lastIndexOf(':'));
    o.onProgress?.(`Building ${name}`);
    await buildImage(o.engine, { context, dockerfile: 'Dockerfile', args }, name, (p) => p.stream?.trim() && o.onProgress?.(`Building ${image.repository}: ${p.stream.trim()}`), { service: image.repository, ...(o.signal ? { signal: o.signal } : {}) });
    await tagImage(o.engine, name, repo, o.tag, o.signal ? { signal: o.signal } : {});
    o.onProgress?.(`Pushing ${name}`);
    const pushed = await pushImage(o.engine, repo, o.tag, auth, (p) => o.onProgress?.(`Pushing ${image.repository}: ${p.layer ? `${p.layer} ` : ''}${p.status}`), { service: image.repository, ...(o.signal ? { signal: o.signal } : {}) }).catch(
      (err: unknown) => {
        if (o.signal?.aborted || !(err instanceof EngineError)) throw err;
        // The registry's refusal, in the daemon's words (distribution's error code and message, e.g.
        // "unauthorized: authentication required"): an Azure registry failure, not a local pull's.
        throw new DeployError(
          { source: 'azure', code: 'RegistryPushFailed', operation: 'images.push', target: name, message: `registry ${o.registry.server} refused the push of ${name}: ${err.facts.rawMessage}` },
          { cause: err },
        );
      },
    );
    if (pushed.digest) digests[image.role] = pushed.digest;
  }
  return { images, digests };
}

/**
 * --skip-image-build: the images must already be in the registry. Asks the registry through the
 * daemon (GET /distribution/{name}/json with the credentials), so a missing image fails here, with
 * its name, rather than as a container group that cannot pull.
 */
export async function checkPushedImages(engine: Engine, registry: RegistryLogin, tag: string, signal?: AbortSignal): Promise<ImageSet> {
  const images = customImageNames(registry.server, tag);
  const auth = { serveraddress: registry.server, username: registry.username, password: registry.password };
  for (const name of Object.values(images)) {
    try {
      await engine.call('image.inspect', (d) => (d.getImage(name) as unknown as { distribution(o: object): Promise<unknown> }).distribution({ authconfig: auth }), {
        target: name,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const said = err instanceof EngineError ? err.facts.rawMessage : err instanceof Error ? err.message : String(err);
      throw new DeployError(
        { source: 'azure', code: 'CustomImageMissing', operation: 'images.check', target: name, message: `image ${name} is not in registry ${registry.server}: ${said}` },
        { cause: err },
      );
    }
  }
  return images;
}
