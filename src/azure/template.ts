// The ARM template of an Azure DevLake deployment, authored as a typed object (the equivalent of
// the Go tool's main-official.bicep; no Bicep compiler at run time). Pure.
//
// Secrets are `secureString` parameters: ARM never returns them, and they reach the containers
// only as `secureValue` environment variables and the Key Vault as secrets.

import type { AzureNames } from './names.js';

export type ArmExpression = `[${string}]`;

export interface ArmParameter {
  type: 'string' | 'securestring' | 'int' | 'bool' | 'object' | 'array';
  defaultValue?: unknown;
  metadata?: { description: string };
}

export interface ArmResource {
  /** Deployed only when this expression is true; a skipped resource drops out of every dependsOn. */
  condition?: ArmExpression;
  type: string;
  apiVersion: string;
  name: string;
  location?: string;
  sku?: Record<string, unknown>;
  properties: Record<string, unknown>;
  dependsOn?: string[];
  tags?: Record<string, string>;
}

export interface ArmOutput {
  type: 'string';
  value: string;
}

export interface ArmTemplate {
  $schema: string;
  contentVersion: string;
  parameters: Record<string, ArmParameter>;
  variables: Record<string, unknown>;
  resources: ArmResource[];
  outputs: Record<string, ArmOutput>;
}

/** Names of the template's outputs, read back by the flow after the deployment. */
export const OUTPUTS = {
  backend: 'backendEndpoint',
  grafana: 'grafanaEndpoint',
  configUi: 'configUiEndpoint',
  mysqlFqdn: 'mysqlFqdn',
  keyVault: 'keyVaultName',
} as const;

export const API_VERSIONS = {
  vaults: '2023-07-01',
  mysql: '2023-06-30',
  containerGroups: '2023-05-01',
  /** Container registries (cleanup by id; azure-rest-api-specs containerregistry 2023-07-01 stable). */
  registries: '2023-07-01',
} as const;

export const SECRET_NAMES = { mysqlPassword: 'db-admin-password', encryptionSecret: 'encryption-secret' } as const;
export const MYSQL_ADMIN_USER = 'merico';
export const FIREWALL_RULE = 'AllowAzureServices';

export interface TemplateInput {
  names: AzureNames;
  images: { backend: string; grafana: string; configUi: string };
  /** Custom images come from this registry (ACR) with its credentials; official images need none. */
  registry?: { server: string; username: string };
}

const KV = 'Microsoft.KeyVault/vaults';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const ACI = 'Microsoft.ContainerInstance/containerGroups';

const rid = (type: string, ...names: string[]): string => `resourceId('${type}', ${names.map((n) => `'${n}'`).join(', ')})`;

function containerGroup(opts: {
  name: string;
  container: string;
  image: string;
  port: number;
  cpu: number;
  memoryInGB: number;
  dnsLabel: string;
  env: { name: string; value?: string; secureValue?: string }[];
  dependsOn?: string[];
  registry?: TemplateInput['registry'];
}): ArmResource {
  return {
    type: ACI,
    apiVersion: API_VERSIONS.containerGroups,
    name: opts.name,
    location: "[parameters('location')]",
    properties: {
      containers: [
        {
          name: opts.container,
          properties: {
            image: opts.image,
            ports: [{ port: opts.port, protocol: 'TCP' }],
            environmentVariables: opts.env,
            resources: { requests: { cpu: opts.cpu, memoryInGB: opts.memoryInGB } },
          },
        },
      ],
      osType: 'Linux',
      restartPolicy: 'Always',
      ipAddress: { type: 'Public', ports: [{ port: opts.port, protocol: 'TCP' }], dnsNameLabel: opts.dnsLabel },
      ...(opts.registry
        ? { imageRegistryCredentials: [{ server: opts.registry.server, username: opts.registry.username, password: "[parameters('registryPassword')]" }] }
        : {}),
    },
    ...(opts.dependsOn ? { dependsOn: opts.dependsOn } : {}),
  };
}

export function buildTemplate(input: TemplateInput): ArmTemplate {
  const { names, images } = input;
  const mysqlId = rid(MYSQL, names.mysql);
  const fqdn = `reference(${mysqlId}, '${API_VERSIONS.mysql}').fullyQualifiedDomainName`;
  const fqdnOf = (group: string) => `reference(${rid(ACI, group)}, '${API_VERSIONS.containerGroups}').ipAddress.fqdn`;
  const parameters: Record<string, ArmParameter> = {
    location: { type: 'string', metadata: { description: 'Azure region of every resource' } },
    mysqlAdminPassword: { type: 'securestring', metadata: { description: 'MySQL admin password (generated, never stored outside the Key Vault)' } },
    encryptionSecret: { type: 'securestring', metadata: { description: "DevLake's ENCRYPTION_SECRET" } },
    // A re-run passes both secrets as Key Vault references and writes neither: the vault keeps them.
    createVault: { type: 'bool', defaultValue: true, metadata: { description: 'create the Key Vault (false: it exists and is left as it is)' } },
    vaultRetentionDays: { type: 'int', defaultValue: 7, metadata: { description: 'soft-delete retention of a new vault (an existing one keeps its own: it cannot change)' } },
    writeMysqlPassword: { type: 'bool', defaultValue: true, metadata: { description: 'store the MySQL password in the vault (false: it is already there)' } },
    writeEncryptionSecret: { type: 'bool', defaultValue: true, metadata: { description: 'store ENCRYPTION_SECRET in the vault (false: it is already there)' } },
  };
  if (input.registry) parameters.registryPassword = { type: 'securestring', metadata: { description: 'container registry password' } };

  const resources: ArmResource[] = [
    {
      // Only a new vault is PUT: a PUT of an existing one would replace its access policies, and its
      // soft-delete retention cannot change once set (the Go tool's vaults keep the default 90 days).
      condition: "[parameters('createVault')]",
      type: KV,
      apiVersion: API_VERSIONS.vaults,
      name: names.keyVault,
      location: "[parameters('location')]",
      properties: {
        tenantId: '[subscription().tenantId]',
        sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: "[parameters('vaultRetentionDays')]",
        // ARM reads the secrets back as parameter references on every re-run.
        enabledForTemplateDeployment: true,
      },
    },
    {
      condition: "[parameters('writeMysqlPassword')]",
      type: `${KV}/secrets`,
      apiVersion: API_VERSIONS.vaults,
      name: `${names.keyVault}/${SECRET_NAMES.mysqlPassword}`,
      properties: { value: "[parameters('mysqlAdminPassword')]" },
      dependsOn: [`[${rid(KV, names.keyVault)}]`],
    },
    {
      condition: "[parameters('writeEncryptionSecret')]",
      type: `${KV}/secrets`,
      apiVersion: API_VERSIONS.vaults,
      name: `${names.keyVault}/${SECRET_NAMES.encryptionSecret}`,
      properties: { value: "[parameters('encryptionSecret')]" },
      dependsOn: [`[${rid(KV, names.keyVault)}]`],
    },
    {
      type: MYSQL,
      apiVersion: API_VERSIONS.mysql,
      name: names.mysql,
      location: "[parameters('location')]",
      sku: { name: 'Standard_B1ms', tier: 'Burstable' },
      properties: {
        version: '8.0.21',
        administratorLogin: MYSQL_ADMIN_USER,
        administratorLoginPassword: "[parameters('mysqlAdminPassword')]",
        storage: { storageSizeGB: 32 },
        backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' },
      },
    },
    {
      type: `${MYSQL}/databases`,
      apiVersion: API_VERSIONS.mysql,
      name: `${names.mysql}/${names.database}`,
      properties: { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
      dependsOn: [`[${mysqlId}]`],
    },
    {
      type: `${MYSQL}/firewallRules`,
      apiVersion: API_VERSIONS.mysql,
      name: `${names.mysql}/${FIREWALL_RULE}`,
      properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' },
      dependsOn: [`[${mysqlId}]`],
    },
    {
      type: `${MYSQL}/configurations`,
      apiVersion: API_VERSIONS.mysql,
      name: `${names.mysql}/sql_generate_invisible_primary_key`,
      properties: { value: 'OFF', source: 'user-override' },
      dependsOn: [`[${mysqlId}]`],
    },
    containerGroup({
      name: names.backend,
      container: 'devlake-backend',
      image: images.backend,
      port: 8080,
      cpu: 2,
      memoryInGB: 4,
      dnsLabel: names.dnsLabels.backend,
      registry: input.registry,
      env: [
        {
          name: 'DB_URL',
          secureValue: `[format('mysql://{0}:{1}@{2}:3306/${names.database}?charset=utf8mb4&parseTime=True&loc=UTC&tls=true', '${MYSQL_ADMIN_USER}', parameters('mysqlAdminPassword'), ${fqdn})]`,
        },
        { name: 'ENCRYPTION_SECRET', secureValue: "[parameters('encryptionSecret')]" },
        { name: 'PORT', value: '8080' },
        { name: 'MODE', value: 'release' },
        { name: 'PLUGIN_DIR', value: 'bin/plugins' },
        { name: 'REMOTE_PLUGIN_DIR', value: 'python/plugins' },
        { name: 'LOGGING_DIR', value: '/app/logs' },
        { name: 'TZ', value: 'UTC' },
      ],
      dependsOn: [`[${rid(MYSQL + '/databases', names.mysql, names.database)}]`, `[${rid(MYSQL + '/firewallRules', names.mysql, FIREWALL_RULE)}]`, `[${rid(MYSQL + '/configurations', names.mysql, 'sql_generate_invisible_primary_key')}]`],
    }),
    containerGroup({
      name: names.grafana,
      container: 'devlake-grafana',
      image: images.grafana,
      port: 3000,
      cpu: 1,
      memoryInGB: 2,
      dnsLabel: names.dnsLabels.grafana,
      registry: input.registry,
      env: [
        { name: 'GF_SERVER_ROOT_URL', value: `[format('http://${names.dnsLabels.grafana}.{0}.azurecontainer.io:3000', parameters('location'))]` },
        { name: 'MYSQL_URL', value: `[format('{0}:3306', ${fqdn})]` },
        { name: 'MYSQL_DATABASE', value: names.database },
        { name: 'MYSQL_USER', value: MYSQL_ADMIN_USER },
        { name: 'MYSQL_PASSWORD', secureValue: "[parameters('mysqlAdminPassword')]" },
      ],
      dependsOn: [`[${rid(MYSQL + '/databases', names.mysql, names.database)}]`],
    }),
    containerGroup({
      name: names.configUi,
      container: 'devlake-config-ui',
      image: images.configUi,
      port: 4000,
      cpu: 1,
      memoryInGB: 2,
      dnsLabel: names.dnsLabels.configUi,
      registry: input.registry,
      env: [
        { name: 'DEVLAKE_ENDPOINT', value: `[format('{0}:8080', ${fqdnOf(names.backend)})]` },
        { name: 'GRAFANA_ENDPOINT', value: `[format('{0}:3000', ${fqdnOf(names.grafana)})]` },
      ],
      dependsOn: [`[${rid(ACI, names.backend)}]`, `[${rid(ACI, names.grafana)}]`],
    }),
  ];

  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters,
    variables: {},
    resources,
    outputs: {
      [OUTPUTS.keyVault]: { type: 'string', value: names.keyVault },
      [OUTPUTS.mysqlFqdn]: { type: 'string', value: `[${fqdn}]` },
      [OUTPUTS.backend]: { type: 'string', value: `[format('http://{0}:8080', ${fqdnOf(names.backend)})]` },
      [OUTPUTS.grafana]: { type: 'string', value: `[format('http://{0}:3000', ${fqdnOf(names.grafana)})]` },
      [OUTPUTS.configUi]: { type: 'string', value: `[format('http://{0}:4000', ${fqdnOf(names.configUi)})]` },
    },
  };
}
