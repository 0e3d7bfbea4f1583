// prefetchRelease: the official deploy's download, started before the flow's modules load. It
// must ask for the files at once, give the same answers and errors as a direct fetch, stop on
// abort, and never surface as an unhandled rejection when nobody awaits it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefetchRelease } from '../../../src/devlake/release.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';

let server: ReleaseServer;

beforeAll(async () => {
  server = await startReleaseServer();
});

afterAll(async () => {
  await server.close();
});

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
};

describe('prefetchRelease', () => {
  it('starts downloading at once, and resolves latest to the tag and the files', async () => {
    server.configure({ fail: undefined, delayMs: 0 });
    server.requests.length = 0;
    const p = prefetchRelease('latest', server.env);
    // Nothing awaited yet: the request is already on its way.
    await until(() => server.requests.length > 0);
    expect(server.requests[0]).toMatch(/releases\/latest$/);
    expect(await p.version).toBe(TEST_RELEASE_VERSION);
    const files = await p.files;
    expect(files['docker-compose.yml']).toMatch(/services:/);
    expect(files['env.example']).toMatch(/ENCRYPTION_SECRET/);
  });

  it('a failed download rejects `files` with the classified release error', async () => {
    server.configure({ fail: 404 });
    const p = prefetchRelease(TEST_RELEASE_VERSION, server.env);
    await expect(p.files).rejects.toMatchObject({ failure: { source: 'release', statusCode: 404 } });
    server.configure({ fail: undefined });
  });

  it('abort stops it with the given reason', async () => {
    server.configure({ delayMs: 2000 });
    const p = prefetchRelease(TEST_RELEASE_VERSION, server.env);
    const reason = new Error('interrupted by SIGINT');
    p.abort(reason);
    await expect(p.files).rejects.toBe(reason);
    server.configure({ delayMs: 0 });
  });

  it('an unawaited failure is not an unhandled rejection', async () => {
    server.configure({ fail: 500 });
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown): void => void unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      const p = prefetchRelease(TEST_RELEASE_VERSION, server.env);
      await p.files.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      server.configure({ fail: undefined });
    }
  });
});
