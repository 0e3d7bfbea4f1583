// `gh-devlake cleanup --local|--azure`: remove what a deployment made. Asks first on a terminal;
// without one, --force is required (nothing destructive happens unconfirmed).

import path from 'node:path';
import { promises as fs } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Output } from '../output.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { GlobalIo } from '../main.js';
import { redactingIo, registerEnvironmentSecrets } from '../../util/redact.js';

interface CleanupFlags {
  dir: string;
  local?: boolean;
  azure?: boolean;
  force?: boolean;
  keepData?: boolean;
  keepResourceGroup?: boolean;
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

export function cleanupCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    registerEnvironmentSecrets(processIo.env);
    const io = redactingIo(processIo);
    const flags = raw as CleanupFlags;
    if (Boolean(flags.local) === Boolean(flags.azure)) throw new UsageError('cleanup needs exactly one of --local or --azure');
    if (flags.local && flags.keepResourceGroup) throw new UsageError('--keep-resource-group goes with --azure');
    if (flags.azure && flags.keepData) throw new UsageError('--keep-data goes with --local');
    const interactive = Boolean(process.stdin.isTTY) && io.env.CI !== 'true';
    if (!flags.force && !interactive) throw new UsageError('cleanup removes resources; pass --force to confirm (no terminal to ask on)');
    if (flags.azure) return (await import('./azure.js')).cleanupAzureCommand(processIo)(raw);
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    const { checkExistingDir } = await import('../dir-checks.js');
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
