// buildTestImages(): every tag exists with its inputs-hash label, and a second call rebuilds nothing.

import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { IMAGES, IMAGE_HASH_LABEL, TEST_RELEASE_VERSION, buildTestImages, imageInputsHash, splitImageRef, testImageSpecs } from '../../helpers/images.js';

const docker = new Docker();

describe('buildTestImages', () => {
  it('names the images the release compose files use', () => {
    expect(TEST_RELEASE_VERSION).toBe('v1.0.1');
    expect(IMAGES.mysql).toBe('mysql:8');
    expect(IMAGES.backend()).toBe('devlake.docker.scarf.sh/apache/devlake:v1.0.1');
    expect(IMAGES.grafana('latest')).toBe('devlake.docker.scarf.sh/apache/devlake-dashboard:latest');
    expect(IMAGES.configUi('v1.0.1')).toBe('devlake.docker.scarf.sh/apache/devlake-config-ui:v1.0.1');
    expect(IMAGES.base).toBe('gh-devlake-test/base:latest');
    expect(splitImageRef('devlake.docker.scarf.sh/apache/devlake:v1.0.1')).toEqual({ repo: 'devlake.docker.scarf.sh/apache/devlake', tag: 'v1.0.1' });
    expect(splitImageRef('localhost:5000/x')).toEqual({ repo: 'localhost:5000/x', tag: 'latest' });
  });

  it('is fast and builds nothing when nothing changed', async () => {
    // The first call repairs tags another test may have moved (a fork build retags :latest).
    await buildTestImages({ docker });
    const r = await buildTestImages({ docker });
    expect(r.built).toEqual([]);
    expect(r.upToDate).toHaveLength(8);
    expect(r.durationMs).toBeLessThan(5_000);
  });

  it('labels every tag with the hash of its inputs', async () => {
    for (const spec of testImageSpecs()) {
      const hash = await imageInputsHash(spec);
      for (const tag of spec.tags) {
        const info = await docker.getImage(tag).inspect();
        expect(info.Config.Labels?.[IMAGE_HASH_LABEL], tag).toBe(hash);
        expect(info.Size, tag).toBeLessThan(5_000_000);
      }
    }
  });

  it('hashes differ per version and per image', async () => {
    const specs = testImageSpecs(['v1.0.2']);
    const backends = specs.filter((s) => s.dir === 'devlake');
    expect(backends.map((s) => s.buildargs.DEVLAKE_VERSION)).toEqual([TEST_RELEASE_VERSION, 'v1.0.2']);
    expect(backends[0]!.tags).toContain(IMAGES.backend('latest'));
    expect(backends[1]!.tags).toEqual([IMAGES.backend('v1.0.2')]);
    const hashes = await Promise.all(specs.map((s) => imageInputsHash(s)));
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('builds extra versions on request without moving :latest', async () => {
    const extra = 'v0.0.0-infratest';
    const latestBefore = (await docker.getImage(IMAGES.backend('latest')).inspect()).Id;
    try {
      const r = await buildTestImages({ docker, versions: [extra] });
      expect(r.built).toEqual(expect.arrayContaining([IMAGES.backend(extra), IMAGES.grafana(extra), IMAGES.configUi(extra)]));
      const info = await docker.getImage(IMAGES.backend(extra)).inspect();
      expect(info.Config.Env).toContain(`DEVLAKE_VERSION=${extra}`);
      expect((await docker.getImage(IMAGES.backend('latest')).inspect()).Id).toBe(latestBefore);
    } finally {
      for (const ref of [IMAGES.backend(extra), IMAGES.grafana(extra), IMAGES.configUi(extra)]) {
        await docker.getImage(ref).remove().catch(() => undefined);
      }
    }
  });

  it('the base image has busybox applets in /bin', async () => {
    const container = await docker.createContainer({ Image: IMAGES.base, Cmd: ['/bin/sh', '-c', 'ls /bin/nc /bin/httpd /bin/sh && test -d /tmp'] });
    try {
      await container.start();
      const res = (await container.wait()) as { StatusCode: number };
      expect(res.StatusCode).toBe(0);
    } finally {
      await container.remove({ force: true });
    }
  });
});
