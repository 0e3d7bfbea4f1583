// Start-up: `gh-devlake --help` and `gh-devlake status --dir <empty>` against bare `node -e 0`,
// interleaved so the machine's mood hits all three alike.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { baseEnv, runTimed } from '../lib/proc.js';
import { waitQuiet } from '../lib/quiet.js';

export interface StartupSamples {
  node: number[];
  help: number[];
  status: number[];
}

export async function startupRuns(ctx: BenchContext, runs: number): Promise<StartupSamples> {
  const empty = path.join(ctx.tmp, 'status-empty');
  await fs.mkdir(empty, { recursive: true });
  const env = baseEnv();
  const out: StartupSamples = { node: [], help: [], status: [] };
  const run = async (args: string[]) => {
    const t = await runTimed(process.execPath, args, { env, timeoutMs: 30_000 });
    if (t.code !== 0) throw new Error(`node ${args.join(' ')} ended ${t.code ?? t.signal}: ${t.stderr.trim()}`);
    return t.durationMs;
  };
  // One unmeasured round warms the file cache.
  await run(['-e', '0']);
  await run([ctx.cli, '--help']);
  for (let i = 0; i < runs; i++) {
    out.node.push(await run(['-e', '0']));
    out.help.push(await run([ctx.cli, '--help']));
    // `status` without a state file looks for a DevLake on 8080 and 8085: measure it with nothing there.
    const busy = await waitQuiet(ctx.docker, [8080, 8085], { timeoutMs: ctx.quietTimeoutMs, settleMs: 200 });
    if (busy.length > 0) throw new Error(`status runs need 8080 and 8085 free; still taken: ${busy.join(', ')}`);
    out.status.push(await run([ctx.cli, 'status', '--dir', empty]));
  }
  return out;
}
