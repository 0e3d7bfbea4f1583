import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAzureState, readAzureState, writeAzureState, StateFileError, AZURE_STATE_FILE } from '../../../src/devlake/state.js';

const goFile = {
  deployedAt: '2025-03-01T10:00:00Z',
  method: 'bicep-official',
  subscription: 'My Sub',
  subscriptionId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: 'devlake-rg',
  region: 'eastus',
  suffix: '67817',
  useOfficialImages: true,
  resources: { acr: null, keyVault: 'devlakekv67817', mysql: 'devlakemysql67817', database: 'lake', containers: ['devlake-backend-67817', 'devlake-grafana-67817', 'devlake-ui-67817'] },
  endpoints: { backend: 'http://devlake-67817.eastus.azurecontainer.io:8080', grafana: 'http://g:3000', configUi: 'http://u:4000' },
};

describe('Azure state file', () => {
  it("reads the Go tool's file as is", () => {
    const s = parseAzureState(JSON.stringify(goFile), 'f');
    expect(s.resourceGroup).toBe('devlake-rg');
    expect(s.resources.containers).toHaveLength(3);
    expect(s.endpoints?.backend).toContain('azurecontainer.io');
  });

  it("accepts the Go tool's partial file (a failed deploy): incomplete, the subscription left to resolve", () => {
    const s = parseAzureState(JSON.stringify({ deployedAt: '2025-03-01T10:00:00Z', resourceGroup: 'devlake-rg', region: 'eastus', partial: true }), 'f');
    expect(s).toMatchObject({ resourceGroup: 'devlake-rg', region: 'eastus', subscriptionId: '', status: 'incomplete', partial: true, resources: { keyVault: '', containers: [] } });
    // Without `partial`, a file with no subscription is still refused.
    expect(() => parseAzureState(JSON.stringify({ resourceGroup: 'devlake-rg', region: 'eastus' }), 'f')).toThrow(/no subscriptionId/);
    expect(() => parseAzureState(JSON.stringify({ region: 'eastus', partial: true }), 'f')).toThrow(/no resourceGroup/);
  });

  it('rejects files without the fields cleanup needs', () => {
    expect(() => parseAzureState('{}', 'f')).toThrow(StateFileError);
    expect(() => parseAzureState('', 'f')).toThrow(/empty/);
    expect(() => parseAzureState('{"resourceGroup":"a","subscriptionId":"b"}', 'f')).toThrow(/resources/);
  });

  it('writes atomically with mode 0600 and reads back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'az-state-'));
    const file = await writeAzureState(dir, { ...goFile, method: 'azure' });
    expect(path.basename(file)).toBe(AZURE_STATE_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ schemaVersion: 1, method: 'azure' });
    expect((await readAzureState(dir))?.suffix).toBe('67817');
  });
});
