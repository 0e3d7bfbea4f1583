// Host ports: each port of both bundles, MySQL's 3306 and whatever else the compose file publishes.
// Free, held (by which container — its compose project and file — or host process), or reserved by
// Windows. `decidePort` is pure: the finding becomes the DeployFailure the engine would report, the
// classifier names the class and repair, and the deploy's own guard decides whether it would apply.

import { existsSync } from 'node:fs';
import type { ComposeProject } from '../compose/model.js';
import { applyPortPlan, hostIpOf, publishedPorts } from '../devlake/plan.js';
import {
  ALTERNATE_BUNDLE,
  BUNDLES,
  MYSQL_HOST_PORT,
  ROLE_LABEL,
  bundleByName,
  bundlePorts,
  roleOfPort,
} from '../devlake/ports.js';
import type { Engine } from '../engine/client.js';
import { findByAddress, findPublishers, type PortPublisher } from '../engine/ps.js';
import { describeHolderText, describePortHolder, type PortHolder } from '../recovery/port-holder.js';
import type { Facts, RepairId } from '../recovery/types.js';
import { observedRemediation } from '../recovery/advice.js';
import { isPortFree } from '../util/port-probe.js';
import { classifyFinding, portExcludedFailure, portHeldFailure } from './findings.js';
import { rangeCovering, rangeText, type ExcludedRange } from './netsh.js';
import { localDeclineReason, localRepairAllowed, type LocalPlan, type LocalSource } from './repair-guard.js';
import type { CheckResult } from './types.js';

export interface PortObservation {
  port: number;
  /** The host address probed ('' = all interfaces), as the compose file publishes it. */
  hostIp: string;
  state: 'free' | 'held' | 'excluded';
  holder?: PortHolder;
  /** Held by a container of this deployment's own compose project (a redeploy keeps it). */
  own?: boolean;
  /** The Windows excluded range that covers the port. */
  excludedRange?: string;
}

/** What a deploy from DIR would do with the ports, as far as doctor can tell before it runs. */
export interface PortPlanContext {
  plan: LocalPlan;
  source: LocalSource;
  /** Repairs the deploy would run without (`--no-repair`). */
  disabled?: readonly RepairId[];
  /** Host ports the deploy's first attempt publishes. */
  planned: ReadonlySet<number>;
  /** Every port of the alternate bundle is free: the alternate-bundle repair's own check before it switches. */
  alternateFree: boolean;
  /** Why the alternate bundle is not free (for the summary). */
  alternateBusy?: string;
}

/** The ports doctor looks at: both bundles, 3306, then any other port the plan publishes. */
export function portsToCheck(planned: Iterable<number>): number[] {
  const ports = [...BUNDLES.flatMap((b) => bundlePorts(b)), MYSQL_HOST_PORT];
  for (const p of planned) if (!ports.includes(p)) ports.push(p);
  return ports;
}

/**
 * The ports a deploy's first attempt publishes. With a compose file: its ports after the plan (bundle
 * remap, MySQL dropped). Without one (an official deploy downloads it): the release's layout.
 */
export function plannedPorts(project: ComposeProject | undefined, plan: LocalPlan): Map<number, string> {
  const out = new Map<number, string>();
  if (project) {
    for (const p of publishedPorts(applyPortPlan(project, plan))) if (!out.has(p.port)) out.set(p.port, p.hostIp);
    return out;
  }
  for (const p of bundlePorts(bundleByName(plan.bundle))) out.set(p, '');
  if (!plan.mysqlUnpublished) out.set(MYSQL_HOST_PORT, '');
  return out;
}

/** The host address to probe `port` on: where the plan (or the alternate plan) publishes it. */
export function probeHostIp(project: ComposeProject | undefined, plan: LocalPlan, port: number): string {
  if (!project) return '';
  const current = applyPortPlan(project, plan);
  const ip = hostIpOf(current, port);
  if (ip !== '') return ip;
  return hostIpOf(applyPortPlan(project, { ...plan, bundle: 'alternate' }), port);
}

function portLabel(port: number): string {
  const role = roleOfPort(port);
  if (role) return `port ${port} (${ROLE_LABEL[role.role]}, ${role.bundle.name} bundle)`;
  if (port === MYSQL_HOST_PORT) return `port ${port} (MySQL)`;
  return `port ${port}`;
}

function holderKind(h: PortHolder | undefined): 'container' | 'process' | 'unknown' {
  return h?.kind ?? 'unknown';
}

function holderFacts(h: PortHolder | undefined): Facts {
  if (!h) return {};
  switch (h.kind) {
    case 'container': {
      const f: Facts = { holderKind: 'container', holder: h.name, stopCommand: h.stopCommand };
      if (h.project !== undefined) f.holderProject = h.project;
      if (h.composeFile !== undefined) f.holderComposeFile = h.composeFile;
      return f;
    }
    case 'process':
      return { holderKind: 'process', holderPid: h.pid, holderCommand: h.command };
    case 'unknown':
      return { holderKind: 'unknown', holder: h.note };
  }
}

/** Whether the alternate bundle is free for the repair, and if not, why. */
export function alternateBundleStatus(observations: readonly PortObservation[]): { free: boolean; busy?: string } {
  const busy = observations
    .filter((o) => bundlePorts(ALTERNATE_BUNDLE).includes(o.port) && o.state !== 'free' && !o.own)
    .map((o) => `${o.port} is ${o.state === 'excluded' ? `reserved by Windows (${o.excludedRange ?? 'excluded range'})` : o.holder ? describeHolderText(o.holder) : 'in use'}`);
  return busy.length === 0 ? { free: true } : { free: false, busy: busy.join('; ') };
}

/** One port's verdict. Pure. */
export function decidePort(o: PortObservation, ctx: PortPlanContext): CheckResult {
  const failure = o.state === 'excluded' ? portExcludedFailure(o.port, o.hostIp, o.excludedRange) : portHeldFailure(o.port, o.hostIp, holderKind(o.holder));
  const c = classifyFinding(failure);
  const planned = ctx.planned.has(o.port);
  const facts: Facts = { ...c.facts, port: o.port, hostIp: o.hostIp === '' ? '0.0.0.0' : o.hostIp, state: o.state, planned, ...holderFacts(o.holder) };
  if (o.excludedRange !== undefined) facts.excludedRange = o.excludedRange;
  delete facts.target;
  const id = `local.port.${o.port}`;
  const label = portLabel(o.port);
  const what = o.state === 'excluded' ? `is reserved by Windows (excluded range ${o.excludedRange ?? '?'})` : o.holder ? `is ${describeHolderText(o.holder)}` : 'is in use';

  if (o.state === 'free') return { id, classId: c.classId, verdict: 'ok', summary: `${label} is free`, facts };
  if (o.own) return { id, classId: c.classId, verdict: 'ok', summary: `${label} is held by this deployment (${o.holder?.kind === 'container' ? o.holder.name : 'its container'}); a redeploy keeps it`, facts };
  if (!planned) {
    let why = 'the deploy does not publish it';
    if (o.port === MYSQL_HOST_PORT) why = ctx.plan.mysqlUnpublished ? 'MySQL is not published (an earlier deploy dropped 3306)' : 'the compose file does not publish it';
    else if (roleOfPort(o.port)?.bundle.name === ctx.plan.bundle) why = 'the compose file does not publish it';
    else if (roleOfPort(o.port)) why = `the deploy uses the ${ctx.plan.bundle} bundle`;
    return { id, classId: c.classId, verdict: 'ok', summary: `${label} ${what}; ${why}`, facts };
  }

  const allowed = localRepairAllowed(c, ctx.plan, ctx.source, ctx.disabled);
  if (allowed && c.repair === 'local.alternate-bundle' && !ctx.alternateFree) {
    facts.declined = `the alternate bundle is busy too (${ctx.alternateBusy ?? 'in use'})`;
    facts.fallbackBlocked = true;
    return {
      id,
      classId: c.classId,
      verdict: 'needs-you',
      summary: `${label} ${what}; the alternate bundle is busy too (${ctx.alternateBusy ?? 'in use'}), so the fallback cannot help`,
      repair: c.repair,
      remediation: observedRemediation(c, { source: ctx.source, bundle: ctx.plan.bundle, alternateBusy: ctx.alternateBusy ?? 'in use' }),
      facts,
    };
  }
  if (allowed && c.repair !== null) {
    return { id, classId: c.classId, verdict: 'auto-repair', summary: `${label} ${what}`, repair: c.repair, remediation: c.remediation, facts };
  }
  facts.declined = localDeclineReason(c, ctx.plan, ctx.source, ctx.disabled);
  return {
    id,
    classId: c.classId,
    verdict: 'needs-you',
    summary: `${label} ${what}${c.repair !== null ? `; no automatic repair: ${String(facts.declined)}` : ''}`,
    ...(c.repair !== null ? { repair: c.repair } : {}),
    remediation: observedRemediation(c, { source: ctx.source, bundle: ctx.plan.bundle }),
    facts,
  };
}

export interface ObservePortDeps {
  /** The engine, when it answers: containers publishing a port. */
  engine?: Engine;
  /** This deployment's compose project name (its containers are not a conflict). */
  ownProject?: string;
  excluded?: readonly ExcludedRange[];
  /** Bind probe (default: a real bind, closed at once). */
  isFree?: (port: number, hostIp: string) => Promise<boolean>;
  /** Containers publishing `port` (default: the engine's list). */
  publishers?: (port: number) => Promise<PortPublisher[]>;
  /** Containers with an address (default: the engine's list): whom a docker-proxy forwards to. */
  byAddress?: (ip: string) => Promise<PortPublisher[]>;
  describeHolder?: typeof describePortHolder;
}

/** Look at one port. Never throws: what cannot be looked at counts as unknown. */
export async function observePort(port: number, hostIp: string, deps: ObservePortDeps): Promise<PortObservation> {
  const range = deps.excluded ? rangeCovering(deps.excluded, port) : undefined;
  if (range) return { port, hostIp, state: 'excluded', excludedRange: rangeText(range) };
  const engine = deps.engine;
  const listPublishers = deps.publishers ?? (engine ? (p: number) => findPublishers(engine, p) : () => Promise.resolve([]));
  const [free, publishers] = await Promise.all([
    (deps.isFree ?? ((p: number, ip: string) => isPortFree(p, ip === '' ? '0.0.0.0' : ip)))(port, hostIp).catch(() => false),
    listPublishers(port).catch(() => [] as PortPublisher[]),
  ]);
  // An engine without the userland proxy holds no socket for a container's port: the list says it.
  if (free && publishers.length === 0) return { port, hostIp, state: 'free' };
  const foreign = publishers.filter((p) => deps.ownProject === undefined || p.project !== deps.ownProject);
  const own = publishers.length > 0 && foreign.length === 0;
  const ordered = [...foreign, ...publishers.filter((p) => !foreign.includes(p))];
  const findAddress = deps.byAddress ?? (engine ? (ip: string) => findByAddress(engine, ip) : undefined);
  const holder = await (deps.describeHolder ?? describePortHolder)(port, { findPublishers: () => ordered, ...(findAddress ? { findByAddress: findAddress } : {}), exists: existsSync }).catch(() => undefined);
  // A container found through its docker-proxy (not in the list) may be this deployment's too.
  const ownByProxy = publishers.length === 0 && holder?.kind === 'container' && deps.ownProject !== undefined && holder.project === deps.ownProject;
  return { port, hostIp, state: 'held', ...(holder ? { holder } : {}), ...(own || ownByProxy ? { own: true } : {}) };
}
