// TEST ONLY: a fake Azure Resource Manager on 127.0.0.1 over HTTPS, for the real SDK clients.
// It serves the exact REST paths the product's SDK calls use (any api-version is accepted and
// recorded), long-running operations with `Azure-AsyncOperation` / `Location` headers and
// provisioningState transitions, and ARM error bodies `{ error: { code, message, details } }`.
// Its container groups' endpoints point at a fake DevLake backend on loopback HTTP.

import https from 'node:https';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { testCerts } from './certs.js';
import { addSubscriptionRoutes, type FakeSubscription } from './subscriptions.js';
import { addRegistryRoutes, type FakeRegistrySetup, type FakeRegistryState } from './registries.js';
import { addVaultRoutes, resolveReference, retentionError, seedVault, type FakeDeletedVault, type FakeVault, type FakeVaultSetup } from './vaults.js';

export interface ArmErrorBody {
  code: string;
  message: string;
  details?: ArmErrorBody[];
  target?: string;
}

/** A failed resource operation inside a deployment (what deployment operations report). */
export interface FailedOp {
  resourceType: string;
  resourceName: string;
  statusCode: string;
  error: ArmErrorBody;
}

/** What one PUT of a deployment does: succeed, fail at once (validation), or fail while running. */
export type DeployPlan =
  | { kind: 'succeed' }
  /** Accepted, then Running until cancelled (Deployments_Cancel) — an interrupted run's deployment. */
  | { kind: 'hang' }
  | { kind: 'reject'; status: number; error: ArmErrorBody }
  | {
      kind: 'fail';
      operations: FailedOp[];
      /** What the world looks like after the failure (the state the error speaks of). */
      effect?: { mysqlStopped?: { name: string; resourceGroup: string }; vaultSoftDeleted?: { name: string; location: string } };
    };

export interface BackendPlan {
  /** How long the pending migration scripts run once `/proceed-db-migration` starts them. */
  migrationMs: number;
  /** The database has pending scripts (default true: every fresh install has). */
  pending?: boolean;
}

export interface FakeArmSetup {
  subscriptionId?: string;
  /** Namespace → registration state at start (default: Registered). */
  providers?: Record<string, string>;
  /** Provider GETs in state 'Registering' before it turns 'Registered'. */
  registeringPolls?: number;
  deletedVaults?: Record<string, FakeDeletedVault>;
  /** Vaults that already exist (e.g. one the Go tool created: retention 90, no template deployment). */
  vaults?: Record<string, FakeVaultSetup>;
  /** Resource groups that already exist, with the user's tags. */
  resourceGroups?: Record<string, { location: string; tags?: Record<string, string> }>;
  /**
   * Where the signed-in identity has its role: 'subscription' (default) or 'resource-group' —
   * Contributor on the existing groups only: every subscription-scope call (providers, deleted
   * vaults, creating a group) answers 403 AuthorizationFailed, as ARM answers a principal without
   * the action at that scope (the message format of ARM's AuthorizationFailed, as in
   * src/recovery/taxonomy/azure.ts's example).
   */
  principalScope?: 'subscription' | 'resource-group';
  /** Paths (GET) this identity may not read, whatever its scope: a custom role without `…/read` there. */
  forbidReads?: RegExp[];
  /** MySQL servers that already exist: name → state. */
  mysql?: Record<string, { resourceGroup: string; state: string }>;
  /** One plan per deployment PUT, in order; past the end: succeed. */
  deployPlans?: DeployPlan[];
  backend?: Partial<BackendPlan>;
  /** Polls of an async operation that answer InProgress before its end. */
  lroPolls?: number;
  /** What GET /subscriptions lists (default: the one subscription, Enabled). */
  subscriptions?: FakeSubscription[];
  /** The container registry's login server and admin credentials (a real registry on loopback). */
  registry?: FakeRegistrySetup;
}

export interface RecordedRequest {
  method: string;
  path: string;
  apiVersion?: string;
  body?: unknown;
}

interface AsyncOp {
  polls: number;
  status: 'Succeeded' | 'Failed' | 'Canceled';
  error?: ArmErrorBody;
  done?: () => void;
  finished: boolean;
}

interface Deployment {
  name: string;
  resourceGroup: string;
  state: string;
  outputs?: Record<string, { type: string; value: string }>;
  error?: ArmErrorBody;
  operations: FailedOp[];
  parameters?: unknown;
}

export interface FakeArm {
  endpoint: string;
  ca: string;
  subscriptionId: string;
  backendUrl: string;
  requests: RecordedRequest[];
  state: {
    resourceGroups: Map<string, { location: string; tags: Record<string, string> }>;
    providers: Map<string, string>;
    deletedVaults: Map<string, FakeDeletedVault>;
    mysql: Map<string, { resourceGroup: string; state: string; adminPassword?: string }>;
    vaults: Map<string, FakeVault>;
    containerGroups: Map<string, { resourceGroup: string; state: string; encryptionSecret?: string }>;
    /** Deployment names that were cancelled. */
    cancelled: string[];
    deployments: Map<string, Deployment>;
    deployPuts: number;
    migrationTriggers: number;
    acr: FakeRegistryState;
  };
  /** Requests whose method and path match. */
  calls(method: string, pathPattern: RegExp): RecordedRequest[];
  close(): Promise<void>;
}

/** ARM resource ids interleave types and names: Microsoft.X/a/NAME1/b/NAME2. */
function resourcePath(type: string, name: string): string {
  const [ns, ...types] = type.split('/');
  const names = name.split('/');
  return [ns, ...types.flatMap((t, i) => [t, names[i] ?? ''])].join('/');
}

function json(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...headers });
  res.end(text);
}

function armError(res: http.ServerResponse, status: number, error: ArmErrorBody): void {
  json(res, status, { error });
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The fake DevLake backend, after apache/incubator-devlake v1.0.1:
 * - `backend/server/api/api.go` CreateApiServer(): /ping /ready /health /version are registered
 *   before any middleware and answer during the migration (ping.Get: 200, no body).
 * - SetupApiServer(): GET /proceed-db-migration calls services.ExecuteMigration() and answers when it
 *   returns — it blocks for the whole migration; a second call while one runs is BadInput (400),
 *   a call when ready answers 200 at once (`backend/server/services/init.go` ExecuteMigration).
 * - Then the middleware that answers 428 to every later (and unknown) route while the status is
 *   "waiting for migration confirmation" or "migrating"; after it RegisterRouter() (`router.go`, GET /plugins).
 */
function startBackend(plan: BackendPlan, counters: { migrationTriggers: number }): Promise<{ url: string; server: http.Server }> {
  type Status = 'waiting for migration confirmation' | 'migrating' | 'ready';
  let status: Status = plan.pending === false ? 'ready' : 'waiting for migration confirmation';
  const body = (success: boolean, message: string) => ({ code: 0, success, message, causes: null, data: null });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET') {
      if (path === '/ping') {
        res.writeHead(200, { 'content-length': '0' });
        return res.end();
      }
      if (path === '/version') return json(res, 200, { version: 'v1.0.1@fake' });
      if (path === '/ready') return status === 'ready' ? json(res, 200, body(true, status)) : json(res, 503, body(false, `service is not ready: ${status}`));
      if (path === '/health') return json(res, 200, body(true, status === 'ready' ? 'good' : 'maybe'));
      if (path === '/proceed-db-migration') {
        counters.migrationTriggers++;
        if (status === 'ready') return json(res, 200, body(true, 'success'));
        if (status === 'migrating') return json(res, 400, body(false, 'error executing migration (400)\ncaused by: There is a migration in progress. (400)'));
        status = 'migrating';
        // The migration goes on whether or not the client waits for the answer.
        setTimeout(() => {
          status = 'ready';
          if (!res.destroyed) json(res, 200, body(true, 'success'));
        }, plan.migrationMs);
        return;
      }
    }
    if (status === 'waiting for migration confirmation') return json(res, 428, body(false, '\nNew migration scripts detected. Database migration is required to launch DevLake.\n'));
    if (status === 'migrating') return json(res, 428, body(false, 'Database migration is in progress. Please wait until it is completed.'));
    if (req.method === 'GET' && path === '/plugins') return json(res, 200, [{ plugin: 'github' }]);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

export async function startFakeArm(given: FakeArmSetup = {}): Promise<FakeArm> {
  // Scenario objects are shared between runs: the fake mutates only its own copy.
  const setup = structuredClone(given);
  const certs = testCerts();
  const subscriptionId = setup.subscriptionId ?? '00000000-0000-0000-0000-00000000f00d';
  const lroPolls = setup.lroPolls ?? 1;
  const requests: RecordedRequest[] = [];
  const state: FakeArm['state'] = {
    resourceGroups: new Map(Object.entries(setup.resourceGroups ?? {}).map(([k, v]) => [k, { location: v.location, tags: { ...v.tags } }])),
    providers: new Map(Object.entries(setup.providers ?? {})),
    deletedVaults: new Map(Object.entries(setup.deletedVaults ?? {})),
    mysql: new Map(Object.entries(setup.mysql ?? {})),
    vaults: new Map(Object.entries(setup.vaults ?? {}).map(([k, v]) => [k, seedVault(v)])),
    containerGroups: new Map(),
    cancelled: [],
    deployments: new Map(),
    deployPuts: 0,
    migrationTriggers: 0,
    acr: { registries: new Map(), credentialLists: 0 },
  };
  const registering = new Map<string, number>();
  /** Deployment name → its async operation, for the 'hang' plan's cancel. */
  const hanging = new Map<string, string>();
  // A provider seeded as 'Registering' (someone registered it already) turns Registered by itself,
  // as ARM's registration goes on without the caller (Providers_Get registrationState, resources.json).
  for (const [ns, st] of state.providers) if (st === 'Registering') registering.set(ns, setup.registeringPolls ?? 1);
  const ops = new Map<string, AsyncOp>();
  const plans = [...(setup.deployPlans ?? [])];
  const backend = await startBackend({ migrationMs: 0, ...setup.backend }, state);
  let base = '';

  /** Start a long-running operation; its status URL answers InProgress `lroPolls` times, then the end. */
  const startOp = (status: AsyncOp['status'], done?: () => void, error?: ArmErrorBody): string => {
    const id = randomUUID();
    ops.set(id, { polls: lroPolls, status, finished: false, ...(done ? { done } : {}), ...(error ? { error } : {}) });
    return id;
  };
  const opUrl = (id: string) => `${base}/subscriptions/${subscriptionId}/providers/Microsoft.Resources/operationStatuses/${id}?api-version=2025-03-01`;
  const locationUrl = (id: string) => `${base}/subscriptions/${subscriptionId}/providers/Microsoft.Resources/operationResults/${id}?api-version=2025-03-01`;
  const finish = (op: AsyncOp) => {
    if (!op.finished) {
      op.finished = true;
      op.done?.();
    }
  };

  type Handler = (req: http.IncomingMessage, res: http.ServerResponse, m: RegExpExecArray, body: unknown) => void;
  const routes: { method: string; re: RegExp; handle: Handler }[] = [];
  const route = (method: string, re: string, handle: Handler) => routes.push({ method, re: new RegExp(`^${re}$`, 'i'), handle });
  const SUB = `/subscriptions/${subscriptionId}`;
  const RG = `${SUB}/resourcegroups/([^/]+)`;

  // ── Long-running operation status and results ──────────────────────────────
  route('GET', `${SUB}/providers/Microsoft.Resources/operationStatuses/([^/]+)`, (_q, res, m) => {
    const op = ops.get(m[1] ?? '');
    if (!op) return armError(res, 404, { code: 'NotFound', message: 'no such operation' });
    if (op.polls > 0) {
      op.polls--;
      return json(res, 200, { status: 'InProgress' });
    }
    finish(op);
    if (op.status === 'Failed') return json(res, 200, { status: 'Failed', error: op.error });
    return json(res, 200, { status: op.status });
  });
  route('GET', `${SUB}/providers/Microsoft.Resources/operationResults/([^/]+)`, (_q, res, m) => {
    const op = ops.get(m[1] ?? '');
    if (!op) return armError(res, 404, { code: 'NotFound', message: 'no such operation' });
    if (op.polls > 0) {
      op.polls--;
      return json(res, 202, undefined, { location: locationUrl(m[1] ?? '') });
    }
    finish(op);
    if (op.status === 'Failed') return armError(res, 409, op.error ?? { code: 'Failed', message: 'operation failed' });
    return json(res, 200, {});
  });

  // ── Resource groups ────────────────────────────────────────────────────────
  // ResourceGroups_CreateOrUpdate is a PUT: the body's tags REPLACE the group's (resources.json,
  // example CreateResourceGroup.json); Tags_UpdateAtScope (PATCH {scope}/providers/Microsoft.Resources/
  // tags/default, example PatchTagsResource.json) merges with operation 'Merge', replaces with
  // 'Replace', removes with 'Delete' — specification/resources/resource-manager/Microsoft.Resources/
  // resources/stable/2025-04-01/.
  const rgBody = (name: string, rg: { location: string; tags: Record<string, string> }) => ({ id: `${SUB}/resourceGroups/${name}`, name, type: 'Microsoft.Resources/resourceGroups', location: rg.location, tags: rg.tags, properties: { provisioningState: 'Succeeded' } });
  route('GET', RG, (_q, res, m) => {
    const name = m[1] ?? '';
    const rg = state.resourceGroups.get(name);
    if (!rg) return armError(res, 404, { code: 'ResourceGroupNotFound', message: `Resource group '${name}' could not be found.` });
    json(res, 200, rgBody(name, rg));
  });
  route('PUT', RG, (_q, res, m, body) => {
    const name = m[1] ?? '';
    const existed = state.resourceGroups.has(name);
    const b = (body ?? {}) as { location?: string; tags?: Record<string, string> };
    const rg = { location: state.resourceGroups.get(name)?.location ?? b.location ?? 'eastus', tags: { ...b.tags } };
    state.resourceGroups.set(name, rg);
    json(res, existed ? 200 : 201, rgBody(name, rg));
  });
  route('PATCH', `${RG}/providers/Microsoft.Resources/tags/default`, (_q, res, m, body) => {
    const name = m[1] ?? '';
    const rg = state.resourceGroups.get(name);
    if (!rg) return armError(res, 404, { code: 'ResourceGroupNotFound', message: `Resource group '${name}' could not be found.` });
    const b = (body ?? {}) as { operation?: string; properties?: { tags?: Record<string, string> } };
    const given = b.properties?.tags ?? {};
    if (b.operation === 'Replace') rg.tags = { ...given };
    else if (b.operation === 'Delete') for (const k of Object.keys(given)) delete rg.tags[k];
    else if (b.operation === 'Merge') rg.tags = { ...rg.tags, ...given };
    else return armError(res, 400, { code: 'InvalidRequestContent', message: "The request content was invalid: 'operation' must be Replace, Merge or Delete." });
    json(res, 200, { id: `${SUB}/resourceGroups/${name}/providers/Microsoft.Resources/tags/default`, name: 'default', type: 'Microsoft.Resources/tags', properties: { tags: rg.tags } });
  });
  route('DELETE', RG, (_q, res, m) => {
    const name = m[1] ?? '';
    if (!state.resourceGroups.has(name)) return armError(res, 404, { code: 'ResourceGroupNotFound', message: `Resource group '${name}' could not be found.` });
    const id = startOp('Succeeded', () => {
      state.resourceGroups.delete(name);
      // A deleted vault is soft-deleted (soft delete is always on), keeping its name until purged.
      for (const [k, v] of state.vaults) if (v.resourceGroup === name) state.deletedVaults.set(k, { location: v.location, purgeProtection: false });
      for (const map of [state.mysql, state.vaults, state.containerGroups, state.acr.registries] as Map<string, { resourceGroup: string }>[]) {
        for (const [k, v] of map) if (v.resourceGroup === name) map.delete(k);
      }
    });
    json(res, 202, undefined, { location: locationUrl(id), 'retry-after': '0' });
  });

  // ── Resource providers ─────────────────────────────────────────────────────
  const providerBody = (ns: string) => ({ id: `${SUB}/providers/${ns}`, namespace: ns, registrationState: state.providers.get(ns) ?? 'Registered', resourceTypes: [] });
  route('GET', `${SUB}/providers/(Microsoft\\.[A-Za-z]+)`, (_q, res, m) => {
    const ns = m[1] ?? '';
    const left = registering.get(ns);
    if (left !== undefined) {
      if (left <= 0) {
        registering.delete(ns);
        state.providers.set(ns, 'Registered');
      } else registering.set(ns, left - 1);
    }
    json(res, 200, providerBody(ns));
  });
  route('POST', `${SUB}/providers/(Microsoft\\.[A-Za-z]+)/register`, (_q, res, m) => {
    const ns = m[1] ?? '';
    if ((state.providers.get(ns) ?? 'Registered') !== 'Registered') {
      state.providers.set(ns, 'Registering');
      registering.set(ns, setup.registeringPolls ?? 1);
    }
    json(res, 200, providerBody(ns));
  });

  // ── MySQL flexible servers ─────────────────────────────────────────────────
  const MYSQL = `${RG}/providers/Microsoft.DBforMySQL/flexibleServers/([^/]+)`;
  const serverBody = (rg: string, name: string, s: string) => ({
    id: `${SUB}/resourceGroups/${rg}/providers/Microsoft.DBforMySQL/flexibleServers/${name}`,
    name,
    type: 'Microsoft.DBforMySQL/flexibleServers',
    location: state.resourceGroups.get(rg)?.location ?? 'eastus',
    properties: { state: s, fullyQualifiedDomainName: `${name}.mysql.database.azure.com`, version: '8.0.21' },
  });
  route('GET', MYSQL, (_q, res, m) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    const s = state.mysql.get(name);
    if (!s || s.resourceGroup.toLowerCase() !== rg.toLowerCase()) return armError(res, 404, { code: 'ResourceNotFound', message: `The Resource 'Microsoft.DBforMySQL/flexibleServers/${name}' under resource group '${rg}' was not found.` });
    json(res, 200, serverBody(rg, name, s.state));
  });
  for (const [verb, during, after] of [
    ['start', 'Starting', 'Ready'],
    ['stop', 'Stopping', 'Stopped'],
  ] as const) {
    route('POST', `${MYSQL}/${verb}`, (_q, res, m) => {
      const name = m[2] ?? '';
      const s = state.mysql.get(name);
      if (!s) return armError(res, 404, { code: 'ResourceNotFound', message: `server '${name}' not found` });
      s.state = during;
      const id = startOp('Succeeded', () => (s.state = after));
      json(res, 202, undefined, { 'azure-asyncoperation': opUrl(id), location: locationUrl(id), 'retry-after': '0' });
    });
  }

  // ── Container groups ───────────────────────────────────────────────────────
  const ACI = `${RG}/providers/Microsoft.ContainerInstance/containerGroups/([^/]+)`;
  route('GET', ACI, (_q, res, m) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    const g = state.containerGroups.get(name);
    if (!g) return armError(res, 404, { code: 'ResourceNotFound', message: `The Resource 'Microsoft.ContainerInstance/containerGroups/${name}' under resource group '${rg}' was not found.` });
    json(res, 200, {
      id: `${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerInstance/containerGroups/${name}`,
      name,
      type: 'Microsoft.ContainerInstance/containerGroups',
      location: 'eastus',
      properties: {
        provisioningState: 'Succeeded',
        containers: [],
        osType: 'Linux',
        instanceView: { state: g.state },
        ipAddress: { type: 'Public', ip: '127.0.0.1', ports: [], fqdn: `${name}.eastus.azurecontainer.io` },
      },
    });
  });
  route('POST', `${ACI}/start`, (_q, res, m) => {
    const g = state.containerGroups.get(m[2] ?? '');
    if (!g) return armError(res, 404, { code: 'ResourceNotFound', message: 'container group not found' });
    const id = startOp('Succeeded', () => (g.state = 'Running'));
    json(res, 202, undefined, { 'azure-asyncoperation': opUrl(id), location: locationUrl(id), 'retry-after': '0' });
  });
  route('POST', `${ACI}/stop`, (_q, res, m) => {
    const g = state.containerGroups.get(m[2] ?? '');
    if (!g) return armError(res, 404, { code: 'ResourceNotFound', message: 'container group not found' });
    g.state = 'Stopped';
    json(res, 204);
  });

  // ── Deployments ────────────────────────────────────────────────────────────
  const DEPLOY = `${RG}/providers/Microsoft.Resources/deployments/([^/]+)`;
  const deploymentBody = (d: Deployment) => ({
    id: `${SUB}/resourceGroups/${d.resourceGroup}/providers/Microsoft.Resources/deployments/${d.name}`,
    name: d.name,
    type: 'Microsoft.Resources/deployments',
    properties: {
      provisioningState: d.state,
      mode: 'Incremental',
      ...(d.outputs ? { outputs: d.outputs } : {}),
      ...(d.error ? { error: d.error } : {}),
    },
  });
  // Deployments_CreateOrUpdate (resources.json): parameters are `{ value }` or a Key Vault
  // `{ reference }` resolved before anything deploys; a resource whose `condition` is false is not
  // deployed. Templates here use only `[parameters('x')]` in conditions and in the properties the
  // fake reads (retention, passwords, secret values), so that is all it evaluates.
  type TemplateResource = { condition?: unknown; type: string; name: string; properties?: Record<string, unknown> };
  route('PUT', DEPLOY, (_q, res, m, body) => {
    const [rg, name] = [m[1] ?? '', m[2] ?? ''];
    state.deployPuts++;
    const plan: DeployPlan = plans.shift() ?? { kind: 'succeed' };
    if (plan.kind === 'reject') return armError(res, plan.status, plan.error);
    const props = (body as { properties?: { template?: { parameters?: Record<string, { defaultValue?: unknown }>; resources?: TemplateResource[] }; parameters?: Record<string, { value?: unknown; reference?: { keyVault?: { id?: string }; secretName?: string } }> } } | undefined)?.properties;
    const values: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(props?.template?.parameters ?? {})) if (p.defaultValue !== undefined) values[k] = p.defaultValue;
    for (const [k, p] of Object.entries(props?.parameters ?? {})) {
      if (p.reference) {
        const r = resolveReference(state, p.reference);
        if ('error' in r) return armError(res, 400, r.error);
        values[k] = r.value;
      } else values[k] = p.value;
    }
    const ev = (x: unknown): unknown => {
      const ref = typeof x === 'string' ? /^\[parameters\('(\w+)'\)\]$/.exec(x) : null;
      return ref ? values[ref[1] ?? ''] : x;
    };
    const resources = (props?.template?.resources ?? []).filter((r) => r.condition === undefined || ev(r.condition) === true);
    const d: Deployment = { name, resourceGroup: rg, state: 'Running', operations: [], parameters: props?.parameters };
    state.deployments.set(name, d);
    if (plan.kind === 'hang') {
      const id = startOp('Succeeded');
      hanging.set(name, id);
      const op = ops.get(id);
      if (op) op.polls = Number.POSITIVE_INFINITY;
      return json(res, 201, deploymentBody(d), { 'azure-asyncoperation': opUrl(id) });
    }
    // What the resource providers would refuse, found from the state of the world.
    const refused: FailedOp[] = [];
    for (const r of resources) {
      if (r.type !== 'Microsoft.KeyVault/vaults') continue;
      const existing = state.vaults.get(r.name);
      const retention = ev(r.properties?.softDeleteRetentionInDays);
      if (existing && retention !== undefined && retention !== existing.softDeleteRetentionInDays) {
        refused.push({ resourceType: r.type, resourceName: r.name, statusCode: 'BadRequest', error: retentionError(r.name) });
      }
      if (!existing && state.deletedVaults.has(r.name)) {
        refused.push({
          resourceType: r.type,
          resourceName: r.name,
          statusCode: 'Conflict',
          error: { code: 'ConflictError', message: 'A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.' },
        });
      }
    }
    const failed = plan.kind === 'fail' ? plan.operations : refused;
    const deploymentFailed = (o: FailedOp[]): ArmErrorBody => ({
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
      details: o.map((x) => ({ code: x.statusCode, message: JSON.stringify({ error: x.error }) })),
    });
    const id =
      failed.length > 0
        ? startOp(
            'Failed',
            () => {
              d.state = 'Failed';
              d.operations = failed;
              if (plan.kind === 'fail' && plan.effect?.mysqlStopped) state.mysql.set(plan.effect.mysqlStopped.name, { resourceGroup: plan.effect.mysqlStopped.resourceGroup, state: 'Stopped' });
              if (plan.kind === 'fail' && plan.effect?.vaultSoftDeleted) state.deletedVaults.set(plan.effect.vaultSoftDeleted.name, { location: plan.effect.vaultSoftDeleted.location, purgeProtection: false });
              d.error = deploymentFailed(failed);
            },
            deploymentFailed(failed),
          )
        : startOp('Succeeded', () => {
            d.state = 'Succeeded';
            const location = state.resourceGroups.get(rg)?.location ?? 'eastus';
            for (const r of resources) {
              const p = r.properties ?? {};
              if (r.type === 'Microsoft.DBforMySQL/flexibleServers') state.mysql.set(r.name, { resourceGroup: rg, state: 'Ready', adminPassword: String(ev(p.administratorLoginPassword)) });
              if (r.type === 'Microsoft.KeyVault/vaults') {
                const v = state.vaults.get(r.name) ?? seedVault({ resourceGroup: rg, location });
                v.softDeleteRetentionInDays = Number(ev(p.softDeleteRetentionInDays) ?? 90);
                v.enabledForTemplateDeployment = p.enabledForTemplateDeployment === true;
                state.vaults.set(r.name, v);
              }
              if (r.type === 'Microsoft.KeyVault/vaults/secrets') {
                const [vault = '', secret = ''] = r.name.split('/');
                const v = state.vaults.get(vault);
                if (v) {
                  v.secrets.set(secret, String(ev(p.value)));
                  v.secretWrites.push(secret);
                }
              }
              if (r.type === 'Microsoft.ContainerInstance/containerGroups') {
                const env = ((p.containers as { properties?: { environmentVariables?: { name: string; secureValue?: string }[] } }[] | undefined)?.[0]?.properties?.environmentVariables ?? []).find((e) => e.name === 'ENCRYPTION_SECRET');
                state.containerGroups.set(r.name, { resourceGroup: rg, state: 'Running', ...(env ? { encryptionSecret: String(ev(env.secureValue)) } : {}) });
              }
            }
            d.outputs = {
              backendEndpoint: { type: 'String', value: backend.url },
              grafanaEndpoint: { type: 'String', value: `${backend.url.replace(/:\d+$/, '')}:3000` },
              configUiEndpoint: { type: 'String', value: `${backend.url.replace(/:\d+$/, '')}:4000` },
            };
          });
    json(res, 201, deploymentBody(d), { 'azure-asyncoperation': opUrl(id) });
  });
  // Deployments_Cancel (resources.json): "You can cancel a deployment only if the provisioningState
  // is Accepted or Running. After the deployment is canceled, the provisioningState is set to
  // Canceled" — 204. Cancelling another state answers 409 (the code is the fake's own).
  route('POST', `${DEPLOY}/cancel`, (_q, res, m) => {
    const name = m[2] ?? '';
    const d = state.deployments.get(name);
    if (!d) return armError(res, 404, { code: 'DeploymentNotFound', message: `Deployment '${name}' could not be found.` });
    if (d.state !== 'Running' && d.state !== 'Accepted') return armError(res, 409, { code: 'DeploymentNotCancellable', message: `Deployment '${name}' is in state '${d.state}' and cannot be canceled.` });
    d.state = 'Canceled';
    state.cancelled.push(name);
    const op = ops.get(hanging.get(name) ?? '');
    if (op) {
      op.polls = 0;
      op.status = 'Canceled';
    }
    res.writeHead(204);
    res.end();
  });
  route('GET', DEPLOY, (_q, res, m) => {
    const d = state.deployments.get(m[2] ?? '');
    if (!d) return armError(res, 404, { code: 'DeploymentNotFound', message: `Deployment '${m[2] ?? ''}' could not be found.` });
    json(res, 200, deploymentBody(d));
  });
  // The SDK lists operations on the short path (no providers/Microsoft.Resources); ARM serves both.
  const listOperations: Handler = (_q, res, m) => {
    const d = state.deployments.get(m[2] ?? '');
    if (!d) return armError(res, 404, { code: 'DeploymentNotFound', message: `Deployment '${m[2] ?? ''}' could not be found.` });
    const value = d.operations.map((o, i) => ({
      id: `${SUB}/resourceGroups/${d.resourceGroup}/providers/Microsoft.Resources/deployments/${d.name}/operations/${i}`,
      operationId: String(i),
      properties: {
        provisioningOperation: 'Create',
        provisioningState: 'Failed',
        timestamp: '2026-01-01T00:00:00Z',
        duration: 'PT1S',
        statusCode: o.statusCode,
        statusMessage: { status: 'Failed', error: o.error },
        targetResource: { id: `${SUB}/resourceGroups/${d.resourceGroup}/providers/${resourcePath(o.resourceType, o.resourceName)}`, resourceType: o.resourceType, resourceName: o.resourceName },
      },
    }));
    json(res, 200, { value });
  };
  route('GET', `${DEPLOY}/operations`, listOperations);
  route('GET', `${RG}/deployments/([^/]+)/operations`, listOperations);

  // ── Route families in their own modules (subscriptions, container registries) ─
  const kit = { subscriptionId, SUB, RG, route, json, armError, startOp, opUrl, resultUrl: locationUrl, resourceGroupLocation: (n: string) => state.resourceGroups.get(n)?.location };
  addSubscriptionRoutes(kit, setup.subscriptions ?? [{ id: subscriptionId, name: 'Fake subscription', state: 'Enabled' }], () => base);
  addRegistryRoutes(kit, setup.registry, state.acr);
  addVaultRoutes(kit, state);

  // ── Generic delete by resource id (cleanup --keep-resource-group) ──────────
  route('DELETE', `${RG}/providers/([^/]+/[^/]+)/([^/]+)`, (_q, res, m) => {
    const [type, name] = [m[2] ?? '', m[3] ?? ''];
    const maps: [RegExp, Map<string, unknown>][] = [
      [/flexibleServers/i, state.mysql],
      [/vaults/i, state.vaults],
      [/containerGroups/i, state.containerGroups],
      [/registries/i, state.acr.registries],
    ];
    const map = maps.find(([re]) => re.test(type))?.[1];
    if (!map?.has(name)) return json(res, 204);
    const id = startOp('Succeeded', () => {
      // Vaults_Delete soft-deletes: the name stays held until purged (keyvault.json, soft delete always on).
      const v = state.vaults.get(name);
      if (map === state.vaults && v) state.deletedVaults.set(name, { location: v.location, purgeProtection: false });
      map.delete(name);
    });
    json(res, 202, undefined, { location: locationUrl(id), 'retry-after': '0' });
  });

  /**
   * A Contributor on the resource group only: calls inside an existing group pass; calls at the
   * subscription's scope (providers, deleted vaults, creating a group) do not. Listing subscriptions
   * and polling operations need no role.
   */
  const deniedAction = (method: string, pathname: string): { action: string; scope: string } | undefined => {
    if (method === 'GET' && setup.forbidReads?.some((re) => re.test(pathname))) return { action: 'Microsoft.KeyVault/vaults/read', scope: pathname };
    if (setup.principalScope !== 'resource-group') return undefined;
    const sub = `/subscriptions/${subscriptionId}`;
    if (!pathname.toLowerCase().startsWith(sub.toLowerCase())) return undefined;
    if (/\/providers\/Microsoft\.Resources\/operation(Statuses|Results)\//i.test(pathname)) return undefined;
    const rg = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(pathname)?.[1];
    if (rg && state.resourceGroups.has(rg)) return undefined;
    if (rg) return { action: 'Microsoft.Resources/subscriptions/resourcegroups/write', scope: `${sub}/resourcegroups/${rg}` };
    const action = /deletedVaults/i.test(pathname)
      ? 'Microsoft.KeyVault/locations/deletedVaults/read'
      : /\/register$/i.test(pathname)
        ? `${/providers\/([^/]+)/i.exec(pathname)?.[1] ?? 'Microsoft.Resources'}/register/action`
        : /\/providers\//i.test(pathname)
          ? 'Microsoft.Resources/subscriptions/providers/read'
          : `Microsoft.Resources/subscriptions/${method === 'GET' ? 'read' : 'write'}`;
    return { action, scope: sub };
  };

  const server = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    void (async () => {
      // Parse the path ourselves: a '//' at its start is a path here, not a host.
      const url = new URL(`https://127.0.0.1${(req.url ?? '/').replace(/^\/+/, '/')}`);
      const body = await readBody(req);
      const apiVersion = url.searchParams.get('api-version') ?? undefined;
      requests.push({ method: req.method ?? 'GET', path: url.pathname, ...(apiVersion ? { apiVersion } : {}), ...(body !== undefined ? { body } : {}) });
      if (req.headers.authorization !== 'Bearer fake-arm-token') return armError(res, 401, { code: 'AuthenticationFailed', message: 'Authentication failed. The Authorization header is missing.' });
      if (!apiVersion) return armError(res, 400, { code: 'MissingApiVersionParameter', message: "The api-version query parameter (?api-version=) is required for all requests." });
      const denied = deniedAction(req.method ?? 'GET', url.pathname);
      if (denied) {
        return armError(res, 403, {
          code: 'AuthorizationFailed',
          message: `The client 'dev@contoso.com' with object id '33333333-3333-3333-3333-333333333333' does not have authorization to perform action '${denied.action}' over scope '${denied.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        });
      }
      for (const r of routes) {
        if (r.method !== req.method) continue;
        const m = r.re.exec(url.pathname);
        if (m) return r.handle(req, res, m, body);
      }
      armError(res, 404, { code: 'NoRouteInFakeArm', message: `${req.method ?? ''} ${url.pathname} is not served by the fake ARM` });
    })().catch((err: unknown) => armError(res, 500, { code: 'FakeArmError', message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint: base,
    ca: certs.ca,
    subscriptionId,
    backendUrl: backend.url,
    requests,
    state,
    calls: (method, re) => requests.filter((r) => r.method === method && re.test(r.path)),
    close: async () => {
      server.closeAllConnections();
      backend.server.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => backend.server.close(r))]);
    },
  };
}
