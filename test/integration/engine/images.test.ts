// Images: build from a context directory (Dockerfile FROM our busybox base), build and pull
// failures as typed EngineErrors, and `up` building a service's image.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildSpec } from '../../../src/compose/model.js';
import { openEngine } from '../../../src/engine/client.js';
import { EngineError } from '../../../src/engine/errors.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import { buildImage, ensureImage, inspectImage, listContextFiles, pullImage, type BuildProgress, type PullProgress } from '../../../src/engine/images.js';
import { ps } from '../../../src/engine/ps.js';
import { up } from '../../../src/engine/up.js';
import { BASE_IMAGE, ensureBaseImage, httpService, makeProject, purgeProject, uniqueProject } from './helpers.js';

const PROJECT = uniqueProject('images');
const engine = openEngine();
const docker = engine.docker;
const TAG = `${PROJECT}-built:latest`;
let ctxDir = '';

async function writeContext(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gdl-engtest-ctx-'));
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  await ensureBaseImage(docker);
  await purgeProject(docker, PROJECT);
  ctxDir = await writeContext({
    'build/Containerfile': [
      `FROM ${BASE_IMAGE}`,
      'ARG GREETING=unset',
      'LABEL dev.gh-devlake.test.greeting=$GREETING',
      'COPY . /app/',
      // .dockerignore kept secret.txt and *.log out; nested files came in.
      'RUN test ! -e /app/secret.txt && test ! -e /app/debug.log && test -f /app/sub/dir/nested.txt',
      'CMD ["httpd", "-f", "-p", "8000"]',
      '',
    ].join('\n'),
    'sub/dir/nested.txt': 'nested\n',
    'secret.txt': 'do not send\n',
    'debug.log': 'noise\n',
    '.dockerignore': 'secret.txt\n*.log\n',
  });
});

afterAll(async () => {
  await purgeProject(docker, PROJECT);
  for (const tag of [TAG, `${PROJECT}-app:latest`, `${PROJECT}-app`]) {
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  }
  if (ctxDir) await fs.rm(ctxDir, { recursive: true, force: true });
});

describe('buildImage', () => {
  it('lists every file of the context', async () => {
    expect(await listContextFiles(ctxDir)).toEqual(['.dockerignore', 'build/Containerfile', 'debug.log', 'secret.txt', 'sub/dir/nested.txt']);
  });

  it('builds from a context dir with a Dockerfile path, build args and .dockerignore', async () => {
    const spec: BuildSpec = { context: ctxDir, dockerfile: 'build/Containerfile', args: { GREETING: 'hello' } };
    const progress: BuildProgress[] = [];
    const t0 = performance.now();
    const { id } = await buildImage(engine, spec, TAG, (p) => progress.push(p), { signal: AbortSignal.timeout(120_000) });
    console.log(`[measure] build of a 5-step image FROM the busybox base: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(id).toMatch(/^sha256:/);
    expect(progress.some((p) => p.stream?.includes('Step 1/'))).toBe(true);
    const info = await inspectImage(engine, TAG);
    expect(info?.Id).toBe(id);
    expect(info?.Config.Labels?.['dev.gh-devlake.test.greeting']).toBe('hello');
  });

  it('a failing RUN step is an EngineError (build) with the builder message', async () => {
    const dir = await writeContext({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN exit 3\n` });
    try {
      const err = await rejection(buildImage(engine, { context: dir, dockerfile: 'Dockerfile', args: {} }, `${PROJECT}-broken`, undefined, { service: 'app' }));
      expect(err).toBeInstanceOf(EngineError);
      const facts = (err as EngineError).facts;
      expect(facts).toMatchObject({ operation: 'build', service: 'app', target: `${PROJECT}-broken` });
      expect(facts.rawMessage).toMatch(/returned a non-zero code: 3/);
      // forcerm: no intermediate container is left behind by the failed step.
      const leftovers = await docker.listContainers({ all: true, filters: { ancestor: [BASE_IMAGE] } });
      expect(leftovers.filter((c) => c.Command.includes('exit 3'))).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('an abort stops a running build promptly with the AbortError', async () => {
    const dir = await writeContext({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo gdl-engtest-abort-started && sleep 60\n` });
    const ac = new AbortController();
    try {
      const t0 = performance.now();
      const err = await rejection(
        buildImage(engine, { context: dir, dockerfile: 'Dockerfile', args: {} }, `${PROJECT}-aborted`, (p) => {
          if (p.stream?.includes('gdl-engtest-abort-started')) ac.abort();
        }, { signal: AbortSignal.any([ac.signal, AbortSignal.timeout(30_000)]) }),
      );
      const ms = performance.now() - t0;
      console.log(`[measure] build aborted mid-RUN, rejected after ${ms.toFixed(0)} ms`);
      expect(ac.signal.aborted).toBe(true);
      expect(err).not.toBeInstanceOf(EngineError);
      expect((err as Error).name).toBe('AbortError');
      expect(ms).toBeLessThan(20_000);
      // The daemon cancels the build when the client goes away; its step container goes (bounded wait).
      const deadline = Date.now() + 20_000;
      let left = 1;
      while (Date.now() < deadline) {
        const list = await docker.listContainers({ all: true, filters: { ancestor: [BASE_IMAGE] } });
        left = list.filter((c) => c.Command.includes('gdl-engtest-abort-started')).length;
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(left).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing Dockerfile is an EngineError (build) with the daemon message', async () => {
    const dir = await writeContext({ 'README.md': 'no dockerfile\n' });
    try {
      const err = await rejection(buildImage(engine, { context: dir, dockerfile: 'Dockerfile', args: {} }, `${PROJECT}-none`));
      expect(err).toBeInstanceOf(EngineError);
      const facts = (err as EngineError).facts;
      console.log(`[daemon] ${facts.rawMessage}`);
      expect(facts.operation).toBe('build');
      expect(facts.statusCode).toBe(500);
      expect(facts.rawMessage).toMatch(/Dockerfile/);
      expect(facts.rawMessage).not.toMatch(/^\(HTTP code/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ensureImage / pull', () => {
  it('a local image needs no pull', async () => {
    const progress: PullProgress[] = [];
    const r = await ensureImage(engine, BASE_IMAGE, (p) => progress.push(p));
    expect(r.pulled).toBe(false);
    expect(r.id).toMatch(/^sha256:/);
    expect(progress).toEqual([]);
  });

  it('pulling an image that cannot be had fails fast with a typed error', async () => {
    const name = `gh-devlake-test/does-not-exist-${PROJECT}:nope`;
    const t0 = performance.now();
    const err = await rejection(ensureImage(engine, name, undefined, { signal: AbortSignal.timeout(30_000), service: 'ghost' }));
    const ms = performance.now() - t0;
    console.log(`[measure] failed pull (no registry): ${ms.toFixed(0)} ms`);
    expect(err).toBeInstanceOf(EngineError);
    const facts = (err as EngineError).facts;
    console.log(`[daemon] ${facts.rawMessage}`);
    // The daemon refuses at once (HTTP 500) when the registry cannot be reached; a registry that
    // answers "not found" mid-stream gives an error event instead (no statusCode).
    expect(facts).toMatchObject({ operation: 'pull', service: 'ghost', target: name });
    expect(facts.rawMessage.length).toBeGreaterThan(0);
    expect(facts.rawMessage).not.toMatch(/^\(HTTP code/);
    expect(ms).toBeLessThan(30_000);
  });

  it('an aborted signal stops a pull with the AbortError, not an EngineError', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await rejection(pullImage(engine, 'gh-devlake-test/whatever:1', undefined, { signal: ac.signal }));
    expect(err).not.toBeInstanceOf(EngineError);
    expect((err as Error).name).toBe('AbortError');
  });
});

describe('up with build:', () => {
  it('builds the service image as <project>-<service> and runs it', async () => {
    const app = httpService('app', { image: undefined, command: undefined, build: { context: ctxDir, dockerfile: 'build/Containerfile', args: { GREETING: 'from-up' } } });
    const events: EngineEvent[] = [];
    const first = await up(engine, makeProject(PROJECT, [app]), { onEvent: (e) => events.push(e), signal: AbortSignal.timeout(120_000) });
    expect(events.filter((e) => e.type === 'image').map((e) => (e.type === 'image' ? e.action : ''))).toEqual(['building', 'built']);
    const built = await inspectImage(engine, `${PROJECT}-app`);
    expect(built?.Config.Labels?.['dev.gh-devlake.test.greeting']).toBe('from-up');
    const [c] = await ps(engine, PROJECT);
    expect(c).toMatchObject({ service: 'app', state: 'running', image: `${PROJECT}-app` });
    expect(c?.labels['com.docker.compose.image']).toBe(built?.Id);

    // Second up: image present, not rebuilt, container unchanged.
    events.length = 0;
    const second = await up(engine, makeProject(PROJECT, [app]));
    expect(events).toEqual([]);
    expect(second.services[0]).toMatchObject({ outcome: 'unchanged', containerId: first.services[0]?.containerId });
  });
});
