// The client: endpoint resolution against this machine, error mapping of unreachable
// endpoints, and log tails of a real container.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../../src/engine/client.js';
import { resolveDockerHostFromProcess } from '../../../src/engine/docker-host.js';
import { EngineError } from '../../../src/engine/errors.js';
import { tailLogs } from '../../../src/engine/logs.js';
import { stopContainer } from '../../../src/engine/stop.js';
import { up } from '../../../src/engine/up.js';
import { ensureBaseImage, freePort, httpService, makeProject, purgeProject, uniqueProject } from './helpers.js';

const PROJECT = uniqueProject('client');
const engine = openEngine();

beforeAll(async () => {
  await ensureBaseImage(engine.docker);
  await purgeProject(engine.docker, PROJECT);
});
afterAll(async () => {
  await purgeProject(engine.docker, PROJECT);
});

async function pingError(env: Record<string, string>): Promise<EngineError> {
  const e = openEngine({ env });
  try {
    await e.ping(AbortSignal.timeout(10_000));
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('ping unexpectedly succeeded');
}

describe('openEngine', () => {
  it('finds and pings this machine’s engine', async () => {
    const endpoint = resolveDockerHostFromProcess();
    console.log(`[endpoint] ${endpoint.host} via ${endpoint.source}: ${endpoint.description}`);
    await expect(engine.ping(AbortSignal.timeout(10_000))).resolves.toBeUndefined();
  });

  it('an absent socket is ENOENT, a closed tcp port ECONNREFUSED (operation ping)', async () => {
    const missing = await pingError({ DOCKER_HOST: 'unix:///tmp/gdl-engtest-no-such.sock' });
    expect(missing.facts).toMatchObject({ operation: 'ping', syscallCode: 'ENOENT' });
    expect(missing.facts.rawMessage).toContain('/tmp/gdl-engtest-no-such.sock');
    expect(missing.facts.statusCode).toBeUndefined();

    // A port we just closed: nothing listens there.
    const port = await freePort();
    const refused = await pingError({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    expect(refused.facts).toMatchObject({ operation: 'ping', syscallCode: 'ECONNREFUSED' });
  });

  it('an HTTP error keeps the daemon message and status', async () => {
    let caught: unknown;
    try {
      await engine.call('container.inspect', (d) => d.getContainer('gdl-engtest-no-such-container').inspect(), { target: 'x' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).facts).toEqual({
      operation: 'container.inspect',
      statusCode: 404,
      rawMessage: 'No such container: gdl-engtest-no-such-container',
      target: 'x',
    });
  });
});

describe('response deadline', () => {
  it('a request the engine does not answer in time fails with ETIMEDOUT', async () => {
    const svc = httpService('slowstop');
    const result = await up(engine, makeProject(PROJECT, [svc]), { signal: AbortSignal.timeout(60_000) });
    const id = result.services[0]?.containerId ?? '';
    // httpd as pid 1 ignores SIGTERM: the engine answers a stop only after the 3 s grace period.
    const impatient = openEngine({ responseTimeoutMs: 300 });
    const t0 = performance.now();
    let caught: unknown;
    try {
      await stopContainer(impatient, id, { service: 'slowstop', timeoutSeconds: 3 });
    } catch (err) {
      caught = err;
    }
    const ms = performance.now() - t0;
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).facts).toMatchObject({ operation: 'container.stop', syscallCode: 'ETIMEDOUT', service: 'slowstop', target: id });
    expect((caught as EngineError).facts.rawMessage).toMatch(/no answer from the Docker engine at .* within 0.3 s/);
    expect(ms).toBeLessThan(2_500);
  });
});

describe('tailLogs', () => {
  it('returns the last lines of stdout and stderr, demultiplexed', async () => {
    const svc = httpService('talker', {
      command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo "out $i"; done; sleep 0.3; echo "err 1" >&2; sleep 0.3; echo "out 6"; exec httpd -f -p 8000'],
    });
    const result = await up(engine, makeProject(PROJECT, [svc]), { signal: AbortSignal.timeout(60_000) });
    const id = result.services[0]?.containerId ?? '';
    let lines: Awaited<ReturnType<typeof tailLogs>> = [];
    for (let i = 0; i < 50 && !lines.some((l) => l.text === 'out 6'); i++) {
      lines = await tailLogs(engine, id, 3);
      if (!lines.some((l) => l.text === 'out 6')) await new Promise((r) => setTimeout(r, 100));
    }
    // stdout and stderr are copied by separate goroutines; the sleeps make their order certain.
    expect(lines).toEqual([
      { stream: 'stdout', text: 'out 5' },
      { stream: 'stderr', text: 'err 1' },
      { stream: 'stdout', text: 'out 6' },
    ]);
    expect((await tailLogs(engine, `${PROJECT}-talker-1`, 100)).length).toBe(7);
  });
});
