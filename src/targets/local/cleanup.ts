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
    const { locateProject } = await import('../../devlake/local-project.js');
    const { LOCAL_STATE_FILE } = await import('../../devlake/state.js');
    const project = await locateProject(flags.dir, io.env);
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
    const { openEngine } = await import('../../engine/client.js');
    const { down } = await import('../../engine/down.js');
    out.progress(`Removing ${project.name}`);
    try {
      const result = await down(openEngine({ env: io.env }), project.name, { volumes: !flags.keepData });
      await fs.rm(path.join(dir, LOCAL_STATE_FILE), { force: true });
      out.done();
      if (out.json) {
        out.document({ command: 'cleanup', project: project.name, removed: { containers: result.removedContainers.length, networks: result.removedNetworks, volumes: result.removedVolumes }, keptData: Boolean(flags.keepData) });
      } else {
        out.line(`Removed ${result.removedContainers.length} container(s), ${result.removedNetworks.length} network(s) and ${result.removedVolumes.length} volume(s) of ${project.name}.`);
        if (flags.keepData) out.line('Data volumes were kept (--keep-data).');
        out.line('Your .env (with ENCRYPTION_SECRET) and compose files are kept.');
      }
      return EXIT.ok;
    } catch (err) {
      return (await import('./engine-failure.js')).reportEngineFailure(err, out, io, 'cleanup');
    } finally {
      await lock?.release();
    }
  };
}
