// The bench publishes DevLake's well-known host ports, which other people's test runs use too.
// Before a run it waits (bounded) until none of its ports is taken: no listening socket on the
// host (read from /proc/net, without binding anything ourselves, so we never steal a port from
// someone's starting container) and no container about to publish one.

import { promises as fs } from 'node:fs';
import type Docker from 'dockerode';
import { sleep } from './clock.js';

const LISTEN = '0A';

/** TCP ports with a listening socket on this host (IPv4 and IPv6). */
export async function listeningPorts(): Promise<Set<number>> {
  const out = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== LISTEN) continue;
      const port = parseInt(cols[1]?.split(':').pop() ?? '', 16);
      if (Number.isFinite(port)) out.add(port);
    }
  }
  return out;
}

/** Host ports that containers publish or are about to (created but not started yet). */
async function containerPorts(docker: Docker): Promise<Set<number>> {
  const out = new Set<number>();
  const list = await docker.listContainers({ all: true });
  for (const c of list) {
    for (const p of c.Ports ?? []) if (p.PublicPort) out.add(p.PublicPort);
    if (c.State === 'created' || c.State === 'restarting') {
      const info = await docker
        .getContainer(c.Id)
        .inspect()
        .catch(() => undefined);
      const portBindings = (info?.HostConfig?.PortBindings ?? {}) as Record<string, { HostPort?: string }[] | null>;
      for (const bindings of Object.values(portBindings)) {
        for (const b of bindings ?? []) if (b.HostPort) out.add(Number(b.HostPort));
      }
    }
  }
  return out;
}

/** The subset of `ports` that is taken right now. */
export async function busyPorts(docker: Docker, ports: readonly number[]): Promise<number[]> {
  const [listening, published] = await Promise.all([listeningPorts(), containerPorts(docker)]);
  return ports.filter((p) => listening.has(p) || published.has(p));
}

/**
 * Wait until every port is free for `settleMs` in a row, at most `timeoutMs`. Returns the ports
 * still busy at the deadline ([] = quiet).
 */
export async function waitQuiet(
  docker: Docker,
  ports: readonly number[],
  opts: { timeoutMs: number; settleMs?: number; onWait?: (busy: number[]) => void },
): Promise<number[]> {
  const deadline = Date.now() + opts.timeoutMs;
  const settleMs = opts.settleMs ?? 500;
  let quietSince: number | undefined;
  let announced = false;
  for (;;) {
    const busy = await busyPorts(docker, ports);
    const now = Date.now();
    if (busy.length === 0) {
      quietSince ??= now;
      if (now - quietSince >= settleMs) return [];
    } else {
      quietSince = undefined;
      if (!announced) {
        announced = true;
        opts.onWait?.(busy);
      }
      if (now >= deadline) return busy;
    }
    await sleep(busy.length === 0 ? 100 : 500);
  }
}
