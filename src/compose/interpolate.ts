// Compose variable interpolation ($V, ${V}, ${V:-d}, ${V-d}, ${V:?e}, ${V?e}, ${V:+a}, ${V+a}, $$).
// Strings are parsed first, then evaluated, so a syntax error is reported even in a branch
// that is not taken, and a default like ${A:-${B:?x}} only fails when A is empty.
import { ComposeError, UNKNOWN_SOURCE } from './errors.js';
import type { SourceRef } from './errors.js';

/** Where variable values come from: undefined means "not set" (distinct from ''). */
export type Lookup = (name: string) => string | undefined;

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';
interface VarRef {
  name: string;
  op?: Operator;
  word: Part[];
}
type Part = string | VarRef;

export interface InterpolateOptions {
  at?: SourceRef;
  /** Called for a plain $V / ${V} that is not set (compose warns and uses ''). */
  onUnset?: (name: string) => void;
}

export function interpolate(input: string, lookup: Lookup, options: InterpolateOptions = {}): string {
  const at = options.at ?? UNKNOWN_SOURCE;
  const { parts } = parse(input, 0, false, at);
  return evaluate(parts, lookup, options.onUnset, at);
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

function parse(s: string, start: number, nested: boolean, at: SourceRef): { parts: Part[]; end: number } {
  const parts: Part[] = [];
  let text = '';
  let i = start;
  const flush = (): void => {
    if (text) parts.push(text);
    text = '';
  };
  while (i < s.length) {
    const c = s[i];
    if (nested && c === '}') {
      flush();
      return { parts, end: i };
    }
    const next = s[i + 1];
    if (c !== '$' || next === undefined) {
      text += c;
      i++;
    } else if (next === '$') {
      text += '$';
      i += 2;
    } else if (next === '{') {
      flush();
      const braced = parseBraced(s, i, at);
      parts.push(braced.ref);
      i = braced.end;
    } else if (NAME_START.test(next)) {
      flush();
      let j = i + 2;
      while (j < s.length && NAME_CHAR.test(s[j] ?? '')) j++;
      parts.push({ name: s.slice(i + 1, j), word: [] });
      i = j;
    } else {
      // `$` not followed by a name, `{` or `$` is literal, as in compose.
      text += c;
      i++;
    }
  }
  if (nested) throw unterminated(s, at);
  flush();
  return { parts, end: i };
}

/** Parses `${...}` starting at the `$`; returns the index after the closing brace. */
function parseBraced(s: string, dollar: number, at: SourceRef): { ref: VarRef; end: number } {
  let i = dollar + 2;
  while (i < s.length && (i === dollar + 2 ? NAME_START : NAME_CHAR).test(s[i] ?? '')) i++;
  const name = s.slice(dollar + 2, i);
  if (i >= s.length) throw unterminated(s, at);
  if (!name) throw invalid(s, at, 'a variable name must start with a letter or "_"');
  if (s[i] === '}') return { ref: { name, word: [] }, end: i + 1 };
  const op = readOperator(s, i);
  if (!op) throw invalid(s, at, `unexpected "${s[i]}" after variable name "${name}"`);
  const word = parse(s, i + op.length, true, at);
  return { ref: { name, op, word: word.parts }, end: word.end + 1 };
}

function readOperator(s: string, i: number): Operator | undefined {
  const two = s.slice(i, i + 2);
  if (two === ':-' || two === ':?' || two === ':+') return two;
  const one = s[i];
  if (one === '-' || one === '?' || one === '+') return one;
  return undefined;
}

function evaluate(parts: Part[], lookup: Lookup, onUnset: ((name: string) => void) | undefined, at: SourceRef): string {
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : evaluateRef(part, lookup, onUnset, at);
  return out;
}

function evaluateRef(ref: VarRef, lookup: Lookup, onUnset: ((name: string) => void) | undefined, at: SourceRef): string {
  const value = lookup(ref.name);
  const word = (): string => evaluate(ref.word, lookup, onUnset, at);
  switch (ref.op) {
    case undefined:
      if (value === undefined) onUnset?.(ref.name);
      return value ?? '';
    case ':-':
      return value ? value : word();
    case '-':
      return value ?? word();
    case ':?':
      if (!value) throw required(ref.name, word(), at);
      return value;
    case '?':
      if (value === undefined) throw required(ref.name, word(), at);
      return value;
    case ':+':
      return value ? word() : '';
    case '+':
      return value === undefined ? '' : word();
  }
}

function required(name: string, message: string, at: SourceRef): ComposeError {
  return new ComposeError({
    ...at,
    message: `required variable ${name} is missing a value` + (message ? `: ${message}` : ''),
    hint: `set ${name} in the environment or in the project's .env file`,
    variable: name,
  });
}

function unterminated(s: string, at: SourceRef): ComposeError {
  return new ComposeError({
    ...at,
    message: `invalid interpolation in ${JSON.stringify(s)}: unterminated "\${"`,
    hint: 'close it with "}", or write "$$" for a literal "$"',
  });
}

function invalid(s: string, at: SourceRef, why: string): ComposeError {
  return new ComposeError({
    ...at,
    message: `invalid interpolation in ${JSON.stringify(s)}: ${why}`,
    hint: 'use ${NAME}, ${NAME:-default}, ${NAME:?message} or ${NAME:+alternative}; write "$$" for a literal "$"',
  });
}

/** A position inside parsed YAML: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

export function formatPath(path: YamlPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replaceAll('.[', '[');
}

export interface InterpolateTreeOptions {
  /** Source position of a path, so errors point into the file. */
  locate?: (path: YamlPath) => SourceRef;
  onUnset?: (name: string, path: YamlPath) => void;
}

/**
 * Interpolates every string value (never a key) of a parsed YAML tree, returning a new tree.
 * Errors are re-anchored at the scalar's position and prefixed with its path.
 */
export function interpolateTree(value: unknown, lookup: Lookup, options: InterpolateTreeOptions = {}, path: YamlPath = []): unknown {
  if (typeof value === 'string') {
    try {
      return interpolate(value, lookup, { onUnset: (name) => options.onUnset?.(name, path) });
    } catch (err) {
      if (!(err instanceof ComposeError)) throw err;
      throw err.relocate(options.locate?.(path) ?? UNKNOWN_SOURCE, formatPath(path) || undefined);
    }
  }
  if (Array.isArray(value)) return value.map((item: unknown, i) => interpolateTree(item, lookup, options, [...path, i]));
  if (isPlainObject(value)) {
    // fromEntries defines properties, so a "__proto__" key stays an ordinary key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, lookup, options, [...path, k])]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
