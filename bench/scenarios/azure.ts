// Azure flow overhead: `deploy azure` against the fake ARM answering at once, every repair needed.

import path from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { baseEnv, runTimed } from '../lib/proc.js';

export interface AzureRun {
  /** Loading the command's modules, the Azure SDK, and the whole flow. */
  totalMs: number;
  loadMs: number;
  sdkMs: number;
  flowMs: number;
  incidents: number;
}

export async function azureRun(ctx: BenchContext): Promise<AzureRun> {
  const child = path.join(ctx.root, 'bench', 'scenarios', 'azure-child.ts');
  const hook = path.join(ctx.root, 'bench', 'ts-hook.mjs');
  const t = await runTimed(process.execPath, ['--import', hook, child, ctx.root, ctx.tmp], { env: baseEnv(), timeoutMs: 120_000 });
  const line = t.stdout.trim().split('\n').pop() ?? '';
  let doc: { code?: number; loadMs?: number; sdkMs?: number; flowMs?: number; incidents?: number; output?: string };
  try {
    doc = JSON.parse(line) as typeof doc;
  } catch {
    throw new Error(`the Azure run printed no result (exit ${t.code ?? t.signal}):\n${(t.stdout + t.stderr).trim().split('\n').slice(-15).join('\n')}`);
  }
  if (doc.code !== 0 || doc.loadMs === undefined || doc.sdkMs === undefined || doc.flowMs === undefined) {
    throw new Error(`deploy azure ended with ${doc.code ?? '?'}:\n${doc.output ?? t.stderr}`);
  }
  return { totalMs: doc.loadMs + doc.sdkMs + doc.flowMs, loadMs: doc.loadMs, sdkMs: doc.sdkMs, flowMs: doc.flowMs, incidents: doc.incidents ?? 0 };
}
