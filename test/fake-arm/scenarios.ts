// TEST ONLY: the fake-ARM scenarios, shared by the integration tests and `npm run demo:azure`.
// Each scenario sets up the fake ARM and says what the deploy must end with. The deploy command
// itself is passed in (tests: from src; the demo: from dist), so both run the real product code.
// Nothing here imports product code: the resource names are derived again, independently.

import { createHash } from 'node:crypto';
import { signedOutCredential } from './credential.js';
import type { signedInCredential } from './credential.js';
import { startFakeArm, type FakeArm, type FakeArmSetup } from './server.js';

export const RESOURCE_GROUP = 'devlake-rg';
export const LOCATION = 'eastus';
export const BASE_NAME = 'devlake';

export const SUBSCRIPTION = '00000000-0000-0000-0000-00000000f00d';

/**
 * The suffix, derived again: 5 base32 characters (ARM uniqueString's alphabet) of the SHA-256 of
 * the resource group's id in lowercase.
 */
export function expectedSuffix(rg = RESOURCE_GROUP, subscription = SUBSCRIPTION): string {
  const d = createHash('sha256').update(`/subscriptions/${subscription}/resourcegroups/${rg}`.toLowerCase()).digest();
  return [...d.subarray(0, 5)].map((b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32]).join('');
}
/** The Go tool's suffix: first 5 hex digits of sha256(resource group name). */
export function goToolSuffix(rg = RESOURCE_GROUP): string {
  return createHash('sha256').update(rg).digest('hex').slice(0, 5);
}
export const SUFFIX = expectedSuffix();
export const VAULT = `${BASE_NAME}kv${SUFFIX}`;
export const MYSQL = `${BASE_NAME}mysql${SUFFIX}`;

export interface Scenario {
  name: string;
  description: string;
  setup: FakeArmSetup;
  signedIn: boolean;
  /** The deploy's expected exit code and the class ids of its incidents, in order. */
  expect: { exitCode: number; incidents: { classId: string; outcome: 'recovered' | 'failed' }[]; deployPuts: number };
}

const stoppedMysql = { [MYSQL]: { resourceGroup: RESOURCE_GROUP, state: 'Stopped' } };
const softDeleted = { [VAULT]: { location: LOCATION, purgeProtection: false } };

export const SCENARIOS: Scenario[] = [
  {
    name: 'fresh',
    description: 'a first deploy: everything works',
    setup: {},
    signedIn: true,
    expect: { exitCode: 0, incidents: [], deployPuts: 1 },
  },
  {
    name: 'auth-missing',
    description: 'not signed in; the login repair signs in, the check passes on the retry',
    setup: {},
    signedIn: false,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.auth-missing', outcome: 'recovered' }], deployPuts: 1 },
  },
  {
    name: 'mysql-stopped',
    description: 'the MySQL server of an earlier deploy is stopped; it is started before deploying',
    setup: { mysql: stoppedMysql },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.mysql-stopped', outcome: 'recovered' }], deployPuts: 1 },
  },
  {
    name: 'vault-soft-deleted',
    description: "the derived Key Vault name is held by a soft-deleted vault; it is purged",
    setup: { deletedVaults: softDeleted },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.keyvault-soft-deleted', outcome: 'recovered' }], deployPuts: 1 },
  },
  {
    name: 'vault-purge-protected',
    description: 'the soft-deleted vault has purge protection: no repair, the retention date and --base-name',
    setup: { deletedVaults: { [VAULT]: { location: LOCATION, purgeProtection: true, scheduledPurgeDate: '2026-04-01T00:00:00Z' } } },
    signedIn: true,
    expect: { exitCode: 1, incidents: [{ classId: 'azure.keyvault-purge-protected', outcome: 'failed' }], deployPuts: 0 },
  },
  {
    name: 'provider-unregistered',
    description: 'Microsoft.DBforMySQL is not registered; it is registered and waited for',
    setup: { providers: { 'Microsoft.DBforMySQL': 'NotRegistered' }, registeringPolls: 2 },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.provider-unregistered', outcome: 'recovered' }], deployPuts: 1 },
  },
  {
    name: 'migration-warming',
    description: 'the migration outlasts the first wait (its API answers 428); a bounded wait for the same /proceed-db-migration, then a check',
    setup: { backend: { migrationMs: 1500 } },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.migration-warming', outcome: 'recovered' }], deployPuts: 1 },
  },
  {
    name: 'deploy-fails-twice',
    description: 'the deployment fails on an unregistered provider, the repair registers it, the one retry fails too',
    setup: {
      deployPlans: [1, 2].map(() => ({
        kind: 'fail' as const,
        operations: [
          {
            resourceType: 'Microsoft.ContainerInstance/containerGroups',
            resourceName: `${BASE_NAME}-backend-${SUFFIX}`,
            statusCode: 'Conflict',
            error: {
              code: 'MissingSubscriptionRegistration',
              message: "The subscription is not registered to use namespace 'Microsoft.ContainerInstance'. See https://aka.ms/rps-not-found for how to register subscriptions.",
            },
          },
        ],
      })),
    },
    signedIn: true,
    expect: { exitCode: 1, incidents: [{ classId: 'azure.provider-unregistered', outcome: 'failed' }], deployPuts: 2 },
  },
  {
    name: 'sku-not-available',
    description: 'MySQL Standard_B1ms is not offered in the region: no repair, advice to pick another region',
    setup: {
      deployPlans: [
        {
          kind: 'fail',
          operations: [
            {
              resourceType: 'Microsoft.DBforMySQL/flexibleServers',
              resourceName: MYSQL,
              statusCode: 'BadRequest',
              // ARM's SkuNotAvailable as users meet it for a capacity-restricted size (Azure/avdaccelerator#644,
              // Azure-Samples/azuresandbox#70), in the Conflict/BadRequest detail of DeploymentFailed.
              error: {
                code: 'SkuNotAvailable',
                message: `The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_B1ms' is currently not available in location '${LOCATION}'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.`,
              },
            },
          ],
        },
      ],
    },
    signedIn: true,
    expect: { exitCode: 1, incidents: [{ classId: 'azure.sku-not-available', outcome: 'failed' }], deployPuts: 1 },
  },
  {
    name: 'mysql-stopped-during-deploy',
    description: "the deployment fails because the MySQL server is stopped (reactive): start it, deploy once more",
    setup: {
      deployPlans: [
        {
          kind: 'fail',
          effect: { mysqlStopped: { name: MYSQL, resourceGroup: RESOURCE_GROUP } },
          operations: [
            {
              resourceType: 'Microsoft.DBforMySQL/flexibleServers/databases',
              resourceName: `${MYSQL}/lake`,
              statusCode: 'Conflict',
              // Azure Database for MySQL's words for an operation on a stopped server, as users meet them
              // (turbot/steampipe-plugin-azure#859: 409 ServerUnavailableForOperation).
              error: { code: 'ServerUnavailableForOperation', message: `Operation 'CreateOrUpdate' cannot be performed as server '${MYSQL}' is currently in state 'Stopped'.` },
            },
          ],
        },
      ],
    },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.mysql-stopped', outcome: 'recovered' }], deployPuts: 2 },
  },
  {
    name: 'vault-deleted-during-deploy',
    description: 'the deployment fails because the vault name is held in deleted state (reactive): purge, deploy once more',
    setup: {
      deployPlans: [
        {
          kind: 'fail',
          effect: { vaultSoftDeleted: { name: VAULT, location: LOCATION } },
          operations: [
            {
              resourceType: 'Microsoft.KeyVault/vaults',
              resourceName: VAULT,
              statusCode: 'Conflict',
              error: {
                code: 'ConflictError',
                message: 'A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.',
              },
            },
          ],
        },
      ],
    },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.keyvault-soft-deleted', outcome: 'recovered' }], deployPuts: 2 },
  },
  {
    name: 'all-repairs-at-once',
    description: 'signed out, provider unregistered, vault soft-deleted, MySQL stopped and the migration warming',
    setup: {
      providers: { 'Microsoft.ContainerInstance': 'NotRegistered' },
      deletedVaults: softDeleted,
      mysql: stoppedMysql,
      backend: { migrationMs: 1200 },
    },
    signedIn: false,
    expect: {
      exitCode: 0,
      incidents: [
        { classId: 'azure.auth-missing', outcome: 'recovered' },
        { classId: 'azure.provider-unregistered', outcome: 'recovered' },
        { classId: 'azure.keyvault-soft-deleted', outcome: 'recovered' },
        { classId: 'azure.mysql-stopped', outcome: 'recovered' },
        { classId: 'azure.migration-warming', outcome: 'recovered' },
      ],
      deployPuts: 1,
    },
  },
  {
    name: 'provider-registering',
    description: 'Microsoft.ContainerInstance is already Registering (not NotRegistered): waited for, never registered again',
    setup: { providers: { 'Microsoft.ContainerInstance': 'Registering' }, registeringPolls: 2 },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.provider-unregistered', outcome: 'recovered' }], deployPuts: 1 },
  },
  {
    name: 'go-tool-vault',
    description: "over the Go tool's vault (retention 90, template deployment off, both secrets) and a group with the user's tags: secrets reused, retention kept, tags merged",
    setup: {
      resourceGroups: { [RESOURCE_GROUP]: { location: LOCATION, tags: { costCenter: '42', owner: 'data-team' } } },
      vaults: {
        [VAULT]: {
          resourceGroup: RESOURCE_GROUP,
          location: LOCATION,
          softDeleteRetentionInDays: 90,
          enabledForTemplateDeployment: false,
          secrets: { 'db-admin-password': 'GoToolMysqlPw4Rt8Yu2Io6Pa9Sd3Fg', 'encryption-secret': 'GOTOOLSECRET'.padEnd(128, 'Z') },
        },
      },
    },
    signedIn: true,
    expect: { exitCode: 0, incidents: [], deployPuts: 1 },
  },
  {
    name: 'vault-deleted-elsewhere',
    description: 'the vault name is held by a vault soft-deleted in another region: found in the subscription-wide list, purged in its own location',
    setup: { deletedVaults: { [VAULT]: { location: 'westeurope', purgeProtection: false } } },
    signedIn: true,
    expect: { exitCode: 0, incidents: [{ classId: 'azure.keyvault-soft-deleted', outcome: 'recovered' }], deployPuts: 1 },
  },
  {
    name: 'resource-group-contributor',
    description: 'Contributor on the existing resource group only: the subscription-scope checks answer 403, are reported as not checked, and the deploy goes on',
    setup: { principalScope: 'resource-group', resourceGroups: { [RESOURCE_GROUP]: { location: LOCATION } } },
    signedIn: true,
    expect: { exitCode: 0, incidents: [], deployPuts: 1 },
  },
  {
    name: 'vault-name-taken',
    description: "the vault name is taken in another tenant (VaultAlreadyExists): no repair, advice to use --base-name",
    setup: {
      deployPlans: [
        {
          kind: 'fail',
          operations: [
            {
              resourceType: 'Microsoft.KeyVault/vaults',
              resourceName: VAULT,
              statusCode: 'Conflict',
              error: {
                code: 'VaultAlreadyExists',
                message: `The vault name '${VAULT}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state.`,
              },
            },
          ],
        },
      ],
    },
    signedIn: true,
    expect: { exitCode: 1, incidents: [{ classId: 'azure.keyvault-name-taken', outcome: 'failed' }], deployPuts: 1 },
  },
  // The two messages below are real ones, from test/fixtures/errors/real-azure.json (sources
  // Azure/azure-service-operator#2428 and shahiddev/docker-k8s-workshop#2); their codes were not
  // quoted, so the operations carry the HTTP status's generic 'Conflict'.
  {
    name: 'mysql-name-taken',
    description: 'the MySQL server name is used by another subscription: no repair, advice to use --base-name',
    setup: {
      deployPlans: [
        { kind: 'fail', operations: [{ resourceType: 'Microsoft.DBforMySQL/flexibleServers', resourceName: MYSQL, statusCode: 'Conflict', error: { code: 'Conflict', message: 'Specified server name is already used.' } }] },
      ],
    },
    signedIn: true,
    expect: { exitCode: 1, incidents: [{ classId: 'azure.mysql-name-taken', outcome: 'failed' }], deployPuts: 1 },
  },
  {
    name: 'dns-label-taken',
    description: "the backend's DNS name label is taken in the region: no repair, advice to use --base-name",
    setup: {
      deployPlans: [
        {
          kind: 'fail',
          operations: [
            {
              resourceType: 'Microsoft.ContainerInstance/containerGroups',
              resourceName: `${BASE_NAME}-backend-${SUFFIX}`,
              statusCode: 'Conflict',
              error: { code: 'Conflict', message: `The DNS name label '${BASE_NAME}-${SUFFIX}' in container group '${BASE_NAME}-backend-${SUFFIX}' not available. Try using a different label.` },
            },
          ],
        },
      ],
    },
    signedIn: true,
    expect: { exitCode: 1, incidents: [{ classId: 'azure.dns-label-taken', outcome: 'failed' }], deployPuts: 1 },
  },
  {
    name: 'policy-rejected',
    description: 'the submission is rejected outright by a policy (400 RequestDisallowedByPolicy): its own error is reported',
    setup: {
      deployPlans: [
        {
          kind: 'reject',
          status: 400,
          error: {
            code: 'InvalidTemplateDeployment',
            message: "The template deployment failed because of policy violation. Please see details for more information.",
            details: [
              {
                code: 'RequestDisallowedByPolicy',
                target: MYSQL,
                message: `Resource '${MYSQL}' was disallowed by policy. Policy identifiers: '[{"policyAssignment":{"name":"Allowed locations","id":"/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/policyAssignments/allowed-locations"}}]'.`,
              },
            ],
          },
        },
      ],
    },
    signedIn: true,
    expect: { exitCode: 1, incidents: [{ classId: 'azure.policy-disallowed', outcome: 'failed' }], deployPuts: 1 },
  },
];

export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario '${name}' (have: ${SCENARIOS.map((x) => x.name).join(', ')})`);
  return s;
}

/** Test secrets with a recognisable shape, so a test can look for them everywhere. */
export const TEST_SECRETS = {
  mysqlPassword: 'TestOnlyMysqlPw7Xq2Lr9Vb4Nc8Hd3Kz',
  encryptionSecret: 'TESTONLYSECRET'.padEnd(128, 'Q'),
};

/** The shape of the product's deps the harness fills (structural: no product import). */
export interface HarnessDeps {
  context: (req: { subscription?: string; env: NodeJS.ProcessEnv }) => Promise<{
    credential: unknown;
    endpoint: string;
    subscriptionId?: string;
    clientOptions: { tlsOptions?: { ca?: string }; retryOptions?: { maxRetries?: number; retryDelayInMs?: number } };
    pollIntervalMs?: number;
  }>;
  login: () => Promise<{ method: 'az' | 'device-code' }>;
  interactive: boolean;
  confirm: (q: string) => Promise<boolean>;
  timeouts: { providerMs: number; mysqlMs: number; backendMs: number; migrationFirstMs: number; migrationMs: number; pollMs: number };
  secrets: typeof TEST_SECRETS;
}

export interface Harness {
  arm: FakeArm;
  deps: HarnessDeps;
  credential: ReturnType<typeof signedOutCredential> | ReturnType<typeof signedInCredential>;
  loginCalls: () => number;
  close: () => Promise<void>;
}

/** Start the fake ARM for a scenario and build the deps that point the product at it. */
export async function startScenario(s: Scenario, overrides: Partial<FakeArmSetup> = {}): Promise<Harness> {
  const arm = await startFakeArm({ ...s.setup, ...overrides });
  const out = signedOutCredential();
  if (s.signedIn) out.login();
  const before = out.loginCalls;
  const deps: HarnessDeps = {
    context: () =>
      Promise.resolve({
        credential: out,
        endpoint: arm.endpoint,
        subscriptionId: arm.subscriptionId,
        clientOptions: { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 1, retryDelayInMs: 10 } },
        pollIntervalMs: 20,
      }),
    // The login repair's effect: the injected credential works from now on.
    login: () => {
      out.login();
      return Promise.resolve({ method: 'az' as const });
    },
    interactive: true,
    confirm: () => Promise.resolve(true),
    // The first migration wait is short, so a scenario's migration of 1 s or more outlasts it.
    timeouts: { providerMs: 10_000, mysqlMs: 10_000, backendMs: 10_000, migrationFirstMs: 500, migrationMs: 300_000, pollMs: 100 },
    secrets: TEST_SECRETS,
  };
  return { arm, deps, credential: out, loginCalls: () => out.loginCalls - before, close: () => arm.close() };
}
