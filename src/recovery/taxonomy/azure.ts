// Azure failures: ARM error codes (top-level or in the deployment operations' inner details),
// credential errors, and our own proactive checks' codes. Order matters: first match wins, and the
// catch-all wrapper classes (invalid template) come last so a specific inner code wins.

import type { FailureSource } from '../types.js';
import type { TaxonomyRule } from './rule.js';

/** ARM errors come from the SDK ('azure'); our proactive checks report as 'probe'. */
const AZ: readonly FailureSource[] = ['azure', 'probe'];
const ARM_TROUBLESHOOTING = 'https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting';

const RESOURCE_GROUP = /\bresourceGroups\/(?<resourceGroup>[^/'"\s]+)/i;
const LOCATION_QUOTED = /\blocation '(?<location>[\w -]+)'/i;
const LOCATION_FIELD = /\bLocation: (?<location>[\w-]+)/;
const VAULT_NAME: readonly RegExp[] = [
  /\bvaults\/(?<name>[^/'"\s]+)/i,
  /\b(?:key ?)?vault (?:name )?'(?<name>[^']+)'/i,
];

const LOGIN_REMEDIATION =
  'You are not signed in to Azure, or the sign-in expired. Run `az login[[ --tenant {tenant}]]` and re-run ' +
  '(gh-devlake can start that login for you; without az it offers a device-code sign-in).';

const SOFT_DELETED_REMEDIATION =
  'Key Vault {name|(the DevLake vault)} is soft-deleted and still holds its name. Purge it ' +
  '(`az keyvault purge --name {name|<vault>}`), recover it (`az keyvault recover --name {name|<vault>}`), ' +
  'or deploy under a new name with `--base-name <new-name>`.';

const MYSQL_REMEDIATION =
  'Azure Database for MySQL server {name|(the DevLake server)} is stopped. Start it: ' +
  '`az mysql flexible-server start --name {name|<server>} --resource-group {resourceGroup|<group>}`, then re-run.';

const QUOTA_REMEDIATION =
  'A subscription quota is exhausted[[ in {location}]]: {detail|see the error message}. Request a quota increase ' +
  '(Azure portal > Quotas) or deploy to another region.';

const MYSQL_NAME: readonly RegExp[] = [/\bflexibleServers\/(?<name>[^/'"\s]+)/i, /\bserver '(?<name>[^']+)'/i, RESOURCE_GROUP];

const MIGRATION_REMEDIATION =
  "DevLake's backend answers 428 Precondition Required on every route after its migration gate (e.g. `GET /plugins`) " +
  'while its database migration waits for `GET /proceed-db-migration` or runs; `/ping` answers 200 all along, so it ' +
  'does not tell. Wait until `GET <backend-url>/plugins` stops answering 428 (start the migration by hand with ' +
  '`GET <backend-url>/proceed-db-migration` if nobody did), then re-run.';

const SCOPE_FACT = /--scope\s+(?<scope>https:\/\/[\w.-]+(?::\d+)?\/[\w./-]*)/i;
const TENANT_FACT = /--tenant\s+["']?(?<tenant>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[\w-]+(?:\.[\w-]+)+)/i;
const AADSTS_FACT = /\b(?<aadsts>AADSTS\d{5,6})\b/;

/** The two azure.image-inaccessible rules' shared part. */
const IMAGE_INACCESSIBLE = {
  id: 'azure.image-inaccessible',
  title: 'container image not accessible',
  repair: null,
  remediation:
    'Container Instances could not pull {image|the image}: the name or tag is wrong, the registry needs credentials ' +
    '(imageRegistryCredentials), or Docker Hub limited the pulls. Check the image exists (`docker pull {image|<image>}`), ' +
    'then re-run.',
  docs: 'recovery.md#azure-image-inaccessible',
  examples: ["The image 'apache/devlake:v9.9.9' in container group 'devlake-backend' is not accessible. Please check the image and registry credential."],
} as const satisfies Omit<TaxonomyRule, 'match'>;

export const AZURE_RULES: readonly TaxonomyRule[] = [
  // ── Sign-in: the code says which credential failed and why (src/azure/sign-in.ts) ──
  {
    id: 'azure.auth-missing',
    title: 'not signed in to Azure',
    match: { sources: ['auth'], codes: ['AzureCliNotSignedIn'] },
    facts: { extract: [TENANT_FACT] },
    repair: 'azure.login',
    remediation: LOGIN_REMEDIATION,
    docs: 'recovery.md#azure-auth-missing',
    examples: ["AzureCliCredential: Please run 'az login' from a command prompt to authenticate before using this credential."],
    note: 'Code `AzureCliNotSignedIn`: AzureCliCredential failed with az present (src/azure/sign-in.ts).',
  },
  {
    id: 'azure.auth-missing',
    title: 'Azure asks for multi-factor authentication',
    match: { sources: ['auth'], codes: ['AzureCliInteractionRequired'] },
    facts: { extract: [SCOPE_FACT, TENANT_FACT, AADSTS_FACT] },
    repair: 'azure.login',
    remediation:
      'Your tenant asks for multi-factor authentication (or another interactive check) before it issues an Azure ' +
      'Resource Manager token[[ ({aadsts})]]. Run `az login --scope {scope|https://management.core.windows.net//.default}' +
      '[[ --tenant {tenant}]]` and re-run (gh-devlake can start that login for you).',
    docs: 'recovery.md#azure-auth-missing',
    // Azure/azure-cli#21519: what `az account get-access-token` prints when MFA is required.
    examples: [
      "AzureCliCredential: ERROR: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'. To re-authenticate, please run: az login --scope https://management.core.windows.net//.default",
    ],
    note: 'Code `AzureCliInteractionRequired`: AzureCliCredential reports this as "unavailable" too; the repair runs `az login --scope`.',
  },
  {
    id: 'azure.auth-missing',
    title: 'az is not installed',
    match: { sources: ['auth'], codes: ['AzureCliNotInstalled'] },
    repair: 'azure.device-code',
    remediation:
      'The Azure CLI (az) is not installed, so there is no az sign-in to use. Sign in with a device code ' +
      '(gh-devlake offers it on a terminal), install az (https://aka.ms/azure-cli) and run `az login`, or set ' +
      'GH_DEVLAKE_AZURE_AUTH=environment with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.',
    docs: 'recovery.md#azure-auth-missing',
    examples: [
      "AzureCliCredential: Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
    ],
    note: 'Code `AzureCliNotInstalled`: the repair is device-code sign-in (@azure/identity DeviceCodeCredential), never `az login`.',
  },
  {
    id: 'azure.sign-in-blocked',
    title: 'sign-in blocked by Conditional Access',
    match: { sources: ['auth', 'azure'], codes: ['SignInBlockedByPolicy'] },
    facts: { extract: [AADSTS_FACT] },
    repair: null,
    remediation:
      'Microsoft Entra ID refused the token[[ ({aadsts})]]: a Conditional Access policy (or your administrator) blocks ' +
      'this sign-in from here — signing in again does not change that. Sign in from a compliant device or network, or ' +
      'ask your administrator which policy applies.',
    docs: 'recovery.md#azure-sign-in-blocked',
    examples: [
      'AzureCliCredential: ERROR: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    ],
    note: 'Code `SignInBlockedByPolicy`: AADSTS 53000, 53001, 53003, 530003, 530033, 50053, 50057.',
  },
  {
    id: 'azure.credential-unavailable',
    title: 'the configured Azure credential is not usable',
    match: { sources: ['auth'], codes: ['EnvironmentCredentialUnavailable', 'ManagedIdentityUnavailable', 'CredentialRejected'] },
    facts: { extract: [AADSTS_FACT], fromTarget: { fact: 'credential' } },
    repair: null,
    remediation:
      '{credential|The credential} that GH_DEVLAKE_AZURE_AUTH selects could not sign in[[ ({aadsts})]]. For ' +
      '`environment` set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) ' +
      'and check them; for `managed-identity` run on an Azure host with an identity assigned (AZURE_CLIENT_ID for a ' +
      "user-assigned one). `az login` does not help here: gh-devlake uses the credential you chose; unset " +
      'GH_DEVLAKE_AZURE_AUTH to use your az sign-in instead.',
    docs: 'recovery.md#azure-credential-unavailable',
    examples: [
      'EnvironmentCredential: EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
    ],
    note: 'No automatic repair: the user chose this credential (a login of another kind would not be used).',
  },
  {
    id: 'azure.cli-missing',
    title: 'Azure CLI not installed',
    match: {
      sources: ['auth'],
      // @azure/identity's AzureCliCredential (cliCredentialInternals.notInstalled), alone or inside the
      // DefaultAzureCredential chain's AggregateAuthenticationError; the Python and .NET SDKs' wordings too.
      patterns: [/\bAzure CLI could not be found\b/i, /\bAzure CLI not (?:installed|found on path)\b/i],
    },
    repair: 'azure.login',
    remediation:
      'The Azure CLI is not installed, so `az login` is not available here. On a terminal gh-devlake signs you in with a ' +
      'device code instead (it asks first: open the address it prints and enter the code). In CI, set AZURE_CLIENT_ID, ' +
      'AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service principal; or install the Azure CLI (https://aka.ms/azure-cli).',
    docs: 'recovery.md#azure-cli-missing',
    link: 'https://aka.ms/azsdk/js/identity/azclicredential/troubleshoot',
    examples: [
      "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
    ],
    note: 'The login repair uses the device-code flow when `az` is not on PATH.',
  },
  {
    id: 'azure.credential-rejected',
    title: 'Azure credential rejected',
    match: {
      sources: ['auth'],
      codes: ['AuthenticationError', 'AuthenticationRequiredError', 'AggregateAuthenticationError', 'CredentialUnavailableError'],
      // Entra ID refused the configured credential itself (a service principal's secret or certificate):
      // a new `az login` cannot fix that. AADSTS codes: learn.microsoft.com entra reference-error-codes.
      patterns: [
        /\bAADSTS(?<detail>7000215|7000222|700016|700027|7000112|90002)\b/,
        /\binvalid_client\b/,
        /^AuthenticationError: /m,
      ],
    },
    repair: null,
    remediation:
      'Entra ID rejected the configured credential (a client secret that is wrong or expired, an unknown application or ' +
      'tenant). Check AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET (or the certificate); create a new secret ' +
      'if it expired (`az ad app credential reset --id <app-id>`), then re-run.',
    docs: 'recovery.md#azure-credential-rejected',
    link: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes',
    examples: ['invalid_client Status code: 401\nMore details:\nAADSTS7000215: Invalid client secret provided.'],
    note: 'An AggregateAuthenticationError counts when one of its credentials was rejected (an `AuthenticationError:` line).',
  },
  {
    id: 'azure.credential-rejected',
    title: 'Azure credential rejected',
    match: { sources: ['auth'], codes: ['AuthenticationError'] },
    repair: null,
    remediation:
      'Entra ID answered the sign-in with an error (see the message): the credential gh-devlake found (environment, ' +
      'managed identity or Azure CLI) was tried and refused. Fix that credential, or sign in again with `az login`, then re-run.',
    docs: 'recovery.md#azure-credential-rejected',
    examples: ['unauthorized_client Status code: 400\nMore details:\nAADSTS700016: Application with identifier was not found in the directory.'],
  },
  {
    id: 'azure.auth-missing',
    title: 'not signed in to Azure',
    match: {
      sources: ['auth'],
      codes: ['CredentialUnavailableError', 'AggregateAuthenticationError', 'AuthenticationRequiredError'],
    },
    repair: 'azure.login',
    remediation: LOGIN_REMEDIATION,
    docs: 'recovery.md#azure-auth-missing',
    examples: [
      "DefaultAzureCredential failed to retrieve a token from the included credentials. Attempted credentials: EnvironmentCredential is unavailable. AzureCliCredential: Please run 'az login' from a command prompt to authenticate before using this credential.",
    ],
  },
  {
    id: 'azure.auth-missing',
    title: 'signed in to the wrong Azure tenant',
    match: { sources: ['azure', 'auth'], codes: ['InvalidAuthenticationTokenTenant'] },
    facts: { extract: [/\bmust match the tenant '(?:https?:\/\/[^/']+\/)?(?<tenant>[^/']+)\/?'/i] },
    repair: 'azure.login',
    remediation: LOGIN_REMEDIATION,
    docs: 'recovery.md#azure-auth-missing',
    examples: [
      "The access token is from the wrong issuer 'https://sts.windows.net/11111111-1111-1111-1111-111111111111/'. It must match the tenant 'https://sts.windows.net/22222222-2222-2222-2222-222222222222/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/22222222-2222-2222-2222-222222222222' to get the token.",
    ],
  },
  {
    id: 'azure.auth-missing',
    title: 'Azure sign-in expired',
    match: { sources: ['azure', 'auth'], codes: ['ExpiredAuthenticationToken'] },
    repair: 'azure.login',
    remediation: LOGIN_REMEDIATION,
    docs: 'recovery.md#azure-auth-missing',
    examples: ["The access token expiry UTC time '3/1/2025 9:14:07 AM' is earlier than current UTC time '3/1/2025 10:02:51 AM'."],
  },
  {
    id: 'azure.auth-missing',
    title: 'not signed in to Azure',
    match: { sources: ['azure', 'auth'], patterns: [/\bPlease run 'az login'/i, /\bAADSTS700082\b/] },
    repair: 'azure.login',
    remediation: LOGIN_REMEDIATION,
    docs: 'recovery.md#azure-auth-missing',
    examples: ['AADSTS700082: The refresh token has expired due to inactivity.'],
  },

  // ── Resources left in a state we can fix ──────────────────────────────────
  {
    id: 'azure.mysql-busy',
    title: 'MySQL server busy',
    match: {
      sources: AZ,
      codes: ['ServerIsNotReady', 'ServerUnavailableForOperation', 'ServerBusy', 'OperationInProgress'],
      patterns: [
        /\bstate '?(?<state>Starting|Stopping|Updating|Restarting|Provisioning|Dropping|Scaling)\b/i,
        /\bCurrent Server State = (?<state>Starting|Stopping|Updating|Restarting|Provisioning|Dropping|Scaling)\b/i,
      ],
    },
    facts: { extract: MYSQL_NAME, fromTarget: { fact: 'name' } },
    repair: null,
    remediation:
      'Azure Database for MySQL server {name|(the DevLake server)} is busy ({state|changing state}), not stopped: starting it ' +
      'now would fail. Wait until it is Ready (`az mysql flexible-server show --name {name|<server>} --resource-group ' +
      '{resourceGroup|<group>} --query state`), then re-run.',
    docs: 'recovery.md#azure-mysql-busy',
    examples: [
      "Operation 'Update' cannot be performed as server 'devlake-mysql' is currently in state 'Starting'.",
      'Restart or Stop Server can only be performed on Started servers. Sever Name = devlake-mysql, Current Server State = Updating',
    ],
    note: 'Busy states never trigger the start repair: the server is on its way somewhere already.',
  },
  {
    id: 'azure.mysql-stopped',
    title: 'MySQL server stopped',
    match: { sources: AZ, codes: ['MySqlServerStopped', 'ServerStopped'] },
    facts: { extract: MYSQL_NAME, fromTarget: { fact: 'name' } },
    repair: 'azure.start-mysql',
    remediation: MYSQL_REMEDIATION,
    docs: 'recovery.md#azure-mysql-stopped',
    examples: ["MySQL flexible server 'devlake-mysql' is in state 'Stopped'."],
    note: 'Code `MySqlServerStopped` is reported by our proactive check before deploying.',
  },
  {
    id: 'azure.mysql-stopped',
    title: 'MySQL server stopped',
    match: { sources: AZ, codes: ['ServerUnavailableForOperation'], patterns: [/\bin (?:the )?state '?Stopped\b/i] },
    facts: { extract: MYSQL_NAME, fromTarget: { fact: 'name' } },
    repair: 'azure.start-mysql',
    remediation: MYSQL_REMEDIATION,
    docs: 'recovery.md#azure-mysql-stopped',
    examples: ["Operation 'Update' is not supported for server 'devlake-mysql' in state 'Stopped'."],
  },
  {
    id: 'azure.keyvault-purge-protected',
    title: 'Key Vault soft-deleted with purge protection',
    match: { sources: AZ, codes: ['VaultPurgeProtected'] },
    facts: {
      extract: [
        ...VAULT_NAME,
        /(?<scheduledPurgeDate>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)/,
      ],
      fromTarget: { fact: 'name' },
    },
    repair: null,
    remediation:
      'Key Vault {name|(the DevLake vault)} is soft-deleted with purge protection, so it cannot be purged before ' +
      '{scheduledPurgeDate|its scheduled purge date}. Recover it (`az keyvault recover --name {name|<vault>}`) or ' +
      'deploy under a new name with `--base-name <new-name>`.',
    docs: 'recovery.md#azure-keyvault-purge-protected',
    link: 'https://learn.microsoft.com/azure/key-vault/general/key-vault-recovery',
    examples: ["Key vault 'devlake-kv' is soft-deleted with purge protection; scheduled purge date 2025-06-01T00:00:00Z."],
    note: 'Reported by our proactive check (code `VaultPurgeProtected`); the message carries the scheduled purge date.',
  },
  {
    id: 'azure.keyvault-purge-protected',
    title: 'Key Vault soft-deleted with purge protection',
    match: {
      sources: AZ,
      // Key Vault's answer to a purge of a protected vault (ARM: MethodNotAllowed "Operation 'DeletedVaultPurge' is not
      // allowed."; the data plane: Forbidden "…purge protection is enabled for this vault").
      patterns: [/\bOperation '?DeletedVaultPurge'? is not allowed\b/i, /\bpurge protection is enabled for this vault\b/i],
    },
    facts: { extract: VAULT_NAME, fromTarget: { fact: 'name' } },
    repair: null,
    remediation:
      'Key Vault {name|(the DevLake vault)} is soft-deleted with purge protection, so Azure refuses to purge it until its ' +
      'retention period ends. Recover it (`az keyvault recover --name {name|<vault>}`) or deploy under a new name with ' +
      '`--base-name <new-name>`.',
    docs: 'recovery.md#azure-keyvault-purge-protected',
    link: 'https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview',
    examples: ["Operation 'DeletedVaultPurge' is not allowed."],
  },
  {
    id: 'azure.keyvault-soft-deleted',
    title: 'Key Vault soft-deleted',
    match: { sources: AZ, codes: ['VaultSoftDeleted'] },
    facts: { extract: VAULT_NAME, fromTarget: { fact: 'name' } },
    repair: 'azure.purge-vault',
    remediation: SOFT_DELETED_REMEDIATION,
    docs: 'recovery.md#azure-keyvault-soft-deleted',
    link: 'https://learn.microsoft.com/azure/key-vault/general/key-vault-recovery',
    examples: ["Key vault 'devlake-kv' is soft-deleted."],
    note: 'Code `VaultSoftDeleted` is reported by our proactive check.',
  },
  {
    id: 'azure.keyvault-soft-deleted',
    title: 'Key Vault soft-deleted',
    match: { sources: AZ, patterns: [/\balready exists in (?:a )?deleted state\b/i, /\bExist soft deleted vault with the same name\b/i] },
    facts: { extract: VAULT_NAME, fromTarget: { fact: 'name' } },
    repair: 'azure.purge-vault',
    remediation: SOFT_DELETED_REMEDIATION,
    docs: 'recovery.md#azure-keyvault-soft-deleted',
    link: 'https://learn.microsoft.com/azure/key-vault/general/key-vault-recovery',
    examples: [
      'A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.',
    ],
  },
  {
    id: 'azure.keyvault-name-taken',
    title: 'Key Vault name taken',
    match: { sources: AZ, codes: ['VaultAlreadyExists'] },
    facts: { extract: [/\bThe vault name '(?<name>[^']+)' is already in use\b/i, ...VAULT_NAME], fromTarget: { fact: 'name' } },
    repair: null,
    remediation:
      'Key Vault names are global, and {name|the DevLake vault name} is taken: by another tenant, or by a vault soft-deleted ' +
      'in a subscription gh-devlake does not look at. Deploy under a new name with `--base-name <new-name>`; if the vault ' +
      'is yours, `az keyvault list-deleted` in that subscription shows it (purge or recover it there).',
    docs: 'recovery.md#azure-keyvault-name-taken',
    link: 'https://go.microsoft.com/fwlink/?linkid=2147740',
    examples: [
      "The vault name 'devlake-kv' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state.",
    ],
    note: 'Our own soft-deleted vault is found before deploying (code `VaultSoftDeleted`); this is the name taken elsewhere.',
  },
  {
    id: 'azure.mysql-name-taken',
    title: 'MySQL server name taken',
    match: {
      sources: AZ,
      patterns: [/\bSpecified server name is already used\b/i, /\bServer name '(?<name>[^']+)' (?:is )?already (?:exists|in use)\b/i],
    },
    facts: { extract: MYSQL_NAME, fromTarget: { fact: 'name' } },
    repair: null,
    remediation:
      'MySQL server names are global (they become `<name>.mysql.database.azure.com`), and {name|the DevLake server name} ' +
      'is taken by another subscription. Deploy under a new name with `--base-name <new-name>`.',
    docs: 'recovery.md#azure-mysql-name-taken',
    examples: ['Specified server name is already used.'],
  },
  {
    id: 'azure.mysql-name-taken',
    title: 'MySQL server name taken',
    match: { sources: AZ, codes: ['ServerNameAlreadyExists', 'NameAlreadyExists'], about: [/\bDBforMySQL\b/i, /\bflexibleServers\b/i, /\bMySQL\b/i] },
    facts: { extract: [/\bThe name '(?<name>[^']+)' already exists\b/i, ...MYSQL_NAME], fromTarget: { fact: 'name' } },
    repair: null,
    remediation:
      'MySQL server names are global (they become `<name>.mysql.database.azure.com`), and {name|the DevLake server name} ' +
      'is taken by another subscription. Deploy under a new name with `--base-name <new-name>`.',
    docs: 'recovery.md#azure-mysql-name-taken',
    examples: ["The name 'devlake-mysql' already exists. Choose a different name. (Microsoft.DBforMySQL/flexibleServers)"],
    note: 'Name-taken codes count only for MySQL (operation, target or message).',
  },
  {
    id: 'azure.dns-label-taken',
    title: 'container DNS name label taken',
    match: {
      sources: AZ,
      // Container Instances' answer when ipAddress.dnsNameLabel is in use in the region.
      patterns: [/\bThe DNS name label '(?<label>[^']+)' in container group '(?<name>[^']+)' not available\b/i, /\bDnsNameLabel(?:NotAvailable|AlreadyInUse)\b/i],
    },
    repair: null,
    remediation:
      'The DNS name label {label|of the DevLake container group} is taken in this region (labels become ' +
      '`<label>.<region>.azurecontainer.io`, shared by every subscription). Deploy under a new name with `--base-name <new-name>`.',
    docs: 'recovery.md#azure-dns-label-taken',
    examples: ["The DNS name label 'devlake-backend' in container group 'devlake-backend' not available. Try using a different label."],
  },
  {
    id: 'azure.registry-push-failed',
    title: 'container registry refused the push',
    match: { sources: AZ, codes: ['RegistryPushFailed'] },
    facts: {
      // The registry's error as the Docker daemon renders a distribution error (distribution/distribution
      // docs/spec/api.md, "Errors": code UNAUTHORIZED "authentication required", DENIED "requested access to
      // the resource is denied", NAME_INVALID, NAME_UNKNOWN, BLOB_UPLOAD_INVALID, MANIFEST_INVALID,
      // SIZE_INVALID, DIGEST_INVALID, UNSUPPORTED, TOOMANYREQUESTS; the daemon prints the code in lower case,
      // '_' as ' ', then ': ' and the message).
      extract: [
        /\brefused the push of (?<image>\S+): (?<detail>.+)$/i,
        /\b(?<registryError>unauthorized|denied|name invalid|name unknown|blob upload invalid|blob upload unknown|blob unknown|manifest invalid|manifest blob unknown|size invalid|digest invalid|unsupported|toomanyrequests):/i,
      ],
      fromTarget: { fact: 'image' },
    },
    repair: null,
    remediation:
      'The container registry refused the push of {image|the image}: {detail|see the message}. `unauthorized` or `denied`: ' +
      "the registry's admin user is off or its password changed — `az acr update --name <registry> --admin-enabled true`, check " +
      '`az acr credential show --name <registry>`, then re-run. `toomanyrequests`: wait and re-run. `name invalid`, `manifest ' +
      'invalid` or `blob upload invalid`: the image or the registry is at fault — push it by hand (`docker push {image|<image>}`) to see more.',
    docs: 'recovery.md#azure-registry-push-failed',
    link: 'https://distribution.github.io/distribution/spec/api/#errors',
    examples: [
      'registry devlakeacr67817.azurecr.io refused the push of devlakeacr67817.azurecr.io/devlake:latest: unauthorized: authentication required',
      'registry devlakeacr67817.azurecr.io refused the push of devlakeacr67817.azurecr.io/devlake:latest: denied: requested access to the resource is denied',
    ],
    note: 'Code `RegistryPushFailed`: a push of a custom image (deploy azure --repo-url) that the registry answered with an error.',
  },
  {
    id: 'azure.api-version-unsupported',
    title: 'API version not offered in the region',
    match: {
      sources: AZ,
      codes: ['NoRegisteredProviderFound'],
      patterns: [/\bNo registered resource provider found for location '?(?<location>[\w *-]+?)'? and API version '(?<apiVersion>[^']+)' for type '(?<detail>[^']+)'/i],
    },
    repair: null,
    remediation:
      "The resource provider is registered, but it does not offer API version {apiVersion|(the one used)} for '{detail|this type}'" +
      '[[ in {location}]], so registering again cannot help. Deploy to a region the error lists as supported, or update ' +
      'gh-devlake (its API versions come from its Azure SDK).',
    docs: 'recovery.md#azure-api-version-unsupported',
    examples: [
      "No registered resource provider found for location 'northeurope' and API version '2020-09-01' for type 'serverFarms'. The supported api-versions are '2020-06-01, 2019-08-01'. The supported locations are 'westus, eastus'.",
    ],
    note: 'Before the unregistered-provider rule, which would suggest registering.',
  },
  {
    id: 'azure.provider-unregistered',
    title: 'resource provider not registered',
    match: {
      sources: AZ,
      codes: [
        'MissingSubscriptionRegistration',
        'MissingRegistrationForResourceProvider',
        'SubscriptionNotRegistered',
        'NoRegisteredProviderFound',
      ],
    },
    facts: {
      extract: [
        /\bnamespace '(?<namespace>[\w.]+)'/i,
        /\bresource provider '(?<namespace>[\w.]+)'/i,
        /\b(?<namespace>Microsoft\.[A-Za-z]\w*)/,
      ],
    },
    repair: 'azure.register-provider',
    remediation:
      'The subscription is not registered for {namespace|the resource provider}. Register it: ' +
      '`az provider register --namespace {namespace|<namespace>} --wait`, then re-run.',
    docs: 'recovery.md#azure-provider-unregistered',
    link: `${ARM_TROUBLESHOOTING}/error-register-resource-provider`,
    examples: [
      "The subscription is not registered to use namespace 'Microsoft.DBforMySQL'. See https://aka.ms/rps-not-found for how to register subscriptions.",
    ],
  },
  {
    id: 'azure.migration-warming',
    title: 'DevLake migration in progress',
    match: { codes: ['MigrationWarming'] },
    repair: 'azure.wait-migration',
    remediation: MIGRATION_REMEDIATION,
    docs: 'recovery.md#azure-migration-warming',
    examples: ['backend answered 428: migration pending'],
    note: 'Code `MigrationWarming` from any source.',
  },
  {
    id: 'azure.migration-warming',
    title: 'DevLake migration in progress',
    match: { sources: ['health'], statusCodes: [428] },
    repair: 'azure.wait-migration',
    remediation: MIGRATION_REMEDIATION,
    docs: 'recovery.md#azure-migration-warming',
    examples: ['GET https://devlake-backend.example.azurecontainer.io:8080/plugins: 428 Precondition Required'],
    note: 'A health answer of 428 that is not one of the local waits\' deadlines (matched earlier).',
  },

  // ── No repair: precise advice ──────────────────────────────────────────────
  {
    id: 'azure.subscription-not-found',
    title: 'subscription not found',
    match: { sources: AZ, codes: ['SubscriptionNotFound', 'InvalidSubscriptionId'] },
    repair: null,
    remediation:
      'The subscription was not found for the signed-in account (or none is selected). Pass `--subscription <id>` ' +
      '(`az account list -o table` lists yours) or select one with `az account set --subscription <id>`.',
    docs: 'recovery.md#azure-subscription-not-found',
    examples: ["The subscription '00000000-0000-0000-0000-000000000000' could not be found."],
  },
  {
    id: 'azure.custom-image-missing',
    title: 'custom image not in the registry',
    match: { sources: AZ, codes: ['CustomImageMissing'] },
    facts: { fromTarget: { fact: 'image' } },
    repair: null,
    remediation:
      '--skip-image-build uses images already in the registry, and {image|an image} is not there. Build and push ' +
      'them with `--repo-url <your DevLake fork>` (drop --skip-image-build), or pass the --version tag they were pushed with.',
    docs: 'recovery.md#azure-custom-image-missing',
    examples: ['image devlakeacr67817.azurecr.io/devlake:latest is not in registry devlakeacr67817.azurecr.io: manifest unknown: manifest unknown'],
    note: 'Code `CustomImageMissing`: our check of the registry (through the Docker engine) before deploying.',
  },
  {
    id: 'azure.backend-timeout',
    title: 'DevLake backend not answering',
    match: { sources: ['health'], codes: ['backend-deadline'] },
    repair: null,
    remediation:
      'The DevLake backend container group was created but did not answer /ping in time. Look at its logs in the ' +
      'portal (Container instances → the backend → Logs) or with `az container logs`, then run `gh-devlake start --azure` ' +
      '(or the deploy again) once it is up; `gh-devlake status` shows when it answers.',
    docs: 'recovery.md#azure-backend-timeout',
    examples: ['the DevLake backend at http://devlake-backend.example.azurecontainer.io:8080 did not answer /ping within 300 s (last: ECONNREFUSED)'],
    note: 'Reported by our Azure health wait with code `backend-deadline`.',
  },

  {
    id: 'azure.sku-not-available',
    title: 'SKU not available in the region',
    match: { sources: AZ, codes: ['SkuNotAvailable'] },
    facts: { extract: [/\b(?<sku>Standard_[A-Za-z0-9_]+)/, LOCATION_QUOTED] },
    repair: null,
    remediation:
      'SKU {sku|(the requested one)} is not available[[ in {location}]] for this subscription. Deploy to another region, ' +
      'or pick a SKU the region offers (`az mysql flexible-server list-skus --location {location|<region>}`).',
    docs: 'recovery.md#azure-sku-not-available',
    link: `${ARM_TROUBLESHOOTING}/error-sku-not-available`,
    examples: [
      "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_B1ms' is currently not available in location 'westeurope'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.",
    ],
  },
  {
    id: 'azure.location-restricted',
    title: 'region restricted for this subscription',
    match: { sources: AZ, codes: ['LocationIsOfferRestricted', 'ProvisionNotSupportedForRegion'] },
    facts: { extract: [LOCATION_QUOTED] },
    repair: null,
    remediation:
      'This subscription may not create the resource[[ in {location}]] (a region restriction on its offer). Deploy to ' +
      'another region, or ask Azure support to enable the region for the subscription.',
    docs: 'recovery.md#azure-location-restricted',
    link: `${ARM_TROUBLESHOOTING}/common-deployment-errors`,
    examples: [
      "Subscriptions are restricted from provisioning in location 'eastus'. Try again in a different location. For exceptions to this rule please open a support request with Issue type of 'Service and subscription limits'.",
    ],
  },
  {
    id: 'azure.provisioning-disabled',
    title: 'provisioning disabled in the region',
    match: { sources: AZ, codes: ['ProvisioningDisabled'] },
    facts: { extract: [LOCATION_QUOTED] },
    repair: null,
    remediation:
      'Azure does not let this subscription create this kind of resource[[ in {location}]] right now (provisioning is ' +
      "restricted in the region). Deploy to another region, or open a support request of type 'Service and subscription limits'.",
    docs: 'recovery.md#azure-provisioning-disabled',
    examples: ["Provisioning is restricted in this region. Please choose a different region. For exceptions to this rule please open a support request with Issue type of 'Service and subscription limits'."],
  },
  {
    id: 'azure.region-disallowed',
    title: 'region not allowed for this subscription',
    match: { sources: AZ, codes: ['RequestDisallowedByAzure'] },
    facts: { extract: [/\bResource '(?<name>[^']+)' was disallowed by\b/i, LOCATION_QUOTED] },
    repair: null,
    remediation:
      'Azure itself (not your policy administrator) limits this subscription to a set of regions, common for free, ' +
      'student and trial subscriptions. Deploy to one of the allowed regions (the portal lists them when you create a ' +
      'resource), or ask Azure support for more.',
    docs: 'recovery.md#azure-region-disallowed',
    examples: ["Resource 'devlake-mysql' was disallowed by Azure: This policy maintains a set of best available regions where your subscription can deploy resources."],
  },
  // By code, and by text where the code was lost on the way: one class, two matches (a rule's
  // match fields must all hold, so the two cannot be one rule).
  {
    ...IMAGE_INACCESSIBLE,
    match: { sources: AZ, codes: ['InaccessibleImage'] },
    facts: { extract: [/\bThe image '(?<image>[^']+)' in container group '(?<name>[^']+)'/i] },
  },
  {
    ...IMAGE_INACCESSIBLE,
    match: { sources: AZ, patterns: [/\bThe image '(?<image>[^']+)' in container group '(?<name>[^']+)' is not accessible\b/i] },
  },
  {
    id: 'azure.quota-exceeded',
    title: 'Container Instances quota',
    match: {
      sources: AZ,
      patterns: [/\bcontainer group quota '(?<quota>\w+)' exceeded in region '(?<location>[\w-]+)'\. Limit: '(?<limit>\d+)'/i],
      factIn: { limit: ['0'] },
    },
    facts: { detail: true },
    repair: null,
    remediation:
      "This subscription has no Container Instances quota ({quota|ContainerGroups}, limit 0) in {location|the region}: " +
      'another region is usually limited the same way. Request a quota increase (Azure portal > Quotas > Container ' +
      'Instances, or a support request), then re-run.',
    docs: 'recovery.md#azure-quota-exceeded',
    link: 'https://learn.microsoft.com/azure/container-instances/container-instances-resource-and-quota-limits',
    examples: ["Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota 'ContainerGroups' exceeded in region 'westeurope'. Limit: '0', Usage: '0' Requested: '1'."],
    note: "A limit of 0 is a missing quota: a request, not another region.",
  },
  {
    id: 'azure.quota-exceeded',
    title: 'Container Instances quota',
    match: { sources: AZ, patterns: [/\bcontainer group quota '(?<quota>\w+)' exceeded in region '(?<location>[\w-]+)'\. Limit: '(?<limit>\d+)'/i] },
    facts: { detail: true },
    repair: null,
    remediation:
      'The Container Instances quota {quota|ContainerGroups} (limit {limit|?}) is used up in {location|the region}. Remove ' +
      'container groups you no longer need, request a quota increase (Azure portal > Quotas), or deploy to another region.',
    docs: 'recovery.md#azure-quota-exceeded',
    link: 'https://learn.microsoft.com/azure/container-instances/container-instances-resource-and-quota-limits',
    examples: ["Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota 'StandardCores' exceeded in region 'eastus'. Limit: '10', Usage: '10' Requested: '1'."],
  },
  {
    id: 'azure.quota-exceeded',
    title: 'quota exceeded',
    match: {
      sources: AZ,
      codes: ['SubscriptionIsOverQuotaForSku', 'InternalSubscriptionIsOverQuotaForSku', 'ContainerGroupQuotaReached'],
    },
    facts: { extract: [LOCATION_FIELD, LOCATION_QUOTED], detail: true },
    repair: null,
    remediation: QUOTA_REMEDIATION,
    docs: 'recovery.md#azure-quota-exceeded',
    link: `${ARM_TROUBLESHOOTING}/error-resource-quota`,
    examples: ['Quota exceeded for : 0 VMs allowed, 1 VMs requested.. Try selecting different region or SKU.'],
    note: 'Also inside InvalidTemplateDeployment → ValidationForResourceFailed: quota, not template.',
  },
  {
    id: 'azure.quota-exceeded',
    title: 'quota exceeded',
    match: {
      sources: AZ,
      // Some services answer a quota with 401/403 codes: the words decide, not the code.
      patterns: [/\bOperation cannot be completed without additional quota\b/i, /\bThis region has quota of 0 instances\b/i],
    },
    facts: { extract: [LOCATION_FIELD, LOCATION_QUOTED], detail: true },
    repair: null,
    remediation: QUOTA_REMEDIATION,
    docs: 'recovery.md#azure-quota-exceeded',
    link: `${ARM_TROUBLESHOOTING}/error-resource-quota`,
    examples: ['Operation cannot be completed without additional quota. \r\nAdditional details - Location:  \r\nCurrent Limit (Basic VMs): 0 \r\n'],
  },
  {
    id: 'azure.quota-exceeded',
    title: 'quota exceeded',
    match: { sources: AZ, codes: ['QuotaExceeded'] },
    facts: { extract: [LOCATION_FIELD, LOCATION_QUOTED], detail: true },
    repair: null,
    remediation: QUOTA_REMEDIATION,
    docs: 'recovery.md#azure-quota-exceeded',
    link: `${ARM_TROUBLESHOOTING}/error-resource-quota`,
    examples: [
      'Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 4, Current Usage: 4, Additional Required: 2, (Minimum) New Limit Required: 6.',
    ],
  },
  {
    id: 'azure.quota-exceeded',
    title: 'quota exceeded',
    match: { sources: AZ, codes: ['OperationNotAllowed'], patterns: [/\bquota\b/i, /\blimit\b/i] },
    facts: { extract: [LOCATION_FIELD, LOCATION_QUOTED], detail: true },
    repair: null,
    remediation: QUOTA_REMEDIATION,
    docs: 'recovery.md#azure-quota-exceeded',
    link: `${ARM_TROUBLESHOOTING}/error-resource-quota`,
    examples: [
      'Operation could not be completed as it results in exceeding approved standardBSFamily Cores quota. Additional details - Deployment Model: Resource Manager, Location: westus2, Current Limit: 0, Current Usage: 0, Additional Required: 1.',
    ],
    note: '`OperationNotAllowed` counts only when the message speaks of a quota or limit.',
  },
  {
    id: 'azure.authorization-failed',
    title: 'not authorized',
    match: { sources: AZ, codes: ['AuthorizationFailed'] },
    facts: {
      extract: [/\bclient '(?<principal>[^']+)'/i, /\bperform action '(?<action>[^']+)'/i, /\bover scope '(?<scope>[^']+)'/i],
    },
    repair: null,
    remediation:
      '{principal|Your identity} may not perform {action|this action}[[ on {scope}]]. Ask a subscription Owner for the ' +
      'Contributor role (plus User Access Administrator if the deployment assigns roles), then run `az login` again to ' +
      'refresh the token.',
    docs: 'recovery.md#azure-authorization-failed',
    examples: [
      "The client 'dev@contoso.com' with object id '33333333-3333-3333-3333-333333333333' does not have authorization to perform action 'Microsoft.Resources/deployments/write' over scope '/subscriptions/44444444-4444-4444-4444-444444444444/resourcegroups/rg-devlake/providers/Microsoft.Resources/deployments/devlake' or the scope is invalid. If access was recently granted, please refresh your credentials.",
    ],
  },
  {
    id: 'azure.authorization-failed',
    title: 'not authorized',
    match: { sources: AZ, patterns: [/\bdoes not have (?:authorization|permission) to perform action '(?<action>[^']+)'/i] },
    facts: { extract: [/\bThe client '(?<principal>[^']+)'/i, /\b(?:over|at) scope '(?<scope>[^']+)'/i] },
    repair: null,
    remediation:
      '{principal|Your identity} may not perform {action|this action}[[ on {scope}]]. Ask a subscription Owner for the ' +
      'Contributor role (plus User Access Administrator if the deployment assigns roles), then run `az login` again to ' +
      'refresh the token.',
    docs: 'recovery.md#azure-authorization-failed',
    examples: [
      "The template deployment failed with error: 'Authorization failed for template resource 'f245' of type 'Microsoft.Authorization/roleAssignments'. The client 'dev@contoso.com' with object id '6705' does not have permission to perform action 'Microsoft.Authorization/roleAssignments/write' at scope '/subscriptions/71d6/resourceGroups/rg'.'.",
    ],
    note: 'The words count under any code (InvalidTemplateDeployment wraps them): authorization, not template.',
  },
  {
    id: 'azure.policy-disallowed',
    title: 'blocked by Azure Policy',
    match: { sources: AZ, codes: ['RequestDisallowedByPolicy'] },
    facts: {
      extract: [
        /\bResource ['`](?<name>[^'`]+)['`] was disallowed by policy/i,
        /\bReasons: '(?<policy>[^']+)'/i,
        /"policyAssignment":\s*\{\s*"name":\s*"(?<policy>[^"]+)"/i,
      ],
    },
    repair: null,
    remediation:
      'Azure Policy[[ "{policy}"]] blocks {name|a resource of this deployment}. Ask your policy administrator for an ' +
      'exemption, or deploy to a subscription, region or SKU the policy allows.',
    docs: 'recovery.md#azure-policy-disallowed',
    link: `${ARM_TROUBLESHOOTING}/error-policy-requestdisallowedbypolicy`,
    examples: ["Resource 'devlake-mysql' was disallowed by policy. Reasons: 'Allowed locations'. See error details for policy resource IDs."],
  },
  {
    id: 'azure.deployment-active',
    title: 'deployment already running',
    match: { sources: AZ, codes: ['DeploymentActive'] },
    facts: { extract: [/\bdeployment '(?<name>[^']+)'/i, RESOURCE_GROUP] },
    repair: null,
    remediation:
      'Deployment {name|(a previous one)} is still running in this resource group. Wait for it to finish, or cancel it ' +
      '(`az deployment group cancel --name {name|<deployment>} --resource-group {resourceGroup|<group>}`), then re-run.',
    docs: 'recovery.md#azure-deployment-active',
    link: `${ARM_TROUBLESHOOTING}/common-deployment-errors`,
    examples: [
      "Unable to edit or replace deployment 'devlake': previous deployment from '3/1/2025 9:00:00 AM' is still active (expiration time is '3/8/2025 9:00:00 AM'). Please see https://aka.ms/arm-deploy for usage details.",
    ],
  },
  {
    id: 'azure.aci-capacity',
    title: 'Container Instances capacity',
    match: {
      sources: AZ,
      codes: ['InsufficientCapacity', 'ServiceUnavailable'],
      about: [/\bMicrosoft\.ContainerInstance\b/i, /\bcontainerGroups?\b/i, /\bcontainer group\b/i, /\bResource requested: '?[\d.]+'? CPU\b/i],
    },
    facts: { extract: [LOCATION_QUOTED] },
    repair: null,
    remediation:
      'Azure Container Instances has no capacity for this request[[ in {location}]] right now. Deploy to another region, ' +
      'or retry later.',
    docs: 'recovery.md#azure-aci-capacity',
    examples: [
      "The requested resource is not available in the location 'westeurope' at this moment. Please retry with a different resource request or in another location. Resource requested: '2' CPU '4' GB memory 'Linux' OS",
    ],
    note: 'Only when the failure is about Container Instances (operation, target or message).',
  },
  {
    id: 'azure.invalid-template',
    title: 'invalid template',
    match: { sources: AZ, codes: ['InvalidTemplateDeployment', 'InvalidTemplate'] },
    facts: { innerErrors: true },
    repair: null,
    remediation:
      "The deployment template failed Azure's validation: {innerErrors|see the error message}. Fix the named " +
      'parameters or resources, then re-run.',
    docs: 'recovery.md#azure-invalid-template',
    link: `${ARM_TROUBLESHOOTING}/error-invalid-template`,
    examples: [
      "The template deployment 'devlake' is not valid according to the validation procedure. The tracking id is '55555555-5555-5555-5555-555555555555'. See inner errors for details.",
    ],
    note: 'Last on purpose: a specific inner code (policy, SKU, quota…) under this wrapper wins.',
  },
];
