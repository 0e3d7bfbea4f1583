// The Azure commands: deploy (the recovering flow), start, stop, status and cleanup, through the
// SDK. Each returns the process exit code: 0 ok, 1 failed, 2 usage error. `--json` prints one
// document. The Azure SDK loads only inside these functions (dynamic import in src/azure/arm.ts).

import path from 'node:path';
import type { Output } from '../../io/output.js';
import { readAzureState, removeAzureState, type AzureState } from '../../devlake/state.js';
import { MIGRATION_GATED_PATH, probeHttp } from '../../devlake/probe.js';
import { classify } from '../../recovery/classify.js';
import { toDeployFailure } from '../../recovery/failure.js';
import { DeployError } from '../../recovery/deploy-error.js';
import { formatReportLine } from '../../recovery/report.js';
import { durationText } from '../../util/wait.js';
import { EXIT } from '../../io/exit-codes.js';
import { runAzureFlow, type AzureFlowDeps, type AzureFlowResult } from './flow.js';
import { azureNames, baseNameProblem, goToolSuffix, resourceGroupProblem } from '../../azure/names.js';
import { findSubscription } from '../../azure/subscriptions.js';
import { defaultAzureContext, type AzureContext, type AzureContextFactory } from '../../azure/context.js';
import { confirmOnTerminal, isInteractive } from '../../azure/login.js';
import { checkDir } from '../../io/dir-checks.js';
import {
  checkToken,
  containerGroup,
  deleteResourceGroup,
  mysqlState,
  openArm,
  resourceGroupExists,
  startContainerGroup,
  startMysql,
  stopContainerGroup,
  stopMysql,
  type ArmClients,
} from '../../azure/arm.js';
import { disabledRepairs } from '../../recovery/repairs/index.js';
import { API_VERSIONS } from '../../azure/template.js';

/** `deploy azure` flags (commander's camelCase names). */
export interface DeployAzureOptions {
  resourceGroup: string;
  location: string;
  subscription?: string;
  baseName?: string;
  /** Use the official images; without it, custom images in an ACR (--repo-url or --skip-image-build). */
  official?: boolean;
  repoUrl?: string;
  skipImageBuild?: boolean;
  version?: string;
  dir?: string;
  yes?: boolean;
  /** Generate a new MySQL password and ENCRYPTION_SECRET although the vault holds them. */
  rotateSecrets?: boolean;
  json?: boolean;
  inspect?: boolean;
  /** `--no-repair <id>`, repeatable (commander names the negated flag `repair`). */
  repair?: string[];
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface AzureStateCommandOptions {
  dir?: string;
  /** Subscription, when the state file has none (the Go tool's partial file): as for a deploy. */
  subscription?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface CleanupAzureOptions extends AzureStateCommandOptions {
  /** Delete the resources but keep the resource group. */
  keepResourceGroup?: boolean;
  /** Do not ask (required without a terminal). */
  force?: boolean;
}

/** What the commands take from the world (tests inject the fake ARM's context). */
export interface AzureCommandDeps extends AzureFlowDeps {
  context?: AzureContextFactory;
}

function usage(out: Output, message: string): number {
  if (out.json) out.document({ ok: false, error: 'usage', message });
  else out.note(`error: ${message}`);
  return EXIT.usage;
}

// ── deploy azure ──────────────────────────────────────────────────────────────

export async function deployAzure(opts: DeployAzureOptions, out: Output, deps: AzureCommandDeps = {}): Promise<number> {
  const env = opts.env ?? process.env;
  if (!opts.resourceGroup) return usage(out, '--resource-group is required');
  if (!opts.location) return usage(out, '--location is required');
  const rgProblem = resourceGroupProblem(opts.resourceGroup);
  if (rgProblem) return usage(out, `--resource-group ${rgProblem}`);
  const baseName = opts.baseName ?? 'devlake';
  const baseProblem = baseNameProblem(baseName);
  if (baseProblem) return usage(out, `--base-name ${baseProblem}`);
  if (opts.official && (opts.repoUrl || opts.skipImageBuild)) return usage(out, '--repo-url and --skip-image-build apply to custom images only; drop them with --official');
  if (!opts.official && !opts.repoUrl && !opts.skipImageBuild) {
    return usage(out, 'choose the images: --official (the DevLake release), --repo-url <fork> (build and push custom images), or --skip-image-build (custom images already in the registry)');
  }
  if (opts.repoUrl && opts.skipImageBuild) return usage(out, '--repo-url builds the images and --skip-image-build skips that: pass one of them');
  const switchedOff = disabledRepairs(opts.repair, env);
  if ('error' in switchedOff) return usage(out, switchedOff.error);
  const location = opts.location.toLowerCase().replace(/\s+/g, '');
  // An unusable --dir (a file, read-only, /proc) is bad input (exit 3), found before Azure is asked anything.
  await checkDir(opts.dir ?? '.');

  let result: AzureFlowResult;
  const inspector = opts.inspect ? await (await import('../../io/inspect.js')).startInspector(out) : undefined;
  try {
    result = await runAzureFlow(
      {
        resourceGroup: opts.resourceGroup,
        location,
        ...(opts.subscription ? { subscription: opts.subscription } : {}),
        baseName,
        version: opts.version ?? 'latest',
        ...(opts.official ? {} : { custom: { ...(opts.repoUrl ? { repoUrl: opts.repoUrl } : {}), skipBuild: Boolean(opts.skipImageBuild) } }),
        dir: opts.dir ?? '.',
        yes: Boolean(opts.yes),
        rotateSecrets: Boolean(opts.rotateSecrets),
        env,
        ...(switchedOff.disabled.length > 0 ? { disabled: switchedOff.disabled } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(inspector ? { inspect: (o: { inspect?: unknown }) => inspector.attach(o) } : {}),
      },
      out,
      deps,
    );
  } finally {
    inspector?.stop();
    out.done();
  }

  if (result.outcome === 'interrupted') {
    const i = result.interrupted;
    if (out.json) out.document({ ok: false, outcome: 'interrupted', resourceGroup: result.resourceGroup, interrupted: i ?? null, stateFile: result.stateFile ?? null });
    else out.line(`Interrupted: ${i?.detail ?? 'no ARM deployment of ours was running'}.`);
    return EXIT.sigint;
  }
  if (out.json) {
    out.document({
      ok: result.outcome !== 'failed',
      outcome: result.outcome,
      unchanged: result.unchanged === true,
      secrets: result.secrets ?? null,
      couldNotCheck: result.couldNotCheck,
      method: 'azure',
      resourceGroup: result.resourceGroup,
      region: location,
      subscriptionId: result.subscriptionId ?? null,
      suffix: result.names.suffix,
      resources: { keyVault: result.names.keyVault, mysql: result.names.mysql, containers: [result.names.backend, result.names.grafana, result.names.configUi], acr: opts.official ? null : result.names.acr },
      endpoints: result.endpoints ?? null,
      migration: result.migration ?? null,
      attempts: result.attempts,
      report: result.incidents.map((i) => i.lines.map((l) => formatReportLine(l))),
      records: result.incidents.map((i) => i.record),
      recovery: result.incidents.length > 0 ? result.incidents[result.incidents.length - 1]?.record : null,
      failure: result.failure ?? null,
      stateFile: result.stateFile ?? null,
    });
  } else {
    for (const incident of result.incidents) {
      for (const l of incident.lines) out.line(formatReportLine(l, (s) => out.bold(s)));
      out.line();
    }
    if (result.outcome !== 'failed' && result.endpoints) {
      out.line(
        out.green(
          result.unchanged
            ? 'DevLake on Azure is unchanged: the recorded deployment is healthy, with the same template and the same secrets.'
            : result.outcome === 'recovered'
              ? 'DevLake is deployed on Azure (recovered).'
              : 'DevLake is deployed on Azure.',
        ),
      );
      out.line(`  Backend API: ${result.endpoints.backend}`);
      out.line(`  Config UI:   ${result.endpoints.configUi}`);
      out.line(`  Grafana:     ${result.endpoints.grafana}`);
      if (result.migration) out.line(`  Migration:   ${result.migration.how === 'not-needed' ? 'nothing pending (the API answered at once)' : `done in ${durationText(result.migration.durationMs)}`}`);
      if (result.stateFile) out.line(`State saved to ${path.relative(process.cwd(), result.stateFile) || result.stateFile}`);
      const s = result.secrets;
      const reused = s ? [s.mysqlPassword === 'reused' ? 'MySQL password' : '', s.encryptionSecret === 'reused' ? 'ENCRYPTION_SECRET' : ''].filter(Boolean) : [];
      out.line(
        reused.length === 2
          ? `Secrets (MySQL password, ENCRYPTION_SECRET) reused from Key Vault ${result.names.keyVault}; none was changed.`
          : reused.length === 1
            ? `Secrets in Key Vault ${result.names.keyVault}: ${reused[0] ?? ''} reused, the other generated now.`
            : `Secrets (MySQL password, ENCRYPTION_SECRET) are in Key Vault ${result.names.keyVault}.`,
      );
      for (const c of result.couldNotCheck) out.line(`Note: ${c}.`);
    } else {
      out.line(out.red(`Azure deploy failed${result.failure ? `: ${result.failure.message}` : ''}`));
      if (result.failure && result.incidents.length === 0) out.line(`Next: ${result.failure.remediation}`);
      if (result.stateFile) out.line(`Partial state in ${path.relative(process.cwd(), result.stateFile) || result.stateFile}; \`gh-devlake cleanup --azure\` removes what was created.`);
    }
  }
  return result.outcome === 'failed' ? EXIT.failed : EXIT.ok;
}

// ── helpers for the state-file commands ───────────────────────────────────────

interface Opened {
  state: AzureState;
  arm: ArmClients;
  ctx: AzureContext;
}

/** Read the state file and connect; on failure print a classified error and return an exit code. */
async function openFromState(opts: AzureStateCommandOptions, out: Output, deps: AzureCommandDeps): Promise<Opened | number> {
  const dir = path.resolve(opts.dir ?? '.');
  let state: AzureState | undefined;
  try {
    state = await readAzureState(dir);
  } catch (err) {
    return fail(out, err, 'state.read');
  }
  if (!state) return usage(out, `no .devlake-azure.json in ${dir}; run \`gh-devlake deploy azure\` first (or pass --dir)`);
  const env = opts.env ?? process.env;
  try {
    const given = state.subscriptionId || opts.subscription;
    const ctx = await (deps.context ?? defaultAzureContext)({ ...(given ? { subscription: given } : {}), env });
    await checkToken(ctx, opts.signal).catch((err: unknown) => {
      throw new DeployError(toDeployFailure(err, { source: 'auth', operation: 'credential.getToken' }), { cause: err });
    });
    // The Go tool's partial file names no subscription: resolve it as a deploy does.
    let subscriptionId = state.subscriptionId || opts.subscription || ctx.subscriptionId;
    if (!subscriptionId) {
      const pick = await findSubscription(ctx, env, opts.signal);
      subscriptionId = pick.subscriptionId;
      if (!subscriptionId) {
        throw new DeployError({ source: 'azure', code: 'SubscriptionNotFound', operation: 'subscription.resolve', message: `${state.resourceGroup}'s state file names no subscription, and none was chosen (${pick.reason}): pass --subscription <id> or set AZURE_SUBSCRIPTION_ID` });
      }
      out.note(`Using subscription ${subscriptionId}: ${pick.reason}.`);
    }
    const arm = await openArm(ctx, subscriptionId);
    return { state: withDerivedResources({ ...state, subscriptionId }), arm, ctx };
  } catch (err) {
    return fail(out, err, 'connect');
  }
}

/**
 * A state file without resource names (the Go tool's partial file) gets the names the Go tool
 * derives: base `devlake`, its suffix from the group name (or the file's own suffix).
 */
function withDerivedResources(state: AzureState): AzureState {
  if (state.resources.keyVault) return state;
  const n = azureNames('devlake', state.suffix || goToolSuffix(state.resourceGroup));
  return { ...state, suffix: n.suffix, resources: { keyVault: n.keyVault, mysql: n.mysql, database: n.database, containers: [n.backend, n.grafana, n.configUi], acr: n.acr } };
}

function fail(out: Output, err: unknown, operation: string, extra: Record<string, unknown> = {}): number {
  const failure = toDeployFailure(err, { source: 'azure', operation });
  const c = classify(failure);
  if (out.json) out.document({ ok: false, ...extra, classId: c.classId, message: c.failure.message, remediation: c.remediation });
  else {
    out.line(out.red(`error: ${c.title} — ${c.failure.message.replace(/\s+/g, ' ').trim()}`));
    out.line(`Next: ${c.remediation}`);
  }
  return EXIT.failed;
}

// ── start / stop ──────────────────────────────────────────────────────────────

export async function startAzure(opts: AzureStateCommandOptions, out: Output, deps: AzureCommandDeps = {}): Promise<number> {
  const opened = await openFromState(opts, out, deps);
  if (typeof opened === 'number') return opened;
  const { state, arm } = opened;
  const done: string[] = [];
  try {
    const s = await mysqlState(arm, state.resourceGroup, state.resources.mysql);
    if (s !== undefined && s.toLowerCase() === 'stopped') {
      out.progress(`Starting MySQL server ${state.resources.mysql}`);
      await startMysql(arm, state.resourceGroup, state.resources.mysql, opts.signal);
      done.push(`MySQL server ${state.resources.mysql} started`);
    }
    for (const name of state.resources.containers) {
      out.progress(`Starting container group ${name}`);
      await startContainerGroup(arm, state.resourceGroup, name, opts.signal);
      done.push(`container group ${name} started`);
    }
  } catch (err) {
    out.done();
    return fail(out, err, 'start', { done });
  }
  out.done();
  if (out.json) out.document({ ok: true, resourceGroup: state.resourceGroup, done, endpoints: state.endpoints ?? null });
  else {
    for (const d of done) out.line(d);
    if (state.endpoints?.backend) out.line(`Backend API: ${state.endpoints.backend}`);
  }
  return EXIT.ok;
}

export async function stopAzure(opts: AzureStateCommandOptions, out: Output, deps: AzureCommandDeps = {}): Promise<number> {
  const opened = await openFromState(opts, out, deps);
  if (typeof opened === 'number') return opened;
  const { state, arm } = opened;
  const done: string[] = [];
  try {
    for (const name of state.resources.containers) {
      const g = await containerGroup(arm, state.resourceGroup, name);
      if (!g.exists) continue;
      out.progress(`Stopping container group ${name}`);
      await stopContainerGroup(arm, state.resourceGroup, name);
      done.push(`container group ${name} stopped`);
    }
    const s = await mysqlState(arm, state.resourceGroup, state.resources.mysql);
    if (s !== undefined && s.toLowerCase() === 'ready') {
      out.progress(`Stopping MySQL server ${state.resources.mysql}`);
      await stopMysql(arm, state.resourceGroup, state.resources.mysql, opts.signal);
      done.push(`MySQL server ${state.resources.mysql} stopped (Azure starts a stopped server again after 30 days)`);
    }
  } catch (err) {
    out.done();
    return fail(out, err, 'stop', { done });
  }
  out.done();
  if (out.json) out.document({ ok: true, resourceGroup: state.resourceGroup, done });
  else for (const d of done) out.line(d);
  return EXIT.ok;
}

// ── status ────────────────────────────────────────────────────────────────────

async function ping(url: string | undefined): Promise<{ ping: number | string; state: 'healthy' | 'migrating' | 'unhealthy' }> {
  if (!url) return { ping: 'no endpoint', state: 'unhealthy' };
  const base = url.replace(/\/$/, '');
  // /ping answers 200 while the migration waits or runs; a route behind the 428 gate tells.
  const [answer, gated] = await Promise.all([probeHttp(`${base}/ping`, 5000), probeHttp(`${base}${MIGRATION_GATED_PATH}`, 5000)]);
  const value = answer.status ?? answer.error ?? 'no answer';
  return { ping: value, state: value !== 200 ? 'unhealthy' : gated.status === 428 ? 'migrating' : 'healthy' };
}

export async function statusAzure(opts: AzureStateCommandOptions, out: Output, deps: AzureCommandDeps = {}): Promise<number> {
  const opened = await openFromState(opts, out, deps);
  if (typeof opened === 'number') return opened;
  const { state, arm } = opened;
  try {
    const mysql = await mysqlState(arm, state.resourceGroup, state.resources.mysql);
    const groups = [];
    for (const name of state.resources.containers) groups.push(await containerGroup(arm, state.resourceGroup, name));
    const probe = await ping(state.endpoints?.backend);
    const backend = probe.ping;
    const healthy = probe.state === 'healthy';
    if (out.json) {
      out.document({
        ok: true,
        method: 'azure',
        status: state.status ?? 'complete',
        resourceGroup: state.resourceGroup,
        region: state.region,
        subscriptionId: state.subscriptionId,
        deployedAt: state.deployedAt ?? null,
        endpoints: state.endpoints ?? null,
        mysql: { name: state.resources.mysql, state: mysql ?? 'absent' },
        containers: groups.map((g) => ({ name: g.name, state: g.exists ? (g.state ?? 'unknown') : 'absent' })),
        backend: { ping: backend, healthy, state: probe.state },
      });
    } else {
      out.line(`Azure deployment in ${state.resourceGroup} (${state.region}, subscription ${state.subscriptionId})${state.status === 'incomplete' ? ' — incomplete (the deploy did not finish)' : ''}`);
      out.line(`  MySQL ${state.resources.mysql}: ${mysql ?? 'absent'}`);
      for (const g of groups) out.line(`  Container group ${g.name}: ${g.exists ? (g.state ?? 'unknown') : 'absent'}`);
      const verdict = healthy ? out.green('healthy') : probe.state === 'migrating' ? out.yellow('migrating (HTTP 428: the database migration has not finished)') : out.yellow(`not healthy (${String(backend)})`);
      if (state.endpoints?.backend) out.line(`  Backend API ${state.endpoints.backend}: ${verdict}`);
      if (state.endpoints?.configUi) out.line(`  Config UI:  ${state.endpoints.configUi}`);
      if (state.endpoints?.grafana) out.line(`  Grafana:    ${state.endpoints.grafana}`);
    }
    return EXIT.ok;
  } catch (err) {
    return fail(out, err, 'status');
  }
}

// ── cleanup ───────────────────────────────────────────────────────────────────

export async function cleanupAzure(opts: CleanupAzureOptions, out: Output, deps: AzureCommandDeps & { confirm?: (q: string) => Promise<boolean> } = {}): Promise<number> {
  const env = opts.env ?? process.env;
  const dir = path.resolve(opts.dir ?? '.');
  if (!opts.force) {
    const interactive = deps.interactive ?? isInteractive(env);
    if (!interactive) return usage(out, 'cleanup --azure deletes Azure resources; pass --force to confirm (there is no terminal to ask)');
  }
  const opened = await openFromState(opts, out, deps);
  if (typeof opened === 'number') return opened;
  const { state, arm } = opened;
  const what = opts.keepResourceGroup
    ? `the DevLake resources in resource group ${state.resourceGroup} (the group stays)`
    : `resource group ${state.resourceGroup} and everything in it`;
  if (!opts.force) {
    const ok = await (deps.confirm ?? confirmOnTerminal)(`Delete ${what}?`);
    if (!ok) {
      out.line('Nothing deleted.');
      return EXIT.ok;
    }
  }
  const deleted: string[] = [];
  try {
    if (opts.keepResourceGroup) {
      const sub = `/subscriptions/${state.subscriptionId}/resourceGroups/${state.resourceGroup}/providers`;
      const targets: [string, string][] = [
        ...state.resources.containers.map((c): [string, string] => [`${sub}/Microsoft.ContainerInstance/containerGroups/${c}`, API_VERSIONS.containerGroups]),
        [`${sub}/Microsoft.DBforMySQL/flexibleServers/${state.resources.mysql}`, API_VERSIONS.mysql],
        [`${sub}/Microsoft.KeyVault/vaults/${state.resources.keyVault}`, API_VERSIONS.vaults],
        // The registry of custom images (null with the official images, as the Go tool writes it).
        ...(state.resources.acr ? [[`${sub}/Microsoft.ContainerRegistry/registries/${state.resources.acr}`, API_VERSIONS.registries] as [string, string]] : []),
      ];
      for (const [id, apiVersion] of targets) {
        out.progress(`Deleting ${id.split('/').slice(-2).join('/')}`);
        // The SDK puts the id after the endpoint's slash: without its own leading slash the URL stays canonical.
        await arm.resources.resources.beginDeleteByIdAndWait(id.replace(/^\//, ''), apiVersion, arm.pollIntervalMs !== undefined ? { updateIntervalInMs: arm.pollIntervalMs } : {});
        deleted.push(id.split('/').pop() ?? id);
      }
    } else if (await resourceGroupExists(arm, state.resourceGroup)) {
      out.progress(`Deleting resource group ${state.resourceGroup} (this takes a few minutes)`);
      await deleteResourceGroup(arm, state.resourceGroup, opts.signal);
      deleted.push(state.resourceGroup);
    }
  } catch (err) {
    out.done();
    return fail(out, err, 'cleanup', { deleted });
  }
  out.done();
  await removeAzureState(dir);
  if (out.json) out.document({ ok: true, resourceGroup: state.resourceGroup, keptResourceGroup: Boolean(opts.keepResourceGroup), deleted, stateFileRemoved: true });
  else {
    out.line(deleted.length > 0 ? `Deleted ${deleted.join(', ')}.` : `Resource group ${state.resourceGroup} was already gone.`);
    if (!opts.keepResourceGroup) out.line('Key Vault is now soft-deleted; the next deploy with the same resource group purges it (its name is derived).');
    out.line(`Removed ${path.join(dir, '.devlake-azure.json')}.`);
  }
  return EXIT.ok;
}
