// `gh-devlake start` and `gh-devlake stop` for local deployments (the CLI picks the target).

import path from 'node:path';
import { Output } from '../../io/output.js';
import { EXIT, UsageError } from '../../io/exit-codes.js';
import type { GlobalIo } from '../../io/global-io.js';
import { ownsProcess, runLocalCommand, type LocalCommandFlags } from './run.js';
import { checkExistingDir } from '../../io/dir-checks.js';
import { switchedOffRepairs } from './deploy.js';
import { redactingIo, registerEnvironmentSecrets } from '../../util/redact.js';

interface StartFlags extends LocalCommandFlags {
  service?: string;
  wait: boolean;
}

interface StopFlags {
  dir: string;
  service?: string;
  json?: boolean;
}

export function startCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as StartFlags;
    const real = ownsProcess(processIo);
    registerEnvironmentSecrets(processIo.env);
    const io = redactingIo(processIo);
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    // --dir first (a file): its message beats a state file that cannot be read. Writability and
    // creation are checked with the lock (runLocalCommand).
    await checkExistingDir(flags.dir);
    const { readLocalState } = await import('../../devlake/state.js');
    const state = await readLocalState(path.resolve(flags.dir));
    const { findComposeFile } = await import('../../devlake/local-project.js');
    if (!state && !findComposeFile(path.resolve(flags.dir))) {
      // Nothing to start is the user's input, not a deploy failure to classify.
      throw new UsageError(`nothing to start in ${flags.dir}: no state file and no compose file; deploy first with \`gh-devlake deploy local --dir ${flags.dir}\``);
    }
    // A deployment of unknown origin gets no automatic port changes: it may be the user's own file.
    const source = state?.source ?? 'custom';
    // start has the deploy's recovery, so the config switch (GH_DEVLAKE_NO_REPAIR) holds here too.
    const disabled = switchedOffRepairs(undefined, processIo.env);
    return runLocalCommand(
      { mode: 'start', source, wait: flags.wait, ...(flags.service ? { service: flags.service } : {}), ...(disabled.length > 0 ? { disabled } : {}) },
      flags,
      out,
      io,
      { ownsProcess: real },
    );
  };
}

export function stopCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as StopFlags;
    registerEnvironmentSecrets(processIo.env);
    const io = redactingIo(processIo);
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    await checkExistingDir(flags.dir);
    const { registerDeploymentSecrets } = await import('../../devlake/known-secrets.js');
    await registerDeploymentSecrets(path.resolve(flags.dir), io.env);
    const { locateProject, ownedUsage, ForeignProjectError } = await import('../../devlake/local-project.js');
    const { openEngine } = await import('../../engine/client.js');
    const { stop } = await import('../../engine/stop.js');
    const engine = openEngine({ env: io.env });
    let project;
    try {
      project = await locateProject(flags.dir, io.env, { tolerateBrokenState: true, engine });
      out.progress(`Stopping ${flags.service ?? 'all services'} of ${project.name}`);
      // Never another folder's containers, even when they carry this folder's project name.
      await ownedUsage(engine, project, path.resolve(flags.dir), 'stopped');
    } catch (err) {
      if (err instanceof ForeignProjectError) {
        out.done();
        io.stderr.write(`error: ${err.message}\n`);
        return EXIT.failed;
      }
      if (err instanceof Error && err.name === 'ComposeError') throw err;
      return (await import('./engine-failure.js')).reportEngineFailure(err, out, io, 'stop');
    }
    try {
      const stopped = await stop(engine, project.name, flags.service ? { service: flags.service } : {});
      out.done();
      if (out.json) out.document({ command: 'stop', project: project.name, stopped: stopped.length });
      else out.line(stopped.length > 0 ? `Stopped ${stopped.length} container(s) of ${project.name}. Start them again with \`gh-devlake start --dir ${flags.dir}\`.` : `Nothing was running in ${project.name}.`);
      return EXIT.ok;
    } catch (err) {
      return (await import('./engine-failure.js')).reportEngineFailure(err, out, io, 'stop');
    }
  };
}
