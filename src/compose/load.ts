// Loads compose file(s) into a normalized ComposeProject: read, parse (keeping positions),
// interpolate, merge, classify every key (keys.ts), validate against the Compose Specification's
// schema (validate.ts), resolve `extends`, normalize. Nothing is started or created; the only I/O
// is reading the compose files, `.env`, `env_file`s and the files `extends` names.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ComposeError, formatSource } from './errors.js';
import type { SourceRef } from './errors.js';
import { parseEnv } from './envfile.js';
import { resolveExtends } from './extends.js';
import type { ExtendsFile } from './extends.js';
import { interpolateTree } from './interpolate.js';
import type { Lookup, YamlPath } from './interpolate.js';
import { checkKeys } from './keys.js';
import { mergeTopLevel } from './merge.js';
import type { BuildSpec, ComposeProject, DependsOn, NetworkSpec, ServiceNetwork, ServiceSpec, VolumeMount, VolumeSpec } from './model.js';
import { dependencyWaves, parseDependsOn, withDependencies } from './order.js';
import { DEFAULT_COMPOSE_FILES } from './file-names.js';
import { parseYamlFile, readOptional } from './parse.js';
import type { LoadedFile, Warn } from './parse.js';
import { parsePort } from './ports.js';
import { resolveProjectName } from './project-name.js';
import { fileResources, topLevelNetworks, topLevelVolumes } from './resources.js';
import { parseBool, parseBytes, parseContainerOptions, parseHealthcheck } from './service-options.js';
import { validateSchema } from './validate.js';
import { argv, isMapping, keyValues, listOf, nonEmptyString, scalarText, stringList, stringMap, typeError } from './values.js';
import type { Mapping } from './values.js';

export interface LoadOptions {
  /** Project directory: relative paths, `.env` and the default compose file are found here. */
  dir: string;
  /** Compose files (relative to dir or absolute), merged in order; default: the first of DEFAULT_COMPOSE_FILES. */
  files?: string[];
  /** OS environment; default process.env. Overrides `.env`. */
  env?: NodeJS.ProcessEnv;
  /** Wins over COMPOSE_PROJECT_NAME and `name:`. */
  projectName?: string;
  /** Active profiles (Compose's `--profile`; the CLI has no such flag yet), added to COMPOSE_PROFILES like Compose does. */
  profiles?: readonly string[];
}

export interface LoadResult {
  project: ComposeProject;
  /** Things compose would do that we ignore, as `file:line:col: message`. */
  warnings: string[];
}

export { DEFAULT_COMPOSE_FILES };

const RESTART_POLICIES = new Set(['no', 'always', 'on-failure', 'unless-stopped']);
const VOLUME_OPTIONS = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent', 'shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate']);
const PROPAGATION = new Set(['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate']);
const NETWORK_MODES = /^(host|none|bridge|default|(service|container):.+)$/;

type Locate = (path: YamlPath, key?: boolean) => SourceRef;

interface Context {
  dir: string;
  project: string;
  lookup: Lookup;
  locate: Locate;
  warn: Warn;
  volumes: Readonly<Record<string, VolumeSpec>>;
  networks: Readonly<Record<string, NetworkSpec>>;
  secrets: Readonly<Record<string, string>>;
  configs: Readonly<Record<string, string>>;
  profiles: ReadonlySet<string>;
}

export async function loadComposeProject(opts: LoadOptions): Promise<LoadResult> {
  const dir = path.resolve(opts.dir);
  const osEnv = opts.env ?? process.env;
  const fromOs: Lookup = (name) => (Object.hasOwn(osEnv, name) ? osEnv[name] : undefined);
  const dotenvFile = path.join(dir, '.env');
  const dotenvText = await readOptional(dotenvFile);
  const dotenv = dotenvText === undefined ? {} : parseEnv(dotenvText, { file: dotenvFile, lookup: fromOs });
  // Compose's precedence: the OS environment overrides `.env`.
  const lookup: Lookup = (name) => fromOs(name) ?? (Object.hasOwn(dotenv, name) ? dotenv[name] : undefined);

  const warnings = new Set<string>();
  const warn: Warn = (at, message) => void warnings.add(`${formatSource(at)}: ${message}`);

  const readFile = async (file: string): Promise<LoadedFile> => {
    const text = await readOptional(file);
    if (text === undefined) throw new ComposeError({ file, message: 'compose file not found', hint: 'check the path, or run from the directory that holds compose.yaml' });
    const parsed = parseYamlFile(file, text, warn);
    const onUnset = (name: string, at: YamlPath): void => warn(parsed.find(at).at, `the "${name}" variable is not set; defaulting to a blank string`);
    return { ...parsed, data: interpolateTree(parsed.data, lookup, { locate: (p) => parsed.find(p).at, onUnset }) as Mapping };
  };

  const files = await composeFiles(dir, opts.files, warn);
  const loaded: LoadedFile[] = [];
  for (const file of files) loaded.push(await readFile(file));
  const locate: Locate = (p, key) => {
    // The file that defines the deepest part of the path, the later file on a tie (it overrides).
    let best = { depth: -1, at: { file: files[0] ?? dir } as SourceRef };
    for (const f of loaded) {
      const found = f.find(p, key);
      if (found.depth >= best.depth) best = found;
    }
    return best.at;
  };
  const merged = loaded.map((f) => f.data).reduce(mergeTopLevel);
  // Every key is classified before the schema sees it, so a key we reject says what to do instead.
  checkKeys(merged, locate, warn);
  await validateSchema(merged, locate);

  const services = await resolveExtends({
    dir,
    main: { file: files[0] ?? dir, data: merged, locate },
    load: async (file): Promise<ExtendsFile> => {
      const f = await readFile(file);
      const at: Locate = (p, key) => f.find(p, key).at;
      checkKeys(f.data, at, warn);
      await validateSchema(f.data, at);
      return { file, data: f.data, locate: at };
    },
  });
  const model: Mapping = { ...merged, services };

  const name = resolveProjectName({ dir, explicit: opts.projectName, lookup, topLevelName: model.name as string | undefined, at: locate(['name']) });
  const profiles = new Set([...(lookup('COMPOSE_PROFILES') ?? '').split(','), ...(opts.profiles ?? [])].map((p) => p.trim()).filter(Boolean));
  const ctx: Context = {
    dir,
    project: name,
    lookup,
    locate,
    warn,
    volumes: topLevelVolumes(model, name, locate),
    networks: topLevelNetworks(model, name, locate),
    secrets: fileResources(model, 'secrets', dir, locate),
    configs: fileResources(model, 'configs', dir, locate),
    profiles,
  };
  const normalized = await normalizeServices(model, ctx);
  const project: ComposeProject = {
    name,
    workingDir: dir,
    configFiles: files,
    services: normalized,
    volumes: Object.keys(ctx.volumes),
    volumeSpecs: { ...ctx.volumes },
    networks: { ...ctx.networks },
  };
  return { project, warnings: [...warnings] };
}

/** The project restricted to `names` and their transitive dependencies (and the volumes they use). */
export function selectServices(project: ComposeProject, names: readonly string[]): ComposeProject {
  const known = new Set(project.services.map((s) => s.name));
  for (const name of names) {
    if (!known.has(name)) {
      throw new ComposeError({
        file: project.configFiles[0] ?? project.workingDir,
        message: `no such service "${name}"`,
        hint: `services in this project: ${[...known].join(', ') || '(none)'}`,
      });
    }
  }
  const keep = new Set(withDependencies(project.services, names).map((s) => s.name));
  const services = project.services.filter((s) => keep.has(s.name));
  const used = new Set(services.flatMap((s) => s.volumes.flatMap((v) => (v.type === 'volume' ? [v.source] : []))));
  return { ...project, services, volumes: project.volumes.filter((v) => used.has(v)) };
}

// ---- files --------------------------------------------------------------------------------

async function composeFiles(dir: string, files: string[] | undefined, warn: Warn): Promise<string[]> {
  if (files && files.length > 0) return files.map((f) => path.resolve(dir, f));
  const present: string[] = [];
  for (const name of DEFAULT_COMPOSE_FILES) if (await exists(path.join(dir, name))) present.push(name);
  const chosen = present[0];
  if (chosen === undefined) {
    throw new ComposeError({ file: dir, message: 'no compose file found', hint: `create ${DEFAULT_COMPOSE_FILES.join(', or ')} in this directory, or pass the file explicitly` });
  }
  const main = path.join(dir, chosen);
  if (present.length > 1) warn({ file: main }, `found ${present.join(' and ')}; using ${chosen}`);
  // Like compose, a matching override file next to the default one is merged on top.
  const stem = chosen.replace(/\.ya?ml$/, '');
  for (const ext of ['.yaml', '.yml']) {
    const override = path.join(dir, `${stem}.override${ext}`);
    if (await exists(override)) return [main, override];
  }
  return [main];
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

// ---- services -----------------------------------------------------------------------------

async function normalizeServices(model: Mapping, ctx: Context): Promise<ServiceSpec[]> {
  const raw = model.services;
  if (raw === undefined || raw === null) throw new ComposeError({ ...ctx.locate([]), message: 'no services defined', hint: 'add a "services:" mapping' });
  if (!isMapping(raw)) throw typeError(ctx.locate(['services']), 'services', 'a mapping of service names to definitions');

  const active = ctx.profiles;
  const disabled = new Map<string, string[]>();
  const optionalDeps = new Map<string, Set<string>>();
  const services: ServiceSpec[] = [];
  for (const [name, spec] of Object.entries(raw)) {
    const profiles = isMapping(spec) ? stringList(spec.profiles, ctx.locate(['services', name, 'profiles']), 'profiles') : [];
    if (profiles.length > 0 && !active.has('*') && !profiles.some((p) => active.has(p))) {
      disabled.set(name, profiles);
      ctx.warn(ctx.locate(['services', name], true), `service "${name}" is not started: it belongs to profile(s) ${profiles.join(', ')} (enable with COMPOSE_PROFILES=${profiles[0] ?? ''})`);
      continue;
    }
    const { service, optional } = await normalizeService(name, spec, ctx);
    services.push(service);
    optionalDeps.set(name, optional);
  }

  const present = new Set(services.map((s) => s.name));
  for (const s of services) {
    const optional = optionalDeps.get(s.name) ?? new Set<string>();
    const keep = (dep: string): boolean => {
      if (present.has(dep)) return true;
      const where = ctx.locate(['services', s.name, 'depends_on']);
      if (optional.has(dep)) {
        ctx.warn(where, `service "${s.name}": optional dependency "${dep}" is not part of the project; ignored`);
        return false;
      }
      const profiles = disabled.get(dep);
      if (profiles) {
        throw new ComposeError({
          ...where,
          message: `service "${s.name}" depends on "${dep}", which is disabled (profile ${profiles.join(', ')})`,
          hint: `set COMPOSE_PROFILES=${profiles[0] ?? ''}, or remove "${dep}" from depends_on`,
        });
      }
      return true; // unknown: reported by dependencyWaves below
    };
    s.dependsOn = s.dependsOn.filter(keep);
    if (s.conditions) s.conditions = s.conditions.filter((c) => s.dependsOn.includes(c.service));
    const target = s.networkMode?.match(/^service:(.+)$/)?.[1];
    if (target !== undefined && !present.has(target)) {
      throw new ComposeError({ ...ctx.locate(['services', s.name, 'network_mode']), message: `service "${s.name}": network_mode names undefined service "${target}"`, hint: `define "${target}" under services, or use container:<name> for a container outside the project` });
    }
  }
  // Validates unknown dependencies and cycles now, so a bad file fails at load time.
  dependencyWaves(services, (svc) => ctx.locate(['services', svc, 'depends_on']));
  return services;
}

/** The service, and the dependencies marked `required: false` (dropped later if absent). */
async function normalizeService(name: string, spec: unknown, ctx: Context): Promise<{ service: ServiceSpec; optional: Set<string> }> {
  const base: YamlPath = ['services', name];
  const at = (...rest: (string | number)[]): SourceRef => ctx.locate([...base, ...rest]);
  if (!isMapping(spec) || (spec.image === undefined && spec.build === undefined)) {
    throw new ComposeError({ ...ctx.locate(base, true), message: `service "${name}" has neither "image" nor "build"`, hint: 'add "image: <name>:<tag>" or a "build:" section' });
  }
  const service: ServiceSpec = {
    name,
    environment: {},
    ports: [],
    volumes: [],
    dependsOn: [],
    labels: keyValues(spec.labels, at('labels'), 'labels', () => ''),
  };
  if (spec.image !== undefined) service.image = nonEmptyString(spec.image, at('image'), 'image');
  if (spec.build !== undefined && spec.build !== null) service.build = parseBuild(spec.build, ctx, [...base, 'build']);
  const command = argv(spec.command, at('command'), 'command');
  if (command) service.command = command;
  const entrypoint = argv(spec.entrypoint, at('entrypoint'), 'entrypoint');
  if (entrypoint) service.entrypoint = entrypoint;

  const fromFiles = await readEnvFiles(spec.env_file, ctx, [...base, 'env_file']);
  const unset: string[] = [];
  const fromEnvironment = keyValues(spec.environment, at('environment'), 'environment', (key) => {
    const value = ctx.lookup(key);
    if (value === undefined) unset.push(key);
    return value;
  });
  service.environment = { ...fromFiles, ...fromEnvironment };
  // compose-spec 05-services.md: an unresolved bare key "is unset and is removed from the service
  // container environment"; Compose v2 (pkg/compose/convert.go ToMobyEnv) sends it as "KEY"
  // without "=", which makes the engine drop the image's own value of KEY too.
  const unsetKeys = unset.filter((k) => !Object.hasOwn(service.environment, k));
  if (unsetKeys.length > 0) service.unsetEnvironment = unsetKeys;

  service.ports = listOf(spec.ports, at('ports'), 'ports').flatMap((entry, i) => parsePort(entry, at('ports', i)));
  service.volumes = listOf(spec.volumes, at('volumes'), 'volumes').map((entry, i) => parseVolume(entry, ctx, [...base, 'volumes', i]));
  service.volumes.push(...fileMounts(name, spec, ctx));

  const deps = parseDependsOn(spec.depends_on, at('depends_on'));
  service.dependsOn = deps.map((d) => d.service);
  const conditions: DependsOn[] = deps.filter((d) => d.condition !== 'service_started').map((d) => ({ service: d.service, condition: d.condition }));
  if (conditions.length > 0) service.conditions = conditions;

  if (spec.restart !== undefined && spec.restart !== null) Object.assign(service, restartPolicy(spec.restart, at('restart')));
  if (spec.container_name !== undefined && spec.container_name !== null) service.containerName = nonEmptyString(spec.container_name, at('container_name'), 'container_name');
  const health = parseHealthcheck(spec.healthcheck, (...rest) => at('healthcheck', ...rest));
  if (health) service.healthcheck = health;
  // An empty platform (Sentry's `platform: ${DOCKER_PLATFORM:-}`) means the engine's own, as in compose-go.
  if (typeof spec.platform === 'string' && spec.platform !== '') service.platform = spec.platform;
  if (spec.pull_policy !== undefined && spec.pull_policy !== null) {
    const policy = scalarText(spec.pull_policy);
    if (policy === 'never' || (policy === 'build' && service.build)) service.pullPolicy = policy;
    else if (policy !== 'missing' && policy !== 'if_not_present') {
      throw new ComposeError({
        ...at('pull_policy'),
        message: `service "${name}": pull_policy "${policy}" is not supported`,
        hint: policy === 'build' ? 'pull_policy: build needs a build: section' : 'gh-devlake pulls an image only when it is missing: pull it by hand (docker pull) and use pull_policy: missing',
      });
    }
  }
  if (spec.expose !== undefined && spec.expose !== null) service.expose = parseExpose(spec.expose, at('expose'));
  networking(service, spec, ctx);
  const replicas = (spec.deploy as Mapping | undefined)?.replicas;
  if (replicas !== undefined && replicas !== null && Number(replicas) !== 1) {
    throw new ComposeError({ ...at('deploy', 'replicas'), message: `service "${name}": deploy.replicas ${scalarText(replicas)} is not supported`, hint: 'gh-devlake runs one container per service: set replicas: 1, or define one service per replica' });
  }
  const options = parseContainerOptions(spec, at);
  if (options) service.options = options;
  return { service, optional: new Set(deps.filter((d) => !d.required).map((d) => d.service)) };
}

/** network_mode, or the networks joined (default: the project's default network). */
function networking(service: ServiceSpec, spec: Mapping, ctx: Context): void {
  const name = service.name;
  if (spec.network_mode !== undefined && spec.network_mode !== null) {
    const mode = scalarText(spec.network_mode);
    if (!NETWORK_MODES.test(mode)) {
      throw new ComposeError({ ...ctx.locate(['services', name, 'network_mode']), message: `service "${name}": invalid network_mode "${mode}"`, hint: 'use host, none, bridge, service:<service> or container:<name>' });
    }
    if (spec.networks !== undefined && spec.networks !== null) {
      throw new ComposeError({ ...ctx.locate(['services', name, 'networks'], true), message: `service "${name}": network_mode and networks cannot both be set`, hint: 'remove one of them (Compose rejects this too)' });
    }
    service.networkMode = mode;
    // Compose starts the service it shares the namespace with first.
    const other = /^service:(.+)$/.exec(mode)?.[1];
    if (other !== undefined && !service.dependsOn.includes(other)) service.dependsOn.push(other);
    return;
  }
  const raw = spec.networks;
  if (raw === undefined || raw === null) return;
  const entries: [string, unknown][] = Array.isArray(raw) ? raw.map((n) => [String(n), null]) : Object.entries(raw as Mapping);
  const networks: ServiceNetwork[] = [];
  for (const [key, value] of entries) {
    if (key !== 'default' && !Object.hasOwn(ctx.networks, key)) {
      throw new ComposeError({ ...ctx.locate(['services', name, 'networks', key], true), message: `service "${name}" uses network "${key}", which is not declared`, hint: `add it under the top-level "networks:" key ("networks: {${key}: {}}")` });
    }
    const n: ServiceNetwork = { key, aliases: [] };
    if (isMapping(value)) {
      n.aliases = stringList(value.aliases, ctx.locate(['services', name, 'networks', key, 'aliases']), 'aliases');
      if (typeof value.ipv4_address === 'string') n.ipv4Address = value.ipv4_address;
    }
    networks.push(n);
  }
  service.networks = networks;
}

/** `expose: [80, "8000-8001/udp"]` → ["80/tcp", "8000/udp", "8001/udp"]. */
function parseExpose(value: unknown, at: SourceRef): string[] {
  return (value as unknown[]).flatMap((entry) => {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(String(entry));
    if (!m) throw new ComposeError({ ...at, message: `invalid expose entry ${JSON.stringify(entry)}`, hint: 'write a container port such as 80, 80/udp or 8000-8010' });
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const proto = m[3] ?? 'tcp';
    return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => `${from + i}/${proto}`);
  });
}

/**
 * File-based secrets and configs as read-only bind mounts, like Compose v2 mounts them
 * (pkg/compose/create.go buildContainerSecretMounts / buildContainerConfigMounts): secrets at
 * /run/secrets/<target or key>, configs at /<target or key>; a relative target is under those.
 */
function fileMounts(name: string, spec: Mapping, ctx: Context): VolumeMount[] {
  const mounts: VolumeMount[] = [];
  for (const section of ['secrets', 'configs'] as const) {
    const files = ctx[section];
    for (const [i, entry] of listOf(spec[section], ctx.locate(['services', name, section]), section).entries()) {
      const ref = typeof entry === 'string' ? { source: entry } : (entry as { source: string; target?: string });
      const file = files[ref.source];
      if (file === undefined) {
        throw new ComposeError({ ...ctx.locate(['services', name, section, i]), message: `service "${name}" uses ${section.slice(0, -1)} "${ref.source}", which is not declared`, hint: `add it under the top-level "${section}:" key with file: <path>` });
      }
      const target = ref.target ?? ref.source;
      const dir = section === 'secrets' ? '/run/secrets' : '/';
      mounts.push({ type: 'bind', source: file, target: path.posix.isAbsolute(target) ? target : path.posix.join(dir, target), readOnly: true });
    }
  }
  return mounts;
}

function parseBuild(value: unknown, ctx: Context, p: YamlPath): BuildSpec {
  const spec = (typeof value === 'string' ? { context: value } : value) as Mapping;
  const contextText = spec.context === undefined || spec.context === null ? '.' : nonEmptyString(spec.context, ctx.locate([...p, 'context']), 'build.context');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(contextText) || contextText.startsWith('git@')) {
    throw new ComposeError({ ...ctx.locate([...p, 'context']), message: `remote build context "${contextText}" is not supported`, hint: 'clone it and point build.context at a local directory' });
  }
  const context = path.resolve(ctx.dir, contextText);
  const dockerfileText = spec.dockerfile === undefined || spec.dockerfile === null ? 'Dockerfile' : nonEmptyString(spec.dockerfile, ctx.locate([...p, 'dockerfile']), 'build.dockerfile');
  const dockerfile = path.isAbsolute(dockerfileText) ? path.relative(context, dockerfileText) : dockerfileText;
  const build: BuildSpec = { context, dockerfile, args: keyValues(spec.args, ctx.locate([...p, 'args']), 'build.args', ctx.lookup) };
  if (typeof spec.target === 'string') build.target = spec.target;
  if (spec.labels !== undefined && spec.labels !== null) build.labels = stringMap(spec.labels);
  if (typeof spec.network === 'string') build.network = spec.network;
  if (spec.shm_size !== undefined && spec.shm_size !== null) build.shmSizeBytes = parseBytes(spec.shm_size, ctx.locate([...p, 'shm_size']), 'build.shm_size');
  if (spec.extra_hosts !== undefined && spec.extra_hosts !== null) {
    build.extraHosts = Array.isArray(spec.extra_hosts) ? spec.extra_hosts.map(String) : Object.entries(spec.extra_hosts as Mapping).map(([h, ip]) => `${h}:${String(ip)}`);
  }
  return build;
}

async function readEnvFiles(value: unknown, ctx: Context, p: YamlPath): Promise<Record<string, string>> {
  if (value === undefined || value === null) return {};
  const entries = Array.isArray(value) ? value : [value];
  let env: Record<string, string> = {};
  for (const [i, entry] of entries.entries()) {
    const at = ctx.locate(Array.isArray(value) ? [...p, i] : p);
    const { file, required } = envFileEntry(entry, at);
    const abs = path.resolve(ctx.dir, file);
    const text = await readOptional(abs);
    if (text === undefined) {
      if (required) throw new ComposeError({ ...at, message: `env file ${abs} not found`, hint: `create ${file}, or mark it optional with {path: ${file}, required: false}` });
      continue;
    }
    const onUnset = (name: string): void => ctx.warn({ file: abs }, `the "${name}" variable is not set; defaulting to a blank string`);
    env = { ...env, ...parseEnv(text, { file: abs, lookup: ctx.lookup, onUnset }) };
  }
  return env;
}

function envFileEntry(entry: unknown, at: SourceRef): { file: string; required: boolean } {
  if (typeof entry === 'string' && entry) return { file: entry, required: true };
  if (isMapping(entry) && typeof entry.path === 'string' && entry.path) {
    const required = entry.required ?? true;
    if (typeof required !== 'boolean') throw typeError(at, 'env_file.required', 'true or false');
    return { file: entry.path, required };
  }
  throw typeError(at, 'env_file', 'a path, a list of paths, or {path, required}');
}

function parseVolume(entry: unknown, ctx: Context, p: YamlPath): VolumeMount {
  const at = ctx.locate(p);
  const spec = JSON.stringify(entry);
  const fail = (why: string, hint = 'use "NAME:/container/path[:ro]", "./host/path:/container/path[:ro]", "/container/path" or {type, source, target, read_only}'): ComposeError =>
    new ComposeError({ ...at, message: `invalid volume ${spec}: ${why}`, hint });
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    if (parts.length > 3) throw fail('too many ":"');
    // `- /code/node_modules`: an anonymous volume (compose-spec 05-services.md, volumes short syntax).
    if (parts.length === 1) return checked({ type: 'volume', source: '', target: entry, readOnly: false }, fail, ctx);
    const [source = '', target = ''] = parts;
    const options = parts[2] === undefined ? [] : parts[2].split(',');
    for (const o of options) if (!VOLUME_OPTIONS.has(o)) throw fail(`unknown option "${o}"`);
    if (options.includes('ro') && options.includes('rw')) throw fail('both "ro" and "rw"');
    const readOnly = options.includes('ro');
    if (source.startsWith('.') || source.startsWith('/') || source.startsWith('~')) {
      const bind: VolumeMount = { type: 'bind', source, target, readOnly };
      const selinux = options.find((o): o is 'z' | 'Z' => o === 'z' || o === 'Z');
      if (selinux) bind.selinux = selinux;
      const propagation = options.find((o) => PROPAGATION.has(o));
      if (propagation) bind.propagation = propagation;
      return checked(bind, fail, ctx);
    }
    const vol: VolumeMount = { type: 'volume', source, target, readOnly };
    if (options.includes('nocopy')) vol.noCopy = true;
    return checked(vol, fail, ctx);
  }
  const m = entry as Mapping;
  const readOnly = m.read_only === undefined ? false : parseBool(m.read_only, at, 'read_only');
  const source = typeof m.source === 'string' ? m.source : '';
  const target = typeof m.target === 'string' ? m.target : '';
  if (!target) throw fail('"target" is required');
  switch (m.type) {
    case 'bind': {
      if (!source) throw fail('"source" is required for a bind mount');
      const b = isMapping(m.bind) ? m.bind : {};
      const bind: VolumeMount = { type: 'bind', source, target, readOnly };
      if (b.create_host_path !== undefined) bind.createHostPath = parseBool(b.create_host_path, at, 'bind.create_host_path');
      if (typeof b.propagation === 'string') bind.propagation = b.propagation;
      if (b.selinux === 'z' || b.selinux === 'Z') bind.selinux = b.selinux;
      return checked(bind, fail, ctx);
    }
    case 'volume': {
      const v = isMapping(m.volume) ? m.volume : {};
      const vol: VolumeMount = { type: 'volume', source, target, readOnly };
      if (v.nocopy !== undefined && parseBool(v.nocopy, at, 'volume.nocopy')) vol.noCopy = true;
      if (typeof v.subpath === 'string') vol.subpath = v.subpath;
      return checked(vol, fail, ctx);
    }
    case 'tmpfs': {
      const t = isMapping(m.tmpfs) ? m.tmpfs : {};
      const tmpfs: VolumeMount = { type: 'tmpfs', target };
      if (t.size !== undefined) tmpfs.sizeBytes = parseBytes(t.size, at, 'tmpfs.size');
      if (t.mode !== undefined) tmpfs.mode = typeof t.mode === 'number' ? t.mode : parseInt(scalarText(t.mode), 8);
      return checked(tmpfs, fail, ctx);
    }
    default:
      throw fail(`type "${String(m.type)}" is not supported`, 'use type bind, volume or tmpfs');
  }
}

/** Checks common to both syntaxes; resolves bind sources against the project directory. */
function checked(mount: VolumeMount, fail: (why: string, hint?: string) => ComposeError, ctx: Context): VolumeMount {
  if (!mount.target.startsWith('/')) throw fail(`the container path "${mount.target}" must be absolute`);
  if (mount.type === 'bind') {
    if (mount.source.startsWith('~')) throw fail('"~" is not expanded', 'use an absolute path or one relative to the project directory ("./…")');
    return { ...mount, source: path.resolve(ctx.dir, mount.source) };
  }
  if (mount.type === 'volume' && mount.source !== '' && !Object.hasOwn(ctx.volumes, mount.source)) {
    throw fail(`named volume "${mount.source}" is not declared`, `add it under the top-level "volumes:" key ("volumes: {${mount.source}: {}}")`);
  }
  return mount;
}

function restartPolicy(value: unknown, at: SourceRef): Pick<ServiceSpec, 'restart' | 'restartMaxRetries'> {
  const text = String(value);
  const m = /^on-failure:(\d+)$/.exec(text);
  if (m) return { restart: 'on-failure', restartMaxRetries: Number(m[1]) };
  if (!RESTART_POLICIES.has(text)) {
    throw new ComposeError({ ...at, message: `invalid restart policy ${JSON.stringify(value)}`, hint: 'use "no", "always", "on-failure[:N]" or "unless-stopped" (quote "no")' });
  }
  return { restart: text as NonNullable<ServiceSpec['restart']> };
}
