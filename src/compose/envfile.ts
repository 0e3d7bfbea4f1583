// `.env` / `env_file` parsing with Docker Compose v2's rules, plus a surgical single-key edit.
// The scanner records byte offsets into the original text, so `setEnvValue` can rewrite one
// value and leave every other byte of the user's file alone.
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import { interpolate } from './interpolate.js';
import type { Lookup } from './interpolate.js';

type ValueKind = 'bare' | 'unquoted' | 'single' | 'double';

interface Statement {
  key: string;
  kind: ValueKind;
  /** Value text between the quotes (or the trimmed unquoted text); '' for bare keys. */
  raw: string;
  line: number;
  column: number;
  /** Offsets in the original text of the value token (quotes included); for 'bare', just after the key. */
  valueStart: number;
  valueEnd: number;
}

export interface ParseEnvOptions {
  /** File name used in errors. */
  file?: string;
  /** The OS environment: supplies bare `KEY` lines and is consulted first when interpolating. */
  lookup?: Lookup;
  /** Expand ${VAR} in unquoted and double-quoted values (compose v2 does). Default true. */
  interpolate?: boolean;
  onUnset?: (name: string) => void;
}

/** Parses env-file text into variables, in file order (later definitions win). */
export function parseEnv(text: string, options: ParseEnvOptions = {}): Record<string, string> {
  const file = options.file ?? '<env>';
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  // Compose looks a name up in the OS environment first, then in the lines read so far.
  const lookup: Lookup = (name) => options.lookup?.(name) ?? (Object.hasOwn(out, name) ? out[name] : undefined);
  for (const st of scanEnv(text, file)) {
    if (st.kind === 'bare') {
      const inherited = options.lookup?.(st.key);
      if (inherited !== undefined) out[st.key] = inherited;
      continue;
    }
    const expand = options.interpolate !== false && st.kind !== 'single';
    let value = st.kind === 'double' ? unescapeDouble(st.raw, expand) : st.raw;
    if (expand) {
      const at: SourceRef = { file, line: st.line, column: st.column };
      value = interpolate(value, lookup, { at, onUnset: options.onUnset });
    }
    out[st.key] = value;
  }
  return { ...out };
}

/**
 * Sets KEY to value in env-file text: rewrites the value of the last definition of KEY in place,
 * or appends `KEY=value` (with the file's own line ending). Every other byte is kept.
 */
export function setEnvValue(text: string, key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new ComposeError({ file: '<env>', message: `invalid variable name ${JSON.stringify(key)}`, hint: 'use letters, digits and "_", not starting with a digit' });
  }
  const quoted = quoteEnvValue(value);
  const last = scanEnv(text, '<env>').filter((st) => st.key === key).at(-1);
  if (!last) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const sep = text === '' || text === BOM || text.endsWith('\n') ? '' : eol;
    return `${text}${sep}${key}=${quoted}${eol}`;
  }
  let replacement = last.kind === 'bare' ? `=${quoted}` : quoted;
  // A comment glued to a closing quote would become part of an unquoted value.
  if (text[last.valueEnd] === '#') replacement += ' ';
  return text.slice(0, last.valueStart) + replacement + text.slice(last.valueEnd);
}

/** The shortest env-file spelling of value that parses back to exactly value. */
export function quoteEnvValue(value: string): string {
  if (/^[A-Za-z0-9_.,:/@%+=-]*$/.test(value)) return value;
  if (!/['\r\n]/.test(value)) return `'${value}'`;
  const escaped = value.replace(/[\\"$\n\r\t]/g, (c) => DOUBLE_ESCAPES_OUT[c] ?? c);
  return `"${escaped}"`;
}

const BOM = '\uFEFF';
const DOUBLE_ESCAPES_OUT: Record<string, string> = { '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const DOUBLE_ESCAPES_IN: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' };
const KEY = /^[\p{L}\p{N}_.[\]-]+$/u;

/**
 * Double-quoted escapes. `\$` is a literal dollar: when the value is interpolated afterwards it
 * is emitted as `$$`, the interpolation escape. Unknown escapes keep their backslash.
 */
function unescapeDouble(raw: string, interpolating: boolean): string {
  return raw.replace(/\\([\s\S])/g, (whole, c: string) => {
    if (c === '$') return interpolating ? '$$' : '$';
    return DOUBLE_ESCAPES_IN[c] ?? whole;
  });
}

/** Splits env text into statements; throws ComposeError for malformed lines. */
function scanEnv(text: string, file: string): Statement[] {
  const statements: Statement[] = [];
  let pos = text.startsWith(BOM) ? 1 : 0;
  let line = 1;
  while (pos < text.length) {
    const lineStart = pos;
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    const contentEnd = text[lineEnd - 1] === '\r' && lineEnd > pos ? lineEnd - 1 : lineEnd;
    const content = text.slice(pos, contentEnd);
    const fail = (col: number, message: string, hint: string): ComposeError =>
      new ComposeError({ file, line, column: col + 1, message, hint });

    const indent = /^[ \t]*/.exec(content)?.[0].length ?? 0;
    if (indent === content.length || content[indent] === '#') {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    const exported = /^export[ \t]+/.exec(content.slice(indent));
    const keyStart = indent + (exported ? exported[0].length : 0);
    const eq = content.indexOf('=', keyStart);
    const key = content.slice(keyStart, eq === -1 ? undefined : eq).trimEnd();
    checkKey(key, (message, hint) => fail(keyStart, message, hint));
    if (eq === -1) {
      const end = lineStart + keyStart + key.length;
      statements.push({ key, kind: 'bare', raw: '', line, column: keyStart + 1, valueStart: end, valueEnd: end });
      pos = lineEnd + 1;
      line++;
      continue;
    }

    const afterEq = content.slice(eq + 1);
    const spaces = /^[ \t]*/.exec(afterEq)?.[0].length ?? 0;
    const valueCol = eq + 1 + spaces;
    const quote = content[valueCol];
    if (quote === '"' || quote === "'") {
      const open = lineStart + valueCol;
      const close = findClosingQuote(text, open, quote);
      if (close === -1) {
        throw fail(valueCol, `unterminated ${quote === '"' ? 'double' : 'single'}-quoted value for ${key}`, `add the closing ${quote}`);
      }
      const raw = text.slice(open + 1, close).replaceAll('\r\n', '\n');
      statements.push({ key, kind: quote === '"' ? 'double' : 'single', raw, line, column: valueCol + 1, valueStart: open, valueEnd: close + 1 });
      // The rest of the closing line may only hold a comment.
      const closeNl = text.indexOf('\n', close);
      const closeLineEnd = closeNl === -1 ? text.length : closeNl;
      const rest = text.slice(close + 1, closeLineEnd).replace(/\r$/, '');
      line += countNewlines(text, open, close);
      if (!/^[ \t]*(#.*)?$/.test(rest)) {
        throw new ComposeError({ file, line, message: `unexpected text after the closing quote of ${key}: ${JSON.stringify(rest.trim())}`, hint: 'put the whole value inside the quotes, or start a comment with " #"' });
      }
      pos = closeLineEnd + 1;
      line++;
      continue;
    }

    // Unquoted: a '#' preceded by whitespace starts a comment; `a#b` is literal.
    let value = afterEq.slice(spaces);
    const comment = spaces > 0 && value.startsWith('#') ? 0 : value.search(/[ \t]#/);
    if (comment !== -1) value = value.slice(0, comment);
    value = value.replace(/[ \t]+$/, '');
    const start = lineStart + valueCol;
    statements.push({ key, kind: 'unquoted', raw: value, line, column: valueCol + 1, valueStart: start, valueEnd: start + value.length });
    pos = lineEnd + 1;
    line++;
  }
  return statements;
}

function checkKey(key: string, fail: (message: string, hint: string) => ComposeError): void {
  const hint = 'write KEY=VALUE, with KEY made of letters, digits, "_", "." or "-"';
  if (!key) throw fail('missing variable name before "="', hint);
  if (/\s/.test(key)) throw fail(`variable name ${JSON.stringify(key)} contains a space`, hint);
  if (!KEY.test(key)) throw fail(`invalid character in variable name ${JSON.stringify(key)}`, hint);
}

/** Index of the quote closing the one at `open`, or -1. Double quotes honour backslash escapes. */
function findClosingQuote(text: string, open: number, quote: '"' | "'"): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return i;
    if (c === '\\' && quote === '"') i++;
  }
  return -1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
