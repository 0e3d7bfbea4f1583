// The variables of a deployment's .env, for finding its secrets: parsed like compose when the
// file parses, scanned leniently when it does not (a broken .env still has values to hide).

import { parseEnv } from '../compose/envfile.js';

/** `KEY=value` lines, leniently (quotes stripped, nothing interpolated), for a file that may not parse. */
export function scanEnvLeniently(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z0-9_.-]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m?.[1]) continue;
    let value = m[2] ?? '';
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else if (q === '"' || q === "'") value = value.slice(1);
    out[m[1]] = value;
  }
  return out;
}

/** The variables of an env file's text: parsed like compose when it parses, leniently when not. */
export function envVariables(text: string, file: string): Record<string, string> {
  let strict: Record<string, string> = {};
  try {
    strict = parseEnv(text, { file, interpolate: false });
  } catch {
    // a malformed file: the lenient scan below still finds its values
  }
  return { ...scanEnvLeniently(text), ...strict };
}
