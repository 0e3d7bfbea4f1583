// Is the Docker engine reachable, which endpoint (and context) was used, and its version. An
// unreachable engine is the classifier's `local.docker-unavailable` with the table's remediation.

import { openEngine, type Engine } from '../engine/client.js';
import type { ResolvedDockerHost } from '../engine/docker-host.js';
import { toDeployFailure } from '../recovery/failure.js';
import type { Facts } from '../recovery/types.js';
import { classifyFinding } from './findings.js';
import type { CheckResult } from './types.js';

/** Doctor must not wait for a hung daemon as long as a deploy would. */
export const ENGINE_DEADLINE_MS = 10_000;

export interface EngineInfo {
  version?: string;
  apiVersion?: string;
  os?: string;
  arch?: string;
  /** `docker info` → DockerRootDir: where images and containers live. */
  dockerRootDir?: string;
  /** `docker info` → OperatingSystem ('Docker Desktop' when the engine runs in Docker Desktop's VM). */
  operatingSystem?: string;
  /** `docker info` → Name: the engine host's name. */
  name?: string;
}

export interface EngineProbe {
  engine?: Engine;
  endpoint?: ResolvedDockerHost;
  info?: EngineInfo;
  /** Set when the engine could not be opened or did not answer. */
  error?: unknown;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** Open the engine the way a deploy does, ping it, read its version and info. Never throws. */
export async function probeEngine(env: NodeJS.ProcessEnv, open: typeof openEngine = openEngine): Promise<EngineProbe> {
  let engine: Engine;
  try {
    engine = open({ env, responseTimeoutMs: ENGINE_DEADLINE_MS });
  } catch (err) {
    return { error: err };
  }
  const signal = AbortSignal.timeout(ENGINE_DEADLINE_MS);
  try {
    await engine.ping(signal);
    const [version, info] = await Promise.all([
      engine.call('ping', (d) => d.version(), { signal }),
      engine
        .call(
          'ping',
          async (d): Promise<Record<string, unknown>> => {
            const i: unknown = await d.info();
            return typeof i === 'object' && i !== null ? (i as Record<string, unknown>) : {};
          },
          { signal },
        )
        .catch((): Record<string, unknown> => ({})),
    ]);
    const out: EngineInfo = {};
    const put = (k: keyof EngineInfo, v: unknown) => {
      const s = str(v);
      if (s !== undefined) out[k] = s;
    };
    put('version', version.Version);
    put('apiVersion', version.ApiVersion);
    put('os', version.Os);
    put('arch', version.Arch);
    put('dockerRootDir', info.DockerRootDir);
    put('operatingSystem', info.OperatingSystem);
    put('name', info.Name);
    return { engine, endpoint: engine.endpoint, info: out };
  } catch (err) {
    return { endpoint: engine.endpoint, error: signal.aborted ? timeoutError(engine.endpoint) : err };
  }
}

function timeoutError(endpoint: ResolvedDockerHost): Error {
  return Object.assign(new Error(`no answer from the Docker engine at ${endpoint.host} within ${ENGINE_DEADLINE_MS / 1000} s`), { code: 'ETIMEDOUT' });
}

function endpointFacts(e: ResolvedDockerHost | undefined): Facts {
  if (!e) return {};
  const f: Facts = { endpoint: e.host, endpointSource: e.source, endpointDescription: e.description };
  if (e.context !== undefined) f.context = e.context;
  return f;
}

/** The engine check's verdict. Pure over the probe. */
export function decideEngine(p: EngineProbe): CheckResult {
  const where = p.endpoint ? `${p.endpoint.host}${p.endpoint.context !== undefined ? ` (context ${p.endpoint.context})` : ''}` : 'the configured endpoint';
  if (p.error === undefined && p.engine) {
    const i = p.info ?? {};
    const facts: Facts = { ...endpointFacts(p.endpoint) };
    for (const [k, v] of Object.entries(i)) if (typeof v === 'string') facts[k] = v;
    const version = i.version !== undefined ? `Docker engine ${i.version}${i.apiVersion !== undefined ? ` (API ${i.apiVersion})` : ''}` : 'Docker engine';
    return { id: 'local.engine', classId: 'local.docker-unavailable', verdict: 'ok', summary: `${version} answers at ${p.endpoint?.description ?? where}`, facts };
  }
  const failure = toDeployFailure(p.error, { source: 'engine', operation: 'ping' });
  const c = classifyFinding(failure);
  const facts: Facts = { ...c.facts, ...endpointFacts(p.endpoint), error: failure.message };
  return {
    id: 'local.engine',
    classId: c.classId,
    verdict: 'needs-you',
    summary: `the Docker engine does not answer at ${where}: ${failure.message.replace(/\s+/g, ' ').trim()}`,
    ...(c.repair !== null ? { repair: c.repair } : {}),
    remediation: c.remediation,
    facts,
  };
}
