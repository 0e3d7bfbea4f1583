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
 * container port (a custom compose file may use any), else the bundle's port. (`status` asks only
 * what the containers publish: src/devlake/stack-status.ts. The deploy's health wait still falls
 * back to the bundle port; the reliability tests' host stand-ins depend on it — issue 18 case 5
 * for the deploy is left open.)
 */
export function endpointsOf(project: ComposeProject | undefined, plan: PortPlan): Partial<Endpoints> {
  const out: Partial<Endpoints> = endpointsFor(bundleByName(plan.bundle));
  if (!project) return out;
  const planned = applyPortPlan(project, plan);
  for (const role of BUNDLE_ROLES) {
    const svc = planned.services.find((s) => s.name === ROLE_SERVICE[role]);
    const port = svc?.ports.find((p) => p.target === ROLE_CONTAINER_PORT[role] && p.published !== undefined);
    if (port?.published === undefined) continue;
    out[role] = hostUrl(port.hostIp, port.published);
  }
  return out;
}

/** The URL a published port answers on from this machine ('', 0.0.0.0 and :: → localhost). */
export function hostUrl(hostIp: string, port: number): string {
  const host = hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::' ? 'localhost' : hostIp.includes(':') ? `[${hostIp}]` : hostIp;
  return `http://${host}:${port}`;
}
