// Every key of the Compose Specification (compose-spec/compose-spec, spec.md and
// schema/compose-spec.json, vendored in ./schema/), in one of three classes:
//   implemented — it reaches the engine as Compose v2 would make it (the note says where);
//   rejected    — the loader stops before anything is created, at the key, saying what to do instead;
//   ignored     — a warning; only for keys that change nothing on one local engine (Swarm, build
//                 caches, `compose watch`, metadata). Never for data, identity, networking or order.
// A key's children follow it unless listed: a rejected or ignored key is never descended into.
// The loader walks the file against this table (checkKeys below); test/unit/compose/keys.test.ts
// proves that every key of the schema is classified; docs/compose.md is generated from it.
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import type { YamlPath } from './interpolate.js';

export type KeyClass = 'implemented' | 'rejected' | 'ignored';

export interface KeyRule {
  /** Dotted path; `*` is any name of a named mapping (services.*, volumes.*), `[]` any list item. */
  readonly path: string;
  readonly class: KeyClass;
  /** implemented: what it becomes; rejected: what to do instead; ignored: why it has no effect. */
  readonly note: string;
}

const rules: KeyRule[] = [];
const impl = (path: string, note: string): void => void rules.push({ path, class: 'implemented', note });
const reject = (path: string, note: string): void => void rules.push({ path, class: 'rejected', note });
const ignore = (path: string, note: string): void => void rules.push({ path, class: 'ignored', note });

const S = 'services.*';
const SWARM = 'Swarm only; one local engine has no nodes, rollouts or service endpoints';

// ---- top level ----
impl('version', 'accepted and not used: obsolete (Compose v2 ignores it too)');
impl('name', 'the project name (after --project-name and COMPOSE_PROJECT_NAME)');
reject('include', 'pass the included file as another compose file instead, or copy its services into this one');
reject('models', 'AI models need Docker Model Runner; run the model as an ordinary service');
impl('services', 'one container per service');
impl(S, 'a service');

// ---- services: identity, image, process ----
impl(`${S}.image`, 'Image (pulled when missing)');
impl(`${S}.build`, 'built through the engine\'s /build; the image is labelled with a hash of context and Dockerfile and not rebuilt when they did not change');
impl(`${S}.build.context`, 'the build context (a local directory)');
impl(`${S}.build.dockerfile`, 'dockerfile');
impl(`${S}.build.args`, 'buildargs');
impl(`${S}.build.target`, 'target');
impl(`${S}.build.labels`, 'labels of the built image');
impl(`${S}.build.network`, 'networkmode of the build');
impl(`${S}.build.shm_size`, 'shmsize of the build');
impl(`${S}.build.extra_hosts`, 'extrahosts of the build');
ignore(`${S}.build.cache_from`, 'a build cache source; the image built is the same');
ignore(`${S}.build.cache_to`, 'a build cache export; the image built is the same');
ignore(`${S}.build.no_cache`, 'rebuilds reuse no cache; the image built is the same');
ignore(`${S}.build.provenance`, 'attestations are BuildKit metadata pushed to registries');
ignore(`${S}.build.sbom`, 'attestations are BuildKit metadata pushed to registries');
reject(`${S}.build.pull`, 'pull the base image yourself before deploying (a fresh base image changes the build)');
reject(`${S}.build.dockerfile_inline`, 'write the Dockerfile into the build context and name it with build.dockerfile');
reject(`${S}.build.entitlements`, 'BuildKit entitlements are not available through the engine\'s /build; build the image yourself and use image:');
reject(`${S}.build.ssh`, 'SSH forwarding needs BuildKit; build the image yourself and use image:');
reject(`${S}.build.secrets`, 'build secrets need BuildKit; build the image yourself and use image:');
reject(`${S}.build.additional_contexts`, 'additional contexts need BuildKit; build the image yourself and use image:');
reject(`${S}.build.isolation`, 'Windows containers only; remove it');
reject(`${S}.build.privileged`, 'privileged builds need BuildKit; build the image yourself and use image:');
reject(`${S}.build.tags`, 'tag the image yourself after deploying (docker tag)');
reject(`${S}.build.ulimits`, 'build the image yourself with those limits and use image:');
reject(`${S}.build.platforms`, 'multi-platform builds need BuildKit; set the service\'s platform: instead');
impl(`${S}.command`, 'Cmd (a string is split like a shell)');
impl(`${S}.entrypoint`, 'Entrypoint');
impl(`${S}.environment`, 'Env; a key without a value takes the value from the environment, and is left out when unset (like Compose)');
impl(`${S}.env_file`, 'Env, overridden by environment');
impl(`${S}.env_file[].path`, 'the env file');
impl(`${S}.env_file[].required`, 'a missing optional file is skipped');
reject(`${S}.env_file[].format`, 'remove format: only the default (dotenv) format is read');
reject(`${S}.label_file`, 'move the labels into labels:');
impl(`${S}.labels`, 'Labels (com.docker.compose.* win)');
impl(`${S}.container_name`, 'the container name');
impl(`${S}.hostname`, 'Hostname');
impl(`${S}.domainname`, 'Domainname');
impl(`${S}.user`, 'User');
impl(`${S}.working_dir`, 'WorkingDir');
impl(`${S}.tty`, 'Tty (a terminal)');
impl(`${S}.stdin_open`, 'OpenStdin');
impl(`${S}.init`, 'HostConfig.Init');
impl(`${S}.stop_signal`, 'StopSignal');
impl(`${S}.stop_grace_period`, 'StopTimeout, and the grace period when stopping');
impl(`${S}.platform`, 'the platform of the pull/build and of the create');
impl(`${S}.profiles`, 'the service runs only when one of its profiles is active (COMPOSE_PROFILES, comma-separated; `*` for all)');
impl(`${S}.extends`, 'the service is merged onto the one it extends (same file or another file)');
impl(`${S}.extends.service`, 'the service extended');
impl(`${S}.extends.file`, 'the file holding it, relative to this file');
impl(`${S}.pull_policy`, 'missing / if_not_present (the default: pull when absent), never (the image must be present), build (always build); always, refresh, daily, weekly and every_* are rejected: pull by hand, then deploy');
reject(`${S}.pull_refresh_after`, 'remove it: gh-devlake pulls an image only when it is missing; pull by hand to refresh it');
ignore(`${S}.develop`, 'used by `docker compose watch` only; `up` does not read it');
ignore(`${S}.attach`, 'which logs `docker compose up` attaches to; gh-devlake runs detached');
reject(`${S}.annotations`, 'OCI annotations are not set through the engine API here; use labels:');
reject(`${S}.provider`, 'provider services are run by a Compose plugin; run the provider yourself');
reject(`${S}.post_start`, 'run the command from the entrypoint instead');
reject(`${S}.pre_stop`, 'trap SIGTERM in the entrypoint instead');
reject(`${S}.scale`, 'one container per service: remove scale, or define one service per replica');
reject(`${S}.runtime`, 'remove it: only the engine\'s default runtime is used');
reject(`${S}.isolation`, 'Windows containers only; remove it');
reject(`${S}.credential_spec`, 'Windows containers only; remove it');
reject(`${S}.use_api_socket`, 'mount /var/run/docker.sock explicitly instead');
reject(`${S}.models`, 'AI models need Docker Model Runner; run the model as an ordinary service and pass its address in environment:');
reject(`${S}.gpus`, 'GPU devices are not requested through gh-devlake; remove it');

// ---- services: start order and health ----
impl(`${S}.depends_on`, 'start order; com.docker.compose.depends_on');
impl(`${S}.depends_on.*`, 'a dependency');
impl(`${S}.depends_on.*.condition`, 'service_started, service_healthy (waits on the engine\'s health status), service_completed_successfully (waits for exit 0)');
impl(`${S}.depends_on.*.required`, 'a dependency that is not part of the project is dropped with a warning');
ignore(`${S}.depends_on.*.restart`, 'restarts a dependant when `docker compose restart` restarts the dependency; gh-devlake has no restart verb, and `up` recreates dependants whose config changed');
impl(`${S}.healthcheck`, 'Healthcheck (the engine runs it)');
impl(`${S}.healthcheck.test`, 'Healthcheck.Test');
impl(`${S}.healthcheck.interval`, 'Healthcheck.Interval');
impl(`${S}.healthcheck.timeout`, 'Healthcheck.Timeout');
impl(`${S}.healthcheck.retries`, 'Healthcheck.Retries');
impl(`${S}.healthcheck.start_period`, 'Healthcheck.StartPeriod');
impl(`${S}.healthcheck.start_interval`, 'Healthcheck.StartInterval');
impl(`${S}.healthcheck.disable`, 'Healthcheck.Test ["NONE"]');
impl(`${S}.restart`, 'HostConfig.RestartPolicy (on-failure:N sets MaximumRetryCount)');

// ---- services: networking ----
impl(`${S}.ports`, 'ExposedPorts and HostConfig.PortBindings');
impl(`${S}.ports[].target`, 'the container port');
impl(`${S}.ports[].published`, 'the host port (or range)');
impl(`${S}.ports[].host_ip`, 'HostIp');
impl(`${S}.ports[].protocol`, 'tcp or udp');
ignore(`${S}.ports[].mode`, 'host and ingress publish the same way on one engine (ingress is Swarm\'s routing mesh)');
ignore(`${S}.ports[].name`, 'a human-readable name; Compose does not pass it to the engine');
ignore(`${S}.ports[].app_protocol`, 'metadata; Compose does not pass it to the engine');
impl(`${S}.expose`, 'ExposedPorts');
impl(`${S}.network_mode`, 'HostConfig.NetworkMode (host, none, bridge, service:NAME, container:NAME)');
impl(`${S}.networks`, 'the networks the container joins (default: the project\'s default network)');
impl(`${S}.networks.*`, 'a network joined');
impl(`${S}.networks.*.aliases`, 'EndpointsConfig.Aliases');
impl(`${S}.networks.*.ipv4_address`, 'EndpointsConfig.IPAMConfig.IPv4Address');
reject(`${S}.networks.*.ipv6_address`, 'remove it: the engine assigns IPv6 addresses');
reject(`${S}.networks.*.interface_name`, 'remove it: the engine names the interface');
reject(`${S}.networks.*.link_local_ips`, 'remove it');
reject(`${S}.networks.*.mac_address`, 'remove it: the engine assigns the MAC address');
reject(`${S}.networks.*.driver_opts`, 'remove it');
reject(`${S}.networks.*.priority`, 'remove it: the networks are joined in file order');
reject(`${S}.networks.*.gw_priority`, 'remove it: the networks are joined in file order');
impl(`${S}.extra_hosts`, 'HostConfig.ExtraHosts');
impl(`${S}.dns`, 'HostConfig.Dns');
impl(`${S}.dns_search`, 'HostConfig.DnsSearch');
impl(`${S}.dns_opt`, 'HostConfig.DnsOptions');
reject(`${S}.links`, 'remove links: every service reaches the others by name on the project network');
reject(`${S}.external_links`, 'attach the other container to a network this service uses (networks: with external: true)');
reject(`${S}.mac_address`, 'remove it: the engine assigns the MAC address');

// ---- services: storage ----
impl(`${S}.volumes`, 'HostConfig.Binds (bind mounts, so a missing host directory is created) and HostConfig.Mounts');
impl(`${S}.volumes[].type`, 'bind, volume or tmpfs');
impl(`${S}.volumes[].source`, 'the host path or volume name');
impl(`${S}.volumes[].target`, 'the container path');
impl(`${S}.volumes[].read_only`, 'ReadOnly');
ignore(`${S}.volumes[].consistency`, 'a Docker Desktop for Mac hint; Linux engines ignore it');
impl(`${S}.volumes[].bind`, 'bind options');
impl(`${S}.volumes[].bind.propagation`, 'BindOptions.Propagation');
impl(`${S}.volumes[].bind.create_host_path`, 'true: a missing host directory is created (Binds); false: it is an error (Mounts)');
impl(`${S}.volumes[].bind.selinux`, 'the :z / :Z bind option');
reject(`${S}.volumes[].bind.recursive`, 'remove it: the engine\'s default recursive read-only handling is used');
impl(`${S}.volumes[].volume`, 'volume options');
impl(`${S}.volumes[].volume.nocopy`, 'VolumeOptions.NoCopy');
impl(`${S}.volumes[].volume.subpath`, 'VolumeOptions.Subpath');
reject(`${S}.volumes[].volume.labels`, 'put the labels on the top-level volume instead');
impl(`${S}.volumes[].tmpfs`, 'tmpfs options');
impl(`${S}.volumes[].tmpfs.size`, 'TmpfsOptions.SizeBytes');
impl(`${S}.volumes[].tmpfs.mode`, 'TmpfsOptions.Mode');
reject(`${S}.volumes[].image`, 'image mounts need Docker 28; copy the files into a volume instead');
impl(`${S}.tmpfs`, 'HostConfig.Tmpfs');
reject(`${S}.volumes_from`, 'mount the same named volumes in this service instead');
impl(`${S}.secrets`, 'file-based secrets, bind-mounted read-only at /run/secrets/<target>');
impl(`${S}.secrets[].source`, 'the secret');
impl(`${S}.secrets[].target`, 'the file name under /run/secrets (or an absolute path)');
reject(`${S}.secrets[].uid`, 'remove it: a bind-mounted secret keeps its file\'s owner (Compose does the same for file secrets)');
reject(`${S}.secrets[].gid`, 'remove it: a bind-mounted secret keeps its file\'s group');
reject(`${S}.secrets[].mode`, 'set the mode on the file itself');
impl(`${S}.configs`, 'file-based configs, bind-mounted read-only at /<target>');
impl(`${S}.configs[].source`, 'the config');
impl(`${S}.configs[].target`, 'the path in the container (default /<name>)');
reject(`${S}.configs[].uid`, 'remove it: a bind-mounted config keeps its file\'s owner');
reject(`${S}.configs[].gid`, 'remove it: a bind-mounted config keeps its file\'s group');
reject(`${S}.configs[].mode`, 'set the mode on the file itself');

// ---- services: privileges and limits ----
impl(`${S}.privileged`, 'HostConfig.Privileged');
impl(`${S}.cap_add`, 'HostConfig.CapAdd');
impl(`${S}.cap_drop`, 'HostConfig.CapDrop');
impl(`${S}.security_opt`, 'HostConfig.SecurityOpt');
impl(`${S}.read_only`, 'HostConfig.ReadonlyRootfs');
impl(`${S}.shm_size`, 'HostConfig.ShmSize');
impl(`${S}.ulimits`, 'HostConfig.Ulimits');
impl(`${S}.sysctls`, 'HostConfig.Sysctls');
impl(`${S}.group_add`, 'HostConfig.GroupAdd');
impl(`${S}.logging`, 'HostConfig.LogConfig');
impl(`${S}.logging.driver`, 'LogConfig.Type');
impl(`${S}.logging.options`, 'LogConfig.Config');
impl(`${S}.mem_limit`, 'HostConfig.Memory');
impl(`${S}.cpus`, 'HostConfig.NanoCpus');
impl(`${S}.pids_limit`, 'HostConfig.PidsLimit');
reject(`${S}.pid`, 'remove pid: containers get their own PID namespace');
reject(`${S}.ipc`, 'remove ipc: containers get the engine\'s default IPC mode');
reject(`${S}.devices`, 'remove devices: host devices are not passed to containers by gh-devlake');
for (const key of ['blkio_config', 'cgroup', 'cgroup_parent', 'cpu_count', 'cpu_percent', 'cpu_shares', 'cpu_quota', 'cpu_period', 'cpu_rt_period', 'cpu_rt_runtime', 'cpuset', 'device_cgroup_rules', 'mem_reservation', 'mem_swappiness', 'memswap_limit', 'oom_kill_disable', 'oom_score_adj', 'storage_opt', 'userns_mode', 'uts']) {
  reject(`${S}.${key}`, `remove ${key}: this resource setting is not passed to the engine by gh-devlake (mem_limit, cpus and pids_limit are)`);
}

// ---- services: deploy (Swarm's section; Compose v2 maps a few keys onto the container) ----
impl(`${S}.deploy`, 'the keys below');
impl(`${S}.deploy.replicas`, '1 only (one container per service); other values are rejected');
ignore(`${S}.deploy.mode`, `${SWARM}; replicated and global both mean one container here`);
ignore(`${S}.deploy.endpoint_mode`, SWARM);
ignore(`${S}.deploy.labels`, 'labels of the Swarm service object, not of the container; Compose v2 ignores them too');
ignore(`${S}.deploy.rollback_config`, SWARM);
ignore(`${S}.deploy.update_config`, SWARM);
ignore(`${S}.deploy.placement`, SWARM);
reject(`${S}.deploy.restart_policy`, 'use the service\'s restart: key (no, always, on-failure[:N], unless-stopped)');
impl(`${S}.deploy.resources`, 'the keys below');
impl(`${S}.deploy.resources.limits`, 'the keys below');
impl(`${S}.deploy.resources.limits.cpus`, 'HostConfig.NanoCpus (like cpus)');
impl(`${S}.deploy.resources.limits.memory`, 'HostConfig.Memory (like mem_limit)');
impl(`${S}.deploy.resources.limits.pids`, 'HostConfig.PidsLimit (like pids_limit)');
reject(`${S}.deploy.resources.reservations`, 'remove reservations: one local engine does not reserve resources');

// ---- top-level networks, volumes, secrets, configs ----
impl('networks', 'networks the services join');
impl('networks.*', 'a network `<project>_<key>` (or its name:), created with the project\'s labels');
impl('networks.*.name', 'the engine name of the network (not project-prefixed)');
impl('networks.*.external', 'the network must exist; it is used, never created or removed');
impl('networks.*.external.name', 'legacy form of name: with external: true');
impl('networks.*.driver', 'Driver');
impl('networks.*.driver_opts', 'Options');
impl('networks.*.internal', 'Internal');
impl('networks.*.attachable', 'Attachable');
impl('networks.*.enable_ipv6', 'EnableIPv6');
reject('networks.*.enable_ipv4', 'remove it: networks are created with IPv4');
impl('networks.*.labels', 'Labels');
impl('networks.*.ipam', 'IPAM');
impl('networks.*.ipam.driver', 'IPAM.Driver');
impl('networks.*.ipam.config', 'IPAM.Config');
impl('networks.*.ipam.config[].subnet', 'Subnet');
impl('networks.*.ipam.config[].ip_range', 'IPRange');
impl('networks.*.ipam.config[].gateway', 'Gateway');
impl('networks.*.ipam.config[].aux_addresses', 'AuxiliaryAddresses');
impl('networks.*.ipam.options', 'IPAM.Options');
impl('volumes', 'named volumes');
impl('volumes.*', 'a volume `<project>_<key>` (or its name:), created with the project\'s labels');
impl('volumes.*.name', 'the engine name of the volume (not project-prefixed)');
impl('volumes.*.external', 'the volume must exist; it is mounted, never created, replaced or removed');
impl('volumes.*.external.name', 'legacy form of name: with external: true');
impl('volumes.*.driver', 'Driver');
impl('volumes.*.driver_opts', 'DriverOpts');
impl('volumes.*.labels', 'Labels');
impl('secrets', 'file-based secrets');
impl('secrets.*', 'a secret');
impl('secrets.*.file', 'the file mounted (relative to the project directory)');
reject('secrets.*.environment', 'write the value to a file and use file:');
reject('secrets.*.name', 'remove name: a file secret is mounted by its key');
reject('secrets.*.external', 'external secrets live in Swarm; use file: instead');
reject('secrets.*.labels', 'remove labels: file secrets are not engine objects');
reject('secrets.*.driver', 'secret drivers are Swarm\'s; use file: instead');
reject('secrets.*.driver_opts', 'secret drivers are Swarm\'s; use file: instead');
reject('secrets.*.template_driver', 'templated secrets are Swarm\'s; use file: instead');
impl('configs', 'file-based configs');
impl('configs.*', 'a config');
impl('configs.*.file', 'the file mounted (relative to the project directory)');
reject('configs.*.content', 'write the content to a file and use file:');
reject('configs.*.environment', 'write the value to a file and use file:');
reject('configs.*.name', 'remove name: a file config is mounted by its key');
reject('configs.*.external', 'external configs live in Swarm; use file: or content: instead');
reject('configs.*.labels', 'remove labels: file configs are not engine objects');
reject('configs.*.template_driver', 'templated configs are Swarm\'s; use file: instead');

export const KEY_RULES: readonly KeyRule[] = rules;
const BY_PATH = new Map(rules.map((r) => [r.path, r]));

/** The rule for a key, by its dotted pattern path. */
export function keyRule(pattern: string): KeyRule | undefined {
  return BY_PATH.get(pattern);
}

/** Named mappings: their keys are names (`services.web`), matched as `*`. */
const NAMED = new Set(['services', 'networks', 'volumes', 'secrets', 'configs', 'models', `${S}.networks`, `${S}.depends_on`, `${S}.models`]);

type Locate = (path: YamlPath, key?: boolean) => SourceRef;

/**
 * Walks the (interpolated, merged) file against the table: a rejected key throws a ComposeError
 * at the key with what to do; an ignored key is a warning. Keys the table does not know are left
 * to the schema (which rejects unknown keys); `x-` extensions are skipped like Compose does.
 */
export function checkKeys(model: unknown, locate: Locate, warn: (at: SourceRef, message: string) => void): void {
  const visit = (value: unknown, pattern: string, at: YamlPath): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${pattern}[]`, [...at, i]));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key.startsWith('x-')) continue;
      const childPattern = NAMED.has(pattern) ? `${pattern}.*` : pattern ? `${pattern}.${key}` : key;
      const rule = BY_PATH.get(childPattern);
      if (rule === undefined) continue;
      const where = [...at, key];
      if (rule.class === 'rejected') {
        throw new ComposeError({ ...locate(where, true), message: `"${where.join('.')}" is not supported`, hint: rule.note });
      }
      if (rule.class === 'ignored') {
        warn(locate(where, true), `"${where.join('.')}" is ignored: ${rule.note}`);
        continue;
      }
      visit(child, childPattern, where);
    }
  };
  visit(model, '', []);
}
