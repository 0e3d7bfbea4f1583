// The fork flow's source: a git clone of --repo-url (https, file:// or a local path).
// git runs with an argv array, never through a shell.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DeployError } from '../recovery/deploy-error.js';
import { makeDir } from '../util/make-dir.js';

export const FORK_COMPOSE_FILE = 'docker-compose-dev.yml';
/** The fork flow starts only these; the dev compose file also declares postgres, authproxy… */
export const FORK_SERVICES = ['mysql', 'devlake', 'grafana', 'config-ui'] as const;
const CLONE_TIMEOUT_MS = 10 * 60_000;

async function git(args: string[], cwd: string, signal?: AbortSignal): Promise<void> {
  // Loaded here: only the fork flow runs git, and node:child_process costs every deploy ~6 ms.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      signal,
      timeout: CLONE_TIMEOUT_MS,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', (err) => reject(new DeployError({ source: 'release', code: (err as NodeJS.ErrnoException).code, operation: 'git', message: `git ${args[0]} failed: ${err.message}` })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new DeployError({ source: 'release', code: 'git-failed', operation: 'git', message: `git ${args[0]} exited with ${code}: ${stderr.trim()}` }));
    });
  });
}

/**
 * Make `dir` a clone of `repoUrl`. An existing clone in dir is reused as it is (re-deploys are
 * idempotent and never discard the user's local changes); a non-empty dir that is not a clone is refused.
 */
export async function ensureClone(repoUrl: string, dir: string, signal?: AbortSignal): Promise<{ cloned: boolean }> {
  const entries = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  if (entries.includes('.git')) return { cloned: false };
  const foreign = entries.filter((e) => !e.startsWith('.devlake') && e !== '.env' && e !== '.env.bak' && !/^\.env\.bak\.\d+$/.test(e));
  if (foreign.length > 0) {
    throw new DeployError({
      source: 'release',
      code: 'dir-not-empty',
      operation: 'git',
      target: dir,
      message: `${dir} is not empty and not a git clone; use an empty --dir for --source fork`,
    });
  }
  await makeDir(dir);
  // Clone into a sibling temp dir, then move the contents in: a failed clone leaves dir untouched.
  const tmp = await fs.mkdtemp(path.join(path.dirname(path.resolve(dir)), '.gh-devlake-clone-'));
  try {
    await git(['clone', '--depth', '1', '--', repoUrl, tmp], path.dirname(tmp), signal);
    for (const e of await fs.readdir(tmp)) await fs.rename(path.join(tmp, e), path.join(dir, e));
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return { cloned: true };
}
