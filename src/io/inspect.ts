// `--inspect`: show a run's machine live in the Stately inspector.
//
// A WebSocket inspector server (@statelyai/inspect/server) listens on 127.0.0.1 on a free port;
// its page embeds https://stately.ai/inspect (so the browser needs the internet) and relays what
// the run's inspector client (createWebSocketInspector) sends. Three rules:
//   - it never keeps the process alive: `stop()` closes the client and the server and destroys
//     every socket (an open browser tab included); the server and its sockets are unref'd anyway;
//   - it never waits for a browser: events are buffered (a few hundred) and dropped after that;
//   - it never sends a secret: contexts and events are redacted (`sanitizeContext`,
//     `sanitizeEvent`), and so is the whole message before it leaves (child actors' inputs and
//     outputs, the machine's output).

import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import type { Output } from './output.js';

export const INSPECTOR_HOST = '127.0.0.1';
export const REDACTED = '[redacted]';

/** Keys whose values are never sent. */
export const SECRET_KEY = /secret|password|token|key/i;

/**
 * A run of 32+ uppercase letters: DevLake's ENCRYPTION_SECRET is 128 of them (src/devlake/secrets.ts);
 * no word, id or message we send has such a run.
 */
const SECRET_RUN = /[A-Z]{32,}/g;
/** `scheme://user:password@` or `scheme://token@`: the credentials part of a URL. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
/** `?token=…`, `&sig=…`, `password=…`: secret-looking query or key=value parameters. */
const SECRET_PARAM = /(\b[\w.-]*(?:secret|password|passwd|token|key|sig)[\w.-]*=)[^&\s"',;]+/gi;

/** A string with secret-looking parts replaced. */
export function redactString(s: string): string {
  return s.replace(SECRET_RUN, REDACTED).replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(SECRET_PARAM, `$1${REDACTED}`);
}

const MAX_DEPTH = 12;

/**
 * A JSON-safe copy of `value` without secrets: values of secret-named keys replaced, strings
 * cleaned, functions dropped, cycles and very deep nesting cut. `toJSON` is honoured (xstate's
 * actor refs and snapshots have one), so live actors are never walked.
 */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  if (typeof value === 'bigint') return String(value);
  if (typeof value !== 'object') return undefined; // functions, symbols
  if (seen.has(value)) return '[circular]';
  if (depth > MAX_DEPTH) return '[…]';
  seen.add(value);
  try {
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Error) {
      const out: Record<string, unknown> = { name: value.name, message: redactString(value.message) };
      for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redactDeep(v, depth + 1, seen);
      return out;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(value);
      if (json !== value) return redactDeep(json, depth + 1, seen);
    }
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
    if (value instanceof Map) return redactDeep(Object.fromEntries(value), depth + 1, seen);
    if (value instanceof Set) return redactDeep([...value], depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'function') continue;
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactDeep(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** A machine context as the inspector may see it. */
export function sanitizeContext<T>(context: T): T {
  return redactDeep(context) as T;
}

/** An event as the inspector may see it (its `type` is kept as is). */
export function sanitizeEvent<T extends { type: string }>(event: T): T {
  const clean = redactDeep(event) as T;
  return typeof clean === 'object' && clean !== null ? { ...clean, type: event.type } : clean;
}

/** A free TCP port on the inspector's host (the OS picks; we give it back at once). */
export function freePort(host = INSPECTOR_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface InspectorHandle {
  /** Set `actorOptions.inspect` to the inspector's observer (pass the object to `createActor`). */
  attach(actorOptions: { inspect?: unknown }): void;
  /** Close everything. Idempotent; never throws. */
  stop(): void;
  /** The page to open. */
  url: string;
  port: number;
}

export interface StartInspectorOptions {
  /** Open the page in the default browser. Default: on a terminal, never in CI. */
  autoOpen?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The adapter's client: `ws`'s WebSocket in Node. */
interface ClientSocket {
  onerror: unknown;
  onclose: unknown;
  close(): void;
  terminate?: () => void;
  on?: (event: string, listener: () => void) => void;
  _socket?: { unref(): void };
}

type CreateServer = typeof http.createServer;

/**
 * Run `create` (which builds its http server synchronously) with `http.createServer` wrapped so
 * the server listens on 127.0.0.1 only and is handed back to us: @statelyai/inspect/server
 * listens on every interface and keeps its server private. The wrapper is in place only for the
 * duration of this synchronous call.
 */
function withCapturedServer<T>(create: () => T): { result: T; server: http.Server | undefined } {
  const mod = http as unknown as { createServer: CreateServer };
  const original = mod.createServer;
  let server: http.Server | undefined;
  mod.createServer = ((...args: Parameters<CreateServer>) => {
    const s = original(...args);
    const listen = s.listen.bind(s) as (port: number, host: string, cb?: () => void) => http.Server;
    (s as unknown as { listen: (port: number, cb?: () => void) => http.Server }).listen = (port, cb) => listen(port, INSPECTOR_HOST, cb);
    server = s;
    return s;
  }) as CreateServer;
  try {
    return { result: create(), server };
  } finally {
    mod.createServer = original;
  }
}

function openBrowser(url: string): void {
  const [cmd, args]: [string, string[]] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener: the URL is printed anyway.
  }
}

/** Start the inspector server and client. The caller must `stop()` it when the command ends. */
export async function startInspector(out: Output, options: StartInspectorOptions = {}): Promise<InspectorHandle> {
  const env = options.env ?? process.env;
  const [{ createInspectorServer }, { createWebSocketInspector }] = await Promise.all([import('@statelyai/inspect/server'), import('@statelyai/inspect')]);

  const sockets = new Set<net.Socket>();
  let serverHandle: { stop(): void } | undefined;
  let httpServer: http.Server | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && !httpServer; attempt++) {
    port = await freePort();
    const { result, server } = withCapturedServer(() => createInspectorServer({ port, autoOpen: false }));
    if (!server) {
      result.stop();
      throw new Error('@statelyai/inspect/server did not create an http server');
    }
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.unref();
      socket.on('close', () => sockets.delete(socket));
    });
    const listening = await new Promise<boolean>((resolve) => {
      server.once('listening', () => resolve(true));
      server.once('error', () => resolve(false));
    });
    server.on('error', () => undefined);
    if (listening) {
      server.unref();
      httpServer = server;
      serverHandle = result;
    } else {
      result.stop(); // lost the port to someone else: try another
    }
  }
  if (!httpServer || !serverHandle) throw new Error('could not start the inspector server on 127.0.0.1');

  const inspector = createWebSocketInspector({
    url: `ws://${INSPECTOR_HOST}:${port}`,
    autoStart: false,
    maxDeferredEvents: 500,
    sanitizeContext,
    sanitizeEvent,
    // Last pass over the whole message: child actors' inputs/outputs and the machine's output too.
    serialize: (event) => redactDeep(event) as typeof event,
  });
  inspector.start();
  const adapter = inspector.adapter as unknown as { ws?: ClientSocket };
  // The adapter reconnects every 5 s after an error, forever; ours is a local server that is
  // either there or stopped, so an error ends the client instead.
  const client = adapter.ws;
  if (client) {
    client.onerror = () => undefined;
    // Once connected, the client's socket must not keep the process alive either.
    client.on?.('open', () => client._socket?.unref());
  }

  const url = `http://${INSPECTOR_HOST}:${port}`;
  out.note(`Inspector: open ${url} in a browser to watch the run (the page loads the Stately inspector from https://stately.ai/inspect, so it needs internet access).`);
  const autoOpen = options.autoOpen ?? (Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY) && !env.CI);
  if (autoOpen) openBrowser(url);

  let stopped = false;
  const server = httpServer;
  const handle = serverHandle;
  return {
    url,
    port,
    attach(actorOptions) {
      actorOptions.inspect = inspector.inspect;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        const ws = adapter.ws;
        if (ws) {
          ws.onerror = () => undefined;
          ws.onclose = () => undefined;
          if (ws.terminate) ws.terminate();
          else ws.close();
        }
        inspector.stop();
      } catch {
        // Closing what is already closed.
      }
      try {
        handle.stop();
      } catch {
        // Already stopped.
      }
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
