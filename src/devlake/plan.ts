// Apply an attempt plan to a compose project: which host ports to publish.
// Pure. The compose file on disk is never rewritten; only what we ask the engine for changes.

import type { ComposeProject, PortMapping } from '../compose/model.js';
import { BUNDLE_ROLES, DEFAULT_BUNDLE, MYSQL_HOST_PORT, ROLE_CONTAINER_PORT, ROLE_SERVICE, bundleByName, endpointsFor, remapHostPort, type BundleName, type Endpoints } from './ports.js';

export interface PortPlan {
  bundle: BundleName;
  mysqlUnpublished: boolean;
}

/** Service whose published 3306 can be dropped (the stack reaches MySQL on its own network). */
export const MYSQL_SERVICE = 'mysql';

export function applyPortPlan(project: ComposeProject, plan: PortPlan): ComposeProject {
  const to = bundleByName(plan.bundle);
  return {
    ...project,
    services: project.services.map((svc) => {
      let ports: PortMapping[] = svc.ports.map((p) =>
        p.published === undefined ? p : { ...p, published: remapHostPort(p.published, DEFAULT_BUNDLE, to) },
      );
      if (plan.mysqlUnpublished && svc.name === MYSQL_SERVICE) ports = ports.filter((p) => p.published !== MYSQL_HOST_PORT);
      return { ...svc, ports };
    }),
  };
}

/** Host IP the project publishes `port` on ('' → all interfaces), for the probe before a retry. */
export function hostIpOf(project: ComposeProject, port: number): string {
  for (const svc of project.services) for (const p of svc.ports) if (p.published === port) return p.hostIp;
  return '';
}

/** Every published host port of the project, with its host IP and service. */
export function publishedPorts(project: ComposeProject): { port: number; hostIp: string; service: string }[] {
  const out: { port: number; hostIp: string; service: string }[] = [];
  for (const svc of project.services) {
    for (const p of svc.ports) if (p.published !== undefined) out.push({ port: p.published, hostIp: p.hostIp, service: svc.name });
  }
  return out;
}

/**
 * Where each endpoint answers for this plan: the host port the project publishes for the role's
 * container port (a custom compose file may use any), else the bundle's port.
 */
export function endpointsOf(project: ComposeProject | undefined, plan: PortPlan): Endpoints {
  const out = endpointsFor(bundleByName(plan.bundle));
  if (!project) return out;
  const planned = applyPortPlan(project, plan);
  for (const role of BUNDLE_ROLES) {
    const svc = planned.services.find((s) => s.name === ROLE_SERVICE[role]);
    const port = svc?.ports.find((p) => p.target === ROLE_CONTAINER_PORT[role] && p.published !== undefined);
    if (port?.published === undefined) continue;
    const host = port.hostIp === '' || port.hostIp === '0.0.0.0' || port.hostIp === '::' ? 'localhost' : port.hostIp.includes(':') ? `[${port.hostIp}]` : port.hostIp;
    out[role] = `http://${host}:${port.published}`;
  }
  return out;
}
