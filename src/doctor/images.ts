// Images a deploy needs: present locally (with their size), or not — then the deploy pulls (or, for a
// fork, builds) them. Doctor is offline-safe: it never asks a registry, so a missing image reads
// "not present; will be pulled" and its size is an estimate (the size of another local tag of the
// same repository, else a flat guess).

import type Docker from 'dockerode';
import { officialImages } from '../azure/names.js';
import type { ComposeProject } from '../compose/model.js';
import type { Engine } from '../engine/client.js';
import { imageNameFor } from '../engine/create.js';
import { inspectImage } from '../engine/images.js';
import type { Facts } from '../recovery/types.js';
import { formatBytes } from './findings.js';
import type { CheckResult } from './types.js';

/** The guess for an image of unknown size (DevLake's images are a few hundred MiB to about 1 GiB). */
export const DEFAULT_IMAGE_ESTIMATE_BYTES = 1024 ** 3;

export interface ImageNeed {
  ref: string;
  service?: string;
  /** Built from the fork's sources rather than pulled. */
  build?: boolean;
}

export interface ImageObservation extends ImageNeed {
  present: boolean;
  /** Local size when present. */
  sizeBytes?: number;
  /** Estimated size when missing, and what it is based on. */
  estimateBytes?: number;
  estimateFrom?: string;
}

/** `registry:5000/a/b:tag@sha256:…` → `registry:5000/a/b`. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The images of the project's services (a fork's build services included). */
export function imagesOfProject(project: ComposeProject): ImageNeed[] {
  return project.services.map((s) => ({ ref: imageNameFor(project.name, s), service: s.name, ...(s.build ? { build: true } : {}) }));
}

/** The MySQL image repository the release compose files name (`mysql:8`). */
export const RELEASE_MYSQL_REPOSITORY = 'mysql';

/** The DevLake image repositories of the official release (their tags are chosen at deploy time). */
export function releaseRepositories(): string[] {
  return Object.values(officialImages('latest')).map(repositoryOf);
}

/** A local image list entry: repository tags and size. */
export interface LocalImage {
  tags: string[];
  size: number;
}

/** Size of another local tag of the same repository, for the estimate. */
export function estimateFor(ref: string, local: readonly LocalImage[]): { bytes: number; from: string } {
  const repo = repositoryOf(ref);
  for (const img of local) {
    const tag = img.tags.find((t) => repositoryOf(t) === repo);
    if (tag !== undefined && img.size > 0) return { bytes: img.size, from: tag };
  }
  return { bytes: DEFAULT_IMAGE_ESTIMATE_BYTES, from: 'a flat estimate' };
}

export function decideImage(o: ImageObservation): CheckResult {
  const facts: Facts = { image: o.ref, present: o.present };
  if (o.service !== undefined) facts.service = o.service;
  if (o.sizeBytes !== undefined) facts.sizeBytes = o.sizeBytes;
  if (o.estimateBytes !== undefined) facts.estimateBytes = o.estimateBytes;
  if (o.estimateFrom !== undefined) facts.estimateFrom = o.estimateFrom;
  const id = `local.image.${o.service ?? o.ref}`;
  const summary = o.present
    ? `image ${o.ref} is present (${formatBytes(o.sizeBytes ?? 0)})`
    : o.build
      ? `image ${o.ref} is not present; the deploy builds it from the fork's sources`
      : `image ${o.ref} is not present; will be pulled (about ${formatBytes(o.estimateBytes ?? DEFAULT_IMAGE_ESTIMATE_BYTES)}; no registry is asked here)`;
  return { id, classId: 'local.image-pull-failed', verdict: 'ok', summary, facts };
}

/** No compose file in DIR yet: the release's images are known only once the deploy downloads it. */
export function decideReleaseImages(localTags: readonly string[]): CheckResult {
  const facts: Facts = { presentTags: localTags.join(', ') };
  const present = localTags.length > 0 ? `present locally: ${localTags.join(', ')}` : 'none of its images is present locally';
  return {
    id: 'local.images',
    classId: 'local.image-pull-failed',
    verdict: 'ok',
    summary: `no compose file in DIR yet: the deploy downloads the release's and pulls the images it names that are missing (${present}; no registry is asked here)`,
    facts,
  };
}

/** Local images (tags and sizes), through the engine. */
export async function listLocalImages(engine: Engine): Promise<LocalImage[]> {
  const list: Docker.ImageInfo[] = await engine.call('list', (d) => d.listImages({}));
  return list.map((i) => ({ tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), size: i.Size }));
}

/** Inspect each needed image; estimate the missing ones. */
export async function observeImages(engine: Engine, needs: readonly ImageNeed[]): Promise<ImageObservation[]> {
  const local = await listLocalImages(engine).catch(() => [] as LocalImage[]);
  const out: ImageObservation[] = [];
  for (const need of needs) {
    const info = await inspectImage(engine, need.ref).catch(() => undefined);
    if (info) {
      out.push({ ...need, present: true, sizeBytes: info.Size });
      continue;
    }
    const est = estimateFor(need.ref, local);
    out.push({ ...need, present: false, estimateBytes: est.bytes, estimateFrom: est.from });
  }
  return out;
}

/** Estimated bytes still to download for the release's images when no compose file is known. */
export function releaseEstimate(local: readonly LocalImage[]): { bytes: number; tags: string[] } {
  const repos = [...releaseRepositories(), RELEASE_MYSQL_REPOSITORY];
  const tags = local.flatMap((i) => i.tags).filter((t) => repos.includes(repositoryOf(t))).sort();
  const missing = repos.filter((r) => !tags.some((t) => repositoryOf(t) === r));
  return { bytes: missing.length * DEFAULT_IMAGE_ESTIMATE_BYTES, tags };
}
