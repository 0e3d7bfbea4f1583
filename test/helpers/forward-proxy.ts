// TEST ONLY: a REAL forward proxy on loopback — Debian's tinyproxy (tinyproxy-bin, 1.11), the
// kind of HTTP CONNECT proxy enterprise users sit behind — started per test with its own config
// on a free 127.0.0.1 port, in the foreground (-d), its log read from stdout.
// Directives as tinyproxy.conf(5) documents them (https://tinyproxy.github.io/, "tinyproxy.conf"):
//   Port / Listen   where it listens;
//   ConnectPort     the ports CONNECT may reach ("If no ConnectPort line is found, then all ports
//                   are allowed"); any other port is answered "403 Access violation";
//   BasicAuth       user and password a client must send (Proxy-Authorization), else 407;
//   LogLevel Connect  logs every "Request (file descriptor N): CONNECT host:port HTTP/1.1".

import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

const START_DEADLINE_MS = 10_000;

export interface ForwardProxyOptions {
  /** The only ports CONNECT may reach (tinyproxy's ConnectPort); default: every port. */
  connectPorts?: number[];
  /** Require these credentials (tinyproxy's BasicAuth). */
  basicAuth?: { user: string; password: string };
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`: the value of HTTPS_PROXY/HTTP_PROXY. */
  url: string;
  /** The request lines tinyproxy logged so far ("CONNECT 127.0.0.1:43121 HTTP/1.1"), in order. */
  requests(): string[];
  close(): Promise<void>;
}

const REQUEST_LINE = /Request \(file descriptor \d+\): (.+)$/;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

export async function startForwardProxy(opts: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-proxy-'));
  const port = await freePort();
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'MaxClients 20',
    'LogLevel Connect',
    ...(opts.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
    ...(opts.basicAuth ? [`BasicAuth ${opts.basicAuth.user} ${opts.basicAuth.password}`] : []),
    '',
  ];
  const conf = path.join(dir, 'tinyproxy.conf');
  await fs.writeFile(conf, lines.join('\n'));
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const onData = (d: Buffer): void => void (log += d.toString());
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let spawnFailure: Error | undefined;
  void spawnError.then((e) => (spawnFailure = e));

  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && !spawnFailure) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await fs.rm(dir, { recursive: true, force: true });
  };

  // Ready when the port accepts connections, within a bounded time.
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (spawnFailure) {
      await close();
      throw new Error(`cannot run tinyproxy (scripts/ci-setup.sh installs tinyproxy-bin): ${spawnFailure.message}`);
    }
    if (child.exitCode !== null) {
      await close();
      throw new Error(`tinyproxy exited with ${child.exitCode}: ${log}`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`tinyproxy did not listen on 127.0.0.1:${port} within ${START_DEADLINE_MS / 1000} s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // Our own readiness probe is a connection without a request: it is not in requests().
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () =>
      log
        .split('\n')
        .map((l) => REQUEST_LINE.exec(l)?.[1]?.trim())
        .filter((l): l is string => l !== undefined),
    close,
  };
}
