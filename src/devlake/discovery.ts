// Find a running DevLake on this machine: the recorded bundle first, then both well-known bundles.

import { BUNDLES, bundleByName, endpointsFor, type BundleName, type Endpoints } from './ports.js';
import { MIGRATION_GATED_PATH, probeHttp } from './probe.js';

export interface EndpointHealth {
  name: 'backend' | 'grafana' | 'configUi';
  url: string;
  healthy: boolean;
  /** 'migrating': the backend answers /ping, but its API answers 428 (the database migration waits or runs). */
  state: 'healthy' | 'migrating' | 'unhealthy';
  status?: number;
  error?: string;
}

/** Where each endpoint is asked whether it is healthy. */
const HEALTH_PATH: Record<EndpointHealth['name'], string> = { backend: '/ping', grafana: '/api/health', configUi: '/' };

export async function checkEndpoints(endpoints: Partial<Endpoints>, timeoutMs = 2000): Promise<EndpointHealth[]> {
  const names = (['backend', 'grafana', 'configUi'] as const).filter((n) => typeof endpoints[n] === 'string' && endpoints[n] !== '');
  return Promise.all(
    names.map(async (name) => {
      const url = endpoints[name] as string;
      const base = url.replace(/\/+$/, '');
      // The backend's /ping answers 200 while the migration is pending; a route behind the 428 gate tells.
      const [p, gated] = await Promise.all([
        probeHttp(base + HEALTH_PATH[name], timeoutMs),
        name === 'backend' ? probeHttp(base + MIGRATION_GATED_PATH, timeoutMs) : undefined,
      ]);
      const up = p.status !== undefined && p.status < 400;
      const migrating = up && gated?.status === 428;
      const h: EndpointHealth = { name, url, healthy: up && !migrating, state: migrating ? 'migrating' : up ? 'healthy' : 'unhealthy' };
      if (migrating) {
        h.status = 428;
        return h;
      }
      if (p.status !== undefined) h.status = p.status;
      if (p.error !== undefined) h.error = p.error;
      return h;
    }),
  );
}

/** The order bundles are probed in: the recorded one first. */
export function discoveryOrder(recorded?: BundleName): BundleName[] {
  const names = BUNDLES.map((b) => b.name);
  return recorded ? [recorded, ...names.filter((n) => n !== recorded)] : names;
}

/** The first bundle whose backend answers /ping, or undefined. */
export async function discoverLocal(recorded?: BundleName, timeoutMs = 1500): Promise<{ bundle: BundleName; endpoints: Endpoints } | undefined> {
  // Every bundle is asked at once (the answer is the first in order that answered), so nothing
  // deployed costs one round of refused connects, not one per bundle.
  const candidates = discoveryOrder(recorded).map((name) => ({ name, endpoints: endpointsFor(bundleByName(name)) }));
  const probes = await Promise.all(candidates.map((c) => probeHttp(`${c.endpoints.backend}/ping`, timeoutMs)));
  const found = candidates.find((_, i) => probes[i]?.status === 200);
  return found ? { bundle: found.name, endpoints: found.endpoints } : undefined;
}
