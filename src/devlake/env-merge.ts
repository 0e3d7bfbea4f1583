// An official (or fork) redeploy's .env: the user's own file, kept byte for byte, with the
// variables the release's env.example has and the file lacks appended, and an ENCRYPTION_SECRET
// set only where none is. Pure.

import { parseEnv, setEnvValue } from '../compose/envfile.js';

export const SECRET_KEY = 'ENCRYPTION_SECRET';

export interface EnvMerge {
  text: string;
  /** Variables of env.example the user's file did not have, added with the example's value. */
  added: string[];
  /** Variables whose value the user set differently from env.example, kept as the user set them. */
  kept: string[];
  /** Variables only the user's file has, kept. */
  own: string[];
  secret: 'kept' | 'generated' | 'from-example';
  /** The result differs from the user's file (it needs a backup and a write). */
  changed: boolean;
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}${text.includes('\r\n') ? '\r\n' : '\n'}`;
}

export function mergeEnv(user: string | undefined, example: string, files: { env: string; example: string }, newSecret: () => string): EnvMerge {
  const ex = parseEnv(example, { file: files.example, interpolate: false });
  if (user === undefined) {
    let text = withNewline(example);
    let secret: EnvMerge['secret'] = 'from-example';
    if ((ex[SECRET_KEY] ?? '') === '') {
      text = setEnvValue(text, SECRET_KEY, newSecret());
      secret = 'generated';
    }
    return { text: withNewline(text), added: Object.keys(ex), kept: [], own: [], secret, changed: true };
  }
  const mine = parseEnv(user, { file: files.env, interpolate: false });
  const added = Object.keys(ex).filter((k) => !Object.hasOwn(mine, k));
  const kept = Object.keys(ex).filter((k) => Object.hasOwn(mine, k) && mine[k] !== ex[k] && k !== SECRET_KEY);
  const own = Object.keys(mine).filter((k) => !Object.hasOwn(ex, k));
  let text = user;
  if (added.length > 0) {
    text = withNewline(text);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    text += `${eol}# Added by gh-devlake from the release's env.example${eol}`;
    for (const k of added) if (k !== SECRET_KEY) text = setEnvValue(text, k, ex[k] ?? '');
  }
  let secret: EnvMerge['secret'] = 'kept';
  if ((mine[SECRET_KEY] ?? '') === '') {
    const fromExample = ex[SECRET_KEY] ?? '';
    text = setEnvValue(text, SECRET_KEY, fromExample !== '' ? fromExample : newSecret());
    secret = fromExample !== '' ? 'from-example' : 'generated';
  }
  text = withNewline(text);
  return { text, added, kept, own, secret, changed: text !== user };
}

/** One line for people: what the merge did. */
export function describeMerge(m: EnvMerge, backup?: string): string | undefined {
  if (!m.changed) return undefined;
  const parts: string[] = [];
  const added = m.added.filter((k) => k !== SECRET_KEY);
  if (added.length > 0) parts.push(`added ${added.join(', ')} from the release's env.example`);
  if (m.secret === 'generated') parts.push(`generated ${SECRET_KEY}`);
  const yours = m.kept.length + m.own.length;
  if (yours > 0) parts.push(`kept your ${yours} setting(s)${m.kept.length > 0 ? ` (${m.kept.join(', ')} differ from the example)` : ''}`);
  return `Updated .env: ${parts.join('; ') || 'ended it with a newline'}${backup ? ` (previous .env backed up to ${backup})` : ''}.`;
}
