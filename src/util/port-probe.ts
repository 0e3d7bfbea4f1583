import net from 'node:net';

/**
 * Is host port `port` free on `hostIp`? A real bind test, closed at once.
 * '' and '0.0.0.0' mean all IPv4 interfaces, as Docker binds them.
 */
export function isPortFree(port: number, hostIp = '0.0.0.0'): Promise<boolean> {
  const host = hostIp === '' ? '0.0.0.0' : hostIp === '::' ? '::' : hostIp;
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** The ports among `ports` that are taken. Probed one by one (a handful, each a bind). */
export async function takenPorts(ports: number[], hostIp = '0.0.0.0'): Promise<number[]> {
  const taken: number[] = [];
  for (const p of ports) if (!(await isPortFree(p, hostIp))) taken.push(p);
  return taken;
}
