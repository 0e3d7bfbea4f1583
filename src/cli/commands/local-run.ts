// What `deploy local` and `start` share: the directory checks, the lock, signals, printing.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Output } from '../output.js';
import { EXIT } from '../exit-codes.js';
import type { GlobalIo } from '../main.js';
import { acquireLock, LockHeldError, type Lock } from '../../util/lock.js';
import type { LocalFlowOptions, LocalFlowResult } from '../../flows/deploy-local.js';
import { formatReportLine } from '../../recovery/report.js';

export interface LocalCommandFlags {
  dir: string;
  timeout: number;
  json?: boolean;
  inspect?: boolean;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

/** --dir must be a directory we can write (or one we can create). */
export async function checkDir(dir: string): Promise<void> {
  const abs = path.resolve(dir);
  const st = await fs.stat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (st && !st.isDirectory()) throw new InputError(`--dir ${dir} is a file, not a directory; pass a directory (it is created when missing)`);
  if (!st) {
    await fs.mkdir(abs, { recursive: true }).catch((err: Error) => {
      throw new InputError(`cannot create --dir ${dir}: ${err.message}`);
    });
    return;
  }
  await fs.access(abs, fs.constants.W_OK).catch(() => {
    throw new InputError(`--dir ${dir} is not writable; choose another directory or fix its permissions`);
  });
}

/** Run with the lock held and SIGINT/SIGTERM turned into an abort. Returns the exit code. */
export async function withLockAndSignals(
  dir: string,
  out: Output,
  io: GlobalIo,
  body: (signal: AbortSignal) => Promise<number>,
  onInterrupt: () => string,
): Promise<number> {
  let lock: Lock;
  try {
    lock = await acquireLock(path.resolve(dir));
  } catch (err) {
    if (err instanceof LockHeldError) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT.busy;
    }
    throw err;
  }
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
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
      io.stderr.write(`Interrupted (${signalled}). ${onInterrupt()}\n`);
      return signalled === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await lock.release();
  }
}

export async function runLocalCommand(
  flow: Pick<LocalFlowOptions, 'mode' | 'source' | 'wait'> & Partial<Pick<LocalFlowOptions, 'version' | 'repoUrl' | 'service'>>,
  flags: LocalCommandFlags,
  out: Output,
  io: GlobalIo,
): Promise<number> {
  await checkDir(flags.dir);
  const { runLocalFlow } = await import('../../flows/deploy-local.js');
  const resume = flow.mode === 'deploy' ? `gh-devlake deploy local --dir ${flags.dir}` : `gh-devlake start --dir ${flags.dir}`;
  return withLockAndSignals(
    flags.dir,
    out,
    io,
    async (signal) => {
      const inspector = flags.inspect ? await (await import('../inspect.js')).startInspector(out) : undefined;
      try {
        const result = await runLocalFlow(
          {
            dir: flags.dir,
            mode: flow.mode,
            source: flow.source,
            version: flow.version ?? 'latest',
            ...(flow.repoUrl ? { repoUrl: flow.repoUrl } : {}),
            ...(flow.service ? { service: flow.service } : {}),
            timeoutSec: flags.timeout,
            wait: flow.wait,
            env: io.env,
            signal,
            ...(inspector ? { inspect: (o: { inspect?: unknown }) => inspector.attach(o) } : {}),
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
    () => `The state file in ${flags.dir} says the ${flow.mode} did not finish. Resume with \`${resume}\`, or remove everything with \`gh-devlake cleanup --local --dir ${flags.dir} --force\`.`,
  );
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
      recovery: result.record ?? null,
      report: result.report.map((l) => formatReportLine(l)),
    });
    return;
  }
  for (const line of result.report) out.line(formatReportLine(line, (s) => out.bold(s)));
  if (result.endpoints) {
    if (result.report.length > 0) out.line();
    out.line(out.green(mode === 'deploy' ? 'DevLake is deployed.' : 'DevLake is running.'));
    out.line(`  Backend:    ${result.endpoints.backend}`);
    out.line(`  Grafana:    ${result.endpoints.grafana}`);
    out.line(`  Config UI:  ${result.endpoints.configUi}`);
    if (result.stateFile) out.line(`  State file: ${result.stateFile}`);
  }
}

/** `deploy local --start=false`: fetch and prepare the files, start nothing. */
export async function prepareOnly(
  flags: LocalCommandFlags & { source: 'official' | 'fork' | 'custom'; version: string; repoUrl?: string },
  out: Output,
  io: GlobalIo,
): Promise<number> {
  await checkDir(flags.dir);
  const dir = path.resolve(flags.dir);
  return withLockAndSignals(
    flags.dir,
    out,
    io,
    async (signal) => {
      const { resolveVersion, downloadRelease } = await import('../../devlake/release.js');
      const { prepareEnvFile } = await import('../../devlake/env-file.js');
      const { ensureClone, FORK_COMPOSE_FILE } = await import('../../devlake/fork.js');
      const { writeLocalState, readLocalState } = await import('../../devlake/state.js');
      const { endpointsFor, DEFAULT_BUNDLE } = await import('../../devlake/ports.js');
      let version: string | undefined;
      let composeFile = 'docker-compose.yml';
      if (flags.source === 'official') {
        version = await resolveVersion(flags.version, io.env, signal);
        await downloadRelease(dir, version, io.env, signal);
        await prepareEnvFile(dir, path.join(dir, 'env.example'));
      } else if (flags.source === 'fork') {
        await ensureClone(flags.repoUrl ?? '', dir, signal);
        const example = path.join(dir, 'env.example');
        if (await fs.stat(example).catch(() => undefined)) await prepareEnvFile(dir, example);
        composeFile = FORK_COMPOSE_FILE;
      }
      const previous = await readLocalState(dir);
      const stateFile = await writeLocalState(dir, {
        ...(previous ?? {}),
        deployedAt: previous?.deployedAt ?? new Date().toISOString(),
        method: 'local',
        endpoints: previous?.endpoints ?? endpointsFor(DEFAULT_BUNDLE),
        bundle: previous?.bundle ?? 'default',
        source: flags.source,
        ...(version ? { version } : {}),
        composeFile,
        status: 'incomplete',
      });
      if (out.json) out.document({ command: 'deploy local', outcome: 'prepared', source: flags.source, ...(version ? { version } : {}), stateFile });
      else out.line(`Prepared ${dir}${version ? ` for DevLake ${version}` : ''}. Start it with \`gh-devlake start --dir ${flags.dir}\`.`);
      return EXIT.ok;
    },
    () => `Nothing was started. Run the command again to finish preparing ${flags.dir}.`,
  );
}
