// `gh-devlake cleanup --local`: remove the containers and network (and the volumes unless --keep-data)
// of the deployment in --dir. The CLI checked the flags (src/cli/commands/cleanup.ts).

import path from 'node:path';
import { promises as fs } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Output } from '../../io/output.js';
import { EXIT } from '../../io/exit-codes.js';
import type { GlobalIo } from '../../io/global-io.js';
import { redactingIo } from '../../util/redact.js';

interface CleanupFlags {
  dir: string;
  force?: boolean;
  keepData?: boolean;
  json?: boolean;
}

export async function confirm(question: string, io: GlobalIo): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function cleanupLocalCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const io = redactingIo(processIo);
    const flags = raw as CleanupFlags;
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    const { checkExistingDir } = await import('../../io/dir-checks.js');
    await checkExistingDir(flags.dir);
    const dir = path.resolve(flags.dir);
    const { registerDeploymentSecrets } = await import('../../devlake/known-secrets.js');
    await registerDeploymentSecrets(dir, io.env);
    const { locateProject, ownedUsage, ForeignProjectError } = await import('../../devlake/local-project.js');
    const { LOCAL_STATE_FILE, writeLocalState } = await import('../../devlake/state.js');
    const { openEngine } = await import('../../engine/client.js');
    const engine = openEngine({ env: io.env });
    // A broken state file does not block cleanup: the containers' working-dir labels say which
    // project is this folder's.
    let project;
    try {
      project = await locateProject(flags.dir, io.env, { tolerateBrokenState: true, engine });
    } catch (err) {
      if (err instanceof Error && (err.name === 'ComposeError' || err.name === 'StateFileError')) throw err;
      return (await import('./engine-failure.js')).reportEngineFailure(err, out, io, 'cleanup');
    }
    if (project.stateError) out.note(`${project.stateError.file} cannot be read (${project.stateError.problem}); using the containers' labels to find this folder's project (${project.name}).`);
    if (!flags.force && !(await confirm(`Remove the containers and network of ${project.name}${flags.keepData ? '' : ' and its data volumes'}?`, io))) {
      out.line('Nothing removed.');
      return EXIT.ok;
    }
    // Not while a deploy or start works in this directory: it would recreate what we remove.
    const { acquireLock, LockHeldError, LockFileError } = await import('../../util/lock.js');
    let lock: { release(): Promise<void> } | undefined;
    if (await fs.stat(dir).then((st) => st.isDirectory(), () => false)) {
      try {
        lock = await acquireLock(dir);
      } catch (err) {
        if (!(err instanceof LockHeldError) && !(err instanceof LockFileError)) throw err;
        io.stderr.write(`error: ${err.message}\n`);
        return err instanceof LockHeldError ? EXIT.busy : EXIT.failed;
      }
    }
    const { down } = await import('../../engine/down.js');
    const stateFile = path.join(dir, LOCAL_STATE_FILE);
    try {
      const usage = await ownedUsage(engine, project, dir, 'removed');
      // Volumes are this folder's when its state file names the project or its containers use it;
      // volumes under the folder's default name with neither may be another folder's kept data.
      const attributable = project.from !== 'compose' || usage.containers.length > 0 || project.state !== undefined;
      const removeVolumes = !flags.keepData && attributable;
      out.progress(`Removing ${project.name}`);
      const result = await down(engine, project.name, { volumes: removeVolumes });
      const keptOrphans = !flags.keepData && !attributable ? usage.volumes : [];
      if (flags.keepData && (project.state || usage.volumes.length > 0)) {
        // The state file keeps claiming the kept volumes, so a later deploy reuses them and a later
        // cleanup removes them (with no container left, nothing else says whose they are).
        const { endpointsFor, DEFAULT_BUNDLE } = await import('../../devlake/ports.js');
        const base = project.state ?? { deployedAt: new Date().toISOString(), method: 'local', endpoints: endpointsFor(DEFAULT_BUNDLE) };
        await writeLocalState(dir, { ...base, composeProject: project.name, status: 'removed' });
      } else if (project.stateError) {
        const { moveAside } = await import('../../devlake/backup.js');
        const moved = await moveAside(stateFile).catch(() => undefined);
        if (moved) out.note(`Moved the unreadable state file aside to ${moved}.`);
      } else {
        await fs.rm(stateFile, { force: true });
      }
      out.done();
      if (out.json) {
        out.document({
          command: 'cleanup',
          project: project.name,
          removed: { containers: result.removedContainers.length, networks: result.removedNetworks, volumes: result.removedVolumes },
          keptData: Boolean(flags.keepData),
          ...(keptOrphans.length > 0 ? { keptUnattributedVolumes: keptOrphans } : {}),
        });
      } else {
        out.line(`Removed ${result.removedContainers.length} container(s), ${result.removedNetworks.length} network(s) and ${result.removedVolumes.length} volume(s) of ${project.name}.`);
        if (flags.keepData) out.line(`Data volumes were kept (--keep-data); ${LOCAL_STATE_FILE} still names them, so a deploy from this folder reuses them.`);
        if (keptOrphans.length > 0) {
          out.line(`Kept ${keptOrphans.join(', ')}: no container and no state file say they are this folder's (they may be another folder's kept data). Remove them with \`docker volume rm ${keptOrphans.join(' ')}\` if they are yours.`);
        }
        out.line('Your .env (with ENCRYPTION_SECRET) and compose files are kept.');
      }
      return EXIT.ok;
    } catch (err) {
      if (err instanceof ForeignProjectError) {
        out.done();
        io.stderr.write(`error: ${err.message}\n`);
        return EXIT.failed;
      }
      return (await import('./engine-failure.js')).reportEngineFailure(err, out, io, 'cleanup');
    } finally {
      await lock?.release();
    }
  };
}
