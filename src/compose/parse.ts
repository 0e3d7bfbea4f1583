// Reading a compose file: YAML parsed with positions kept, so every later error can name the
// file, line and column of the key or value it is about (through anchors and `<<` merges too).
import { readTextFile } from '../util/read-text.js';
import type { Document } from 'yaml';
import { YAML } from './yaml.js';
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import type { YamlPath } from './interpolate.js';
import type { Mapping } from './values.js';

const { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } = YAML;

/**
 * The most YAML nodes a file may expand to through aliases. yaml's own guard (maxAliasCount,
 * default 100) counts aliases times the aliases inside each and rejects real files: Sentry
 * self-hosted's compose file (test/fixtures/compose/) needs 1,491 by that measure, and the
 * check itself re-walks every anchored node per alias (~800 ms for that file). Instead the
 * expanded size is computed once, in linear time (expandedSize); a "billion laughs" file is
 * stopped before anything is expanded. Real files expand to a few tens of thousands of nodes.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

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
  const resolve = aliasResolver(doc);
  const expanded = expandedSize(doc, resolve);
  if (expanded > MAX_EXPANDED_NODES) {
    throw new ComposeError({
      file,
      message: `the file expands through YAML aliases (*name) to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} values`,
      hint: 'anchors whose content holds aliases of other such anchors multiply at every level: merge flat x- blocks with "<<: *name" instead of nesting aliases inside anchors',
    });
  }
  let data: unknown;
  try {
    // The expansion is bounded above; yaml's own alias counter would only repeat it, slowly.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (err) {
    throw new ComposeError({ file, message: `invalid YAML: ${(err as Error).message}`, hint: 'check anchors, aliases and "<<" merge keys', cause: err });
  }
  const find = (p: YamlPath, key = false): { depth: number; at: SourceRef } => {
    const { depth, keyNode, valueNode } = walk(doc, p, resolve);
    const useKey = keyNode && (key || !valueNode || (isScalar(valueNode) && valueNode.value === null));
    const node = useKey ? keyNode : (valueNode ?? keyNode);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return { depth, at: range ? posOf(range[0]) : { file } };
  };
  return { file, data: data as Mapping, find };
}

type AliasResolver = (alias: unknown) => unknown;

/**
 * Resolves aliases from one walk of the document. yaml's Alias.resolve walks the whole document
 * on every call, which made loading Sentry's compose file (hundreds of aliases, each position
 * lookup resolving several) take seconds. YAML 1.2: an alias names the closest anchor before it.
 */
export function aliasResolver(doc: Document): AliasResolver {
  const anchors = new Map<string, { offset: number; node: unknown }[]>();
  visit(doc, (_key, node) => {
    const anchor = (node as { anchor?: string }).anchor;
    const range = (node as { range?: [number, number, number] }).range;
    if (anchor && range && !isAlias(node)) {
      const list = anchors.get(anchor) ?? [];
      list.push({ offset: range[0], node });
      anchors.set(anchor, list);
    }
  });
  return (alias) => {
    if (!isAlias(alias)) return alias;
    const at = alias.range?.[0] ?? Number.POSITIVE_INFINITY;
    let found: unknown;
    for (const a of anchors.get(alias.source) ?? []) if (a.offset < at) found = a.node;
    return found;
  };
}

/**
 * How many values the document holds once every alias is expanded: each node counted once, an
 * alias as the size of what it names (memoized, so linear in the document). An alias inside the
 * node it names never ends; it counts as infinite.
 */
export function expandedSize(doc: Document, resolve: AliasResolver = aliasResolver(doc)): number {
  const memo = new Map<unknown, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) return size(resolve(node));
    if (node === null || typeof node !== 'object') return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, Number.POSITIVE_INFINITY); // in progress: a cycle stays infinite
    let total = 1;
    if (isMap(node)) for (const pair of node.items) total += size(pair.key) + size(pair.value);
    else if (isSeq(node)) for (const item of node.items) total += size(item);
    memo.set(node, total);
    return total;
  };
  return size(doc.contents);
}

/** Follows a path through the YAML AST, through aliases and `<<` merges, as far as it goes. */
function walk(doc: Document, p: YamlPath, resolve: AliasResolver): { depth: number; keyNode?: unknown; valueNode?: unknown } {
  const deref = (n: unknown): unknown => resolve(n);
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
