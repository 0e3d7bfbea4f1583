import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const T0 = performance.now();
const ms = () => (performance.now() - T0).toFixed(0).padStart(6);
const { runLocalFlow } = await import('../dist/src/flows/deploy-local.js');
const { openEngine } = await import('../dist/src/engine/client.js');
const { Output } = await import('../dist/src/cli/output.js');
console.log(ms(), 'imported');
const { startReleaseServer } = await import('../test/helpers/release-server.js');
const { removeComposeProject, testProjectName } = await import('../test/helpers/docker-cleanup.js');
const rs = await startReleaseServer();
for (let i = 0; i < 2; i++) {
  const name = testProjectName(`bench-trace-${i}`);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'gdl-bench-')), name);
  const engine = openEngine({});
  const orig = engine.call.bind(engine);
  (engine as any).call = async (op: string, fn: any, ctx: any) => { const s = ms(); try { return await orig(op as any, fn, ctx); } finally { console.log(s, ms(), op, ctx?.service ?? '', ctx?.target ?? ''); } };
  const out = new Output({ json: false, stdout: { write: (s: string) => (console.log(ms(), 'OUT', s.trim()), true) }, stderr: { write: (s: string) => (console.log(ms(), 'ERR', s.trim()), true) }, env: {} });
  const t = performance.now();
  const r = await runLocalFlow({ dir, mode: 'deploy', source: 'official', version: 'v1.0.1', timeoutSec: 60, wait: true, env: { ...process.env, ...rs.env }, engine }, out);
  console.log(ms(), 'done', r.outcome, (performance.now() - t).toFixed(0));
  await removeComposeProject(name);
}
await rs.close();
