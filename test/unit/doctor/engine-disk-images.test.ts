import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/client.js';
import { openEngine } from '../../../src/engine/client.js';
import { EngineError } from '../../../src/engine/errors.js';
import type { ResolvedDockerHost } from '../../../src/engine/docker-host.js';
import { decideEngine, probeEngine, type EngineProbe } from '../../../src/doctor/engine.js';
import { DATA_MARGIN_BYTES, decideDisk, observeDisk, rootIsLocal } from '../../../src/doctor/disk.js';
import { DEFAULT_IMAGE_ESTIMATE_BYTES, decideImage, decideReleaseImages, estimateFor, releaseEstimate, repositoryOf } from '../../../src/doctor/images.js';

const SOCKET: ResolvedDockerHost = { host: 'unix:///var/run/docker.sock', source: 'socket', description: '/var/run/docker.sock (first existing of …)', options: { socketPath: '/var/run/docker.sock' } };
const CONTEXT: ResolvedDockerHost = { host: 'unix:///home/u/.docker/desktop/docker.sock', source: 'currentContext', context: 'desktop-linux', description: 'context "desktop-linux" (currentContext in /home/u/.docker/config.json) → unix:///home/u/.docker/desktop/docker.sock', options: {} };
const fakeEngine = {} as Engine;

describe('engine check', () => {
  it('reachable: version and which endpoint/context', () => {
    const r = decideEngine({ engine: fakeEngine, endpoint: CONTEXT, info: { version: '27.3.1', apiVersion: '1.47', dockerRootDir: '/var/lib/docker' } });
    expect(r).toMatchObject({ id: 'local.engine', classId: 'local.docker-unavailable', verdict: 'ok' });
    expect(r.summary).toBe('Docker engine 27.3.1 (API 1.47) answers at context "desktop-linux" (currentContext in /home/u/.docker/config.json) → unix:///home/u/.docker/desktop/docker.sock');
    expect(r.facts).toMatchObject({ endpoint: CONTEXT.host, endpointSource: 'currentContext', context: 'desktop-linux', version: '27.3.1' });
  });

  it.each([
    ['not running', new EngineError({ operation: 'ping', rawMessage: 'connect ENOENT /nonexistent.sock', syscallCode: 'ENOENT' }), /not reachable at \/nonexistent\.sock/],
    ['no permission', new EngineError({ operation: 'ping', rawMessage: 'connect EACCES /var/run/docker.sock', syscallCode: 'EACCES' }), /permission to use the Docker engine at \/var\/run\/docker\.sock/],
    ['hung', Object.assign(new Error('no answer from the Docker engine at unix:///x within 10 s'), { code: 'ETIMEDOUT' }), /not reachable/],
  ])('unreachable (%s): needs you, with the table remediation', (_name, error, remediation) => {
    const r = decideEngine({ endpoint: SOCKET, error });
    expect(r).toMatchObject({ classId: 'local.docker-unavailable', verdict: 'needs-you' });
    expect(r.remediation).toMatch(remediation);
    expect(r.repair).toBeUndefined();
  });

  it('probeEngine against a socket that does not exist answers at once with the error', async () => {
    const started = Date.now();
    const p = await probeEngine({ DOCKER_HOST: 'unix:///nonexistent-gdl-doctor.sock' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(p.endpoint?.host).toBe('unix:///nonexistent-gdl-doctor.sock');
    expect(decideEngine(p)).toMatchObject({ classId: 'local.docker-unavailable', verdict: 'needs-you' });
  });

  it('probeEngine with an endpoint that cannot even be resolved: still a result', async () => {
    const p = await probeEngine({ DOCKER_HOST: 'gopher://x' }, openEngine);
    expect(p.error).toBeDefined();
    expect(decideEngine(p).verdict).toBe('needs-you');
  });
});

describe('disk check', () => {
  const probe = (over: Partial<EngineProbe['info']> = {}, endpoint: ResolvedDockerHost = SOCKET): EngineProbe => ({ engine: fakeEngine, endpoint, info: { dockerRootDir: '/var/lib/docker', operatingSystem: 'Debian GNU/Linux 12 (bookworm)', name: 'box', ...over } });

  it('rootIsLocal: a local socket on Linux, same host name', () => {
    expect(rootIsLocal(probe(), 'linux', 'box')).toEqual({ local: true });
    expect(rootIsLocal(probe({ operatingSystem: 'Docker Desktop' }), 'linux', 'box')).toMatchObject({ local: false, why: expect.stringMatching(/Docker Desktop/) as unknown });
    expect(rootIsLocal(probe(), 'darwin', 'box').local).toBe(false);
    expect(rootIsLocal(probe({ name: 'otherhost' }), 'linux', 'box')).toMatchObject({ local: false, why: 'the engine runs on host otherhost, not box' });
    expect(rootIsLocal(probe({}, { ...SOCKET, host: 'tcp://10.0.0.5:2375' }), 'linux', 'box').local).toBe(false);
    expect(rootIsLocal({ engine: fakeEngine, endpoint: SOCKET, info: {} }, 'linux', 'box').local).toBe(false);
  });

  it('enough room: ok; too little: local.disk-full, needs you', async () => {
    const statfs = (free: number) => () => Promise.resolve({ bavail: BigInt(free / 4096), bsize: 4096 });
    const enough = await observeDisk(probe(), { bytes: 2 * DEFAULT_IMAGE_ESTIMATE_BYTES, images: 2 }, { platform: 'linux', hostname: 'box', statfs: statfs(10 * 1024 ** 3) });
    expect(enough).toMatchObject({ root: '/var/lib/docker', freeBytes: 10 * 1024 ** 3, neededBytes: 2 * DEFAULT_IMAGE_ESTIMATE_BYTES + DATA_MARGIN_BYTES });
    expect(decideDisk(enough)).toMatchObject({ verdict: 'ok', classId: 'local.disk-full' });
    expect(decideDisk(enough).summary).toBe('10.0 GiB free under /var/lib/docker; about 3.0 GiB needed (2 images to pull or build, estimated, plus 1.0 GiB for data)');

    const low = await observeDisk(probe(), { bytes: 2 * DEFAULT_IMAGE_ESTIMATE_BYTES, images: 2 }, { platform: 'linux', hostname: 'box', statfs: statfs(1024 ** 3) });
    const r = decideDisk(low);
    expect(r).toMatchObject({ verdict: 'needs-you', classId: 'local.disk-full' });
    expect(r.remediation).toMatch(/docker system df/);
  });

  it('not measurable: unknown, ok, and says why', async () => {
    const o = await observeDisk(probe({ operatingSystem: 'Docker Desktop' }), { bytes: 0, images: 0 }, { platform: 'linux', hostname: 'box' });
    const r = decideDisk(o);
    expect(r.verdict).toBe('ok');
    expect(r.summary).toMatch(/is unknown \(the engine runs in Docker Desktop's VM\)/);
    const failing = await observeDisk(probe(), { bytes: 0, images: 0 }, { platform: 'linux', hostname: 'box', statfs: () => Promise.reject(new Error('EACCES')) });
    expect(decideDisk(failing).summary).toMatch(/cannot measure \/var\/lib\/docker: EACCES/);
  });
});

describe('images', () => {
  it('repositoryOf', () => {
    expect(repositoryOf('mysql:8')).toBe('mysql');
    expect(repositoryOf('devlake.docker.scarf.sh/apache/devlake:v1.0.1')).toBe('devlake.docker.scarf.sh/apache/devlake');
    expect(repositoryOf('registry:5000/a/b')).toBe('registry:5000/a/b');
    expect(repositoryOf('registry:5000/a/b:tag@sha256:abc')).toBe('registry:5000/a/b');
  });
  it('estimates a missing tag from another local tag of the same repository, else a flat guess', () => {
    const local = [{ tags: ['devlake.docker.scarf.sh/apache/devlake:v1.0.0'], size: 900 }, { tags: ['mysql:8'], size: 600 }];
    expect(estimateFor('devlake.docker.scarf.sh/apache/devlake:v1.0.1', local)).toEqual({ bytes: 900, from: 'devlake.docker.scarf.sh/apache/devlake:v1.0.0' });
    expect(estimateFor('grafana/grafana:10', local)).toEqual({ bytes: DEFAULT_IMAGE_ESTIMATE_BYTES, from: 'a flat estimate' });
  });
  it('present, missing (will be pulled), to build: always ok, offline', () => {
    expect(decideImage({ ref: 'mysql:8', service: 'mysql', present: true, sizeBytes: 600 * 1024 ** 2 })).toMatchObject({ id: 'local.image.mysql', classId: 'local.image-pull-failed', verdict: 'ok', summary: 'image mysql:8 is present (600.0 MiB)' });
    expect(decideImage({ ref: 'x/devlake:v2', service: 'devlake', present: false, estimateBytes: 1024 ** 3 }).summary).toBe('image x/devlake:v2 is not present; will be pulled (about 1.0 GiB; no registry is asked here)');
    expect(decideImage({ ref: 'fork-devlake', service: 'devlake', build: true, present: false }).summary).toMatch(/builds it from the fork's sources/);
  });
  it('no compose file yet: what of the release is present, and the estimate for the rest', () => {
    const est = releaseEstimate([{ tags: ['mysql:8', 'nginx:1'], size: 1 }, { tags: ['devlake.docker.scarf.sh/apache/devlake:v1.0.1'], size: 2 }]);
    expect(est.tags).toEqual(['devlake.docker.scarf.sh/apache/devlake:v1.0.1', 'mysql:8']);
    expect(est.bytes).toBe(2 * DEFAULT_IMAGE_ESTIMATE_BYTES);
    expect(decideReleaseImages(est.tags).summary).toMatch(/present locally: devlake\.docker\.scarf\.sh\/apache\/devlake:v1\.0\.1, mysql:8/);
  });
});
