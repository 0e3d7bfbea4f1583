// Compose project names: which source wins, and how a directory name becomes a valid one.
import path from 'node:path';
import { ComposeError, UNKNOWN_SOURCE } from './errors.js';
import type { SourceRef } from './errors.js';
import type { Lookup } from './interpolate.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

export function isValidProjectName(name: string): boolean {
  return VALID.test(name);
}

/** Lowercase, keep only [a-z0-9_-], then drop leading '_'/'-' (compose's NormalizeProjectName). */
export function normalizeProjectName(raw: string, at: SourceRef = UNKNOWN_SOURCE): string {
  const name = stripInvalid(raw);
  if (!name) {
    throw new ComposeError({
      ...at,
      message: `cannot derive a project name from ${JSON.stringify(raw)}: no letters or digits left after normalization`,
      hint: 'set COMPOSE_PROJECT_NAME (or a top-level "name:") to a name made of lowercase letters, digits, "_" and "-"',
    });
  }
  return name;
}

function stripInvalid(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

export interface ProjectNameSources {
  /** Project directory; its basename is the fallback. */
  dir: string;
  /** Set by the caller (compose's `-p`); wins over everything. */
  explicit?: string;
  /** Environment lookup (OS env, then .env) for COMPOSE_PROJECT_NAME. */
  lookup?: Lookup;
  /** The top-level `name:` of the compose file, already interpolated. */
  topLevelName?: string;
  /** Where `name:` is, for errors. */
  at?: SourceRef;
}

/**
 * Precedence as in compose v2: explicit > COMPOSE_PROJECT_NAME > top-level `name:` > dir basename.
 * Names the user chose must already be valid (compose rejects them rather than rewrite them);
 * only the directory basename is normalized.
 */
export function resolveProjectName(sources: ProjectNameSources): string {
  const at = sources.at ?? UNKNOWN_SOURCE;
  const fileOnly: SourceRef = { file: at.file };
  const chosen: [string | undefined, string, SourceRef][] = [
    [sources.explicit, 'the project name', fileOnly],
    [sources.lookup?.('COMPOSE_PROJECT_NAME'), 'COMPOSE_PROJECT_NAME', fileOnly],
    [sources.topLevelName, 'the top-level "name:"', at],
  ];
  for (const [name, origin, where] of chosen) {
    if (name === undefined || name === '') continue;
    if (!isValidProjectName(name)) {
      const suggestion = stripInvalid(name);
      throw new ComposeError({
        ...where,
        message: `${origin} ${JSON.stringify(name)} is not a valid project name`,
        hint: 'use lowercase letters, digits, "_" and "-", starting with a letter or digit' + (suggestion ? ` (e.g. "${suggestion}")` : ''),
      });
    }
    return name;
  }
  return normalizeProjectName(path.basename(path.resolve(sources.dir)), at);
}
