// `--inspect`: the inspector sends no secret, and never keeps the process alive or waits for a browser.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWebSocketReceiver } from '@statelyai/inspect';
import { describe, expect, test } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { machines } from '../../../machines/index.js';
import type { RepairOutcome } from '../../../machines/deploy-local.js';
import { REDACTED, redactString, sanitizeContext, sanitizeEvent, startInspector } from '../../../src/io/inspect.js';
import { Output } from '../../../src/io/output.js';

const ENCRYPTION_SECRET = 'QWERTYUIOPASDFGHJKLZXCVBNM'.repeat(5).slice(0, 128);
const PASSWORD = 'hunter2-Pa55';
const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyz';
const SECRETS = [ENCRYPTION_SECRET, PASSWORD, TOKEN];

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe('sanitizeContext / sanitizeEvent', () => {
  const context = {
    input: { mode: 'deploy', source: 'fork', repoUrl: `https://x-access-token:${TOKEN}@github.com/me/devlake.git` },
    encryptionSecret: ENCRYPTION_SECRET,
    mysqlPassword: PASSWORD,
    apiToken: TOKEN,
    keyVaultName: 'devlake-kv',
    failure: {
      source: 'engine',
      message: `container exited: ENCRYPTION_SECRET=${ENCRYPTION_SECRET} DB_URL=mysql://merico:${PASSWORD}@mysql:3306/lake?charset=utf8mb4`,
      details: [{ code: 'X', message: `GET https://api.example/x?sig=${TOKEN}&api-version=1` }],
    },
    nested: { deeper: [{ clientSecret: 'abc', port: 8080 }] },
    plan: { bundle: 'default', mysqlUnpublished: false, attempt: 1 },
  };

  test('no secret survives, everything else does', () => {
    const clean = sanitizeContext(context);
    const text = JSON.stringify(clean);
    expect(leaks(text)).toEqual([]);
    expect(clean.encryptionSecret).toBe(REDACTED);
    expect(clean.mysqlPassword).toBe(REDACTED);
    expect(clean.apiToken).toBe(REDACTED);
    expect(clean.keyVaultName).toBe(REDACTED); // matches /key/i: names go too
    expect(clean.nested.deeper[0]).toEqual({ clientSecret: REDACTED, port: 8080 });
    expect(clean.plan).toEqual(context.plan);
    expect(clean.input.repoUrl).toBe(`https://${REDACTED}@github.com/me/devlake.git`);
    expect(clean.failure.message).toBe(`container exited: ENCRYPTION_SECRET=${REDACTED} DB_URL=mysql://${REDACTED}@mysql:3306/lake?charset=utf8mb4`);
    expect(clean.failure.details[0]!.message).toBe(`GET https://api.example/x?sig=${REDACTED}&api-version=1`);
    expect(context.mysqlPassword).toBe(PASSWORD); // the original is untouched
  });

  test('events keep their type; errors, cycles and functions are handled', () => {
    const error = Object.assign(new Error(`login failed for https://u:${PASSWORD}@host`), { token: TOKEN });
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const event = { type: 'xstate.error.actor.composeUp', error, cyclic, fn: () => PASSWORD };
    const clean = sanitizeEvent(event);
    expect(clean.type).toBe('xstate.error.actor.composeUp');
    expect(leaks(JSON.stringify(clean))).toEqual([]);
    expect(JSON.stringify(clean)).toContain('[circular]');
  });

  test('redactString: secret runs, URL credentials, secret parameters', () => {
    expect(redactString(`secret is ${ENCRYPTION_SECRET}.`)).toBe(`secret is ${REDACTED}.`);
    expect(redactString('Bind for 0.0.0.0:8080 failed: port is already allocated')).toBe('Bind for 0.0.0.0:8080 failed: port is already allocated');
    expect(redactString(`git clone https://${TOKEN}@github.com/a/b`)).toBe(`git clone https://${REDACTED}@github.com/a/b`);
    expect(redactString(`password=${PASSWORD}; user=me`)).toBe(`password=${REDACTED}; user=me`);
  });
});

/** deploy-local with fakes: a port conflict whose messages and plan carry secrets, repaired once. */
function leakyRun() {
  const failure = { source: 'engine', message: `Bind for 0.0.0.0:8080 failed: port is already allocated (ENCRYPTION_SECRET=${ENCRYPTION_SECRET})` };
  let ups = 0;
  return machines['deploy-local'].provide({
    actors: {
      prepare: fromPromise(() => Promise.resolve()),
      composeUp: fromPromise(() => (ups++ === 0 ? Promise.reject(Object.assign(new Error(failure.message), { failure })) : Promise.resolve())),
      classify: fromPromise(({ input }) =>
        Promise.resolve({
        classId: 'local.port-conflict' as const,
        title: 'port conflict',
        facts: { port: 8080, role: 'backend', token: TOKEN },
        repair: 'local.alternate-bundle' as const,
        remediation: `free it; DB_URL=mysql://merico:${PASSWORD}@mysql:3306/lake`,
        failure: input,
        }),
      ),
      repair: fromPromise(
        (): Promise<RepairOutcome> =>
          Promise.resolve({
          repair: 'local.alternate-bundle' as const,
          description: 'alternate bundle',
          plan: { bundle: 'alternate' as const, mysqlUnpublished: false, attempt: 2 as const },
        }),
      ),
      waitHealthy: fromPromise(() => Promise.resolve({ backendUrl: `http://admin:${PASSWORD}@localhost:8085` })),
      migrate: fromPromise(() => Promise.resolve()),
      persist: fromPromise(() => Promise.resolve()),
    },
  });
}

describe('startInspector', () => {
  test('what reaches a connected browser has no secret', async () => {
    const notes: string[] = [];
    const out = new Output({ json: false, stdout: { write: () => true }, stderr: { write: (s: string) => (notes.push(s), true) }, env: {} });
    const inspector = await startInspector(out, { autoOpen: false });
    try {
      expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(notes.join('')).toContain(inspector.url);
      expect(notes.join('')).toMatch(/needs internet access/);

      // A stand-in for the browser page: it receives what the server relays.
      const received: string[] = [];
      createWebSocketReceiver({ server: `ws://127.0.0.1:${inspector.port}` }).subscribe((event) => void received.push(JSON.stringify(event)));

      const options: { input: unknown; inspect?: unknown } = { input: { mode: 'deploy', source: 'official', bundle: 'default', mysqlUnpublished: false } };
      inspector.attach(options);
      expect(typeof options.inspect).toBe('object');
      const actor = createActor(leakyRun(), options as never);
      actor.start();
      const final = await waitFor(actor, (s) => s.status === 'done', { timeout: 5000 });
      expect(final.value).toBe('done');
      // Non-vacuous: the run's snapshots (the final one included) reached the receiver.
      for (let i = 0; i < 200 && !received.some((r) => r.includes('"status":"done"') && r.includes('@xstate.snapshot')); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(received.length).toBeGreaterThan(5);
      expect(received.some((r) => r.includes(REDACTED))).toBe(true);
      expect(received.flatMap(leaks)).toEqual([]);
    } finally {
      inspector.stop();
    }
  });
});

// ── The process ends: a small script from dist/ attaches, runs, stops ──────────────────────────

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = (p: string) => new URL(`../../../dist/${p}`, import.meta.url).href;
const built = existsSync(fileURLToPath(new URL('../../../dist/src/io/inspect.js', import.meta.url)));

function script(scenario: 'run' | 'immediate' | 'browser' | 'no-stop'): string {
  return `
import { createActor, fromPromise, waitFor } from 'xstate';
import { createWebSocketReceiver } from '@statelyai/inspect';
import { startInspector } from ${JSON.stringify(dist('src/io/inspect.js'))};
import { Output } from ${JSON.stringify(dist('src/io/output.js'))};
import { deployLocalMachine } from ${JSON.stringify(dist('machines/deploy-local.js'))};
const scenario = ${JSON.stringify(scenario)};
const inspector = await startInspector(new Output({ json: false }), { autoOpen: false });
if (scenario === 'browser') createWebSocketReceiver({ server: 'ws://127.0.0.1:' + inspector.port }).subscribe(() => {});
if (scenario !== 'immediate') {
  const ok = fromPromise(async () => undefined);
  const machine = deployLocalMachine.provide({ actors: { prepare: ok, composeUp: ok, migrate: ok, persist: ok, waitHealthy: fromPromise(async () => ({ backendUrl: 'http://localhost:8080' })) } });
  const options = { input: { mode: 'deploy', source: 'official', bundle: 'default', mysqlUnpublished: false } };
  inspector.attach(options);
  const actor = createActor(machine, options);
  actor.start();
  await waitFor(actor, (s) => s.status === 'done');
  if (scenario === 'browser') await new Promise((r) => setTimeout(r, 300));
}
if (scenario !== 'no-stop') inspector.stop();
console.log('command ended');
`;
}

function runScript(source: string, limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; killed: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: root, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started, killed });
    });
  });
}

describe('the process exits after the command', () => {
  test('dist/ is built (npm test builds it; run `npm run build` otherwise)', () => {
    expect(built).toBe(true);
  });

  test.runIf(built).each([
    ['run', 'a run with the inspector attached, then stop'],
    ['immediate', 'stop right after start (the client still connecting)'],
    ['browser', 'a browser still connected at stop'],
    ['no-stop', 'stop never called: server and sockets are unref’d'],
  ] as const)('%s: %s', async (scenario, _what) => {
    const result = await runScript(script(scenario), 8000);
    expect(result.killed, `still running after 8 s; stderr: ${result.stderr}`).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('command ended');
    expect(result.stderr).toMatch(/Inspector: open http:\/\/127\.0\.0\.1:\d+ .*needs internet access/);
    expect(result.ms).toBeLessThan(8000);
  }, 15_000);
});
