// The two local port bundles. The only place these numbers live.

export type BundleName = 'default' | 'alternate';
export type BundleRole = 'backend' | 'grafana' | 'configUi';

export interface PortBundle {
  name: BundleName;
  backend: number;
  grafana: number;
  configUi: number;
}

export const DEFAULT_BUNDLE: PortBundle = Object.freeze({ name: 'default', backend: 8080, grafana: 3002, configUi: 4000 });
export const ALTERNATE_BUNDLE: PortBundle = Object.freeze({ name: 'alternate', backend: 8085, grafana: 3004, configUi: 4004 });
export const BUNDLES: readonly PortBundle[] = [DEFAULT_BUNDLE, ALTERNATE_BUNDLE];

/** MySQL's published port in the release compose files. The stack itself does not need it on the host. */
export const MYSQL_HOST_PORT = 3306;

export const BUNDLE_ROLES: readonly BundleRole[] = ['backend', 'grafana', 'configUi'];
export const ROLE_LABEL: Record<BundleRole, string> = { backend: 'backend', grafana: 'grafana', configUi: 'config UI' };

/** Compose service that serves each role in DevLake's compose files. */
export const ROLE_SERVICE: Record<BundleRole, string> = { backend: 'devlake', grafana: 'grafana', configUi: 'config-ui' };

/** The container port each role listens on in DevLake's images. */
export const ROLE_CONTAINER_PORT: Record<BundleRole, number> = { backend: 8080, grafana: 3000, configUi: 4000 };

export function bundleByName(name: BundleName): PortBundle {
  return name === 'alternate' ? ALTERNATE_BUNDLE : DEFAULT_BUNDLE;
}

export function bundlePorts(b: PortBundle): number[] {
  return [b.backend, b.grafana, b.configUi];
}

/** Which role and bundle a host port belongs to, if any. */
export function roleOfPort(port: number): { bundle: PortBundle; role: BundleRole } | undefined {
  for (const bundle of BUNDLES) {
    for (const role of BUNDLE_ROLES) if (bundle[role] === port) return { bundle, role };
  }
  return undefined;
}

/**
 * Host-port remapping from one bundle to another: 8080→8085, 3002→3004, 4000→4004.
 * Ports outside the bundle map to themselves. Container ports are never touched.
 */
export function remapHostPort(port: number, from: PortBundle, to: PortBundle): number {
  for (const role of BUNDLE_ROLES) if (from[role] === port) return to[role];
  return port;
}

export interface Endpoints {
  backend: string;
  grafana: string;
  configUi: string;
}

export function endpointsFor(b: PortBundle, host = 'localhost'): Endpoints {
  return {
    backend: `http://${host}:${b.backend}`,
    grafana: `http://${host}:${b.grafana}`,
    configUi: `http://${host}:${b.configUi}`,
  };
}
