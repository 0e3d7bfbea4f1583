import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReleaseServer } from '../test/helpers/release-server.js';
import { removeComposeProject, testProjectName } from '../test/helpers/docker-cleanup.js';

const rs = await startReleaseServer();
for (let i = 0; i < 3; i++) {
  const name = testProjectName(`bench-explore-${i}`);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'gdl-bench-')), name);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['gh-devlake', 'deploy', 'local', '--dir', dir, '--version', 'v1.0.1'], { env: { ...process.env, ...rs.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { for (const l of d.split('\n').filter(Boolean)) console.log(`${(performance.now() - t0).toFixed(0).padStart(6)} ${l}`); });
  child.stdout.setEncoding('utf8').on('data', (d: string) => { for (const l of d.split('\n').filter(Boolean)) console.log(`${(performance.now() - t0).toFixed(0).padStart(6)} OUT ${l}`); });
  const code = await new Promise((r) => child.on('exit', r));
  console.log('exit', code, (performance.now() - t0).toFixed(0));
  await removeComposeProject(name);
}
await rs.close();
