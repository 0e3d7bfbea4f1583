// holdPort(): another process owns the port until released.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { holdPort } from '../../helpers/hold-port.js';
import { freePort } from '../../helpers/free-port.js';

function tryListen(port: number, host: string): Promise<string> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('ok')));
  });
}

describe('holdPort', () => {
  it('holds a port from another pid until released', async () => {
    const port = await freePort();
    const held = await holdPort(port);
    try {
      expect(held.pid).not.toBe(process.pid);
      expect(held.port).toBe(port);
      expect(() => process.kill(held.pid, 0)).not.toThrow();
      expect(await tryListen(port, '0.0.0.0')).toBe('EADDRINUSE');
      expect(await tryListen(port, '127.0.0.1')).toBe('EADDRINUSE');
    } finally {
      await held.release();
    }
    expect(() => process.kill(held.pid, 0)).toThrow();
    expect(await tryListen(port, '0.0.0.0')).toBe('ok');
    await held.release();
  });

  it('can answer HTTP like a foreign server, on a loopback host', async () => {
    const held = await holdPort(0, '127.0.0.1', { mode: 'http' });
    try {
      expect(held.port).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${held.port}/ping`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('not devlake');
    } finally {
      await held.release();
    }
  });

  it('fails fast when the port is already taken', async () => {
    const held = await holdPort(0, '127.0.0.1');
    try {
      await expect(holdPort(held.port, '127.0.0.1', { timeoutMs: 5_000 })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await held.release();
    }
  });
});
