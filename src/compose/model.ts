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
  | { type: 'volume'; source: string; target: string; readOnly: boolean }
  /** source is an absolute host path (relative paths resolved against the project dir). */
  | { type: 'bind'; source: string; target: string; readOnly: boolean };

export interface BuildSpec {
  /** Absolute path of the build context. */
  context: string;
  /** Dockerfile path relative to the context (default 'Dockerfile'). */
  dockerfile: string;
  args: Record<string, string>;
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
  ports: PortMapping[];
  volumes: VolumeMount[];
  /** Direct dependencies, in file order. */
  dependsOn: string[];
  restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
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
}
