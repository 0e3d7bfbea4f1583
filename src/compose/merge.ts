// Merging several compose files (compose's override rules, the parts we model); also used to
// merge a service onto the one it `extends`.
import { isList, isMapping } from './values.js';
import type { Mapping } from './values.js';

export function mergeTopLevel(base: Mapping, over: Mapping): Mapping {
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

export function mergeService(base: Mapping, over: Mapping): Mapping {
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
