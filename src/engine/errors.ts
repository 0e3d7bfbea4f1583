// Typed failures from the Docker Engine. The recovery classifier reads these; it must
// get the daemon's own words, not dockerode's "(HTTP code N) …" wrapping.

import { inspect } from 'node:util';

export type EngineOperation =
  | 'connect'
  | 'ping'
  | 'pull'
  | 'build'
  | 'push'
  | 'image.tag'
  | 'network.create'
  | 'network.connect'
  | 'volume.create'
  | 'container.create'
  | 'container.start'
  | 'container.stop'
  | 'container.remove'
  | 'container.inspect'
  | 'container.logs'
  | 'network.remove'
  | 'volume.remove'
  | 'image.inspect'
  | 'list';

export interface EngineErrorFacts {
  /** HTTP status from the Engine API, when the daemon answered. */
  statusCode?: number;
  /** The daemon's raw message (the JSON body's `message`), without dockerode's prefix. */
  rawMessage: string;
  /** Node's socket error code when the daemon could not be reached (ENOENT, ECONNREFUSED, EACCES…). */
  syscallCode?: string;
  operation: EngineOperation;
  /** Compose service the operation was for, if any. */
  service?: string;
  /** Container or image the operation was for, if any. */
  target?: string;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly facts: EngineErrorFacts;
  constructor(facts: EngineErrorFacts, options?: { cause?: unknown }) {
    super(facts.rawMessage, options);
    this.facts = facts;
  }
}

/** What the failed operation was about; copied into the facts. */
export interface EngineErrorContext {
  service?: string;
  target?: string;
}

interface DockerodeLikeError {
  message?: unknown;
  statusCode?: unknown;
  reason?: unknown;
  json?: unknown;
  code?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * The daemon's own words from a dockerode error. docker-modem builds
 * `(HTTP code N) <reason> - <daemon message> ` and keeps the parsed body in `.json`; for
 * streaming endpoints (pull, build) `.json` is null and the message is only in the text.
 */
function daemonMessage(e: DockerodeLikeError, statusCode: number): string {
  const json = e.json;
  if (isObject(json) && !Buffer.isBuffer(json)) {
    if (typeof json.message === 'string') return json.message;
    if (typeof json.error === 'string') return json.error;
  }
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString('utf8').trim();
  if (typeof json === 'string' && json.length > 0) return json.trim();
  const text = typeof e.message === 'string' ? e.message : '';
  const prefix = /^\(HTTP code (\d+)\) /.exec(text);
  if (prefix && Number(prefix[1]) === statusCode) {
    let rest = text.slice(prefix[0].length);
    const reason = typeof e.reason === 'string' ? e.reason : 'unexpected';
    if (rest.startsWith(`${reason} - `)) rest = rest.slice(reason.length + 3);
    else {
      const dash = rest.indexOf(' - ');
      if (dash >= 0) rest = rest.slice(dash + 3);
    }
    // docker-modem appends one space after the cause.
    return rest.replace(/ $/, '');
  }
  return text;
}

/**
 * Map anything thrown by dockerode / docker-modem / the socket into an EngineError, keeping
 * the facts the recovery classifier reads: HTTP status, the daemon's raw message (no
 * dockerode prefix), Node's socket error code.
 */
export function toEngineError(err: unknown, operation: EngineOperation, ctx: EngineErrorContext = {}): EngineError {
  if (err instanceof EngineError) {
    if ((ctx.service && !err.facts.service) || (ctx.target && !err.facts.target)) {
      return new EngineError(
        { ...err.facts, service: err.facts.service ?? ctx.service, target: err.facts.target ?? ctx.target },
        { cause: err.cause ?? err },
      );
    }
    return err;
  }
  const facts: EngineErrorFacts = { operation, rawMessage: '' };
  if (ctx.service !== undefined) facts.service = ctx.service;
  if (ctx.target !== undefined) facts.target = ctx.target;
  if (isObject(err)) {
    const e = err as DockerodeLikeError;
    if (typeof e.statusCode === 'number') {
      facts.statusCode = e.statusCode;
      facts.rawMessage = daemonMessage(e, e.statusCode);
    } else {
      facts.rawMessage = typeof e.message === 'string' ? e.message : inspect(err, { breakLength: Infinity });
      // Socket/syscall codes (ENOENT, ECONNREFUSED, EACCES, EAI_AGAIN…), not Node's ERR_* codes.
      if (typeof e.code === 'string' && /^E[A-Z0-9_]+$/.test(e.code) && !e.code.startsWith('ERR_')) {
        facts.syscallCode = e.code;
      }
    }
  } else {
    facts.rawMessage = String(err);
  }
  return new EngineError(facts, { cause: err });
}
