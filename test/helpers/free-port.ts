// A loopback TCP port nothing listens on, for a test: bind 127.0.0.1 port 0, read it, close.
// Never one of DevLake's well-known host ports (src/devlake/ports.ts), which other tests publish.

import net from 'node:net';
import { ALTERNATE_BUNDLE, DEFAULT_BUNDLE, MYSQL_HOST_PORT, bundlePorts } from '../../src/devlake/ports.js';

const WELL_KNOWN = new Set([...bundlePorts(DEFAULT_BUNDLE), ...bundlePorts(ALTERNATE_BUNDLE), MYSQL_HOST_PORT]);
const ATTEMPTS = 100;

function bindAndClose(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A free high port (>= 10000, not well-known), at most ATTEMPTS tries. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = await bindAndClose();
    if (port >= 10_000 && !WELL_KNOWN.has(port)) return port;
  }
  throw new Error(`no free high port on 127.0.0.1 after ${ATTEMPTS} tries`);
}
