// Turning whatever was thrown into a DeployFailure: plain facts the classifier can match and the
// state file can store. Duck-typed on purpose (no @azure imports); never throws.

import { EngineError } from '../engine/errors.js';
import type { DeployFailure, FailureSource } from './types.js';

export const FAILURE_SOURCES: readonly FailureSource[] = ['engine', 'health', 'release', 'azure', 'auth', 'probe', 'internal'];

/** @azure/identity's credential errors (source 'auth', code = the error's name); the taxonomy tells sign-in from rejected. */
export const CREDENTIAL_ERROR_NAMES: readonly string[] = [
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
  // The token endpoint answered with an error: the credential was tried and refused.
  'AuthenticationError',
];

/** What the caller was doing; fills what the error itself does not say. */
export interface FailureContext {
  /**
   * Source for errors that do not carry their own: plain Errors, socket errors, strings.
   * Typed errors keep theirs: EngineError → 'engine', RestError → 'azure', credential errors → 'auth'.
   */
  source?: FailureSource;
  operation?: string;
  service?: string;
  target?: string;
}

type Detail = NonNullable<DeployFailure['details']>[number];

const MAX_DETAILS = 50;
const MAX_DEPTH = 6;

export function toDeployFailure(err: unknown, context: FailureContext = {}): DeployFailure {
  try {
    return withContext(fromUnknown(err, context), context);
  } catch {
    return withContext({ source: context.source ?? 'internal', message: 'unknown error' }, context);
  }
}

function fromUnknown(err: unknown, context: FailureContext): DeployFailure {
  if (isDeployFailure(err)) return normalizeFailure(err);
  if (typeof err === 'string') return { source: context.source ?? 'internal', message: err };
  if (!isRecord(err)) return { source: context.source ?? 'internal', message: err === undefined ? 'unknown error' : safeString(err) };

  const name = str(err.name);

  // Our own engine errors: the daemon's words, not dockerode's wrapping.
  if (err instanceof EngineError || (name === 'EngineError' && isRecord(err.facts))) {
    const facts = (err as { facts: Record<string, unknown> }).facts;
    return compact({
      source: 'engine',
      statusCode: int(facts.statusCode),
      code: str(facts.syscallCode),
      message: str(facts.rawMessage) ?? str(err.message) ?? '',
      operation: str(facts.operation),
      service: str(facts.service),
      target: str(facts.target),
    });
  }

  // Our own typed failures (DeployError) carry theirs.
  if (name === 'DeployError' && isDeployFailure(err.failure)) return normalizeFailure(err.failure);

  if (name !== undefined && CREDENTIAL_ERROR_NAMES.includes(name)) {
    return { source: 'auth', code: name, message: messageOf(err) };
  }

  if (name === 'RestError') return fromRestError(err);

  // An ARM error body handed over as is: { error: { code, message, details } } or { code, message, details }.
  if (context.source === 'azure') {
    const body = isRecord(err.error) ? err.error : err;
    if (str(body.code) !== undefined && str(body.message) !== undefined && !(err instanceof Error)) {
      return compact({ source: 'azure', statusCode: int(err.statusCode), code: str(body.code), message: str(body.message) ?? '', details: detailsOf(body.details) });
    }
  }

  // dockerode's own error (when not wrapped in EngineError): "(HTTP code 409) unexpected - <daemon message>".
  const statusCode = int(err.statusCode);
  if (statusCode !== undefined && (isRecord(err.json) || /^\(HTTP code \d+\)/.test(str(err.message) ?? ''))) {
    const json = isRecord(err.json) ? str(err.json.message) : undefined;
    const message = json ?? (str(err.message) ?? '').replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '');
    return { source: 'engine', statusCode, message: message.trim() };
  }

  // Node socket/system errors and everything else that is an Error.
  const code = codeOf(err);
  const message = messageOf(err);
  const source = context.source ?? (mentionsDockerSocket(err) ? 'engine' : 'internal');
  return compact({ source, statusCode, code, message });
}

function fromRestError(err: Record<string, unknown>): DeployFailure {
  let code = str(err.code);
  let message = str(err.message) ?? '';
  let details: Detail[] = [];

  // The body can hide in `details`, in `response.bodyAsText`, or in the message itself (pollers).
  const bodies: unknown[] = [err.details];
  const response = isRecord(err.response) ? err.response : undefined;
  if (response) bodies.push(parseJson(response.bodyAsText), response.parsedBody);
  const fromMessage = parseJson(message);
  if (fromMessage !== undefined) bodies.push(fromMessage);

  for (const body of bodies) {
    if (Array.isArray(body)) {
      details = detailsOf(body);
    } else if (isRecord(body)) {
      const inner = isRecord(body.error) ? body.error : body;
      code ??= str(inner.code);
      if (body === fromMessage && str(inner.message) !== undefined) message = str(inner.message) ?? message;
      if (details.length === 0) details = detailsOf(inner.details);
    }
    if (details.length > 0) break;
  }
  return compact({
    source: 'azure',
    statusCode: int(err.statusCode) ?? int(response?.status),
    code,
    message,
    details,
  });
}

/** Flatten ARM inner errors (nested `details`, and messages that are themselves JSON error bodies). */
function detailsOf(raw: unknown): Detail[] {
  const out: Detail[] = [];
  const walk = (items: unknown, depth: number): void => {
    if (!Array.isArray(items) || depth > MAX_DEPTH) return;
    for (const item of items) {
      if (out.length >= MAX_DETAILS) return;
      if (!isRecord(item)) continue;
      const e = isRecord(item.error) ? item.error : item;
      const detail: Detail = { code: str(e.code) ?? '', message: str(e.message) ?? '' };
      const target = str(e.target);
      if (target !== undefined) detail.target = target;
      out.push(detail);
      const embedded = parseJson(detail.message);
      if (isRecord(embedded)) {
        const body = isRecord(embedded.error) ? embedded.error : embedded;
        if (str(body.code) !== undefined) walk([body], depth + 1);
      }
      walk(e.details, depth + 1);
    }
  };
  walk(raw, 0);
  return out;
}

function withContext(f: DeployFailure, context: FailureContext): DeployFailure {
  const out: DeployFailure = { ...f };
  if (out.operation === undefined && context.operation) out.operation = context.operation;
  if (out.service === undefined && context.service) out.service = context.service;
  if (out.target === undefined && context.target) out.target = context.target;
  return out;
}

/**
 * Coerce anything DeployFailure-shaped into a valid DeployFailure: unknown sources become 'internal',
 * non-string messages are stringified, malformed details are dropped. Used by the classifier on its input.
 */
export function normalizeFailure(input: unknown): DeployFailure {
  const o = isRecord(input) ? input : {};
  const source = FAILURE_SOURCES.find((s) => s === o.source) ?? 'internal';
  const raw = o.message;
  const message = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  const out: DeployFailure = { source, message };
  const statusCode = int(o.statusCode);
  if (statusCode !== undefined) out.statusCode = statusCode;
  const code = str(o.code);
  if (code !== undefined) out.code = code;
  if (Array.isArray(o.details)) {
    const details: Detail[] = [];
    for (const d of o.details.slice(0, MAX_DETAILS)) {
      if (!isRecord(d)) continue;
      const detail: Detail = { code: str(d.code) ?? '', message: str(d.message) ?? '' };
      const target = str(d.target);
      if (target !== undefined) detail.target = target;
      details.push(detail);
    }
    out.details = details;
  }
  for (const key of ['operation', 'service', 'target'] as const) {
    const v = str(o[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function isDeployFailure(x: unknown): x is DeployFailure {
  return isRecord(x) && typeof x.message === 'string' && FAILURE_SOURCES.some((s) => s === x.source) && !(x instanceof Error);
}

// ── helpers ─────────────────────────────────────────────────────────────────

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

function int(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isInteger(x) ? x : undefined;
}

function compact(f: DeployFailure): DeployFailure {
  const out: DeployFailure = { source: f.source, message: f.message };
  if (f.statusCode !== undefined) out.statusCode = f.statusCode;
  if (f.code !== undefined) out.code = f.code;
  if (f.details !== undefined && f.details.length > 0) out.details = f.details;
  if (f.operation !== undefined) out.operation = f.operation;
  if (f.service !== undefined) out.service = f.service;
  if (f.target !== undefined) out.target = f.target;
  return out;
}

function parseJson(x: unknown): unknown {
  if (typeof x !== 'string') return undefined;
  const t = x.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** The first string `code` along the cause chain (fetch's "fetch failed" keeps it in `cause`). */
function codeOf(err: Record<string, unknown>): string | undefined {
  let cur: unknown = err;
  for (let i = 0; i < MAX_DEPTH && isRecord(cur); i++) {
    const code = str(cur.code);
    if (code !== undefined) return code;
    cur = cur.cause;
  }
  return undefined;
}

/**
 * The error's message plus its causes' (deduplicated): "fetch failed: connect ECONNREFUSED 127.0.0.1:8080".
 * An AggregateError with an empty message (Node's happy-eyeballs connect) uses its errors' messages.
 */
function messageOf(err: Record<string, unknown>): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let i = 0; i < MAX_DEPTH && isRecord(cur); i++) {
    let m = str(cur.message);
    if (m === undefined && Array.isArray(cur.errors)) {
      const inner = cur.errors.filter(isRecord).map((e) => str(e.message)).filter((s): s is string => s !== undefined);
      if (inner.length > 0) m = [...new Set(inner)].join('; ');
    }
    if (m !== undefined && !parts.some((p) => p.includes(m))) parts.push(m);
    cur = cur.cause;
  }
  if (parts.length === 0) {
    const code = str(err.code);
    return code ?? safeString(err);
  }
  return parts.join(': ');
}

function mentionsDockerSocket(err: Record<string, unknown>): boolean {
  const where = `${str(err.address) ?? ''} ${str(err.message) ?? ''}`;
  return /docker\.sock|docker_engine/i.test(where);
}

function safeString(x: unknown): string {
  try {
    if (isRecord(x)) return JSON.stringify(x) ?? Object.prototype.toString.call(x);
    return String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}
