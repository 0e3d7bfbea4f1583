// The local deploy/start flow: the deploy-local machine with its actors provided.
// A failure's journey: engine error (src/engine) → DeployFailure (src/recovery/failure) →
// class (src/recovery/classify) → repair (here) → report lines (src/recovery/report) → state file.

import path from 'node:path';
import { createActor, fromPromise, waitFor } from 'xstate';
import { deployLocalMachine, type AttemptPlan, type DeployLocalContext, type DeployLocalInput, type LocalSource, type RepairOutcome } from '../../../machines/deploy-local.js';
import type { ComposeProject } from '../../compose/model.js';
import { loadComposeProject, selectServices } from '../../compose/load.js';
import { openEngine, type Engine } from '../../engine/client.js';
import { up } from '../../engine/up.js';
import { down, removeContainer } from '../../engine/down.js';
import { findByAddress, findPublishers, ps } from '../../engine/ps.js';
import { ensureImage, buildImage } from '../../engine/images.js';
import { toDeployFailure } from '../../recovery/failure.js';
import { DeployError, RepairDeclinedError } from '../../recovery/deploy-error.js';
import { failureOf, outcomeOf, recordOf, reportOf, type ReportLine } from '../../recovery/report.js';
import type { Classification, DeployFailure, RecoveryRecord, RepairId } from '../../recovery/types.js';
import { ROLE_LABEL, roleOfPort, MYSQL_HOST_PORT, type BundleName, type Endpoints } from '../../devlake/ports.js';
import { localRepair } from '../../recovery/repairs/index.js';
import type { LocalRepairEffects } from '../../recovery/repairs/kit.js';
import { applyPortPlan, endpointsOf, hostIpOf, publishedPorts } from '../../devlake/plan.js';
import { takenPorts } from '../../util/port-probe.js';
import { waitForPing, runMigration, type MigrationResult } from '../../devlake/health.js';
import { prefetchRelease, type ReleaseFiles, type ReleasePrefetch } from '../../devlake/release.js';
import { placeRelease } from '../../devlake/release-files.js';
import { prepareEnvFile, tightenEnvMode, validateEnvFile } from '../../devlake/env-file.js';
import { describeMerge } from '../../devlake/env-merge.js';
import { scanEnvLeniently } from '../../devlake/env-variables.js';
import { registerComposeSecrets, registerDeploymentSecrets } from '../../devlake/known-secrets.js';
import { secrets } from '../../util/redact.js';
import { ensureClone, FORK_COMPOSE_FILE, FORK_SERVICES } from '../../devlake/fork.js';
import { customComposeFile, findComposeFile } from '../../devlake/local-project.js';
import { derivedNote, identifyProject, ProjectClashError } from '../../devlake/project-identity.js';
import { appendHistory, readLocalState, writeLocalState, type DeploySource, type LocalState } from '../../devlake/state.js';
import type { Output } from '../../io/output.js';
import { existsSync } from 'node:fs';
import { makeDir } from '../../util/make-dir.js';
import { readTextFile } from '../../util/read-text.js';

export interface LocalFlowOptions {
  dir: string;
  mode: 'deploy' | 'start';
  source: DeploySource;
  version: string;
  repoUrl?: string;
  timeoutSec: number;
  /** start: only this service. */
  service?: string;
  /** start --no-wait: skip health and migration. */
  wait: boolean;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Engine to use (tests may point at another socket through DOCKER_HOST instead). */
  engine?: Engine;
  inspect?: (actorOptions: { inspect?: unknown }) => void;
  /** official deploys: replace a docker-compose.yml that is not the release's (after a backup). */
  replaceCompose?: boolean;
  /** The command line of this run, for advice that repeats it. */
  commandLine?: string;
  /** official deploys: the release download, already started by the caller (else started here). */
  release?: ReleasePrefetch;
  /** Repairs switched off (`--no-repair`, GH_DEVLAKE_NO_REPAIR): they decline, and say so. */
  disabled?: readonly RepairId[];
}

export interface LocalFlowResult {
  outcome: 'ok' | 'recovered' | 'failed';
  /** What the stack publishes (a role it does not publish is absent). */
  endpoints?: Partial<Endpoints>;
  bundle: BundleName;
  source: LocalFlowOptions['source'];
  version?: string;
  record?: RecoveryRecord;
  /** The four report lines, when a failure happened. */
  report: ReportLine[];
  failure?: { classId: string; message: string; remediation: string };
  stateFile?: string;
  /** The database migration of this run, when the flow got that far and it finished. */
  migration?: MigrationResult;
  context: DeployLocalContext;
}

/** Run the flow to its end. Never throws for deploy failures: they come back classified. */
export async function runLocalFlow(opts: LocalFlowOptions, out: Output): Promise<LocalFlowResult> {
  const dir = path.resolve(opts.dir);
  const engine = opts.engine ?? openEngine({ env: opts.env });
  const signal = opts.signal;
  await registerDeploymentSecrets(dir, opts.env);
  const previous = await readLocalState(dir);

  // What the actors share: the compose project as loaded, and the containers each attempt made.
  let project: ComposeProject | undefined;
  let version: string | undefined = previous?.version;
  let createdThisAttempt: string[] = [];
  /** Named volumes this run created (a first deploy's): a run that fails to start removes them again. */
  const createdVolumes: string[] = [];
  /** The last attempt failed while its ports were probed or the engine created and started the stack (not in a wait after). */
  let startFailed = false;
  let mysqlUnpublished = previous?.mysqlUnpublished === true;
  let composeSha: string | undefined;
  const startBundle = previous?.bundle ?? 'default';

  const onEngineEvent = (e: { type: string; service?: string; action?: string; text?: string }) => {
    if (e.type === 'container' && e.service && e.action) out.progress(`Container ${e.service}: ${e.action}`);
    else if (e.text) out.progress(e.text);
  };

  // Bad input (a compose file that does not parse, a broken .env) and a state file or .env we
  // could not write (disk full, read-only) are not deploy failures to classify: they leave the
  // machine and reach the user as one message that names the file and says what to do.
  let fatalError: Error | undefined;
  const catchFatal = (err: unknown): void => {
    if (!fatalError && isFatal(err)) fatalError = err;
  };
  const prepare = async (): Promise<void> => {
    try {
      await prepareUnguarded();
    } catch (err) {
      catchFatal(err);
      throw redactError(err);
    }
  };
  const prepareUnguarded = async (): Promise<void> => {
    await makeDir(dir);
    let composeFile: string;
    let services: readonly string[] | undefined;
    if (opts.mode === 'start') {
      const recorded = findComposeFile(dir, previous);
      if (!recorded) {
        throw new DeployError({ source: 'release', code: 'no-compose-file', operation: 'prepare', target: dir, message: `no compose file in ${dir}; run \`gh-devlake deploy local --dir ${opts.dir}\` first` });
      }
      composeFile = recorded;
      if (previous?.source === 'fork') services = FORK_SERVICES;
    } else if (opts.source === 'official') {
      // A broken .env is reported before anything in dir changes; the release is fetched
      // completely before a file is written, so a failed download leaves dir as it was.
      await validateEnvFile(dir);
      const release = opts.release ?? prefetchRelease(opts.version, opts.env);
      const stop = (): void => release.abort(signal?.reason);
      if (signal?.aborted) stop();
      signal?.addEventListener('abort', stop, { once: true });
      let files: ReleaseFiles;
      try {
        version = await release.version;
        out.progress(`Downloading DevLake ${version} release files`);
        files = await release.files;
      } finally {
        signal?.removeEventListener('abort', stop);
      }
      const placed = await placeRelease(dir, files, { state: previous, replace: opts.replaceCompose === true, again: opts.commandLine ?? `gh-devlake deploy local --dir ${dir}` });
      composeSha = placed.composeSha256;
      for (const b of placed.backups) out.note(`Backed up ${path.basename(b).replace(/\.bak\.\d+$/, '')} to ${b} before replacing it with the release's.`);
      const env = await prepareEnvFile(dir, path.join(dir, 'env.example'));
      const merged = describeMerge(env.merge, env.backup ? path.relative(process.cwd(), env.backup) || env.backup : undefined);
      if (merged && env.backup) out.note(merged);
      if (env.tightened) out.note(TIGHTENED_NOTE);
      composeFile = path.join(dir, 'docker-compose.yml');
    } else if (opts.source === 'fork') {
      await validateEnvFile(dir);
      out.progress(`Cloning ${opts.repoUrl ?? ''}`);
      await ensureClone(opts.repoUrl ?? '', dir, signal);
      const example = path.join(dir, 'env.example');
      if (existsSync(example)) {
        const env = await prepareEnvFile(dir, example);
        if (env.tightened) out.note(TIGHTENED_NOTE);
      }
      composeFile = path.join(dir, FORK_COMPOSE_FILE);
      services = FORK_SERVICES;
    } else {
      composeFile = customComposeFile(dir);
    }
    const loaded = await loadComposeProject({ dir, files: [composeFile], env: opts.env });
    // The project's name: never one whose containers belong to another folder.
    const identity = await identifyProject(engine, dir, loaded.project.name, previous, signal).catch((err: unknown) => {
      if (err instanceof ProjectClashError) throw err;
      throw new DeployError(toDeployFailure(err), { cause: err });
    });
    const note = derivedNote(identity);
    if (note) out.note(note);
    const named = identity.name === loaded.project.name ? loaded.project : { ...loaded.project, name: identity.name };
    const selected = services ? selectServices(named, [...services]) : named;
    project = selected;
    registerComposeSecrets(loaded.project);
    // Custom deploys and starts keep .env as it is, but not readable by others (only once it loaded:
    // bad input changes nothing).
    if ((opts.mode === 'start' || opts.source === 'custom') && (await tightenEnvMode(dir))) out.note(TIGHTENED_NOTE);
    for (const w of loaded.warnings) out.note(`warning: ${w}`);
    if (opts.service && !selected.services.some((s) => s.name === opts.service)) {
      throw new DeployError({ source: 'release', code: 'no-such-service', operation: 'prepare', message: `no service '${opts.service}' in ${composeFile}` });
    }
    // Images: build what the fork declares, pull what is missing (with progress). Checks and
    // pulls run side by side; builds one at a time (the engine's builder is the bottleneck).
    try {
      await Promise.all(
        selected.services.map(async (svc) => {
          if (opts.mode === 'deploy' && svc.build) return;
          if (!svc.image) return;
          const image = svc.image;
          await ensureImage(engine, image, (p) => out.progress(`Pulling ${image}: ${p.layer ? `${p.layer} ` : ''}${p.status}`), { signal, service: svc.name });
        }),
      );
      for (const svc of selected.services) {
        if (opts.mode !== 'deploy' || !svc.build) continue;
        const tag = svc.image ?? `${selected.name}-${svc.name}`;
        out.progress(`Building ${tag}`);
        await buildImage(engine, svc.build, tag, (p) => p.stream?.trim() && out.progress(`Building ${svc.name}: ${p.stream.trim()}`), { signal, service: svc.name });
      }
    } catch (err) {
      throw new DeployError(toDeployFailure(err), { cause: err });
    }
    // Written before the engine starts anything: an interrupted or failed deploy is on record.
    if (opts.mode === 'deploy') await persistState({ status: 'incomplete' }, composeFile);
  };

  let stateFile: string | undefined;
  const currentState: Partial<LocalState> = {};
  const persistState = async (extra: Partial<LocalState>, composeFile?: string, plan?: AttemptPlan): Promise<void> => {
    const bundle = plan?.bundle ?? previous?.bundle ?? startBundle;
    // What this run wrote before (the compose file of the 'incomplete' record) carries over.
    const base: LocalState = {
      ...(previous ?? { deployedAt: new Date().toISOString(), method: 'local', endpoints: stateEndpoints(endpointsOf(project, { bundle, mysqlUnpublished })) }),
      ...currentState,
    };
    const next: LocalState = {
      ...base,
      method: 'local',
      endpoints: stateEndpoints(endpointsOf(project, { bundle, mysqlUnpublished: plan?.mysqlUnpublished ?? mysqlUnpublished })),
      bundle,
      source: opts.mode === 'deploy' ? opts.source : (previous?.source ?? 'custom'),
      ...(version ? { version } : {}),
      ...(composeFile ? { composeFile: path.relative(dir, composeFile) } : {}),
      ...(project ? { composeProject: project.name } : {}),
      ...(composeSha ? { composeSha256: composeSha } : {}),
      mysqlUnpublished: plan?.mysqlUnpublished ?? mysqlUnpublished,
      ...extra,
    };
    stateFile = await writeLocalState(dir, next);
    Object.assign(currentState, next);
  };

  const composeUp = async ({ input, signal: actorSignal }: { input: AttemptPlan; signal: AbortSignal }): Promise<void> => {
    try {
      await composeUpUnguarded({ input, signal: actorSignal });
    } catch (err) {
      throw redactError(err);
    }
  };
  const composeUpUnguarded = async ({ input, signal: actorSignal }: { input: AttemptPlan; signal: AbortSignal }): Promise<void> => {
    if (!project) throw new DeployError({ source: 'internal', message: 'no project loaded' });
    const planned = applyPortPlan(project, input);
    createdThisAttempt = [];
    startFailed = true;
    out.progress(input.attempt === 1 ? 'Starting the stack' : `Starting the stack again on the ${input.bundle} bundle`);
    await probeHostPorts(planned, project.name, actorSignal);
    try {
      await up(engine, planned, {
        ...(opts.service ? { services: [opts.service] } : {}),
        signal: actorSignal,
        onEvent: (e: { type: string; service?: string; action?: string; containerId?: string; name?: string }) => {
          if (e.type === 'container' && (e.action === 'created' || e.action === 'recreated') && e.containerId) createdThisAttempt.push(e.containerId);
          if (e.type === 'volume' && e.action === 'created' && e.name) createdVolumes.push(e.name);
          onEngineEvent(e);
        },
      });
    } catch (err) {
      throw new DeployError(toDeployFailure(err), { cause: err });
    }
    startFailed = false;
  };

  /**
   * Bind-test every host port the attempt will publish before the engine creates anything: a busy
   * port found here costs nothing to undo, so the one retry starts from a clean slate. Ports held
   * by this project's own running containers are not conflicts (a re-deploy keeps them). A port
   * taken after the probe still fails in the engine, and is classified the same way.
   */
  const probeHostPorts = async (planned: ComposeProject, projectName: string, signal: AbortSignal): Promise<void> => {
    const wanted = publishedPorts(opts.service ? selectServices(planned, [opts.service]) : planned);
    const busy: typeof wanted = [];
    for (const p of wanted) if ((await takenPorts([p.port], p.hostIp || '0.0.0.0')).length > 0) busy.push(p);
    if (busy.length === 0) return;
    signal.throwIfAborted();
    const own = new Set<number>();
    try {
      for (const c of await ps(engine, projectName, { signal })) for (const b of c.ports) if (b.hostPort !== undefined) own.add(b.hostPort);
    } catch (err) {
      throw new DeployError(toDeployFailure(err), { cause: err });
    }
    const first = busy.find((p) => !own.has(p.port));
    if (!first) return;
    const ip = first.hostIp || '0.0.0.0';
    throw new DeployError({
      source: 'probe',
      code: 'EADDRINUSE',
      operation: 'ports.probe',
      service: first.service,
      message: `EADDRINUSE: address already in use ${ip.includes(':') ? `[${ip}]` : ip}:${first.port}`,
    });
  };

  /**
   * What the engine says about the stack when a health or migration wait ran out: each container's
   * state, and the last lines the backend logged. Bounded (5 s); empty when the engine cannot tell.
   */
  const diagnose = async (signal: AbortSignal): Promise<{ states: string; logs: string[]; backend?: string }> => {
    if (!project) return { states: '', logs: [] };
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(DIAGNOSE_TIMEOUT_MS)]);
    try {
      const containers = await ps(engine, project.name, { all: true, signal: bounded });
      const states = containers.map((c) => `${c.service} ${c.state} (${c.status})`).join(', ');
      const backend = containers.find((c) => c.service === 'devlake') ?? containers.find((c) => c.ports.some((p) => p.containerPort === 8080));
      if (!backend) return { states, logs: [] };
      const { tailLogs } = await import('../../engine/logs.js');
      const lines = await tailLogs(engine, backend.id, BACKEND_LOG_LINES, { signal: bounded, service: backend.service }).catch(() => []);
      const logs = lines.map((l) => clipLine(secrets.redact(l.text))).filter((l) => l.trim() !== '');
      return { states, logs, backend: backend.service };
    } catch {
      return { states: '', logs: [] };
    }
  };

  /** Who holds a host port, asked of the engine (publishers, or the container behind a docker-proxy) and /proc. */
  const holderOf = async (port: number) => {
    const { describePortHolder } = await import('../../recovery/port-holder.js');
    return describePortHolder(port, { findPublishers: (q: number) => findPublishers(engine, q), findByAddress: (ip: string) => findByAddress(engine, ip), exists: existsSync }).catch(() => undefined);
  };

  const classifyActor = async ({ input, signal: actorSignal }: { input: DeployFailure; signal: AbortSignal }): Promise<Classification> => {
    // The failure path's modules (the taxonomy, /proc, logs) load only when a failure happens.
    const { classify } = await import('../../recovery/classify.js');
    const c = classify(input);
    if (c.classId === 'local.health-timeout' || c.classId === 'local.migration-timeout' || c.classId === 'local.migration-failed') {
      const d = await diagnose(actorSignal);
      let remediation = c.remediation;
      const facts = { ...c.facts };
      if (d.states) {
        facts.containers = d.states;
        remediation += ` Containers: ${d.states}.`;
      }
      if (d.backend) {
        remediation += d.logs.length > 0 ? ` Last ${d.logs.length} log line(s) of ${d.backend}:\n${d.logs.map((l) => `    ${l}`).join('\n')}` : ` ${d.backend} has logged nothing.`;
      }
      return { ...c, facts, remediation };
    }
    const port = typeof c.facts.port === 'number' ? c.facts.port : undefined;
    if (port !== undefined && (c.classId === 'local.port-conflict' || c.classId === 'local.mysql-port-conflict')) {
      const { describeHolderText } = await import('../../recovery/port-holder.js');
      const holder = await holderOf(port);
      const role = roleOfPort(port);
      const what = role ? `${port} (${ROLE_LABEL[role.role]})` : port === MYSQL_HOST_PORT ? `${port} (MySQL)` : String(port);
      const holderText = holder ? describeHolderText(holder) : 'in use';
      const facts = { ...c.facts, detail: `${what} is ${holderText}` };
      let remediation = c.remediation;
      if (holder?.kind === 'container') {
        Object.assign(facts, { holder: holder.name, stopCommand: holder.stopCommand });
        remediation += ` To stop the container that holds it: ${holder.stopCommand}`;
      }
      if (holder?.kind === 'process') {
        Object.assign(facts, { holderPid: holder.pid, holderCommand: holder.command });
        remediation += ` It is held by process ${holder.pid} (${holder.command}).`;
      }
      return { ...c, facts, remediation };
    }
    return c;
  };

  const holderText = async (port: number): Promise<string> => {
    const { describeHolderText } = await import('../../recovery/port-holder.js');
    const holder = await holderOf(port);
    return holder ? describeHolderText(holder) : 'in use';
  };

  /**
   * The repair the class names, from the registry (src/recovery/repairs/): its module decides what
   * to do; the effects below are its view of this run's project and the host's ports.
   */
  const repair = async (args: { input: { classification: Classification; plan: AttemptPlan; source: LocalSource }; signal: AbortSignal }): Promise<RepairOutcome> => {
    try {
      return await repairUnguarded(args);
    } catch (err) {
      if (err instanceof RepairDeclinedError && err.observed?.alternateBusy !== undefined) alternateBusy = err.observed.alternateBusy;
      throw redactError(err);
    }
  };
  /** What the repair's probe found on the alternate bundle, for the advice (src/recovery/advice.ts). */
  let alternateBusy: string | undefined;
  const repairUnguarded = async ({ input, signal: actorSignal }: { input: { classification: Classification; plan: AttemptPlan; source: LocalSource }; signal: AbortSignal }): Promise<RepairOutcome> => {
    const p = project;
    if (!p) throw new DeployError({ source: 'internal', message: 'no project loaded' });
    const module = localRepair(input.classification.repair);
    if (!module) throw new RepairDeclinedError('this failure has no automatic repair');
    const effects: LocalRepairEffects = {
      teardownAttempt: () => teardownAttempt(actorSignal),
      published: (plan) => new Set(publishedPorts(applyPortPlan(p, plan)).map((x) => x.port)),
      isTaken: async (port, plan) => (await takenPorts([port], hostIpOf(applyPortPlan(p, plan), port) || '0.0.0.0')).length > 0,
      holderText,
      staleContainers: async () => {
        const { containersOnGoneNetworks } = await import('../../engine/stale.js');
        return containersOnGoneNetworks(engine, p.name, p.workingDir, actorSignal);
      },
      removeContainers: async (ids) => {
        out.progress(`Removing ${ids.length} container(s) whose network is gone`);
        for (const id of ids) await removeContainer(engine, id, { force: true, signal: actorSignal });
      },
    };
    const done = await module.apply(effects, { classification: input.classification, plan: input.plan });
    return { ...done, plan: { ...input.plan, ...done.plan } };
  };

  /** Remove only what the failed attempt created; containers that were already there stay. */
  const teardownAttempt = async (signal?: AbortSignal) => {
    if (!project || createdThisAttempt.length === 0) return;
    out.progress('Removing what the failed attempt created');
    // Only containers of this project, and of those only the ones this run's attempt created.
    await down(engine, project.name, { volumes: false, onlyContainers: createdThisAttempt, ...(signal ? { signal } : {}) });
    createdThisAttempt = [];
  };

  /**
   * After the run failed to start the stack: remove what it created (containers, and the volumes a
   * first deploy made, when no container of the project is left to use them), nothing else. Another
   * deployment's containers, this folder's older ones and the user's data stay. Best effort,
   * bounded; says what it removed.
   */
  const undoFailedRun = async (): Promise<string | undefined> => {
    if (!project || !startFailed || (createdThisAttempt.length === 0 && createdVolumes.length === 0)) return undefined;
    const bounded = AbortSignal.timeout(UNDO_TIMEOUT_MS);
    try {
      const removed = createdThisAttempt.length;
      let networks: string[] = [];
      let left: boolean;
      if (removed > 0) {
        const result = await down(engine, project.name, { volumes: false, onlyContainers: createdThisAttempt, signal: bounded });
        createdThisAttempt = [];
        networks = result.removedNetworks;
        left = result.keptShared;
      } else left = (await ps(engine, project.name, { all: true, signal: bounded })).length > 0;
      const volumes: string[] = [];
      if (!left) {
        const { removeVolume } = await import('../../engine/volume.js');
        for (const v of createdVolumes) if (await removeVolume(engine, v, bounded).catch(() => false)) volumes.push(v);
      }
      const parts = [...(removed > 0 ? [`${removed} container(s)`] : []), ...(networks.length > 0 ? [`network ${networks.join(', ')}`] : []), ...(volumes.length > 0 ? [`volume(s) ${volumes.join(', ')}`] : [])];
      if (parts.length === 0) return undefined;
      return `Removed what this run created before it failed: ${parts.join(', ')} of ${project.name}. Nothing else was touched.`;
    } catch (err) {
      return `Could not remove the container(s) this run created (${err instanceof Error ? err.message : String(err)}); remove them with \`gh-devlake cleanup --local --dir ${opts.dir} --force\`.`;
    }
  };

  const deadline = () => Date.now() + opts.timeoutSec * 1000;
  let waitDeadline = 0;
  let migration: MigrationResult | undefined;
  let readySince = 0;
  let readyMs = 0;
  /** FORCE_MIGRATION in the deployment's .env, as DevLake reads it (viper GetBool: strconv.ParseBool). */
  const forceMigration = async (): Promise<boolean> => {
    const text = await readTextFile(path.join(dir, '.env')).catch(() => '');
    return /^(1|t|T|true|TRUE|True)$/.test(scanEnvLeniently(text).FORCE_MIGRATION ?? '');
  };
  /** How often the backend container restarted (DevLake panics while MySQL is not reachable). */
  const backendRestarts = async (signal: AbortSignal): Promise<number | undefined> => {
    if (!project) return undefined;
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(2000)]);
    const backend = (await ps(engine, project.name, { all: true, signal: bounded })).find((c) => c.service === 'devlake');
    if (!backend) return undefined;
    const info = await engine.call('container.inspect', (d) => d.getContainer(backend.id).inspect({ abortSignal: bounded } as object), {});
    return info.RestartCount;
  };
  const waitHealthy = async ({ input, signal: s }: { input: AttemptPlan; signal: AbortSignal }) => {
    const backendUrl = endpointsOf(project, input).backend;
    if (!opts.wait) return { backendUrl: backendUrl ?? '' };
    if (backendUrl === undefined) {
      // Nothing to ask: the well-known 8080 may be another project's, so it is not asked instead.
      out.note(UNPUBLISHED_NOTE);
      return { backendUrl: '' };
    }
    waitDeadline = deadline();
    readySince = Date.now();
    try {
      await waitForPing(backendUrl, { deadline: waitDeadline, intervalMs: 500, signal: s, onProgress: (t) => out.progress(t), restarts: () => backendRestarts(s) });
    } catch (err) {
      throw redactError(err);
    }
    readyMs = Date.now() - readySince;
    return { backendUrl };
  };

  const migrate = async ({ input, signal: s }: { input: AttemptPlan; signal: AbortSignal }) => {
    const backendUrl = endpointsOf(project, input).backend;
    if (!opts.wait || backendUrl === undefined) return;
    try {
      migration = await runMigration(backendUrl, {
        deadline: Math.max(waitDeadline, Date.now() + 5000),
        intervalMs: 500,
        signal: s,
        onTrigger: () => out.progress('Triggering the database migration (GET /proceed-db-migration)'),
        onProgress: (t) => out.progress(t),
      });
      // FORCE_MIGRATION=true: DevLake ran the scripts inside its start-up, before it listened.
      if (migration.how === 'not-needed' && (await forceMigration())) migration = { how: 'at-start-up', durationMs: readyMs };
    } catch (err) {
      throw redactError(err);
    }
  };

  const persist = async ({ input }: { input: DeployLocalContext }) => {
    mysqlUnpublished = input.plan.mysqlUnpublished;
    try {
      await persistState({ status: 'complete', deployedAt: opts.mode === 'deploy' ? new Date().toISOString() : (previous?.deployedAt ?? new Date().toISOString()) }, undefined, input.plan);
    } catch (err) {
      catchFatal(err);
      throw redactError(err);
    }
  };

  const machine = deployLocalMachine.provide({
    actors: {
      prepare: fromPromise(prepare),
      composeUp: fromPromise(composeUp),
      classify: fromPromise(classifyActor),
      repair: fromPromise(repair),
      waitHealthy: fromPromise(waitHealthy),
      migrate: fromPromise(migrate),
      persist: fromPromise(persist),
    },
  });

  const input: DeployLocalInput = { mode: opts.mode, source: opts.source, bundle: startBundle, mysqlUnpublished, ...(opts.disabled && opts.disabled.length > 0 ? { disabled: opts.disabled } : {}) };
  const actorOptions: { input: DeployLocalInput; inspect?: unknown } = { input };
  opts.inspect?.(actorOptions);
  const actor = createActor(machine, actorOptions as { input: DeployLocalInput });
  actor.start();
  const onAbort = () => actor.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  let snapshot;
  try {
    snapshot = await waitFor(actor, (s) => s.status === 'done', signal ? { signal } : {});
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const context = snapshot.context;
  const ok = snapshot.value === 'done';
  if (!ok && !fatalError) {
    const undone = await undoFailedRun();
    if (undone) out.note(undone);
  }
  out.done();
  if (fatalError) throw fatalError;
  const bundle = context.plan.bundle;
  const endpoints = endpointsOf(project, context.plan);
  // The report, the record and the failure are derived from the machine's output (its incidents).
  const redact = (t: string): string => secrets.redact(t);
  // What the run saw beyond its incidents, for the advice (src/recovery/advice.ts).
  const output = { ...context, seen: { source: opts.source, ...(alternateBusy !== undefined ? { alternateBusy } : {}) } };
  const report = reportOf(output, redact).map((l) => ({ ...l, text: secrets.redact(l.text) }));
  const built = recordOf(output, opts.mode === 'deploy' ? 'deploy-local' : 'start-local', redact);
  const record = built ? secrets.redactDeep(built) : undefined;
  const failure = failureOf(output, redact);
  // A run that failed before starting anything (bad release, unreachable engine while checking
  // images) leaves the state file as it was; only runs that reached the engine are recorded.
  if (record && context.attempts > 0) {
    const state = await readLocalState(dir).catch(() => undefined);
    if (state) stateFile = await writeLocalState(dir, appendHistory(state, record)).catch(() => stateFile);
  }
  return {
    outcome: outcomeOf(context),
    ...(ok ? { endpoints } : {}),
    bundle,
    source: opts.mode === 'deploy' ? opts.source : (currentState.source ?? previous?.source ?? 'custom'),
    ...(version ? { version } : {}),
    ...(record ? { record } : {}),
    report,
    ...(failure ? { failure } : {}),
    ...(stateFile ? { stateFile } : {}),
    ...(migration ? { migration } : {}),
    context,
  };
}

const UNPUBLISHED_NOTE = "No service of this compose file publishes the backend's port 8080 on the host: its health is not checked (another project may answer on localhost:8080).";

/** The state file's endpoints: the Go tool's schema requires backend ('' when not published). */
function stateEndpoints(e: Partial<Endpoints>): LocalState['endpoints'] {
  return { ...e, backend: e.backend ?? '' };
}

const TIGHTENED_NOTE = 'Tightened .env to mode 0600 (it holds ENCRYPTION_SECRET and passwords; it was readable by others).';
/** How long removing a failed run's containers may take. */
const UNDO_TIMEOUT_MS = 30_000;
/** How long the health-timeout diagnosis may ask the engine. */
const DIAGNOSE_TIMEOUT_MS = 5_000;
/** Log lines of the backend shown when a health or migration wait ran out. */
export const BACKEND_LOG_LINES = 20;
const MAX_LOG_LINE = 300;

function clipLine(s: string): string {
  const t = s.replace(/\s+$/, '');
  return t.length > MAX_LOG_LINE ? `${t.slice(0, MAX_LOG_LINE - 1)}…` : t;
}

/** Errors that end the run as one message (bad input, a file we could not write), not a classified failure. */
function isFatal(err: unknown): err is Error {
  return err instanceof Error && (err.name === 'ComposeError' || err.name === 'StateFileError' || err.name === 'AtomicWriteError' || err.name === 'InputError' || err.name === 'ProjectClashError');
}

/**
 * Any error an actor throws, as the machine should see it: a DeployError whose failure has every
 * known secret and credential-shaped text replaced. A declined repair keeps its shape; an abort
 * (the run was interrupted) goes through as it is.
 */
function redactError(err: unknown): unknown {
  if (err instanceof RepairDeclinedError) return new RepairDeclinedError(secrets.redact(err.reason));
  if (err instanceof Error && err.name === 'AbortError') return err;
  return new DeployError(secrets.redactDeep(toDeployFailure(err)), { cause: err });
}
