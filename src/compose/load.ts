// Loads compose file(s) into a normalized ComposeProject: read, parse (keeping positions),
// interpolate, merge, validate, normalize. Nothing is started or created; the only I/O is reading
// the compose files, `.env` and `env_file`s.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { YAML } from './yaml.js';
import { ComposeError, formatSource } from './errors.js';
import type { SourceRef } from './errors.js';
import { parseEnv } from './envfile.js';
import { interpolateTree } from './interpolate.js';
import type { Lookup, YamlPath } from './interpolate.js';
import type { BuildSpec, ComposeProject, ServiceSpec, VolumeMount } from './model.js';
import { dependencyWaves, parseDependsOn, withDependencies } from './order.js';
import { DEFAULT_COMPOSE_FILES } from './file-names.js';
import { readTextFile } from '../util/read-text.js';
import { parsePort } from './ports.js';
import { resolveProjectName } from './project-name.js';
import { splitShellWords } from './shellwords.js';

const { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } = YAML;

export interface LoadOptions {
  /** Project directory: relative paths, `.env` and the default compose file are found here. */
  dir: string;
  /** Compose files (relative to dir or absolute), merged in order; default: the first of DEFAULT_COMPOSE_FILES. */
  files?: string[];
  /** OS environment; default process.env. Overrides `.env`. */
  env?: NodeJS.ProcessEnv;
  /** Wins over COMPOSE_PROJECT_NAME and `name:`. */
  projectName?: string;
}

export interface LoadResult {
  project: ComposeProject;
  /** Things compose would do that we ignore, as `file:line:col: message`. */
  warnings: string[];
}

export { DEFAULT_COMPOSE_FILES };

const TOP_LEVEL_KEYS = new Set(['version', 'name', 'services', 'volumes', 'networks', 'configs', 'secrets']);
const SERVICE_KEYS = new Set(['image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'volumes', 'depends_on', 'restart', 'container_name', 'labels', 'profiles', 'networks']);
/** Service keys that change nothing the engine relies on; reported as warnings. */
const IGNORED_SERVICE_KEYS = new Set(['healthcheck', 'logging', 'tty', 'stdin_open', 'platform', 'network_mode', 'extra_hosts', 'hostname', 'user', 'working_dir', 'expose', 'stop_grace_period', 'stop_signal', 'init', 'pull_policy', 'domainname']);
const IGNORED_BUILD_KEYS = new Set(['labels', 'cache_from', 'cache_to', 'pull', 'no_cache', 'tags', 'platforms', 'shm_size', 'network', 'extra_hosts']);
const RESTART_POLICIES = new Set(['no', 'always', 'on-failure', 'unless-stopped']);
const VOLUME_OPTIONS = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent', 'shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate']);
const LONG_VOLUME_KEYS = new Set(['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume']);

type Mapping = Record<string, unknown>;
type Locate = (path: YamlPath, key?: boolean) => SourceRef;

interface LoadedFile {
  file: string;
  data: Mapping;
  /** How deep `path` resolves in this file, and the position there. */
  find: (path: YamlPath, key?: boolean) => { depth: number; at: SourceRef };
}

interface Context {
  dir: string;
  lookup: Lookup;
  locate: Locate;
  warn: (at: SourceRef, message: string) => void;
  declaredVolumes: ReadonlySet<string>;
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
  const warn = (at: SourceRef, message: string): void => void warnings.add(`${formatSource(at)}: ${message}`);

  const files = await composeFiles(dir, opts.files, warn);
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    const text = await readOptional(file);
    if (text === undefined) throw new ComposeError({ file, message: 'compose file not found', hint: 'check the path, or run from the directory that holds compose.yaml' });
    const parsed = parseYamlFile(file, text, warn);
    checkTopLevel(parsed);
    const onUnset = (name: string, at: YamlPath): void =>
      warn(parsed.find(at).at, `the "${name}" variable is not set; defaulting to a blank string`);
    loaded.push({ ...parsed, data: interpolateTree(parsed.data, lookup, { locate: (p) => parsed.find(p).at, onUnset }) as Mapping });
  }
  const locate: Locate = (p, key) => {
    // The file that defines the deepest part of the path, the later file on a tie (it overrides).
    let best = { depth: -1, at: { file: files[0] ?? dir } as SourceRef };
    for (const f of loaded) {
      const found = f.find(p, key);
      if (found.depth >= best.depth) best = found;
    }
    return best.at;
  };
  const model = loaded.map((f) => f.data).reduce(mergeTopLevel);

  const topName = model.name;
  if (topName !== undefined && typeof topName !== 'string') throw typeError(locate(['name']), 'name', 'a string');
  const name = resolveProjectName({ dir, explicit: opts.projectName, lookup, topLevelName: topName, at: locate(['name']) });

  const declaredVolumes = topLevelVolumes(model, locate, warn);
  warnIgnoredTopLevel(model, locate, warn);
  const ctx: Context = { dir, lookup, locate, warn, declaredVolumes };
  const services = await normalizeServices(model, ctx);
  const project: ComposeProject = { name, workingDir: dir, configFiles: files, services, volumes: [...declaredVolumes] };
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
  const keep = new Set(withDependencies(project.services, names));
  const services = project.services.filter((s) => keep.has(s.name));
  const used = new Set(services.flatMap((s) => s.volumes.filter((v) => v.type === 'volume').map((v) => v.source)));
  return { ...project, services, volumes: project.volumes.filter((v) => used.has(v)) };
}

// ---- files --------------------------------------------------------------------------------

async function composeFiles(dir: string, files: string[] | undefined, warn: Context['warn']): Promise<string[]> {
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

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readTextFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ComposeError({ file, message: `cannot read: ${(err as Error).message}`, hint: 'check that it is a readable file', cause: err });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

// ---- YAML with positions ------------------------------------------------------------------

function parseYamlFile(file: string, text: string, warn: Context['warn']): LoadedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const posOf = (offset: number): SourceRef => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const error = doc.errors[0];
  if (error?.code === 'MULTIPLE_DOCS') {
    throw new ComposeError({ ...posOf(error.pos[0]), message: 'a compose file must hold a single YAML document', hint: 'remove the "---" separator, or split the documents into separate files', cause: error });
  }
  if (error) throw new ComposeError({ ...posOf(error.pos[0]), message: `invalid YAML: ${error.message}`, hint: 'fix the YAML syntax here (indentation, quotes, ":" after keys)', cause: error });
  for (const w of doc.warnings) {
    // An unknown tag (compose's !reset / !override included) would silently change the merge.
    if (w.code === 'TAG_RESOLVE_FAILED') throw new ComposeError({ ...posOf(w.pos[0]), message: w.message, hint: 'remove the tag; YAML tags such as !reset and !override are not supported' });
    warn(posOf(w.pos[0]), w.message);
  }
  if (!isMap(doc.contents)) {
    const at = doc.contents?.range ? posOf(doc.contents.range[0]) : { file };
    throw new ComposeError({ ...at, message: 'a compose file must be a mapping (services:, volumes:, …)', hint: 'start the file with "services:"' });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new ComposeError({ file, message: `invalid YAML: ${(err as Error).message}`, hint: 'check anchors, aliases and "<<" merge keys', cause: err });
  }
  const find = (p: YamlPath, key = false): { depth: number; at: SourceRef } => {
    const { depth, keyNode, valueNode } = walk(doc, p);
    const useKey = keyNode && (key || !valueNode || (isScalar(valueNode) && valueNode.value === null));
    const node = useKey ? keyNode : (valueNode ?? keyNode);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return { depth, at: range ? posOf(range[0]) : { file } };
  };
  return { file, data: data as Mapping, find };
}

/** Follows a path through the YAML AST, through aliases and `<<` merges, as far as it goes. */
function walk(doc: Document, p: YamlPath): { depth: number; keyNode?: unknown; valueNode?: unknown } {
  const deref = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  const child = (node: unknown, seg: string | number, seen: number): { key?: unknown; value: unknown } | undefined => {
    const n = deref(node);
    if (isSeq(n)) return typeof seg === 'number' && seg < n.items.length ? { value: n.items[seg] } : undefined;
    if (!isMap(n) || seen > 32) return undefined;
    for (const pair of n.items) if (isScalar(pair.key) && String(pair.key.value) === String(seg)) return { key: pair.key, value: pair.value };
    for (const pair of n.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') continue; // `<<` is a Symbol with merge: true
      const src = deref(pair.value);
      for (const s of isSeq(src) ? src.items : [src]) {
        const found = child(s, seg, seen + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  let keyNode: unknown;
  let valueNode: unknown = doc.contents;
  let depth = 0;
  for (const seg of p) {
    const next = child(valueNode, seg, 0);
    if (!next) break;
    keyNode = next.key;
    valueNode = next.value;
    depth++;
  }
  return { depth, keyNode, valueNode };
}

function checkTopLevel(f: LoadedFile): void {
  for (const key of Object.keys(f.data)) {
    if (TOP_LEVEL_KEYS.has(key) || key.startsWith('x-')) continue;
    throw new ComposeError({
      ...f.find([key], true).at,
      message: `unsupported top-level key "${key}"`,
      hint: `remove it; top-level keys are ${[...TOP_LEVEL_KEYS].join(', ')} and x-* extensions`,
    });
  }
}

// ---- merging several files (compose's override rules, the parts we model) ----------------

function mergeTopLevel(base: Mapping, over: Mapping): Mapping {
  const out: Mapping = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    if (key === 'services' && isMapping(prev) && isMapping(value)) {
      const services: Mapping = { ...prev };
      for (const [name, svc] of Object.entries(value)) {
        const old = services[name];
        services[name] = isMapping(old) && isMapping(svc) ? mergeService(old, svc) : svc;
      }
      out[key] = services;
    } else {
      out[key] = isMapping(prev) && isMapping(value) ? deepMerge(prev, value) : value;
    }
  }
  return out;
}

function mergeService(base: Mapping, over: Mapping): Mapping {
  const out: Mapping = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    if (prev === undefined || prev === null || key === 'command' || key === 'entrypoint') out[key] = value;
    else if (key === 'environment' || key === 'labels') out[key] = { ...listToMap(prev), ...listToMap(value) };
    else if (key === 'depends_on') out[key] = { ...dependsToMap(prev), ...dependsToMap(value) };
    else if (key === 'build') out[key] = mergeBuild(prev, value);
    else if (isList(prev) && isList(value)) {
      if (key === 'volumes') {
        // A mount in the override replaces the one with the same container path.
        const targets = new Set(value.map(volumeTarget));
        out[key] = [...prev.filter((v) => !targets.has(volumeTarget(v))), ...value];
      } else {
        const seen = new Set(prev.map((v) => JSON.stringify(v)));
        out[key] = [...prev, ...value.filter((v) => !seen.has(JSON.stringify(v)))];
      }
    } else out[key] = isMapping(prev) && isMapping(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function mergeBuild(prev: unknown, value: unknown): unknown {
  const asMap = (b: unknown): unknown => (typeof b === 'string' ? { context: b } : b);
  const [a, b] = [asMap(prev), asMap(value)];
  if (!isMapping(a) || !isMapping(b)) return value;
  const merged = deepMerge(a, b);
  if (a.args !== undefined && b.args !== undefined) merged.args = { ...listToMap(a.args), ...listToMap(b.args) };
  return merged;
}

function deepMerge(base: Mapping, over: Mapping): Mapping {
  const out: Mapping = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isMapping(prev) && isMapping(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

/** `[K=V, K]` → `{K: V, K: null}`; mappings pass through. */
function listToMap(value: unknown): Mapping {
  if (!Array.isArray(value)) return isMapping(value) ? value : {};
  return Object.fromEntries(
    value.map((item) => {
      const s = String(item);
      const eq = s.indexOf('=');
      return eq === -1 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
    }),
  );
}

function dependsToMap(value: unknown): Mapping {
  return Array.isArray(value) ? Object.fromEntries(value.map((d) => [String(d), null])) : isMapping(value) ? value : {};
}

function volumeTarget(v: unknown): unknown {
  if (typeof v === 'string') return v.split(':')[1] ?? v;
  return isMapping(v) ? v.target : v;
}

// ---- top level ----------------------------------------------------------------------------

function topLevelVolumes(model: Mapping, locate: Locate, warn: Context['warn']): Set<string> {
  const volumes = model.volumes;
  if (volumes === undefined || volumes === null) return new Set();
  if (!isMapping(volumes)) throw typeError(locate(['volumes']), 'volumes', 'a mapping of volume names');
  for (const [name, spec] of Object.entries(volumes)) {
    if (spec === null || spec === undefined) continue;
    if (!isMapping(spec)) throw typeError(locate(['volumes', name]), `volumes.${name}`, 'a mapping or empty');
    for (const key of Object.keys(spec)) warn(locate(['volumes', name, key], true), `volume "${name}": "${key}" is ignored`);
  }
  return new Set(Object.keys(volumes));
}

function warnIgnoredTopLevel(model: Mapping, locate: Locate, warn: Context['warn']): void {
  for (const section of ['networks', 'configs', 'secrets']) {
    const value = model[section];
    if (value === undefined || value === null) continue;
    if (!isMapping(value)) throw typeError(locate([section]), section, 'a mapping');
    for (const name of Object.keys(value)) {
      if (section === 'networks' && name === 'default') continue;
      const why = section === 'networks' ? "all services share the project's default network" : `services cannot use ${section}`;
      warn(locate([section, name], true), `${section}.${name} is ignored (${why})`);
    }
  }
}

// ---- services -----------------------------------------------------------------------------

async function normalizeServices(model: Mapping, ctx: Context): Promise<ServiceSpec[]> {
  const raw = model.services;
  if (raw === undefined || raw === null) throw new ComposeError({ ...ctx.locate([]), message: 'no services defined', hint: 'add a "services:" mapping' });
  if (!isMapping(raw)) throw typeError(ctx.locate(['services']), 'services', 'a mapping of service names to definitions');

  const active = new Set((ctx.lookup('COMPOSE_PROFILES') ?? '').split(',').map((p) => p.trim()).filter(Boolean));
  const disabled = new Map<string, string[]>();
  const optionalDeps = new Map<string, Set<string>>();
  const services: ServiceSpec[] = [];
  for (const [name, spec] of Object.entries(raw)) {
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
      throw new ComposeError({ ...ctx.locate(['services', name], true), message: `invalid service name "${name}"`, hint: 'use letters, digits, ".", "_" and "-"' });
    }
    const profiles = isMapping(spec) ? stringList(spec.profiles, ctx.locate(['services', name, 'profiles']), 'profiles') : [];
    if (profiles.length > 0 && !active.has('*') && !profiles.some((p) => active.has(p))) {
      disabled.set(name, profiles);
      ctx.warn(ctx.locate(['services', name], true), `service "${name}" is not started: it belongs to profile(s) ${profiles.join(', ')} (set COMPOSE_PROFILES to enable)`);
      continue;
    }
    const { service, optional } = await normalizeService(name, spec, ctx);
    services.push(service);
    optionalDeps.set(name, optional);
  }

  const present = new Set(services.map((s) => s.name));
  for (const s of services) {
    const optional = optionalDeps.get(s.name) ?? new Set<string>();
    s.dependsOn = s.dependsOn.filter((dep) => {
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
          hint: `set COMPOSE_PROFILES=${profiles[0] ?? ''} or remove "${dep}" from depends_on`,
        });
      }
      return true; // unknown: reported by dependencyWaves below
    });
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
  for (const key of Object.keys(spec)) {
    if (SERVICE_KEYS.has(key) || key.startsWith('x-')) continue;
    const keyAt = ctx.locate([...base, key], true);
    if (IGNORED_SERVICE_KEYS.has(key)) ctx.warn(keyAt, `service "${name}": "${key}" is ignored`);
    else throw new ComposeError({ ...keyAt, message: `service "${name}": unsupported key "${key}"`, hint: `remove it; supported keys are ${[...SERVICE_KEYS].join(', ')}` });
  }
  checkNetworks(name, spec.networks, ctx);

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
  const fromEnvironment = keyValues(spec.environment, at('environment'), 'environment', ctx.lookup);
  service.environment = { ...fromFiles, ...fromEnvironment };

  service.ports = listOf(spec.ports, at('ports'), 'ports').flatMap((entry, i) => parsePort(entry, at('ports', i)));
  service.volumes = listOf(spec.volumes, at('volumes'), 'volumes').map((entry, i) => parseVolume(entry, ctx, [...base, 'volumes', i]));

  const deps = parseDependsOn(spec.depends_on, at('depends_on'));
  service.dependsOn = deps.map((d) => d.service);

  if (spec.restart !== undefined && spec.restart !== null) service.restart = restartPolicy(spec.restart, at('restart'), ctx);
  if (spec.container_name !== undefined && spec.container_name !== null) service.containerName = nonEmptyString(spec.container_name, at('container_name'), 'container_name');
  return { service, optional: new Set(deps.filter((d) => !d.required).map((d) => d.service)) };
}

function checkNetworks(name: string, networks: unknown, ctx: Context): void {
  if (networks === undefined || networks === null) return;
  const at = ctx.locate(['services', name, 'networks'], true);
  const names = Array.isArray(networks) ? networks.map(String) : isMapping(networks) ? Object.keys(networks) : undefined;
  if (names === undefined) throw typeError(at, 'networks', 'a list or a mapping');
  const custom = names.filter((n) => n !== 'default');
  if (custom.length > 0) {
    throw new ComposeError({ ...at, message: `service "${name}": custom networks (${custom.join(', ')}) are not supported`, hint: 'remove "networks:"; every service is on the project\'s default network' });
  }
  ctx.warn(at, `service "${name}": "networks" is ignored (the default network is always used)`);
}

function parseBuild(value: unknown, ctx: Context, p: YamlPath): BuildSpec {
  const spec = typeof value === 'string' ? { context: value } : value;
  if (!isMapping(spec)) throw typeError(ctx.locate(p), 'build', 'a context path or a mapping');
  for (const key of Object.keys(spec)) {
    if (key === 'context' || key === 'dockerfile' || key === 'args' || key.startsWith('x-')) continue;
    const at = ctx.locate([...p, key], true);
    if (IGNORED_BUILD_KEYS.has(key)) ctx.warn(at, `build "${key}" is ignored`);
    else throw new ComposeError({ ...at, message: `unsupported build key "${key}"`, hint: 'supported build keys are context, dockerfile and args' });
  }
  const contextText = spec.context === undefined || spec.context === null ? '.' : nonEmptyString(spec.context, ctx.locate([...p, 'context']), 'build.context');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(contextText) || contextText.startsWith('git@')) {
    throw new ComposeError({ ...ctx.locate([...p, 'context']), message: `remote build context "${contextText}" is not supported`, hint: 'clone it and point build.context at a local directory' });
  }
  const context = path.resolve(ctx.dir, contextText);
  const dockerfileText = spec.dockerfile === undefined || spec.dockerfile === null ? 'Dockerfile' : nonEmptyString(spec.dockerfile, ctx.locate([...p, 'dockerfile']), 'build.dockerfile');
  const dockerfile = path.isAbsolute(dockerfileText) ? path.relative(context, dockerfileText) : dockerfileText;
  return { context, dockerfile, args: keyValues(spec.args, ctx.locate([...p, 'args']), 'build.args', ctx.lookup) };
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
  const fail = (why: string, hint = 'use "NAME:/container/path[:ro]", "./host/path:/container/path[:ro]" or {type, source, target, read_only}'): ComposeError =>
    new ComposeError({ ...at, message: `invalid volume ${spec}: ${why}`, hint });
  let type: string;
  let source: string;
  let target: string;
  let readOnly = false;
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    if (parts.length === 1) throw fail('anonymous volumes are not supported', 'give the volume a name ("NAME:/path") and declare it under top-level volumes');
    if (parts.length > 3) throw fail('too many ":"');
    [source = '', target = ''] = parts;
    const options = parts[2] === undefined ? [] : parts[2].split(',');
    for (const o of options) if (!VOLUME_OPTIONS.has(o)) throw fail(`unknown option "${o}"`);
    if (options.includes('ro') && options.includes('rw')) throw fail('both "ro" and "rw"');
    readOnly = options.includes('ro');
    type = source.startsWith('.') || source.startsWith('/') ? 'bind' : 'volume';
  } else if (isMapping(entry)) {
    for (const key of Object.keys(entry)) if (!LONG_VOLUME_KEYS.has(key)) throw fail(`unknown key "${key}"`);
    type = typeof entry.type === 'string' ? entry.type : '';
    if (type !== 'volume' && type !== 'bind') throw fail(type ? `type "${type}" is not supported` : '"type" is required (volume or bind)');
    if (typeof entry.source !== 'string') throw fail(type === 'volume' ? 'anonymous volumes are not supported; set "source"' : '"source" is required');
    if (typeof entry.target !== 'string') throw fail('"target" is required');
    if (entry.read_only !== undefined && typeof entry.read_only !== 'boolean') throw fail('"read_only" must be true or false');
    source = entry.source;
    target = entry.target;
    readOnly = entry.read_only === true;
  } else {
    throw fail('expected a string or a mapping');
  }
  if (!source) throw fail('the source is empty');
  if (!target.startsWith('/')) throw fail(`the container path "${target}" must be absolute`);
  if (source.startsWith('~')) throw fail('"~" is not expanded', 'use an absolute path or one relative to the project directory ("./…")');
  if (type === 'bind') return { type: 'bind', source: path.resolve(ctx.dir, source), target, readOnly };
  if (!ctx.declaredVolumes.has(source)) {
    throw fail(`named volume "${source}" is not declared`, `add it under the top-level "volumes:" key ("volumes: {${source}: {}}")`);
  }
  return { type: 'volume', source, target, readOnly };
}

function restartPolicy(value: unknown, at: SourceRef, ctx: Context): NonNullable<ServiceSpec['restart']> {
  const text = String(value);
  const m = /^on-failure:(\d+)$/.exec(text);
  if (m) {
    ctx.warn(at, `restart "${text}": the retry limit is ignored (using on-failure)`);
    return 'on-failure';
  }
  if (typeof value !== 'string' || !RESTART_POLICIES.has(text)) {
    throw new ComposeError({ ...at, message: `invalid restart policy ${JSON.stringify(value)}`, hint: 'use "no", "always", "on-failure" or "unless-stopped" (quote "no")' });
  }
  return text as NonNullable<ServiceSpec['restart']>;
}

// ---- small value helpers ------------------------------------------------------------------

function isList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeError(at: SourceRef, what: string, expected: string): ComposeError {
  return new ComposeError({ ...at, message: `${what} must be ${expected}`, hint: `change ${what} to ${expected}` });
}

function nonEmptyString(value: unknown, at: SourceRef, what: string): string {
  if (typeof value === 'string' && value.trim()) return value;
  throw typeError(at, what, 'a non-empty string');
}

function listOf(value: unknown, at: SourceRef, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw typeError(at, what, 'a list');
  return value;
}

function stringList(value: unknown, at: SourceRef, what: string): string[] {
  return listOf(value, at, what).map((v) => {
    if (typeof v !== 'string') throw typeError(at, what, 'a list of strings');
    return v;
  });
}

/** `command` / `entrypoint`: a string is split like a shell would; a list is used as is. */
function argv(value: unknown, at: SourceRef, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return splitShellWords(value, at);
  if (Array.isArray(value) && value.every(isScalarValue)) return value.map(String);
  throw typeError(at, what, 'a string or a list of strings');
}

function isScalarValue(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * `environment`, `labels`, `build.args`: a mapping or a `KEY=VALUE` list. A key without a value
 * takes `bare(key)`; undefined drops the key (compose's "pass through from the environment if set").
 */
function keyValues(value: unknown, at: SourceRef, what: string, bare: (key: string) => string | undefined): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item): [string, unknown] => {
        if (!isScalarValue(item)) throw typeError(at, what, 'a list of "KEY=VALUE" strings');
        const s = String(item);
        const eq = s.indexOf('=');
        return eq === -1 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
      })
    : isMapping(value)
      ? Object.entries(value)
      : (() => {
          throw typeError(at, what, 'a mapping or a list of "KEY=VALUE" strings');
        })();
  const out = new Map<string, string>();
  for (const [key, v] of entries) {
    if (!key) throw new ComposeError({ ...at, message: `${what}: empty variable name`, hint: 'write KEY=VALUE' });
    if (v === null || v === undefined) {
      const inherited = bare(key);
      if (inherited === undefined) out.delete(key);
      else out.set(key, inherited);
    } else if (isScalarValue(v)) out.set(key, String(v));
    else throw typeError(at, `${what}.${key}`, 'a string, a number or a boolean');
  }
  return Object.fromEntries(out);
}
