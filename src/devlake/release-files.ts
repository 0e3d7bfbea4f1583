// Writing a release's files into a folder without losing the user's: a docker-compose.yml that is
// not the one we wrote (the user's own, or one they edited) is replaced only with an explicit
// --replace-compose, and anything replaced is backed up first (src/devlake/backup.ts).
//
// "The one we wrote" is known by its sha256, recorded in the state file (composeSha256) when the
// deploy writes it. A state file recording source custom or fork says the folder's compose file is
// the user's, whatever it holds.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readTextFile } from '../util/read-text.js';
import { makeDir } from '../util/make-dir.js';
import { backupFile } from './backup.js';
import { RELEASE_FILES, type ReleaseFiles } from './release.js';
import type { LocalState } from './state.js';
import { InputError } from '../io/exit-codes.js';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What is in the way of writing the release's compose file. Pure. */
export type ComposeVerdict =
  | { kind: 'absent' }
  | { kind: 'same' }
  /** The file we wrote last time (its hash is recorded): replaced, after a backup. */
  | { kind: 'ours' }
  /** Not ours: replaced only with --replace-compose. */
  | { kind: 'users'; why: string };

/** `incoming` undefined: the release's file is not known (doctor downloads nothing), so it is never 'same'. */
export function composeVerdict(existing: string | undefined, incoming: string | undefined, state: Pick<LocalState, 'source' | 'composeSha256'> | undefined): ComposeVerdict {
  if (state?.source === 'custom' || state?.source === 'fork') {
    return { kind: 'users', why: `the state file records a --source ${state.source} deploy, so the compose files here are yours` };
  }
  if (existing === undefined) return { kind: 'absent' };
  if (existing === incoming) return { kind: 'same' };
  const recorded = typeof state?.composeSha256 === 'string' ? state.composeSha256 : undefined;
  if (recorded !== undefined && recorded === sha256(existing)) return { kind: 'ours' };
  return {
    kind: 'users',
    why: recorded !== undefined ? 'it was changed since the last deploy wrote it' : 'it is not the release\'s file, and no deploy of this tool recorded writing it',
  };
}

/** Refused: the folder's compose file is the user's. Exit 3 (bad input the user can fix), nothing changed. */
export class ComposeReplaceRefused extends InputError {
  constructor(
    readonly file: string,
    readonly why: string,
    again: string,
  ) {
    super(
      `${file} would be replaced by the release's docker-compose.yml, but ${why}; nothing was changed. ` +
        `To deploy it as it is: \`${again.replace(/ --source \w+/, '')} --source custom\`. ` +
        `To replace it with the release's (a numbered backup is kept): \`${again} --replace-compose\`.`,
    );
  }
}

export interface PlacedRelease {
  /** Backups made of files that were replaced. */
  backups: string[];
  /** sha256 of the compose file now in the folder (for the state file). */
  composeSha256: string;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readTextFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Write the release files into dir: refuse (ComposeReplaceRefused) before anything is written when the
 * compose file is the user's and `replace` is not set; back up every file whose bytes change.
 * `again` is the command line that ran, for the refusal's advice.
 */
export async function placeRelease(
  dir: string,
  files: ReleaseFiles,
  opts: { state: LocalState | undefined; replace: boolean; again: string },
): Promise<PlacedRelease> {
  const composePath = path.join(dir, 'docker-compose.yml');
  const existing = await readOptional(composePath);
  const verdict = composeVerdict(existing, files['docker-compose.yml'], opts.state);
  if (verdict.kind === 'users' && !opts.replace) throw new ComposeReplaceRefused(composePath, verdict.why, opts.again);
  await makeDir(dir);
  const backups: string[] = [];
  for (const name of RELEASE_FILES) {
    const file = path.join(dir, name);
    const old = name === 'docker-compose.yml' ? existing : await readOptional(file);
    if (old !== undefined && old !== files[name]) {
      const b = await backupFile(file, old);
      if (b) backups.push(b);
    }
  }
  for (const name of RELEASE_FILES) await writeFileAtomic(path.join(dir, name), files[name], 0o644);
  return { backups, composeSha256: sha256(files['docker-compose.yml']) };
}
