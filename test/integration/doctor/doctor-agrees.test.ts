// Doctor's verdict against what the deploy then does, on the real engine with the built CLI: when
// doctor says exit 0 ("at most automatic repairs"), `deploy local` succeeds; when it says a check
// needs you, the deploy fails on it. Same directory, same held ports, doctor first.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../../src/cli/commands/doctor.js';
import type { GlobalIo } from '../../../src/cli/main.js';
import { runCli } from '../../helpers/cli.js';
import { holdPort, type HeldPort } from '../../helpers/hold-port.js';
import { TEST_RELEASE_VERSION } from '../../helpers/images.js';
import { startReleaseServer, type ReleaseServer } from '../../helpers/release-server.js';
import { makeTestDir, type TestDir } from '../cli/support.js';
import { assertWellKnownPortsFree } from './support.js';

interface Doc {
  exitCode: number;
  checks: { id: string; verdict: string; repair?: string }[];
}

let server: ReleaseServer | undefined;
const held: HeldPort[] = [];
const dirs: TestDir[] = [];

beforeAll(async () => {
  await assertWellKnownPortsFree();
  server = await startReleaseServer();
});
afterEach(async () => {
  await Promise.all(held.splice(0).map((h) => h.release()));
  await Promise.all(dirs.splice(0).map((t) => t.cleanup()));
});
afterAll(async () => {
  await server?.close();
});

async function doctor(dir: string): Promise<Doc> {
  let stdout = '';
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: () => true, isTTY: false },
    env: { ...process.env, ...server?.env, NO_COLOR: '1' },
  } as unknown as GlobalIo;
  const code = await doctorCommand(io)({ dir, json: true });
  const doc = JSON.parse(stdout) as Doc;
  expect(doc.exitCode).toBe(code);
  return doc;
}

const CASES: { name: string; hold: [number, string?][]; doctorExit: 0 | 1; auto: string[] }[] = [
  { name: '8080 held: the alternate bundle', hold: [[8080]], doctorExit: 0, auto: ['local.port.8080'] },
  { name: '3306 and 8080 held: both port repairs in the one retry', hold: [[3306, '127.0.0.1'], [8080]], doctorExit: 0, auto: ['local.port.3306', 'local.port.8080'] },
  { name: '3002 and 3004 held: the fallback is busy too', hold: [[3002], [3004]], doctorExit: 1, auto: [] },
];

describe('doctor agrees with deploy local', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      for (const [port, host] of c.hold) held.push(await holdPort(port, host));
      const t = await makeTestDir('doctor-agrees');
      dirs.push(t);

      const doc = await doctor(t.dir);
      expect(doc.exitCode, JSON.stringify(doc.checks, null, 2)).toBe(c.doctorExit);
      expect(doc.checks.filter((x) => x.verdict === 'auto-repair').map((x) => x.id).sort()).toEqual(c.auto);

      const r = await runCli(['deploy', 'local', '--dir', t.dir, '--version', TEST_RELEASE_VERSION, '--timeout', '60'], { cwd: t.root, env: server?.env ?? {} });
      expect(r.code, r.stdout + r.stderr).toBe(c.doctorExit === 0 ? 0 : 1);
    });
  }
});
