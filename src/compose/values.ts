// Small helpers for the loader's untyped values (after YAML parsing and interpolation).
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import { splitShellWords } from './shellwords.js';

export type Mapping = Record<string, unknown>;

/** A scalar as compose reads it (numbers and booleans as written); anything else as JSON. */
export function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

export function isList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeError(at: SourceRef, what: string, expected: string): ComposeError {
  return new ComposeError({ ...at, message: `${what} must be ${expected}`, hint: `change ${what} to ${expected}` });
}

export function nonEmptyString(value: unknown, at: SourceRef, what: string): string {
  if (typeof value === 'string' && value.trim()) return value;
  throw typeError(at, what, 'a non-empty string');
}

export function listOf(value: unknown, at: SourceRef, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw typeError(at, what, 'a list');
  return value;
}

export function stringList(value: unknown, at: SourceRef, what: string): string[] {
  return listOf(value, at, what).map((v) => {
    if (typeof v !== 'string') throw typeError(at, what, 'a list of strings');
    return v;
  });
}

/** `command` / `entrypoint`: a string is split like a shell would; a list is used as is. */
export function argv(value: unknown, at: SourceRef, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return splitShellWords(value, at);
  if (Array.isArray(value) && value.every(isScalarValue)) return value.map(String);
  throw typeError(at, what, 'a string or a list of strings');
}

export function isScalarValue(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * `environment`, `labels`, `build.args`: a mapping or a `KEY=VALUE` list. A key without a value
 * takes `bare(key)`; undefined drops the key (compose's "pass through from the environment if set").
 */
export function keyValues(value: unknown, at: SourceRef, what: string, bare: (key: string) => string | undefined): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item): [string, unknown] => {
        if (!isScalarValue(item)) throw typeError(at, what, 'a list of "KEY=VALUE" strings');
        const s = String(item);
        const eq = s.indexOf('=');
        return eq === -1 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
      })
    : isMapping(value)
      ? Object.entries(value)
      : (() => {
          throw typeError(at, what, 'a mapping or a list of "KEY=VALUE" strings');
        })();
  const out = new Map<string, string>();
  for (const [key, v] of entries) {
    if (!key) throw new ComposeError({ ...at, message: `${what}: empty variable name`, hint: 'write KEY=VALUE' });
    if (v === null || v === undefined) {
      const inherited = bare(key);
      if (inherited === undefined) out.delete(key);
      else out.set(key, inherited);
    } else if (isScalarValue(v)) out.set(key, String(v));
    else throw typeError(at, `${what}.${key}`, 'a string, a number or a boolean');
  }
  return Object.fromEntries(out);
}

/** `labels`, `driver_opts`, `sysctls`…: a mapping or a `KEY=VALUE` list as strings (a bare key is ''). */
export function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((item) => {
        const s = String(item);
        const eq = s.indexOf('=');
        return eq === -1 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(value as Mapping).map(([k, v]) => [k, v === null || v === undefined ? '' : scalarText(v)]));
}
