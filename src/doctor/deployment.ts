// The deployment already in DIR: its state file, its containers, the bundle it uses, and whether it
// answers. A stopped or missing stack is fine (the deploy starts or creates it); a running stack whose
// backend does not answer is the taxonomy's health timeout, which has no repair.

import path from 'node:path';
import { checkEndpoints, type EndpointHealth } from '../devlake/discovery.js';
import type { Endpoints } from '../devlake/ports.js';
import type { Engine } from '../engine/client.js';
import { endpointsFromContainers, observeContainers } from '../devlake/stack-status.js';
import type { Facts } from '../recovery/types.js';
import type { LocalContext } from './context.js';
import { BROKEN_STATE_PROBLEMS } from '../devlake/state.js';
import { classifyFinding, unhealthyFailure } from './findings.js';
import type { CheckResult } from './types.js';

export interface ContainerSummary {
  name: string;
  service: string;
  state: string;
}

export interface DeploymentObservation {
  /** Undefined when the engine could not be asked. */
  containers?: ContainerSummary[];
  /** Health of the endpoints, when there is something to ask. */
  health?: EndpointHealth[];
  endpoints?: Partial<Endpoints>;
}

export async function observeDeployment(ctx: LocalContext, engine: Engine | undefined, timeoutMs = 2000): Promise<DeploymentObservation> {
  const obs: DeploymentObservation = {};
  let published: Partial<Endpoints> | undefined;
  if (engine && ctx.projectName !== undefined) {
    try {
      // This folder's containers only; another folder's under the same name are not this deployment.
      const list = await observeContainers(engine, ctx.projectName, ctx.dir);
      obs.containers = list.map((c) => ({ name: c.name, service: c.service, state: c.state }));
      published = endpointsFromContainers(list);
    } catch {
      // Unknown: the engine check says why.
    }
  }
  const running = obs.containers?.some((c) => c.state === 'running') ?? false;
  if (ctx.state || running) {
    // What this project's containers publish, never the well-known bundle ports (another project's,
    // maybe). Only when the engine cannot be asked, what the state file recorded.
    obs.endpoints = published ?? ctx.state?.endpoints ?? {};
    obs.health = await checkEndpoints(obs.endpoints, timeoutMs);
  }
  return obs;
}

function healthText(h: EndpointHealth): string {
  return h.status !== undefined ? `HTTP ${h.status}` : (h.error ?? 'no answer');
}

/** The deployment check's verdict. Pure. */
export function decideDeployment(ctx: LocalContext, o: DeploymentObservation): CheckResult {
  const id = 'local.deployment';
  const facts: Facts = { dir: ctx.dir, source: ctx.source, sourceAssumed: ctx.sourceAssumed, bundle: ctx.plan.bundle, mysqlUnpublished: ctx.plan.mysqlUnpublished };
  if (ctx.projectName !== undefined) facts.project = ctx.projectName;
  if (ctx.composeFile !== undefined) facts.composeFile = ctx.composeFile;
  if (ctx.state) {
    facts.stateFile = ctx.stateFile;
    if (ctx.state.status !== undefined) facts.status = ctx.state.status;
    if (typeof ctx.state.version === 'string') facts.version = ctx.state.version;
  }
  if (o.containers && o.containers.length > 0) facts.containers = o.containers.map((c) => `${c.service || c.name}=${c.state}`).join(', ');
  for (const h of o.health ?? []) facts[`${h.name}Health`] = `${h.url} ${h.healthy ? 'healthy' : healthText(h)}`;

  // Input problems: the deploy stops on them before it starts anything. No failure class describes them.
  if (ctx.dirKind === 'file') {
    return { id, classId: null, verdict: 'needs-you', summary: `${ctx.dir} is a file, not a directory`, remediation: 'Pass a directory with --dir (it is created when missing).', facts };
  }
  if (ctx.stateError !== undefined && ctx.deploy.moveBrokenState && ctx.stateProblem !== undefined && BROKEN_STATE_PROBLEMS.has(ctx.stateProblem)) {
    // The deploy moves it aside first (--move-broken-state) and goes on as if there were none.
    facts.stateFile = ctx.stateFile;
    const r = decideStack(ctx, o, facts);
    return { ...r, summary: `${r.summary}; the state file cannot be used (${ctx.stateProblem}), and --move-broken-state moves it aside first` };
  }
  if (ctx.stateError !== undefined) {
    return { id, classId: null, verdict: 'needs-you', summary: `the state file cannot be used: ${ctx.stateError}`, remediation: ctx.stateError, facts };
  }
  if (ctx.composeError !== undefined) {
    const file = path.basename(ctx.composeFile ?? 'the compose file');
    const why = ctx.composeError.replace(/\s+/g, ' ').trim();
    // An official deploy downloads the release's compose file over it; a fork's deploy writes the
    // missing .env from env.example before it loads the file. Anything else stops the deploy.
    let note: string | undefined;
    if (ctx.source === 'official') note = `${file} in DIR does not load (${why}); an official deploy replaces it with the release's`;
    else if (ctx.source === 'fork' && /env file \S*\.env not found/.test(why)) note = `${file} needs a .env, which the fork deploy writes from env.example`;
    if (note !== undefined) {
      facts.composeNote = note;
      const r = decideStack(ctx, o, facts);
      return { ...r, summary: `${r.summary}; ${note}` };
    }
    return {
      id,
      classId: null,
      verdict: 'needs-you',
      summary: `${ctx.composeFile ?? 'the compose file'} does not load: ${ctx.composeError.replace(/\s+/g, ' ').trim()}`,
      remediation: `Fix ${ctx.composeFile ?? 'the compose file'} (the deploy reads it as it is)${ctx.source === 'official' ? ', or remove it: an official deploy downloads the release’s' : ''}.`,
      facts,
    };
  }

  return decideStack(ctx, o, facts);
}

/** The stack itself: none, stopped, running and healthy or not. */
function decideStack(ctx: LocalContext, o: DeploymentObservation, facts: Facts): CheckResult {
  const id = 'local.deployment';
  const where = `${ctx.plan.bundle} bundle`;
  const source = `${ctx.source}${ctx.sourceAssumed ? ' (assumed: the default --source)' : ''}`;
  const containers = o.containers ?? [];
  const running = containers.filter((c) => c.state === 'running');
  const backend = o.health?.find((h) => h.name === 'backend');
  const recorded = ctx.state ? `recorded in ${path.basename(ctx.stateFile)} (${source}, ${where}${ctx.state.status === 'incomplete' ? ', the last deploy did not finish' : ''})` : undefined;
  const hc = classifyFinding(unhealthyFailure(backend?.url ?? o.endpoints?.backend ?? 'the backend', backend ? healthText(backend) : 'no answer'));

  if (running.length > 0) {
    if (backend?.healthy) {
      return { id, classId: hc.classId, verdict: 'ok', summary: `DevLake runs in DIR (${running.length}/${containers.length} containers up, ${where}) and its backend is healthy at ${backend.url}`, facts };
    }
    if (backend?.status === 428) {
      return { id, classId: hc.classId, verdict: 'ok', summary: `DevLake runs in DIR (${where}); its database migration is pending at ${backend.url} (the deploy triggers it and waits)`, facts };
    }
    return {
      id,
      classId: hc.classId,
      verdict: 'needs-you',
      summary: `DevLake's containers run in DIR (${running.length}/${containers.length} up, ${where}) but the backend does not answer at ${backend?.url ?? 'its endpoint'} (${backend ? healthText(backend) : 'not asked'})`,
      ...(hc.repair !== null ? { repair: hc.repair } : {}),
      remediation: hc.remediation,
      facts,
    };
  }
  if (containers.length > 0) {
    return { id, classId: hc.classId, verdict: 'ok', summary: `a deployment in DIR is stopped (${containers.length} containers, ${where}${recorded ? '' : ', no state file'}); the deploy starts it again`, facts };
  }
  if (recorded) {
    const engineUnknown = o.containers === undefined ? '; its containers are unknown (the engine did not answer)' : '; no containers exist, the deploy creates them';
    if (backend?.healthy) return { id, classId: hc.classId, verdict: 'ok', summary: `a deployment is ${recorded} and its backend is healthy at ${backend.url}`, facts };
    return { id, classId: hc.classId, verdict: 'ok', summary: `a deployment is ${recorded}${engineUnknown}`, facts };
  }
  const compose = ctx.composeFile ? ` (compose file ${path.basename(ctx.composeFile)} found)` : '';
  const missing = ctx.dirKind === 'missing' ? ' (the directory does not exist yet; the deploy creates it)' : '';
  return { id, classId: hc.classId, verdict: 'ok', summary: `no deployment in DIR${missing}${compose}; a deploy starts fresh on the ${where}, source ${source}`, facts };
}
