// Local deploy scenarios: ours (clean, with 8080 held, with a slow backend), the reference
// (`docker-compose up -d` + polling /ping) and the Engine floor (a minimal dockerode script).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { holdPort, type HeldPort } from '../../test/helpers/hold-port.js';
import { IMAGES, TEST_RELEASE_VERSION } from '../../test/helpers/images.js';
import type { ReleaseServer } from '../../test/helpers/release-server.js';
import { testProjectName } from '../../test/helpers/docker-cleanup.js';
import { epochMs, parseDockerTime, sleep } from '../lib/clock.js';
import { Interference, removeProject, type BenchContext } from '../lib/context.js';
import { baseEnv, runTimed, type Timed } from '../lib/proc.js';

export const DEFAULT_PORTS = [8080, 3002, 4000, 3306] as const;
export const ALTERNATE_PORTS = [8085, 3004, 4004] as const;
/** The backend of the readiness runs answers /ping this long after its container started. */
export const READINESS_DELAY_S = 3;
const RUN_TIMEOUT_MS = 180_000;
const RSS_HOOK = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'rss-hook.mjs');
const PROJECT_LABEL = 'com.docker.compose.project';
const SERVICE_LABEL = 'com.docker.compose.service';

interface DeployDoc {
  outcome?: string;
  bundle?: string;
  endpoints?: { backend?: string };
}

export interface OursRun {
  project: string;
  timed: Timed;
  doc: DeployDoc;
  /** Peak resident set size of the CLI process (KB), when measured. */
  maxRssKb?: number;
  /** When stderr said the backend answered (the migration is triggered right after). */
  pingSeenAt?: number;
  /** When the CLI printed its result (the JSON document). */
  reportedAt: number;
  /** Epoch ms of the CLI's progress lines, by their first words (the first of each). */
  phases: Record<string, number>;
}

const PHASES: Record<string, RegExp> = {
  stack: /^Starting the stack$/,
  teardown: /^Removing what the failed attempt created/,
  retry: /^Starting the stack again/,
  migration: /^Triggering the database migration/,
};

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * `gh-devlake deploy local --dir <tmp>/<project> --version v1.0.1 --json`, timed from spawn to
 * exit. `inspect` runs before the project is removed.
 */
export async function oursDeploy<T = undefined>(
  ctx: BenchContext,
  slug: string,
  opts: { held?: boolean; rss?: boolean; release?: ReleaseServer; inspect?: (project: string) => Promise<T> } = {},
): Promise<OursRun & { inspected?: T }> {
  const project = testProjectName(`bench-${slug}`);
  const dir = path.join(ctx.tmp, project);
  const rssFile = path.join(ctx.tmp, `${project}.rss`);
  const release = opts.release ?? ctx.release;
  ctx.active.add(project);
  let holder: HeldPort | undefined;
  try {
    if (opts.held) holder = await holdPort(8080, '0.0.0.0');
    const args = [...(opts.rss ? ['--import', RSS_HOOK] : []), ctx.cli, 'deploy', 'local', '--dir', dir, '--version', TEST_RELEASE_VERSION, '--json'];
    const env = baseEnv({ ...release.env, ...(opts.rss ? { GDL_BENCH_RSS_FILE: rssFile } : {}) });
    const timed = await runTimed(process.execPath, args, { env, timeoutMs: RUN_TIMEOUT_MS });
    let doc: DeployDoc = {};
    try {
      doc = JSON.parse(timed.stdout) as DeployDoc;
    } catch {
      // judged below
    }
    const want = opts.held ? { outcome: 'recovered', bundle: 'alternate' } : { outcome: 'ok', bundle: 'default' };
    if (timed.code !== 0 || doc.outcome !== want.outcome || doc.bundle !== want.bundle) {
      throw new Interference(
        `deploy ended ${timed.code ?? timed.signal} with outcome ${doc.outcome ?? '?'} on bundle ${doc.bundle ?? '?'} (wanted ${want.outcome}/${want.bundle}):\n${tail(timed.stdout + '\n' + timed.stderr)}`,
      );
    }
    const phases: Record<string, number> = {};
    for (const l of timed.lines) {
      if (l.stream !== 'stderr') continue;
      for (const [name, re] of Object.entries(PHASES)) if (phases[name] === undefined && re.test(l.text)) phases[name] = l.at;
    }
    const run: OursRun & { inspected?: T } = { project, timed, doc, reportedAt: timed.firstStdoutAt ?? timed.endedAt, phases };
    const ping = timed.lines.find((l) => l.stream === 'stderr' && l.text.startsWith('Triggering the database migration'));
    if (ping) run.pingSeenAt = ping.at;
    if (opts.rss) {
      const kb = Number((await fs.readFile(rssFile, 'utf8').catch(() => '')).trim());
      if (Number.isFinite(kb) && kb > 0) run.maxRssKb = kb;
    }
    if (opts.inspect) run.inspected = await opts.inspect(project);
    return run;
  } finally {
    await holder?.release();
    await removeProject(ctx, project);
    // A retried run starts afresh: no state file of the disturbed one (it would name its bundle).
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rm(rssFile, { force: true });
  }
}

/** Start times (epoch ms) of the project's containers, by service. */
export async function startTimes(docker: Docker, project: string): Promise<Map<string, number>> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  const out = new Map<string, number>();
  for (const c of list) {
    const info = await docker.getContainer(c.Id).inspect();
    out.set(c.Labels[SERVICE_LABEL] ?? c.Id, parseDockerTime(info.State.StartedAt));
  }
  return out;
}

/** Poll `url` tightly (every `everyMs`) until it answers 200; the epoch ms it did. */
async function pollUntil200(url: string, deadlineMs: number, everyMs = 20): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 200) return epochMs();
    } catch {
      // not up yet
    }
    if (Date.now() > deadlineMs) throw new Interference(`${url} did not answer 200 in time`);
    await sleep(everyMs);
  }
}

/** Files a user has before running the reference tool: the same release files, and a .env with a secret. */
async function prepareComposeDir(ctx: BenchContext, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const get = async (file: string) => {
    const res = await fetch(`${ctx.release.baseUrl}/${TEST_RELEASE_VERSION}/${file}`);
    if (!res.ok) throw new Error(`release server: ${file} answered ${res.status}`);
    return res.text();
  };
  const [compose, example] = await Promise.all([get('docker-compose.yml'), get('env.example')]);
  const secret = Array.from({ length: 128 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join('');
  await fs.writeFile(path.join(dir, 'docker-compose.yml'), compose);
  await fs.writeFile(path.join(dir, '.env'), example.replace(/^ENCRYPTION_SECRET=.*$/m, `ENCRYPTION_SECRET=${secret}`), { mode: 0o600 });
}

export interface ComposeRun {
  /** `docker-compose up -d` alone. */
  upMs: number;
  /** up -d, then /ping answering 200. */
  totalMs: number;
}

/** The reference: `docker-compose up -d` (Compose v1) in the prepared folder, then poll /ping. */
export async function composeDeploy(ctx: BenchContext, slug: string): Promise<ComposeRun> {
  const project = testProjectName(`bench-${slug}`);
  const dir = path.join(ctx.tmp, project);
  await prepareComposeDir(ctx, dir);
  ctx.active.add(project);
  try {
    const started = epochMs();
    const timed = await runTimed('docker-compose', ['up', '-d'], { cwd: dir, env: baseEnv(), timeoutMs: RUN_TIMEOUT_MS });
    if (timed.code !== 0) throw new Interference(`docker-compose up -d ended ${timed.code ?? timed.signal}:\n${tail(timed.stderr)}`);
    const pingAt = await pollUntil200('http://localhost:8080/ping', Date.now() + 60_000);
    return { upMs: timed.endedAt - started, totalMs: pingAt - started };
  } finally {
    await removeProject(ctx, project);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

interface FloorService {
  name: string;
  image: string;
  ports: { container: number; host: number; hostIp?: string }[];
  volume?: { name: string; target: string };
  dependsOn: string[];
}

/** The four services of the release compose file, as far as the Engine is concerned. */
const FLOOR_SERVICES: FloorService[] = [
  { name: 'mysql', image: IMAGES.mysql, ports: [{ container: 3306, host: 3306, hostIp: '127.0.0.1' }], volume: { name: 'mysql-storage', target: '/var/lib/mysql' }, dependsOn: [] },
  { name: 'grafana', image: IMAGES.grafana(), ports: [{ container: 3000, host: 3002 }], volume: { name: 'grafana-storage', target: '/var/lib/grafana' }, dependsOn: ['mysql'] },
  { name: 'devlake', image: IMAGES.backend(), ports: [{ container: 8080, host: 8080 }], volume: { name: 'devlake-log', target: '/app/logs' }, dependsOn: ['mysql'] },
  { name: 'config-ui', image: IMAGES.configUi(), ports: [{ container: 4000, host: 4000 }], dependsOn: ['devlake'] },
];

/**
 * The floor: the Engine's own time to make the network and volumes, create the four containers
 * (in parallel) and start them, each as soon as what it depends on is started. Nothing else:
 * no file reading, no checks, the client already loaded.
 */
export async function floorRun(ctx: BenchContext, slug: string): Promise<number> {
  const { docker } = ctx;
  const project = testProjectName(`bench-${slug}`);
  const network = `${project}_default`;
  const labels = { [PROJECT_LABEL]: project };
  ctx.active.add(project);
  try {
    const t0 = epochMs();
    await Promise.all([
      docker.createNetwork({ Name: network, Driver: 'bridge', CheckDuplicate: true, Labels: labels }),
      ...FLOOR_SERVICES.filter((s) => s.volume).map((s) => docker.createVolume({ Name: `${project}_${s.volume?.name ?? ''}`, Labels: labels })),
    ]);
    const created = new Map(
      FLOOR_SERVICES.map((s) => [
        s.name,
        docker.createContainer({
          name: `${project}-${s.name}-1`,
          Image: s.image,
          Labels: { ...labels, [SERVICE_LABEL]: s.name },
          ExposedPorts: Object.fromEntries(s.ports.map((p) => [`${p.container}/tcp`, {}])),
          HostConfig: {
            NetworkMode: network,
            RestartPolicy: { Name: 'always' },
            PortBindings: Object.fromEntries(s.ports.map((p) => [`${p.container}/tcp`, [{ HostIp: p.hostIp ?? '', HostPort: String(p.host) }]])),
            ...(s.volume ? { Mounts: [{ Type: 'volume' as const, Source: `${project}_${s.volume.name}`, Target: s.volume.target }] } : {}),
          },
          NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [s.name] } } },
        }),
      ]),
    );
    const started = new Map<string, Promise<void>>();
    const startOf = (name: string): Promise<void> => {
      let p = started.get(name);
      if (!p) {
        const svc = FLOOR_SERVICES.find((s) => s.name === name) as FloorService;
        p = Promise.all([created.get(name), ...svc.dependsOn.map(startOf)]).then(async ([c]) => {
          await (c as Docker.Container).start();
        });
        started.set(name, p);
      }
      return p;
    };
    const results = await Promise.allSettled(FLOOR_SERVICES.map((s) => startOf(s.name)));
    const t1 = epochMs();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new Interference(`floor: ${(failed.reason as Error).message}`);
    return t1 - t0;
  } finally {
    await removeProject(ctx, project);
  }
}

/** The Go tool's wait: sleep 30 s after `up`, then poll every 10 s. When it sees a backend ready `readyAfterUpMs` after up. */
export function goPolicyDetectMs(readyAfterUpMs: number): number {
  const first = 30_000;
  const every = 10_000;
  if (readyAfterUpMs <= first) return first;
  return first + Math.ceil((readyAfterUpMs - first) / every) * every;
}

export interface ReadinessRun {
  /** CLI's report minus the moment the backend started answering. */
  latencyMs: number;
  /** The CLI's "backend answered" progress line minus that moment. */
  pingSeenMs?: number;
  /** The Go tool's latency for the same start-up. */
  goLatencyMs: number;
}

/** A deploy whose backend answers /ping READINESS_DELAY_S after its container started. */
export async function readinessRun(ctx: BenchContext, slug: string): Promise<ReadinessRun> {
  const run = await oursDeploy(ctx, slug, { release: ctx.delayedRelease, inspect: (p) => startTimes(ctx.docker, p) });
  const starts = run.inspected as Map<string, number>;
  const backendStart = starts.get('devlake');
  if (backendStart === undefined) throw new Interference('no devlake container to read the start time of');
  const readyAt = backendStart + READINESS_DELAY_S * 1000;
  // `up -d` returns once the last container has started.
  const upReturnedAt = Math.max(...starts.values());
  const readyAfterUp = Math.max(0, readyAt - upReturnedAt);
  const out: ReadinessRun = { latencyMs: run.reportedAt - readyAt, goLatencyMs: goPolicyDetectMs(readyAfterUp) - readyAfterUp };
  if (run.pingSeenAt !== undefined) out.pingSeenMs = run.pingSeenAt - readyAt;
  if (out.latencyMs < 0) throw new Interference(`the CLI reported healthy ${-out.latencyMs} ms before the backend could answer: the delay did not apply`);
  return out;
}
