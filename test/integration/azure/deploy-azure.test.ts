// Every fake-ARM scenario through the real deployAzure command and the real SDK clients.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployAzure } from '../../../src/targets/azure/commands.js';
import { Output } from '../../../src/io/output.js';
import type { AzureCommandDeps } from '../../../src/targets/azure/commands.js';
import { SCENARIOS, RESOURCE_GROUP, LOCATION, SUFFIX, VAULT, MYSQL, TEST_SECRETS, scenario, startScenario, type Harness, type Scenario } from '../../fake-arm/scenarios.js';

interface Captured {
  stdout: string;
  stderr: string;
  out: Output;
}

function capture(json = false): Captured {
  const c = { stdout: '', stderr: '' } as Captured;
  c.out = new Output({
    json,
    stdout: { write: (s: string) => ((c.stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((c.stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1' },
  });
  return c;
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function run(s: Scenario, json = false, tweak?: (h: Harness) => void) {
  harness = await startScenario(s);
  tweak?.(harness);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `gh-devlake-az-${s.name}-`));
  const c = capture(json);
  const code = await deployAzure(
    { resourceGroup: RESOURCE_GROUP, location: LOCATION, official: true, dir, json, env: { PATH: process.env.PATH ?? '' } },
    c.out,
    harness.deps as unknown as AzureCommandDeps,
  );
  const stateText = await fs.readFile(path.join(dir, '.devlake-azure.json'), 'utf8').catch(() => '');
  const stat = await fs.stat(path.join(dir, '.devlake-azure.json')).catch(() => undefined);
  return { code, ...c, dir, stateText, state: stateText ? (JSON.parse(stateText) as Record<string, unknown>) : undefined, mode: stat ? stat.mode & 0o777 : undefined };
}

/** The report blocks printed on stdout: Detected … Outcome (4 lines, or 3 when no repair ran). */
function blocks(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const out: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('Detected:')) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('Outcome:'));
    out.push(lines.slice(i, end + 1));
  }
  return out;
}

describe('deploy azure against the fake ARM', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.description}`, async () => {
      const r = await run(s);
      if (process.env.AZ_DEBUG) console.log(r.stdout + r.stderr);
      expect(r.code, r.stdout + r.stderr).toBe(s.expect.exitCode);

      // Four labelled lines per incident, in order; one block per expected class.
      const b = blocks(r.stdout);
      expect(b).toHaveLength(s.expect.incidents.length);
      for (const [i, block] of b.entries()) {
        // A Retry line only when a repair ran; `Repair: none — …` is followed by the Outcome.
        const repaired = !/^Repair: +none — /.test(block[1] ?? '');
        expect(block.map((l) => l.split(/\s/)[0])).toEqual(repaired ? ['Detected:', 'Repair:', 'Retry', 'Outcome:'] : ['Detected:', 'Repair:', 'Outcome:']);
        if (repaired) expect(block[2]).toMatch(/^Retry 1\/1: /);
        expect(block.at(-1)).toMatch(new RegExp(`^Outcome: +${s.expect.incidents[i]?.outcome ?? ''}`));
      }
      // At most one retry of the deployment.
      expect(harness!.arm.state.deployPuts).toBe(s.expect.deployPuts);
      expect(harness!.arm.state.deployPuts).toBeLessThanOrEqual(2);

      // The partial state exists even after a failure (cleanup works); the final one has the Go tool's fields.
      expect(r.state).toBeDefined();
      expect(r.mode).toBe(0o600);
      expect(r.state).toMatchObject({
        method: 'azure',
        resourceGroup: RESOURCE_GROUP,
        region: LOCATION,
        suffix: SUFFIX,
        subscriptionId: harness!.arm.subscriptionId,
        resources: { keyVault: VAULT, mysql: MYSQL, containers: [`devlake-backend-${SUFFIX}`, `devlake-grafana-${SUFFIX}`, `devlake-ui-${SUFFIX}`], acr: null },
      });
      if (s.expect.exitCode === 0) {
        expect(r.state).toMatchObject({ status: 'complete', endpoints: { backend: harness!.arm.backendUrl } });
        expect(typeof r.state?.deployedAt).toBe('string');
      } else {
        expect(r.state?.status).toBe('incomplete');
        expect(r.state?.deployedAt).toBeUndefined();
      }
      const history = (r.state?.history ?? []) as { classId: string }[];
      expect(history.map((h) => h.classId)).toEqual(s.expect.incidents.map((i) => i.classId));

      // No secret anywhere: output, state file, or the requests other than the deployment's secure parameters.
      for (const secret of Object.values(TEST_SECRETS)) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
        expect(r.stateText).not.toContain(secret);
      }
    });
  }
});

// The fake backend behaves as DevLake v1.0.1 (test/fake-arm/server.ts names the upstream code): /ping
// answers 200 all along, /proceed-db-migration blocks for the whole migration, /plugins answers 428 until then.
describe('the database migration on Azure', () => {
  const gated = async (): Promise<number> => (await fetch(`${harness!.arm.backendUrl}/plugins`, { signal: AbortSignal.timeout(5_000) })).status;

  it('a fresh deploy triggers the migration once and reports how long it took', async () => {
    const r = await run(scenario('fresh'), true);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(harness!.arm.state.migrationTriggers).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'ok', migration: { how: 'triggered' } });
    expect(await gated()).toBe(200);
  });

  it('a migration that outlasts the first wait: the repair waits for the same request (no second trigger), healthy only once /plugins answers', async () => {
    const r = await run(scenario('migration-warming'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(harness!.arm.state.migrationTriggers).toBe(1);
    expect(r.stdout).toMatch(/^Detected: DevLake migration in progress — the database migration did not finish within \d+ s: http:\/\/127\.0\.0\.1:\d+\/plugins still answers 428 Precondition Required/m);
    expect(r.stdout).toMatch(/^Repair: +waited for the database migration \(finished after \d+ s of 300 s\)$/m);
    expect(r.stdout).toMatch(/^Outcome: +recovered — the migration is done$/m);
    expect(r.stdout).toMatch(/^ {2}Migration: {3}done in [12] s$/m);
    expect(r.stderr).toMatch(/Migration running… \d+ s of 300 s/);
    expect(await gated()).toBe(200);
  });

  it('the deadline passes mid-migration: a clear message, state incomplete, exit 1, nothing torn down', async () => {
    const long: Scenario = { ...scenario('migration-warming'), setup: { backend: { migrationMs: 60_000 } } };
    const r = await run(long, false, (h) => (h.deps.timeouts.migrationMs = 700));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).not.toMatch(/healthy|DevLake is deployed/);
    expect(r.stdout).toMatch(/^Repair: +none — the database migration did not finish within 1 s: .*\/plugins still answers 428 Precondition Required; DevLake goes on migrating/m);
    expect(r.stdout).toMatch(/^Outcome: +failed/m);
    expect(r.state?.status).toBe('incomplete');
    expect(harness!.arm.state.migrationTriggers).toBe(1);
    // Nothing torn down: the container groups are still there, and the backend still migrating.
    expect(harness!.arm.state.containerGroups.size).toBe(3);
    expect(await gated()).toBe(428);
  });
});

// The repairs' polls (provider registration, MySQL state) share src/util/wait.ts: progress on
// stderr as "<what>… N s of M s", and a wait that runs out declines the repair in those words.
describe('the repairs poll until a deadline', () => {
  it('provider registration: progress while Registering, how long it took in the Repair line', async () => {
    const r = await run(scenario('provider-unregistered'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Waiting for Microsoft\.DBforMySQL to be Registered… \d+ s of 10 s/);
    expect(r.stdout).toMatch(/^Repair: +registered resource provider Microsoft\.DBforMySQL \(Registered after \d+ s\)$/m);
  });

  it('a provider that stays Registering: the repair declines once the wait runs out', async () => {
    const stuck: Scenario = { ...scenario('provider-unregistered'), setup: { providers: { 'Microsoft.DBforMySQL': 'NotRegistered' }, registeringPolls: 1_000_000 } };
    const t0 = Date.now();
    const r = await run(stuck, false, (h) => (h.deps.timeouts.providerMs = 700));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^Repair: +none — registration of Microsoft\.DBforMySQL was requested but is not complete: Waiting for Microsoft\.DBforMySQL to be Registered did not finish within 1 s/m,
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('MySQL start: waited for Ready, how long it took in the Repair line', async () => {
    const r = await run(scenario('mysql-stopped'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Repair: +started MySQL server ${MYSQL} \\(Ready after \\d+ s\\)$`, 'm'));
  });
});
