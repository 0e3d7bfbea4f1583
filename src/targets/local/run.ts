// What `deploy local` and `start` share: the directory checks, the lock, signals, printing.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Output } from '../../io/output.js';
import { EXIT } from '../../io/exit-codes.js';
import type { GlobalIo } from '../../io/global-io.js';
import { acquireLock, LockHeldError, LockFileError, type Lock } from '../../util/lock.js';
import { checkDir } from '../../io/dir-checks.js';
import type { LocalFlowOptions, LocalFlowResult } from './flow.js';
import type { ReleasePrefetch } from '../../devlake/release.js';
import { formatReportLine } from '../../recovery/report.js';
import { durationText } from '../../util/wait.js';
import type { MigrationResult } from '../../devlake/health.js';
import type { DeploySource } from '../../devlake/state.js';

export interface LocalCommandFlags {
  dir: string;
  timeout: number;
  json?: boolean;
  inspect?: boolean;
  /** deploy: a state file that does not parse is moved aside first (else the deploy stops on it). */
  moveBrokenState?: boolean;
}

/**
 * `--move-broken-state`: a `.devlake-local.json` that cannot be parsed is renamed to the next free
 * numbered backup, so the deploy starts as if there were none (its containers are found again by
 * their labels). A readable state file, or one from a newer gh-devlake, is left alone.
 */
async function moveBrokenState(dir: string, out: Output): Promise<void> {
  const { readLocalState, StateFileError, BROKEN_STATE_PROBLEMS } = await import('../../devlake/state.js');
  try {
    await readLocalState(dir);
  } catch (err) {
    if (!(err instanceof StateFileError) || !BROKEN_STATE_PROBLEMS.has(err.problem)) throw err;
    const { moveAside } = await import('../../devlake/backup.js');
    const moved = await moveAside(err.file);
    out.note(`Moved the broken state file ${err.file} (${err.problem}) aside to ${moved}; deploying as if there were none.`);
  }
}

export { InputError } from '../../io/exit-codes.js';

import { shellArg } from '../../util/shell-arg.js';
export { shellArg };

/** Take away the directories checkDir created for this run when nothing was left in them. */
async function removeIfEmpty(created: string | undefined, dir: string): Promise<void> {
  if (!created) return;
  let cur = path.resolve(dir);
  const top = path.resolve(created);
  for (;;) {
    try {
      await fs.rmdir(cur);
    } catch {
      return; // not empty (or gone): keep it
    }
    if (cur === top) return;
    const parent = path.dirname(cur);
    if (parent === cur) return;
    cur = parent;
  }
}

export interface SignalOptions {
  /**
   * The real CLI process: a second SIGINT/SIGTERM exits at once, and an interrupted run exits
   * within a bounded time even if something still holds the event loop.
   */
  ownsProcess?: boolean;
}

/** How long an interrupted run may take to wind down before the process exits anyway. */
export const INTERRUPT_EXIT_MS = 3_000;

/** Run with the lock held and SIGINT/SIGTERM turned into an abort. Returns the exit code. */
export async function withLockAndSignals(
  dir: string,
  out: Output,
  io: GlobalIo,
  body: (signal: AbortSignal) => Promise<number>,
  onInterrupt: () => string | Promise<string>,
  options: SignalOptions = {},
): Promise<number> {
  let lock: Lock;
  try {
    lock = await acquireLock(path.resolve(dir));
  } catch (err) {
    if (err instanceof LockHeldError) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT.busy;
    }
    if (err instanceof LockFileError) {
      io.stderr.write(`error: ${err.message}\n`);
      return err.code === 'EROFS' || err.code === 'EACCES' || err.code === 'EPERM' ? EXIT.input : EXIT.failed;
    }
    throw err;
  }
  if (lock.tookOverFrom) {
    const who = lock.tookOverFrom.pid > 0 ? `pid ${lock.tookOverFrom.pid}, which is no longer running` : 'no running process';
    out.note(`Took over a stale lock in ${dir} (left by ${who}).`);
  }
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const codeOf = (sig: NodeJS.Signals): number => (sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C: the user does not want to wait for the wind-down.
      if (options.ownsProcess) {
        lock.releaseSync();
        process.exit(codeOf(signalled));
      }
      return;
    }
    signalled = sig;
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await body(controller.signal).catch((err: unknown) => {
      if (signalled) return -1;
      throw err;
    });
    if (signalled) {
      out.done();
      const advice = await Promise.resolve()
        .then(onInterrupt)
        .catch(() => '');
      io.stderr.write(`Interrupted (${signalled}). ${advice}\n`);
      return codeOf(signalled);
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await lock.release();
  }
}

/** The flags of a deploy that its advice repeats (a resume must not switch --source custom to official). */
export interface RunFlags {
  source?: DeploySource;
  version?: string;
  repoUrl?: string;
}

/** `gh-devlake deploy local …` with this run's own flags, as a user would type it again. */
export function deployCommandLine(dir: string, flags: RunFlags): string {
  const parts = ['gh-devlake deploy local', '--dir', shellArg(dir)];
  if (flags.source && flags.source !== 'official') parts.push('--source', flags.source);
  if (flags.version && flags.version !== 'latest') parts.push('--version', shellArg(flags.version));
  if (flags.repoUrl) parts.push('--repo-url', shellArg(flags.repoUrl));
  return parts.join(' ');
}

/** What to tell the user after an interrupted deploy/start, from what the state file says now. */
export async function interruptAdvice(dir: string, mode: 'deploy' | 'start', flags: RunFlags = {}): Promise<string> {
  const { readLocalState, LOCAL_STATE_FILE } = await import('../../devlake/state.js');
  const d = shellArg(dir);
  const again = mode === 'deploy' ? deployCommandLine(dir, flags) : `gh-devlake start --dir ${d}`;
  const cleanup = `gh-devlake cleanup --local --dir ${d} --force`;
  const state = await readLocalState(path.resolve(dir)).catch(() => undefined);
  const file = path.join(dir, LOCAL_STATE_FILE);
  if (mode === 'start') {
    return `Some containers may be started and others not. Run \`${again}\` to finish starting, or \`gh-devlake stop --dir ${d}\` to stop them.`;
  }
  if (!state) return `Nothing was recorded (no ${LOCAL_STATE_FILE} yet). Run \`${again}\` to deploy; if containers were started, \`${cleanup}\` removes them.`;
  if (state.status === 'incomplete') return `The state file ${file} says the deploy did not finish. Resume with \`${again}\`, or remove everything with \`${cleanup}\`.`;
  return `The previous deployment recorded in ${file} is unchanged. Run \`${again}\` to finish the deploy.`;
}

/** The real CLI: the io is the process's own streams (decide before wrapping them). */
export function ownsProcess(io: Pick<GlobalIo, 'stdout'>): boolean {
  return io.stdout === process.stdout;
}

/** After an interrupt, exit within INTERRUPT_EXIT_MS even if a socket or timer still holds the event loop. */
export function exitSoonIfInterrupted(code: number, real: boolean): void {
  if (!real || (code !== EXIT.sigint && code !== EXIT.sigterm)) return;
  setTimeout(() => process.exit(code), INTERRUPT_EXIT_MS).unref();
}

async function startReleaseDownload(dir: string, version: string, env: NodeJS.ProcessEnv): Promise<ReleasePrefetch | undefined> {
  const { validateEnvFile } = await import('../../devlake/env-file.js');
  const envOk = await validateEnvFile(path.resolve(dir)).then(
    () => true,
    () => false,
  );
  return envOk ? (await import('../../devlake/release.js')).prefetchRelease(version, env) : undefined;
}

export async function runLocalCommand(
  flow: Pick<LocalFlowOptions, 'mode' | 'source' | 'wait'> & Partial<Pick<LocalFlowOptions, 'version' | 'repoUrl' | 'service' | 'replaceCompose' | 'disabled'>>,
  flags: LocalCommandFlags,
  out: Output,
  io: GlobalIo,
  options: SignalOptions = {},
): Promise<number> {
  const { created } = await checkDir(flags.dir);
  const { registerDeploymentSecrets } = await import('../../devlake/known-secrets.js');
  await registerDeploymentSecrets(path.resolve(flags.dir), io.env);
  // The release download starts now and runs while the flow's modules load (those are CPU work,
  // the download mostly waiting on the network). Nothing is written until the flow gets to it,
  // and nothing is asked of the network for a run its .env already dooms (the flow reports that).
  const release = flow.mode === 'deploy' && flow.source === 'official' ? await startReleaseDownload(flags.dir, flow.version ?? 'latest', io.env) : undefined;
  const { runLocalFlow } = await import('./flow.js');
  const real = options.ownsProcess ?? false;
  let code: number = EXIT.failed;
  try {
    code = await withLockAndSignals(
      flags.dir,
      out,
      io,
      async (signal) => {
        if (flags.moveBrokenState) await moveBrokenState(path.resolve(flags.dir), out);
        const inspector = flags.inspect ? await (await import('../../io/inspect.js')).startInspector(out) : undefined;
        try {
          const result = await runLocalFlow(
            {
              dir: flags.dir,
              mode: flow.mode,
              source: flow.source,
              version: flow.version ?? 'latest',
              ...(flow.repoUrl ? { repoUrl: flow.repoUrl } : {}),
              ...(flow.service ? { service: flow.service } : {}),
              ...(flow.replaceCompose ? { replaceCompose: true } : {}),
              ...(flow.disabled ? { disabled: flow.disabled } : {}),
              commandLine: deployCommandLine(flags.dir, flow),
              timeoutSec: flags.timeout,
              wait: flow.wait,
              env: io.env,
              signal,
              ...(inspector ? { inspect: (o: { inspect?: unknown }) => inspector.attach(o) } : {}),
              ...(release ? { release } : {}),
            },
            out,
          );
          if (signal.aborted) return -1;
          printLocalResult(result, out, flow.mode);
          return result.outcome === 'failed' ? EXIT.failed : EXIT.ok;
        } finally {
          inspector?.stop();
        }
      },
      () => interruptAdvice(flags.dir, flow.mode, flow),
      { ownsProcess: real },
    );
    return code;
  } finally {
    // A run that ended before the flow used the download (the directory was busy…) stops it.
    release?.abort(new Error('the run ended'));
    if (code !== EXIT.ok) await removeIfEmpty(created, flags.dir);
    exitSoonIfInterrupted(code, real);
  }
}

export function printLocalResult(result: LocalFlowResult, out: Output, mode: 'deploy' | 'start'): void {
  if (out.json) {
    out.document({
      command: mode === 'deploy' ? 'deploy local' : 'start',
      outcome: result.outcome,
      source: result.source,
      bundle: result.bundle,
      ...(result.version ? { version: result.version } : {}),
      ...(result.endpoints ? { endpoints: result.endpoints } : {}),
      ...(result.stateFile ? { stateFile: result.stateFile } : {}),
      ...(result.failure ? { failure: result.failure } : {}),
      migration: result.migration ?? null,
      recovery: result.record ?? null,
      report: result.report.map((l) => formatReportLine(l)),
    });
    return;
  }
  for (const line of result.report) out.line(formatReportLine(line, (s) => out.bold(s)));
  if (result.endpoints) {
    if (result.report.length > 0) out.line();
    out.line(out.green(mode === 'deploy' ? 'DevLake is deployed.' : 'DevLake is running.'));
    const shown = (url: string | undefined) => url ?? 'not published by this compose file';
    out.line(`  Backend:    ${shown(result.endpoints.backend)}`);
    out.line(`  Grafana:    ${shown(result.endpoints.grafana)}`);
    out.line(`  Config UI:  ${shown(result.endpoints.configUi)}`);
    if (result.migration) out.line(`  Migration:  ${migrationText(result.migration)}`);
    if (result.stateFile) out.line(`  State file: ${result.stateFile}`);
  }
}

function migrationText(m: MigrationResult): string {
  if (m.how === 'triggered') return `done in ${durationText(m.durationMs)} (started with /proceed-db-migration)`;
  if (m.how === 'at-start-up') return `ran during DevLake's start-up (FORCE_MIGRATION=true); the backend answered after ${durationText(m.durationMs)}`;
  return 'nothing pending (the API answered at once)';
}

/** `deploy local --start=false`: fetch and prepare the files, start nothing. */
export async function prepareOnly(
  flags: LocalCommandFlags & { source: DeploySource; version: string; repoUrl?: string; replaceCompose?: boolean },
  out: Output,
  io: GlobalIo,
  options: SignalOptions = {},
): Promise<number> {
  const { created } = await checkDir(flags.dir);
  const dir = path.resolve(flags.dir);
  const { registerDeploymentSecrets } = await import('../../devlake/known-secrets.js');
  await registerDeploymentSecrets(dir, io.env);
  const real = options.ownsProcess ?? false;
  let code: number = EXIT.failed;
  const body = async (signal: AbortSignal): Promise<number> => {
    const { resolveVersion, fetchRelease } = await import('../../devlake/release.js');
    const { placeRelease } = await import('../../devlake/release-files.js');
    const { prepareEnvFile, validateEnvFile } = await import('../../devlake/env-file.js');
    const { ensureClone, FORK_COMPOSE_FILE } = await import('../../devlake/fork.js');
    const { writeLocalState, readLocalState } = await import('../../devlake/state.js');
    const { endpointsFor, DEFAULT_BUNDLE } = await import('../../devlake/ports.js');
    let version: string | undefined;
    let composeFile = 'docker-compose.yml';
    let composeSha256: string | undefined;
    if (flags.moveBrokenState) await moveBrokenState(dir, out);
    // Read the state first: a broken one is bad input, reported before anything changes.
    const previous = await readLocalState(dir);
    if (flags.source === 'official') {
      await validateEnvFile(dir);
      version = await resolveVersion(flags.version, io.env, signal);
      const files = await fetchRelease(version, io.env, signal);
      const placed = await placeRelease(dir, files, { state: previous, replace: flags.replaceCompose === true, again: deployCommandLine(flags.dir, flags) + ' --start=false' });
      composeSha256 = placed.composeSha256;
      for (const b of placed.backups) out.note(`Backed up ${path.basename(b).replace(/\.bak\.\d+$/, '')} to ${b} before replacing it with the release's.`);
      await prepareEnvFile(dir, path.join(dir, 'env.example'));
    } else if (flags.source === 'fork') {
      await validateEnvFile(dir);
      await ensureClone(flags.repoUrl ?? '', dir, signal);
      const example = path.join(dir, 'env.example');
      if (await fs.stat(example).catch(() => undefined)) await prepareEnvFile(dir, example);
      composeFile = FORK_COMPOSE_FILE;
    } else {
      const { customComposeFile } = await import('../../devlake/local-project.js');
      composeFile = path.relative(dir, customComposeFile(dir));
    }
    // The checks a start makes before it asks the engine for anything: the compose file loads (no
    // unknown key, every variable and env_file resolves, dependencies known). A file a start would
    // refuse is not "prepared".
    const { loadComposeProject } = await import('../../compose/load.js');
    const loaded = await loadComposeProject({ dir, files: [path.join(dir, composeFile)], env: io.env });
    for (const w of loaded.warnings) out.note(`warning: ${w}`);
    const stateFile = await writeLocalState(dir, {
      ...(previous ?? {}),
      deployedAt: previous?.deployedAt ?? new Date().toISOString(),
      method: 'local',
      endpoints: previous?.endpoints ?? endpointsFor(DEFAULT_BUNDLE),
      bundle: previous?.bundle ?? 'default',
      source: flags.source,
      ...(version ? { version } : {}),
      composeFile,
      ...(composeSha256 ? { composeSha256 } : {}),
      // Files ready, nothing started: status says "prepared, not started" (not "did not finish").
      status: 'prepared',
    });
    if (out.json) out.document({ command: 'deploy local', outcome: 'prepared', source: flags.source, ...(version ? { version } : {}), stateFile });
    else out.line(`Prepared ${dir}${version ? ` for DevLake ${version}` : ''}. Start it with \`gh-devlake start --dir ${shellArg(flags.dir)}\`.`);
    return EXIT.ok;
  };
  try {
    code = await withLockAndSignals(flags.dir, out, io, body, () => `Nothing was started. Run the command again to finish preparing ${flags.dir}.`, { ownsProcess: real });
    return code;
  } finally {
    if (code !== EXIT.ok) await removeIfEmpty(created, flags.dir);
    exitSoonIfInterrupted(code, real);
  }
}
