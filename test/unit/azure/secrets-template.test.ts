import { describe, expect, it } from 'vitest';
import { encryptionSecret, generatedValues, generateSecrets, mysqlPassword, planSecrets, redact, secretParameter } from '../../../src/azure/secrets.js';
import { buildTemplate, FIREWALL_RULE, OUTPUTS } from '../../../src/azure/template.js';
import { azureNames, officialImages } from '../../../src/azure/names.js';

describe('secrets', () => {
  it('ENCRYPTION_SECRET is 128 uppercase letters', () => {
    for (let i = 0; i < 20; i++) expect(encryptionSecret()).toMatch(/^[A-Z]{128}$/);
  });
  it('the MySQL password has upper, lower and digits, letters and digits only', () => {
    for (let i = 0; i < 50; i++) {
      const p = mysqlPassword();
      expect(p).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
    }
  });
  it('redacts both secrets', () => {
    const s = generateSecrets();
    expect(redact(`a ${s.mysqlPassword} b ${s.encryptionSecret}`, s)).toBe('a *** b ***');
  });
});

describe('the ARM template', () => {
  const names = azureNames('devlake', 'abcde');
  const t = buildTemplate({ names, images: officialImages('latest') });
  const byType = (type: string) => t.resources.filter((r) => r.type === type);

  it('takes the secrets only as secure parameters', () => {
    expect(t.parameters.mysqlAdminPassword?.type).toBe('securestring');
    expect(t.parameters.encryptionSecret?.type).toBe('securestring');
    const text = JSON.stringify(t);
    // Secret values appear only as parameter references, and environment variables that hold them are secureValue.
    for (const r of byType('Microsoft.ContainerInstance/containerGroups')) {
      const env = (r.properties.containers as { properties: { environmentVariables: { name: string; value?: string; secureValue?: string }[] } }[])[0]?.properties.environmentVariables ?? [];
      for (const e of env) {
        if (/password|secret|DB_URL/i.test(e.name)) {
          expect(e.value).toBeUndefined();
          expect(e.secureValue).toBeDefined();
        }
      }
    }
    expect(text).not.toMatch(/"value":"\[parameters\('(mysqlAdminPassword|encryptionSecret)'\)\]","name"/);
  });

  it('declares Key Vault with both secrets, MySQL with lake/firewall/parameter, and three container groups', () => {
    expect(byType('Microsoft.KeyVault/vaults').map((r) => r.name)).toEqual([names.keyVault]);
    expect(byType('Microsoft.KeyVault/vaults/secrets').map((r) => r.name)).toEqual([`${names.keyVault}/db-admin-password`, `${names.keyVault}/encryption-secret`]);
    expect(byType('Microsoft.DBforMySQL/flexibleServers').map((r) => r.name)).toEqual([names.mysql]);
    expect(byType('Microsoft.DBforMySQL/flexibleServers/databases').map((r) => r.name)).toEqual([`${names.mysql}/lake`]);
    const fw = byType('Microsoft.DBforMySQL/flexibleServers/firewallRules')[0];
    expect(fw?.name).toBe(`${names.mysql}/${FIREWALL_RULE}`);
    expect(fw?.properties).toEqual({ startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' });
    const cfg = byType('Microsoft.DBforMySQL/flexibleServers/configurations')[0];
    expect(cfg?.name).toBe(`${names.mysql}/sql_generate_invisible_primary_key`);
    expect(cfg?.properties.value).toBe('OFF');
    const groups = byType('Microsoft.ContainerInstance/containerGroups');
    expect(groups.map((g) => g.name)).toEqual([names.backend, names.grafana, names.configUi]);
    const ports = groups.map((g) => ((g.properties.ipAddress as { ports: { port: number }[] }).ports[0]?.port));
    expect(ports).toEqual([8080, 3000, 4000]);
    const images = groups.map((g) => (g.properties.containers as { properties: { image: string } }[])[0]?.properties.image);
    expect(images).toEqual(Object.values(officialImages('latest')));
    expect(Object.keys(t.outputs)).toEqual(expect.arrayContaining(Object.values(OUTPUTS)));
  });

  it('is plain JSON (what ARM receives)', () => {
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});

describe('the secrets of a run', () => {
  const names = { mysqlPassword: 'db-admin-password', encryptionSecret: 'encryption-secret' };
  const fresh = { mysqlPassword: 'FreshPw1', encryptionSecret: 'FRESH' };
  const vaultId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';

  it('reuses what the vault holds (as references), generates only what is missing', () => {
    const both = planSecrets({ vaultId, has: { mysqlPassword: true, encryptionSecret: true }, rotate: false, names }, fresh);
    expect(secretParameter(both.mysqlPassword)).toEqual({ reference: { keyVault: { id: vaultId }, secretName: 'db-admin-password' } });
    expect(secretParameter(both.encryptionSecret)).toEqual({ reference: { keyVault: { id: vaultId }, secretName: 'encryption-secret' } });
    expect(generatedValues(both)).toEqual({ mysqlPassword: '', encryptionSecret: '' });
    const one = planSecrets({ vaultId, has: { mysqlPassword: true, encryptionSecret: false }, rotate: false, names }, fresh);
    expect(one.mysqlPassword.from).toBe('vault');
    expect(secretParameter(one.encryptionSecret)).toEqual({ value: 'FRESH' });
  });

  it('generates both without a vault, and on --rotate-secrets even with one', () => {
    expect(generatedValues(planSecrets({ has: { mysqlPassword: true, encryptionSecret: true }, rotate: false, names }, fresh))).toEqual(fresh);
    expect(generatedValues(planSecrets({ vaultId, has: { mysqlPassword: true, encryptionSecret: true }, rotate: true, names }, fresh))).toEqual(fresh);
  });

  it('deploys the vault and each secret only when its parameter says so', () => {
    const t = buildTemplate({ names: azureNames('devlake', 'abcde'), images: officialImages('latest') });
    const cond = (type: string) => t.resources.filter((r) => r.type === type).map((r) => r.condition);
    expect(cond('Microsoft.KeyVault/vaults')).toEqual(["[parameters('createVault')]"]);
    expect(cond('Microsoft.KeyVault/vaults/secrets')).toEqual(["[parameters('writeMysqlPassword')]", "[parameters('writeEncryptionSecret')]"]);
    const vault = t.resources.find((r) => r.type === 'Microsoft.KeyVault/vaults');
    expect(vault?.properties).toMatchObject({ softDeleteRetentionInDays: "[parameters('vaultRetentionDays')]", enabledForTemplateDeployment: true });
  });
});
