// `npm run bench`: the performance figures of issue 7, measured against the real Docker engine
// with the local test images and a loopback release server (no network). Each figure is the
// median of BENCH_RUNS runs (default 5, min and max shown); ours and its baseline are measured
// side by side, interleaved, in the same run. Prints one table, writes bench/results.json and
// refreshes the table in docs/performance.md.
//
//   BENCH_RUNS=5            runs per figure (start-up: at least 10)
//   BENCH_ONLY=deploy,...   only these groups (deploy, startup, azure): printed, not written
//   BENCH_QUIET_TIMEOUT_S   how long one run may wait for DevLake's ports to be free (default 600)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { buildTestImages } from '../test/helpers/images.js';
import { releaseFileText, startReleaseServer } from '../test/helpers/release-server.js';
import { removeComposeProject, removeStaleTestProjects } from '../test/helpers/docker-cleanup.js';
import { Interference, type BenchContext } from './lib/context.js';
import { summarize, shift, type Summary } from './lib/stats.js';
import { makeRow, markdownTable, type Row } from './lib/table.js';
import { waitQuiet } from './lib/quiet.js';
import { ALTERNATE_PORTS, DEFAULT_PORTS, READINESS_DELAY_S, composeDeploy, floorRun, oursDeploy, readinessRun } from './scenarios/local.js';
import { startupRuns } from './scenarios/startup.js';
import { azureRun } from './scenarios/azure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = path.join(ROOT, 'bench', 'results.json');
const DOC = path.join(ROOT, 'docs', 'performance.md');
const ATTEMPTS_PER_RUN = 3;

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);
const ALL_GROUPS = ['deploy', 'startup', 'azure'] as const;
const only = new Set((process.env.BENCH_ONLY ?? ALL_GROUPS.join(',')).split(',').map((s) => s.trim()));
const quietTimeoutMs = (Number(process.env.BENCH_QUIET_TIMEOUT_S ?? 600) || 600) * 1000;
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);

class NotMeasured extends Error {
  override readonly name = 'NotMeasured';
}

/** One measured run: wait for quiet ports, run, and on interference clean up and run again. */
async function measure<T>(ctx: BenchContext, what: string, ports: readonly number[], fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const busy = await waitQuiet(ctx.docker, ports, { timeoutMs: ctx.quietTimeoutMs, onWait: (b) => log(`${what}: waiting for port(s) ${b.join(', ')} to be free`) });
    if (busy.length > 0) throw new NotMeasured(`port(s) ${busy.join(', ')} stayed taken for ${ctx.quietTimeoutMs / 1000} s`);
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof Interference) || attempt >= ATTEMPTS_PER_RUN) {
        throw new NotMeasured(`${what}: ${(err as Error).message.split('\n')[0] ?? ''}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`, { cause: err });
      }
      log(`${what}: run disturbed, measuring it again (${(err as Error).message.split('\n')[0] ?? ''})`);
    }
  }
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function machine(docker: Docker): Promise<Record<string, unknown>> {
  const v = await docker.version();
  let compose = 'not installed';
  try {
    compose = execFileSync('docker-compose', ['version', '--short'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    // reported as missing
  }
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    docker: `${v.Version} (API ${v.ApiVersion})`,
    node: process.version,
    dockerCompose: compose,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function machineLine(m: Record<string, unknown>): string {
  const load = (m.loadAverageAtStart as number[]).join(' / ');
  return `${String(m.cpus)} cores (${String(m.cpuModel)}), ${String(m.memoryGiB)} GiB, ${String(m.os)}, Docker Engine ${String(m.docker)}, Node ${String(m.node)}, docker-compose ${String(m.dockerCompose)}; load average at start ${load}`;
}

async function updateDoc(table: string, when: string, m: Record<string, unknown>): Promise<void> {
  const text = await fs.readFile(DOC, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const start = '<!-- bench:table:start -->';
  const end = '<!-- bench:table:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  const block = `${start}\nLast run: ${when}, ${runs} runs per figure, on ${machineLine(m)}.\n\n${table}\n${end}`;
  await fs.writeFile(DOC, text.slice(0, i) + block + text.slice(j + end.length));
}

async function main(): Promise<void> {
  const cli = path.join(ROOT, 'gh-devlake');
  if (!existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const docker = new Docker();
  await docker.ping().catch((err: Error) => {
    throw new Error(`the benchmark needs a running Docker engine (${err.message}); see scripts/ci-setup.sh`);
  });
  const info = await machine(docker);
  log(`machine: ${machineLine(info)}`);
  const removed = await removeStaleTestProjects({ docker });
  if (removed.length > 0) log(`removed leftovers of dead runs: ${removed.join(', ')}`);
  const images = await buildTestImages({ docker });
  log(`test images: ${images.built.length} built, ${images.upToDate.length} up to date`);

  const release = await startReleaseServer();
  const delayedEnv = `${await releaseFileText('env.example')}\n# benchmark: the backend answers only after this delay\nSTART_DELAY_SECONDS=${READINESS_DELAY_S}\n`;
  const delayedRelease = await startReleaseServer({ override: { 'env.example': delayedEnv } });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gdl-bench-'));
  const ctx: BenchContext = { docker, root: ROOT, cli, tmp, release, delayedRelease, runs, quietTimeoutMs, log, active: new Set() };

  let stopping = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: removing what this run made`);
    void Promise.allSettled([...ctx.active].map((p) => removeComposeProject(p, { docker }))).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const rows: Row[] = [];
  const started = new Date();
  try {
    if (only.has('deploy')) rows.push(...(await deployFigures(ctx)));
    if (only.has('startup')) rows.push(...(await startupFigures(ctx)));
    if (only.has('azure')) rows.push(await azureFigure(ctx));
  } finally {
    await Promise.allSettled([release.close(), delayedRelease.close()]);
    rmSync(tmp, { recursive: true, force: true });
  }

  // In the issue's order: 1, 1f, 2, 3, 4a, 4b, 5, 6.
  const ORDER = ['deploy-clean', 'engine-floor', 'recovery-overhead', 'readiness-latency', 'startup-help', 'startup-status', 'azure-overhead', 'peak-rss'];
  rows.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  info.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const table = markdownTable(rows);
  process.stdout.write(`\n${table}\n`);
  if (!ALL_GROUPS.every((g) => only.has(g))) {
    log('BENCH_ONLY: a partial run; bench/results.json and docs/performance.md keep the last full run');
    return;
  }
  const doc = { generatedAt: started.toISOString(), runsPerFigure: runs, machine: info, figures: rows };
  await fs.writeFile(`${RESULTS}.tmp`, JSON.stringify(doc, null, 2) + '\n');
  await fs.rename(`${RESULTS}.tmp`, RESULTS);
  await updateDoc(table, started.toISOString().replace(/\.\d+Z$/, 'Z'), info);
  log(`wrote ${path.relative(ROOT, RESULTS)} and the table in ${path.relative(ROOT, DOC)}`);
}

/** Figures 1, 2, 3 and 6 (and the Engine floor): every run interleaved with the others. */
async function deployFigures(ctx: BenchContext): Promise<Row[]> {
  const clean: number[] = [];
  const cleanPhases = { beforeTheStack: [] as number[], stackToHealthy: [] as number[], afterHealthy: [] as number[] };
  const rss: number[] = [];
  const compose: number[] = [];
  const composeUp: number[] = [];
  const floor: number[] = [];
  const held: number[] = [];
  const heldPhases = { failedAttempt: [] as number[], teardown: [] as number[], retryToHealthy: [] as number[] };
  const latency: number[] = [];
  const pingSeen: number[] = [];
  const goLatency: number[] = [];
  // Runs that could not be measured, by figure: a figure with some samples is still reported
  // (n says how many), one with none is "not measured" with the reason.
  const failures = new Map<string, string[]>();
  const attempt = async (key: string, what: string, ports: readonly number[], fn: () => Promise<void>) => {
    try {
      await measure(ctx, what, ports, fn);
    } catch (err) {
      if (!(err instanceof NotMeasured)) throw err;
      failures.set(key, [...(failures.get(key) ?? []), err.message]);
      log(`${what}: not measured: ${err.message}`);
    }
  };
  const missing = (samples: readonly number[], keys: string[], note?: string): { notMeasured?: string; note?: string } => {
    const reasons = keys.flatMap((k) => failures.get(k) ?? []);
    if (samples.length === 0) return { notMeasured: reasons[0] ?? 'no run succeeded' };
    const lost = reasons.length > 0 ? `${reasons.length} run(s) not measured: ${reasons[0] ?? ''}` : undefined;
    const notes = [note, lost].filter((x): x is string => x !== undefined).join('; ');
    return notes ? { note: notes } : {};
  };
  for (let i = 1; i <= ctx.runs; i++) {
    const tag = `[${i}/${ctx.runs}]`;
    const ours = () =>
      attempt('clean', `${tag} ours, clean deploy`, DEFAULT_PORTS, async () => {
        const r = await oursDeploy(ctx, `clean-${i}`, { rss: true });
        clean.push(r.timed.durationMs);
        if (r.phases.stack !== undefined && r.phases.migration !== undefined) {
          cleanPhases.beforeTheStack.push(r.phases.stack - r.timed.startedAt);
          cleanPhases.stackToHealthy.push(r.phases.migration - r.phases.stack);
          cleanPhases.afterHealthy.push(r.timed.endedAt - r.phases.migration);
        }
        if (r.maxRssKb !== undefined) rss.push(r.maxRssKb / 1024);
        log(`${tag} ours, clean deploy: ${fmt(r.timed.durationMs)}, peak RSS ${r.maxRssKb ? (r.maxRssKb / 1024).toFixed(0) : '?'} MB`);
      });
    const reference = () =>
      attempt('compose', `${tag} docker-compose up -d + /ping`, DEFAULT_PORTS, async () => {
        const r = await composeDeploy(ctx, `compose-${i}`);
        compose.push(r.totalMs);
        composeUp.push(r.upMs);
        log(`${tag} docker-compose up -d + /ping: ${fmt(r.totalMs)} (up -d alone ${fmt(r.upMs)})`);
      });
    // Alternate who goes first, so neither always follows the other's clean-up.
    if (i % 2 === 1) {
      await ours();
      await reference();
    } else {
      await reference();
      await ours();
    }
    await attempt('floor', `${tag} Engine floor`, DEFAULT_PORTS, async () => {
      const ms = await floorRun(ctx, `floor-${i}`);
      floor.push(ms);
      log(`${tag} Engine floor: ${fmt(ms)}`);
    });
    await attempt('held', `${tag} ours, 8080 held`, [...DEFAULT_PORTS, ...ALTERNATE_PORTS], async () => {
      const r = await oursDeploy(ctx, `held-${i}`, { held: true });
      held.push(r.timed.durationMs);
      const p = r.phases;
      if (p.stack !== undefined && p.teardown !== undefined && p.retry !== undefined && p.migration !== undefined) {
        heldPhases.failedAttempt.push(p.teardown - p.stack);
        heldPhases.teardown.push(p.retry - p.teardown);
        heldPhases.retryToHealthy.push(p.migration - p.retry);
      }
      log(`${tag} ours, 8080 held (recovered on 8085): ${fmt(r.timed.durationMs)}`);
    });
    await attempt('readiness', `${tag} readiness`, DEFAULT_PORTS, async () => {
      const r = await readinessRun(ctx, `ready-${i}`);
      latency.push(r.latencyMs);
      goLatency.push(r.goLatencyMs);
      if (r.pingSeenMs !== undefined) pingSeen.push(r.pingSeenMs);
      log(`${tag} readiness: reported ${fmt(r.latencyMs)} after /ping could answer (Go policy: ${fmt(r.goLatencyMs)})`);
    });
  }

  const cleanS = summarize(clean);
  const floorS = summarize(floor);
  const rows: Row[] = [];
  rows.push(
    makeRow({
      id: 'deploy-clean',
      figure: '1. Clean local deploy to healthy (through /ping and migration)',
      unit: 's',
      ours: cleanS,
      baselineLabel: 'docker-compose 1.29 up -d + /ping',
      baseline: summarize(compose),
      target: { of: 'ratio', max: 0.8 },
      ...missing(
        clean.length && compose.length ? clean : [],
        ['clean', 'compose'],
        cleanPhases.beforeTheStack.length
          ? `ours: ${fmt(summarize(cleanPhases.beforeTheStack).median)} from spawn to starting the stack (Node, modules, download, .env, compose file), ${fmt(summarize(cleanPhases.stackToHealthy).median)} to /ping answering, ${fmt(summarize(cleanPhases.afterHealthy).median)} for the migration and the state file`
          : undefined,
      ),
      details: {
        composeUpOnly: summarize(composeUp),
        oursBeforeTheStack: summarize(cleanPhases.beforeTheStack),
        oursStackToHealthy: summarize(cleanPhases.stackToHealthy),
        oursMigrationAndState: summarize(cleanPhases.afterHealthy),
      },
    }),
  );
  rows.push(
    makeRow({
      id: 'engine-floor',
      figure: '1f. Engine floor: network, volumes, create + start the 4 containers (minimal dockerode)',
      unit: 's',
      ours: floorS,
      baselineLabel: null,
      baseline: null,
      target: null,
      ...missing(floor, ['floor'], cleanS.n && floorS.n ? `our clean deploy is ${(cleanS.median / floorS.median).toFixed(2)}× the floor` : undefined),
    }),
  );
  const heldS = summarize(held);
  rows.push(
    makeRow({
      id: 'recovery-overhead',
      figure: '2. Recovery overhead: deploy with 8080 held minus clean deploy',
      unit: 's',
      ours: heldS.n && cleanS.n ? shift(heldS, cleanS.median) : null,
      baselineLabel: null,
      baseline: null,
      target: { of: 'value', max: 1 },
      ...missing(
        held.length && clean.length ? held : [],
        ['held'],
        heldPhases.failedAttempt.length
          ? `inside the deploy with 8080 held: the failed attempt ${fmt(summarize(heldPhases.failedAttempt).median)}, its teardown ${fmt(summarize(heldPhases.teardown).median)}, the retry to healthy ${fmt(summarize(heldPhases.retryToHealthy).median)}`
          : undefined,
      ),
      details: {
        heldDeploy: heldS,
        failedAttempt: summarize(heldPhases.failedAttempt),
        teardownOfTheAttempt: summarize(heldPhases.teardown),
        retryToHealthy: summarize(heldPhases.retryToHealthy),
      },
    }),
  );
  rows.push(
    makeRow({
      id: 'readiness-latency',
      figure: `3. Readiness detection latency (backend answers ${READINESS_DELAY_S} s after start)`,
      unit: 's',
      ours: summarize(latency),
      baselineLabel: 'Go tool policy (sleep 30 s, poll every 10 s)',
      baseline: summarize(goLatency),
      target: { of: 'value', max: 0.5 },
      ...missing(latency, ['readiness']),
      details: { backendAnsweredLineAfterReady: summarize(pingSeen) },
    }),
  );
  rows.push(
    makeRow({
      id: 'peak-rss',
      figure: '6. Peak RSS of a deploy',
      unit: 'MB',
      ours: summarize(rss),
      baselineLabel: null,
      baseline: null,
      target: { of: 'value', max: 150 },
      ...missing(rss, ['clean']),
    }),
  );
  return rows;
}

async function startupFigures(ctx: BenchContext): Promise<Row[]> {
  const n = Math.max(10, ctx.runs);
  let samples;
  try {
    samples = await startupRuns(ctx, n);
  } catch (err) {
    const why = (err as Error).message;
    return ['help', 'status'].map((id) =>
      makeRow({ id: `startup-${id}`, figure: `4. Start-up: gh-devlake ${id === 'help' ? '--help' : 'status (nothing deployed)'}`, unit: 's', ours: null, baselineLabel: 'node -e 0', baseline: null, target: { of: 'ratio', max: 2.5 }, notMeasured: why }),
    );
  }
  const node = summarize(samples.node);
  log(`start-up: node -e 0 ${fmt(node.median)}, --help ${fmt(summarize(samples.help).median)}, status ${fmt(summarize(samples.status).median)}`);
  return [
    makeRow({ id: 'startup-help', figure: '4a. Start-up: gh-devlake --help', unit: 's', ours: summarize(samples.help), baselineLabel: 'node -e 0', baseline: node, target: { of: 'ratio', max: 2.5 } }),
    makeRow({ id: 'startup-status', figure: '4b. Start-up: gh-devlake status (nothing deployed)', unit: 's', ours: summarize(samples.status), baselineLabel: 'node -e 0', baseline: node, target: { of: 'ratio', max: 2.5 } }),
  ];
}

async function azureFigure(ctx: BenchContext): Promise<Row> {
  const base = { id: 'azure-overhead', figure: '5. Azure flow overhead: deploy azure, fake ARM answering at once, all 5 repairs', unit: 's' as const, baselineLabel: null, baseline: null, target: { of: 'value' as const, max: 2 } };
  const total: number[] = [];
  const load: number[] = [];
  const sdk: number[] = [];
  const flow: number[] = [];
  try {
    for (let i = 1; i <= ctx.runs; i++) {
      const r = await azureRun(ctx);
      total.push(r.totalMs);
      load.push(r.loadMs);
      sdk.push(r.sdkMs);
      flow.push(r.flowMs);
      log(`[${i}/${ctx.runs}] azure: ${fmt(r.totalMs)} (command modules ${fmt(r.loadMs)}, Azure SDK ${fmt(r.sdkMs)}, flow ${fmt(r.flowMs)}, ${r.incidents} repairs)`);
    }
  } catch (err) {
    return makeRow({ ...base, ours: null, notMeasured: (err as Error).message.split('\n')[0] ?? 'failed' });
  }
  const sdkS: Summary = summarize(sdk);
  const flowS: Summary = summarize(flow);
  return makeRow({
    ...base,
    ours: summarize(total),
    details: { commandModules: summarize(load), azureSdkLoad: sdkS, flow: flowS },
    note: `of it: loading the Azure SDK's four ARM clients ${fmt(sdkS.median)}, the flow itself (5 repairs, 1 deployment) ${fmt(flowS.median)}`,
  });
}

await main();
