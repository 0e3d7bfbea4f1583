// `extends` (compose-spec 05-services.md, "extends"): a service is merged onto the one it names,
// in the same file or in another (`file:` relative to the file that says it). The merge is the
// override merge (merge.ts: mappings by key, sequences combined, scalars replaced). Relative paths
// of a service defined in another directory are made absolute against that directory, as
// compose-go does, since the project directory is the main file's. Cycles are errors.
import path from 'node:path';
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import type { YamlPath } from './interpolate.js';
import { mergeService } from './merge.js';
import { isMapping } from './values.js';
import type { Mapping } from './values.js';

export interface ExtendsFile {
  file: string;
  data: Mapping;
  locate: (path: YamlPath, key?: boolean) => SourceRef;
}

export interface ExtendsContext {
  /** The project directory (the main compose file's). */
  dir: string;
  /** The merged main model, and where its paths are. */
  main: ExtendsFile;
  /** Reads, interpolates and validates another compose file. */
  load: (file: string) => Promise<ExtendsFile>;
}

/** The model's services with every `extends` resolved (a new services mapping). */
export async function resolveExtends(ctx: ExtendsContext): Promise<Mapping> {
  const services = (ctx.main.data.services ?? {}) as Mapping;
  if (!Object.values(services).some((s) => isMapping(s) && s.extends !== undefined)) return services;
  const files = new Map<string, Promise<ExtendsFile>>();
  const fileFor = (file: string): Promise<ExtendsFile> => {
    let f = files.get(file);
    if (!f) files.set(file, (f = ctx.load(file)));
    return f;
  };

  const resolve = async (from: ExtendsFile, name: string, chain: string[], at: SourceRef): Promise<Mapping> => {
    const id = `${from.file}#${name}`;
    if (chain.includes(id)) {
      throw new ComposeError({ ...at, message: `extends cycle: ${[...chain, id].map((c) => c.split('#')[1]).join(' -> ')}`, hint: 'remove one of these extends' });
    }
    const spec = ((from.data.services ?? {}) as Mapping)[name];
    if (!isMapping(spec)) {
      throw new ComposeError({ ...at, message: `extends: service "${name}" is not defined in ${from.file}`, hint: 'check the service name and the file' });
    }
    const ext = spec.extends;
    const { extends: _ignored, ...own } = spec;
    let merged: Mapping = own;
    if (ext !== undefined && ext !== null) {
      const ref = typeof ext === 'string' ? { service: ext } : (ext as { service: string; file?: string });
      const extAt = from.locate(['services', name, 'extends']);
      let base = from;
      if (ref.file !== undefined) {
        const file = path.resolve(path.dirname(from.file), ref.file);
        base = await fileFor(file).catch((err: unknown) => {
          if (err instanceof ComposeError && err.detail === 'compose file not found') {
            throw new ComposeError({ ...from.locate(['services', name, 'extends', 'file']), message: `extends: file ${file} not found`, hint: 'check extends.file (relative to the file that names it)' });
          }
          throw err;
        });
      }
      merged = mergeService(await resolve(base, ref.service, [...chain, id], extAt), own);
    }
    const dir = path.dirname(from.file);
    return dir === ctx.dir ? merged : absolutePaths(merged, dir);
  };

  const out: Mapping = {};
  for (const name of Object.keys(services)) out[name] = await resolve(ctx.main, name, [], ctx.main.locate(['services', name], true));
  return out;
}

/** build context, env_file and bind-mount sources made absolute against `dir`. */
function absolutePaths(spec: Mapping, dir: string): Mapping {
  const abs = (p: string): string => (path.isAbsolute(p) || /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : path.resolve(dir, p));
  const out: Mapping = { ...spec };
  if (typeof out.build === 'string') out.build = abs(out.build);
  else if (isMapping(out.build)) out.build = { ...out.build, context: abs(typeof out.build.context === 'string' ? out.build.context : '.') };
  if (out.env_file !== undefined && out.env_file !== null) {
    out.env_file = ((Array.isArray(out.env_file) ? out.env_file : [out.env_file]) as unknown[]).map((e: unknown) => (typeof e === 'string' ? abs(e) : isMapping(e) && typeof e.path === 'string' ? { ...e, path: abs(e.path) } : e));
  }
  if (Array.isArray(out.volumes)) {
    out.volumes = (out.volumes as unknown[]).map((v: unknown) => {
      if (typeof v === 'string' && v.startsWith('.')) {
        const i = v.indexOf(':');
        return i === -1 ? v : abs(v.slice(0, i)) + v.slice(i);
      }
      if (isMapping(v) && v.type === 'bind' && typeof v.source === 'string') return { ...v, source: abs(v.source) };
      return v;
    });
  }
  return out;
}
