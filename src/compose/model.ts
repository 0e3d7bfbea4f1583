// The normalized compose project: what the loader produces and the engine consumes.
// Everything here is already interpolated and resolved (paths absolute, ports parsed).

export interface PortMapping {
  /** Host IP to bind; '' means all interfaces (compose's default). */
  hostIp: string;
  /** Host port; undefined means "let the engine pick" (short syntax `3000`). */
  published?: number;
  /** Container port. */
  target: number;
  protocol: 'tcp' | 'udp';
}

export type VolumeMount =
  /** source is the volume's key in the file; '' is an anonymous volume. */
  | { type: 'volume'; source: string; target: string; readOnly: boolean; noCopy?: boolean; subpath?: string }
  /**
   * source is an absolute host path (relative paths resolved against the project dir).
   * createHostPath false: a missing source is an error (long syntax `bind.create_host_path: false`).
   */
  | { type: 'bind'; source: string; target: string; readOnly: boolean; createHostPath?: boolean; propagation?: string; selinux?: 'z' | 'Z' }
  | { type: 'tmpfs'; target: string; sizeBytes?: number; mode?: number };

/** A top-level volume. */
export interface VolumeSpec {
  /** Engine name: `name:`, else `<project>_<key>`. */
  name: string;
  /** Must exist; never created, replaced or removed. */
  external: boolean;
  driver?: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

/** A top-level network (`default` included, when the file configures it). */
export interface NetworkSpec {
  /** Engine name: `name:`, else `<project>_<key>`. */
  name: string;
  external: boolean;
  driver?: string;
  driverOpts: Record<string, string>;
  internal: boolean;
  attachable: boolean;
  enableIpv6?: boolean;
  labels: Record<string, string>;
  ipam?: { driver?: string; config: { subnet?: string; ipRange?: string; gateway?: string; auxAddresses?: Record<string, string> }[]; options: Record<string, string> };
}

/** A network a service joins. */
export interface ServiceNetwork {
  /** The network's key in the file (`default` for the project network). */
  key: string;
  aliases: string[];
  ipv4Address?: string;
}

export interface Healthcheck {
  /** Engine form: ["CMD", …], ["CMD-SHELL", "…"] or ["NONE"]; undefined keeps the image's test. */
  test?: string[];
  /** Durations in nanoseconds, as the engine takes them. */
  intervalNs?: number;
  timeoutNs?: number;
  startPeriodNs?: number;
  startIntervalNs?: number;
  retries?: number;
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface DependsOn {
  service: string;
  condition: DependencyCondition;
}

/** Settings passed to the container as they are (names follow the compose keys). */
export interface ContainerOptions {
  user?: string;
  workingDir?: string;
  hostname?: string;
  domainname?: string;
  tty?: boolean;
  stdinOpen?: boolean;
  init?: boolean;
  stopSignal?: string;
  stopGracePeriodSeconds?: number;
  privileged?: boolean;
  readOnly?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  shmSizeBytes?: number;
  ulimits?: { name: string; soft: number; hard: number }[];
  sysctls?: Record<string, string>;
  groupAdd?: string[];
  extraHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOpt?: string[];
  tmpfs?: Record<string, string>;
  logging?: { driver?: string; options: Record<string, string> };
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
}

export interface BuildSpec {
  /** Absolute path of the build context. */
  context: string;
  /** Dockerfile path relative to the context (default 'Dockerfile'). */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
  network?: string;
  shmSizeBytes?: number;
  extraHosts?: string[];
}

export interface ServiceSpec {
  name: string;
  image?: string;
  build?: BuildSpec;
  /** Argv form (string commands are split like a shell). */
  command?: string[];
  entrypoint?: string[];
  /** Final environment: env_file entries, overridden by `environment`. */
  environment: Record<string, string>;
  /** Bare `environment` keys with no value in the environment: sent as `KEY` (unset), like Compose. */
  unsetEnvironment?: string[];
  ports: PortMapping[];
  volumes: VolumeMount[];
  /** Direct dependencies, in file order. */
  dependsOn: string[];
  /** The condition of each dependency that is not service_started (absent: service_started). */
  conditions?: DependsOn[];
  restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** on-failure:N */
  restartMaxRetries?: number;
  healthcheck?: Healthcheck;
  /** host, none, bridge, container:<name>, service:<service>; when set, `networks` is empty. */
  networkMode?: string;
  /** Networks joined, in file order; absent means the project's default network. */
  networks?: ServiceNetwork[];
  /** `expose`: container ports, as `port/proto`. */
  expose?: string[];
  platform?: string;
  /** pull_policy other than missing/if_not_present: never pull, or always build. */
  pullPolicy?: 'never' | 'build';
  options?: ContainerOptions;
  containerName?: string;
  labels: Record<string, string>;
}

export interface ComposeProject {
  /** Normalized project name (compose rules: lowercase, [a-z0-9_-], starts with a letter or digit). */
  name: string;
  /** Absolute project directory (compose's working_dir label). */
  workingDir: string;
  /** Absolute paths of the compose files that were loaded. */
  configFiles: string[];
  /** Services in file order. */
  services: ServiceSpec[];
  /** Named volumes declared at top level (short names, not project-prefixed). */
  volumes: string[];
  /** Their configuration; a key without an entry is `<project>_<key>`, local, not external. */
  volumeSpecs?: Record<string, VolumeSpec>;
  /** Top-level networks by key; absent `default` is `<project>_default`, bridge. */
  networks?: Record<string, NetworkSpec>;
}
