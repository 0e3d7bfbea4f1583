// Every `com.docker.compose.*` label we read or write. The only place these names live
// (DEVELOPERS.md: "compose labels: src/engine/labels.ts"). Containers, networks and volumes
// we create carry exactly the labels Docker Compose v2 writes, so `docker compose ps/down`
// and Docker Desktop see our project as a compose project, and we see theirs.

export const LABEL_PROJECT = 'com.docker.compose.project';
export const LABEL_SERVICE = 'com.docker.compose.service';
export const LABEL_CONTAINER_NUMBER = 'com.docker.compose.container-number';
/** 'False' for service containers, 'True' for `compose run` one-offs (title-cased, a Compose v1 legacy v2 kept). */
export const LABEL_ONEOFF = 'com.docker.compose.oneoff';
export const LABEL_WORKING_DIR = 'com.docker.compose.project.working_dir';
/** Comma-joined absolute paths of the compose files. */
export const LABEL_CONFIG_FILES = 'com.docker.compose.project.config_files';
export const LABEL_CONFIG_HASH = 'com.docker.compose.config-hash';
/** Comma-joined `service:condition:restart`, e.g. `mysql:service_started:false`. */
export const LABEL_DEPENDS_ON = 'com.docker.compose.depends_on';
export const LABEL_VERSION = 'com.docker.compose.version';
/** On networks: the network's short name in the compose file (`default`). */
export const LABEL_NETWORK = 'com.docker.compose.network';
/** On volumes: the volume's short name in the compose file. */
export const LABEL_VOLUME = 'com.docker.compose.volume';
/** On containers: the ID (sha256:…) of the image the container was created from. */
export const LABEL_IMAGE = 'com.docker.compose.image';

/**
 * Value of `com.docker.compose.version`. Compose writes its own release version there; we are
 * not Compose, but tools (Docker Desktop, `docker compose ls/ps`) only read the label to know
 * the resource is compose-managed, and some of them compare it against minimum versions. We
 * write a real, recent Compose v2 release string (2.29.0, mid-2024, the behaviour we mimic:
 * `<project>-<service>-1` names, `<project>_default` network, depends_on label format) rather
 * than our own version, which would look like an ancient Compose 0.x to such tools.
 */
export const COMPOSE_VERSION = '2.29.0';

export const ONEOFF_FALSE = 'False';
export const DEFAULT_NETWORK_KEY = 'default';

/** `label=` filter values for the Engine's list endpoints. */
export function labelFilter(name: string, value?: string): string {
  return value === undefined ? name : `${name}=${value}`;
}

/** The filter `docker compose ps` uses: the project's service containers (not one-offs). */
export function projectContainerFilters(project: string, service?: string): { label: string[] } {
  const label = [labelFilter(LABEL_PROJECT, project), labelFilter(LABEL_ONEOFF, ONEOFF_FALSE)];
  if (service !== undefined) label.push(labelFilter(LABEL_SERVICE, service));
  return { label };
}

/** Filter for the project's networks and volumes. */
export function projectFilters(project: string): { label: string[] } {
  return { label: [labelFilter(LABEL_PROJECT, project)] };
}
