import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { azureNames, baseNameProblem, officialImages, resourceGroupProblem, suffixFor } from '../../../src/azure/names.js';

describe('Azure names (the Go gh devlake scheme)', () => {
  it('derives a 5-char lowercase hex suffix from sha256 of the resource group', () => {
    for (const rg of ['devlake-rg', 'MyResourceGroup', 'rg', 'x'.repeat(90)]) {
      const s = suffixFor(rg);
      expect(s).toMatch(/^[0-9a-f]{5}$/);
      expect(s).toBe(createHash('sha256').update(rg).digest('hex').slice(0, 5));
    }
    expect(suffixFor('devlake-rg-1')).not.toBe(suffixFor('devlake-rg-2'));
  });

  it('names every resource like the Go tool', () => {
    const n = azureNames('devlake', 'devlake-rg');
    const s = n.suffix;
    expect(n).toMatchObject({
      keyVault: `devlakekv${s}`,
      mysql: `devlakemysql${s}`,
      backend: `devlake-backend-${s}`,
      grafana: `devlake-grafana-${s}`,
      configUi: `devlake-ui-${s}`,
      acr: `devlakeacr${s}`,
      dnsLabels: { backend: `devlake-${s}`, grafana: `devlake-grafana-${s}`, configUi: `devlake-ui-${s}` },
    });
  });

  it("keeps the vault name inside Key Vault's 3–24 character rule", () => {
    expect(baseNameProblem('a'.repeat(17))).toBeUndefined();
    expect(azureNames('a'.repeat(17), 'rg').keyVault).toHaveLength(24);
    expect(baseNameProblem('a'.repeat(18))).toMatch(/too long/);
    expect(() => azureNames('a'.repeat(18), 'rg')).toThrow(RangeError);
    expect(baseNameProblem('Dev')).toMatch(/lowercase/);
    expect(baseNameProblem('dev--lake')).toMatch(/hyphens/);
    expect(baseNameProblem('devlake-')).toMatch(/hyphen/);
  });

  it('checks resource-group names', () => {
    expect(resourceGroupProblem('devlake-rg')).toBeUndefined();
    expect(resourceGroupProblem('')).toBeDefined();
    expect(resourceGroupProblem('a/b')).toBeDefined();
    expect(resourceGroupProblem('rg.')).toBeDefined();
  });

  it('uses the official images from the DevLake registry', () => {
    expect(officialImages('v1.0.2')).toEqual({
      backend: 'devlake.docker.scarf.sh/apache/devlake:v1.0.2',
      grafana: 'devlake.docker.scarf.sh/apache/devlake-dashboard:v1.0.2',
      configUi: 'devlake.docker.scarf.sh/apache/devlake-config-ui:v1.0.2',
    });
  });
});
