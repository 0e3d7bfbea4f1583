// Reading a compose file: YAML parsed with positions kept, so every later error can name the
// file, line and column of the key or value it is about (through anchors and `<<` merges too).
import { readTextFile } from '../util/read-text.js';
import type { Document } from 'yaml';
import { YAML } from './yaml.js';
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import type { YamlPath } from './interpolate.js';
import type { Mapping } from './values.js';

const { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } = YAML;

/**
 * How many alias expansions one file may make. yaml's default (100) guards against "billion
 * laughs" files; real compose files lean on anchors far more (Sentry self-hosted's compose file
 * expands ~1,900 aliases, its `x-` defaults merged into ~60 services). 100,000 fits every real
 * file we know by a wide margin while still stopping an exponential blow-up within milliseconds.
 */
export const MAX_ALIAS_EXPANSIONS = 100_000;

export interface LoadedFile {
  file: string;
  data: Mapping;
  /** How deep `path` resolves in this file, and the position there. */
  find: (path: YamlPath, key?: boolean) => { depth: number; at: SourceRef };
}

export type Warn = (at: SourceRef, message: string) => void;

export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readTextFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ComposeError({ file, message: `cannot read: ${(err as Error).message}`, hint: 'check that it is a readable file', cause: err });
  }
}

export function parseYamlFile(file: string, text: string, warn: Warn): LoadedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const posOf = (offset: number): SourceRef => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const error = doc.errors[0];
  if (error?.code === 'MULTIPLE_DOCS') {
    throw new ComposeError({ ...posOf(error.pos[0]), message: 'a compose file must hold a single YAML document', hint: 'remove the "---" separator, or split the documents into separate files', cause: error });
  }
  if (error) throw new ComposeError({ ...posOf(error.pos[0]), message: `invalid YAML: ${error.message}`, hint: 'fix the YAML syntax here (indentation, quotes, ":" after keys)', cause: error });
  for (const w of doc.warnings) {
    // An unknown tag (compose's !reset / !override included) would silently change the merge.
    if (w.code === 'TAG_RESOLVE_FAILED') throw new ComposeError({ ...posOf(w.pos[0]), message: w.message, hint: 'remove the tag; YAML tags such as !reset and !override are not supported' });
    warn(posOf(w.pos[0]), w.message);
  }
  if (!isMap(doc.contents)) {
    const at = doc.contents?.range ? posOf(doc.contents.range[0]) : { file };
    throw new ComposeError({ ...at, message: 'a compose file must be a mapping (services:, volumes:, …)', hint: 'start the file with "services:"' });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (err) {
    if (/alias count/i.test((err as Error).message)) {
      throw new ComposeError({
        file,
        message: `the file expands YAML aliases (*name) more than ${MAX_ALIAS_EXPANSIONS.toLocaleString('en-US')} times`,
        hint: 'an anchor that refers to itself through aliases, or aliases nested many levels deep, expand exponentially: use "<<: *name" merges of flat x- blocks instead of nesting aliases inside anchors',
        cause: err,
      });
    }
    throw new ComposeError({ file, message: `invalid YAML: ${(err as Error).message}`, hint: 'check anchors, aliases and "<<" merge keys', cause: err });
  }
  const find = (p: YamlPath, key = false): { depth: number; at: SourceRef } => {
    const { depth, keyNode, valueNode } = walk(doc, p);
    const useKey = keyNode && (key || !valueNode || (isScalar(valueNode) && valueNode.value === null));
    const node = useKey ? keyNode : (valueNode ?? keyNode);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return { depth, at: range ? posOf(range[0]) : { file } };
  };
  return { file, data: data as Mapping, find };
}

/** Follows a path through the YAML AST, through aliases and `<<` merges, as far as it goes. */
function walk(doc: Document, p: YamlPath): { depth: number; keyNode?: unknown; valueNode?: unknown } {
  const deref = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  const child = (node: unknown, seg: string | number, seen: number): { key?: unknown; value: unknown } | undefined => {
    const n = deref(node);
    if (isSeq(n)) return typeof seg === 'number' && seg < n.items.length ? { value: n.items[seg] } : undefined;
    if (!isMap(n) || seen > 32) return undefined;
    for (const pair of n.items) if (isScalar(pair.key) && String(pair.key.value) === String(seg)) return { key: pair.key, value: pair.value };
    for (const pair of n.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') continue; // `<<` is a Symbol with merge: true
      const src = deref(pair.value);
      for (const s of isSeq(src) ? src.items : [src]) {
        const found = child(s, seg, seen + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  let keyNode: unknown;
  let valueNode: unknown = doc.contents;
  let depth = 0;
  for (const seg of p) {
    const next = child(valueNode, seg, 0);
    if (!next) break;
    keyNode = next.key;
    valueNode = next.value;
    depth++;
  }
  return { depth, keyNode, valueNode };
}
