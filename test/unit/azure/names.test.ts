import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { azureNames, baseNameProblem, deploymentRunName, goToolSuffix, officialImages, resourceGroupProblem, suffixFor } from '../../../src/azure/names.js';

const SUB_A = '00000000-0000-0000-0000-00000000000a';
const SUB_B = '00000000-0000-0000-0000-00000000000b';

describe('Azure names', () => {
  it("derives the suffix from the resource group's id (subscription + group), like uniqueString(resourceGroup().id)", () => {
    for (const rg of ['devlake-rg', 'MyResourceGroup', 'rg', 'x'.repeat(90)]) {
      const s = suffixFor(SUB_A, rg);
      expect(s).toMatch(/^[a-z2-7]{5}$/);
      // Stable, and case-insensitive as ARM ids are.
      expect(suffixFor(SUB_A.toUpperCase(), rg.toUpperCase())).toBe(s);
    }
    // Everyone who uses the documented devlake-rg gets their own names.
    expect(suffixFor(SUB_A, 'devlake-rg')).not.toBe(suffixFor(SUB_B, 'devlake-rg'));
    expect(suffixFor(SUB_A, 'devlake-rg-1')).not.toBe(suffixFor(SUB_A, 'devlake-rg-2'));
  });

  it("keeps the Go tool's suffix (sha256 of the group name) for its state files", () => {
    expect(goToolSuffix('devlake-rg')).toBe(createHash('sha256').update('devlake-rg').digest('hex').slice(0, 5));
  });

  it('names each deployment submission apart, inside ARM\'s 64 characters', () => {
    const at = new Date('2026-12-02T15:40:00.123Z');
    expect(deploymentRunName('devlake-abcde', at, 1)).toBe('devlake-abcde-20261202T154000123Z-1');
    expect(deploymentRunName('devlake-abcde', at, 2)).not.toBe(deploymentRunName('devlake-abcde', at, 1));
    expect(deploymentRunName('devlake-abcde', new Date(at.getTime() + 1), 1)).not.toBe(deploymentRunName('devlake-abcde', at, 1));
    expect(deploymentRunName(`${'a'.repeat(17)}-abcde`, at, 2).length).toBeLessThanOrEqual(64);
  });

  it('names every resource like the Go tool, around the suffix', () => {
    const n = azureNames('devlake', 'abcde');
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
    expect(azureNames('a'.repeat(17), 'abcde').keyVault).toHaveLength(24);
    expect(baseNameProblem('a'.repeat(18))).toMatch(/too long/);
    expect(() => azureNames('a'.repeat(18), 'abcde')).toThrow(RangeError);
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
