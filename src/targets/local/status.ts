// `gh-devlake status` for a local deployment: the state file in --dir and the health of each endpoint;
// without a state file, a DevLake found on the well-known local bundles. The CLI has checked --dir,
// registered the secrets and wrapped the streams in the redactor (src/cli/commands/status.ts).

import path from 'node:path';
import { Output } from '../../io/output.js';
import { STATUS_EXIT } from '../../io/exit-codes.js';
import type { GlobalIo } from '../../io/global-io.js';
import { readLocalState, LOCAL_STATE_FILE, type LocalState } from '../../devlake/state.js';
import type { ProjectContainer } from '../../engine/ps.js';
import { checkEndpoints, discoverLocal, type EndpointHealth } from '../../devlake/discovery.js';

interface StatusFlags {
  dir: string;
  json?: boolean;
}

const LABEL: Record<EndpointHealth['name'], string> = { backend: 'Backend', grafana: 'Grafana', configUi: 'Config UI' };

const MIGRATION_HINT = '`gh-devlake start --dir DIR` starts it or waits for it';

/** `healthy`, `migrating (…)` (DevLake answers 428 until its migration is done), or `not healthy (…)`. */
function endpointVerdict(h: EndpointHealth, out: Output, detail: boolean): string {
  if (h.state === 'healthy') return out.green('healthy');
  if (h.state === 'migrating') return out.yellow(`migrating (HTTP 428: the database migration has not finished; ${MIGRATION_HINT})`);
  return out.red(detail ? `not healthy (${h.status !== undefined ? `HTTP ${h.status}` : (h.error ?? 'no answer')})` : 'not healthy');
}

export function statusLocalCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as StatusFlags;
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    const dir = path.resolve(flags.dir);
    const state = await readLocalState(dir);
    const { findComposeFile } = await import('../../devlake/local-project.js');
    if (!state && !findComposeFile(dir)) {
      // Nothing in this folder: no engine to ask (status stays fast). A DevLake answering on a
      // well-known bundle is shown for people, but it is not this folder's deployment.
      const found = await discoverLocal();
      if (out.json) {
        out.document({ deployment: null, state: 'missing', discovered: found ? { bundle: found.bundle, endpoints: await checkEndpoints(found.endpoints) } : null });
        return STATUS_EXIT.missing;
      }
      out.line(`No deployment in ${dir} (no ${LOCAL_STATE_FILE}, no compose file).`);
      if (found) {
        out.line(`A DevLake answers on the ${found.bundle} bundle; it is not this folder's deployment:`);
        for (const h of await checkEndpoints(found.endpoints)) out.line(`  ${(LABEL[h.name] + ':').padEnd(11)}${h.url}  ${endpointVerdict(h, out, false)}`);
      } else out.line('Deploy one with `gh-devlake deploy local --dir DIR`.');
      return STATUS_EXIT.missing;
    }
    return localStatus(dir, flags.dir, state, out, io.env);
  };
}

/** The deployment in dir, from its own containers: state, endpoints they publish, health. */
async function localStatus(dir: string, dirArg: string, state: LocalState | undefined, out: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const { openEngine } = await import('../../engine/client.js');
  const { locateProject } = await import('../../devlake/local-project.js');
  const { decideStack, endpointsFromContainers, observeContainers } = await import('../../devlake/stack-status.js');
  const { shellArg } = await import('./run.js');
  const engine = openEngine({ env });
  let project;
  let containers: ProjectContainer[] | undefined;
  let engineError: string | undefined;
  try {
    project = await locateProject(dir, env, { engine });
    containers = await observeContainers(engine, project.name, dir);
  } catch (err) {
    if (err instanceof Error && err.name === 'ComposeError') throw err;
    engineError = err instanceof Error ? err.message : String(err);
    project = await locateProject(dir, env).catch(() => undefined);
  }
  // Where each endpoint answers: what this project's containers publish. Only when the engine
  // cannot be asked, the recorded endpoints (never the well-known defaults).
  const endpoints = containers ? endpointsFromContainers(containers) : (state?.endpoints ?? {});
  const health = await checkEndpoints(endpoints);
  const startCommand = `gh-devlake start --dir ${shellArg(dirArg)}`;
  const verdict = decideStack({ ...(state ? { state } : {}), ...(containers ? { containers } : {}), ...(engineError ? { engineError } : {}), health, startCommand });
  if (out.json) {
    out.document({
      deployment: state
        ? {
            kind: 'local',
            stateFile: path.join(dir, LOCAL_STATE_FILE),
            method: state.method,
            deployedAt: state.deployedAt,
            source: state.source ?? null,
            version: state.version ?? null,
            bundle: state.bundle ?? null,
            status: state.status ?? 'complete',
          }
        : null,
      state: verdict.state,
      summary: verdict.summary,
      ...(verdict.next ? { next: verdict.next } : {}),
      project: project?.name ?? null,
      containers: containers?.map((c) => ({ name: c.name, service: c.service, state: c.state, status: c.status })) ?? null,
      endpoints: health,
      history: state?.history ?? [],
    });
    return STATUS_EXIT[verdict.state];
  }
  const what = [state?.version, state?.source].filter((x) => typeof x === 'string' && x !== '').join(', ');
  out.line(`Local DevLake in ${dir}${what ? ` (${what})` : ''}`);
  const paint = verdict.state === 'healthy' ? out.green(verdict.summary) : verdict.state === 'degraded' ? out.red(verdict.summary) : out.yellow(verdict.summary);
  out.line(`  State:     ${paint}`);
  if (state) out.line(`  Deployed:  ${state.deployedAt}${state.status === 'incomplete' ? '  (the last deploy did not finish)' : ''}`);
  if (project) out.line(`  Project:   ${project.name}`);
  if (state?.bundle) out.line(`  Bundle:    ${state.bundle}`);
  for (const h of health) out.line(`  ${(LABEL[h.name] + ':').padEnd(11)}${h.url}  ${endpointVerdict(h, out, true)}`);
  if (containers?.some((c) => c.state === 'running')) {
    for (const role of ['backend', 'grafana', 'configUi'] as const) if (!health.some((h) => h.name === role)) out.line(`  ${(LABEL[role] + ':').padEnd(11)}not published by this project's containers`);
  }
  if (verdict.next) out.line(`  Next:      ${verdict.next}`);
  const last = state?.history?.at(-1);
  if (last) out.line(`  Last recovery: ${last.classId} → ${last.repair ?? 'no repair'} (${last.outcome}, ${last.at})`);
  return STATUS_EXIT[verdict.state];
}
