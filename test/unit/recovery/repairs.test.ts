// The repair registry (src/recovery/repairs/): one module per id, the only list of ids; every
// decision goes through decideRepair, and every repair has its off switch.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPAIRS, REPAIR_IDS, decideRepair, disabledRepairs, isApply } from '../../../src/recovery/repairs/index.js';
import type { LocalPlan, LocalPortEffects } from '../../../src/recovery/repairs/kit.js';
import { RepairDeclinedError } from '../../../src/recovery/deploy-error.js';
import { TAXONOMY } from '../../../src/recovery/taxonomy/index.js';
import { classify } from '../../../src/recovery/classify.js';
import { portHeldFailure } from '../../../src/doctor/findings.js';
import { decidePort, type PortPlanContext } from '../../../src/doctor/ports.js';
import { buildProgram } from '../../../src/cli/main.js';
import type { GlobalIo } from '../../../src/io/global-io.js';
import { UsageError } from '../../../src/io/exit-codes.js';
import type { Classification } from '../../../src/recovery/types.js';

const DIR = new URL('../../../src/recovery/repairs/', import.meta.url);

describe('the registry', () => {
  it('has one module file per id, and every id-named file is registered', async () => {
    const files = readdirSync(DIR).filter((f) => /^(local|azure)\.[a-z-]+\.ts$/.test(f));
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual([...REPAIR_IDS].sort());
    for (const id of REPAIR_IDS) {
      const mod = (await import(new URL(`${id}.ts`, DIR).href)) as Record<string, unknown>;
      expect(Object.values(mod), `${id}.ts exports the registry's module`).toContain(REPAIRS[id]);
      expect(REPAIRS[id].target).toBe(id.split('.')[0]);
      expect(REPAIRS[id].summary).not.toBe('');
    }
  });

  it('every repair a rule names is registered, and every repair but the unimplemented one is named by a rule', () => {
    for (const rule of TAXONOMY) if (rule.repair !== null) expect(REPAIR_IDS).toContain(rule.repair);
    for (const id of REPAIR_IDS) expect(TAXONOMY.some((r) => r.repair === id), id).toBe(true);
  });
});

function cls(repair: Classification['repair'], facts: Classification['facts'] = {}): Classification {
  return { classId: 'unknown', title: 't', facts, repair, remediation: 'r', failure: { source: 'internal', message: 'm' } };
}
const PLAN: LocalPlan = { bundle: 'default', mysqlUnpublished: false };
const AZURE = { interactive: true, keyVaultName: 'kv', mysqlName: 'db', resourceGroup: 'rg' };

describe('decideRepair', () => {
  it('a disabled repair declines, on either target, with the switch named', () => {
    for (const id of REPAIR_IDS) {
      const c = cls(id, { role: 'backend' });
      const o = REPAIRS[id].target === 'local' ? ({ target: 'local', plan: PLAN, source: 'official', disabled: [id] } as const) : ({ target: 'azure', input: { ...AZURE, disabled: [id] }, applied: [] } as const);
      expect(decideRepair(c, o)).toEqual({ declined: `disabled by --no-repair ${id}` });
    }
  });

  it('switching one repair off leaves the others', () => {
    const c = cls('local.alternate-bundle', { role: 'backend' });
    expect(isApply(decideRepair(c, { target: 'local', plan: PLAN, source: 'official', disabled: ['local.unpublish-mysql'] }))).toBe(true);
  });

  it('no repair named, a repair of the other target, one already applied', () => {
    expect(decideRepair(cls(null), { target: 'local', plan: PLAN, source: 'official' })).toEqual({ declined: 'no automatic repair for this failure' });
    expect(decideRepair(cls('azure.start-mysql'), { target: 'local', plan: PLAN, source: 'official' })).toEqual({ declined: 'the repair does not apply here' });
    expect(decideRepair(cls('azure.start-mysql'), { target: 'azure', input: AZURE, applied: ['azure.start-mysql'] })).toEqual({ declined: 'the azure.start-mysql repair was already applied on this run' });
  });
});

describe('--no-repair and GH_DEVLAKE_NO_REPAIR', () => {
  it('takes ids from both, once each, in order', () => {
    expect(disabledRepairs(['azure.login', 'local.unpublish-mysql'], { GH_DEVLAKE_NO_REPAIR: ' local.alternate-bundle ,azure.login,' })).toEqual({
      disabled: ['azure.login', 'local.unpublish-mysql', 'local.alternate-bundle'],
    });
    expect(disabledRepairs(undefined, {})).toEqual({ disabled: [] });
  });

  it('an unknown id is an error that lists the valid ones', () => {
    const flag = disabledRepairs(['local.bogus'], {});
    expect(flag).toEqual({ error: `--no-repair: unknown repair 'local.bogus'; valid ids: ${REPAIR_IDS.join(', ')}` });
    expect(disabledRepairs([], { GH_DEVLAKE_NO_REPAIR: 'nope' })).toEqual({ error: `GH_DEVLAKE_NO_REPAIR: unknown repair 'nope'; valid ids: ${REPAIR_IDS.join(', ')}` });
  });

  function io(): { io: GlobalIo; stderr: () => string } {
    let err = '';
    return {
      io: { stdout: { write: () => true, isTTY: false }, stderr: { write: (s: string) => ((err += s), true), isTTY: false }, env: { NO_COLOR: '1' } } as unknown as GlobalIo,
      stderr: () => err,
    };
  }

  it('deploy local and doctor: an unknown id is a usage error before anything runs', async () => {
    for (const argv of [['deploy', 'local', '--dir', '/nonexistent/never-created', '--no-repair', 'local.bogus'], ['doctor', '--dir', '/nonexistent', '--no-repair', 'local.bogus']]) {
      const { io: fake } = io();
      const program = buildProgram(fake, () => undefined);
      await expect(program.parseAsync(['node', 'gh-devlake', ...argv])).rejects.toThrow(UsageError);
      await expect(buildProgram(fake, () => undefined).parseAsync(['node', 'gh-devlake', ...argv])).rejects.toThrow(/valid ids: local\.alternate-bundle, /);
    }
  });

  it('deploy azure: the same usage error, exit 2', async () => {
    const { io: fake, stderr } = io();
    let code = -1;
    await buildProgram(fake, (c) => (code = c)).parseAsync(['node', 'gh-devlake', 'deploy', 'azure', '--official', '--resource-group', 'rg', '--location', 'eastus', '--no-repair', 'azure.bogus']);
    expect(code).toBe(2);
    expect(stderr()).toContain("error: --no-repair: unknown repair 'azure.bogus'; valid ids: ");
  });

  it('doctor: a disabled repair turns an automatic repair into one that needs you, and says why', () => {
    const ctx: PortPlanContext = { plan: PLAN, source: 'official', planned: new Set([8080, 3002, 4000, 3306]), alternateFree: true };
    const held = { port: 8080, hostIp: '', state: 'held' as const, holder: { kind: 'process' as const, pid: 1, command: 'x' } };
    expect(decidePort(held, ctx).verdict).toBe('auto-repair');
    const off = decidePort(held, { ...ctx, disabled: ['local.alternate-bundle'] });
    expect(off.verdict).toBe('needs-you');
    expect(off.summary).toContain('no automatic repair: disabled by --no-repair local.alternate-bundle');
  });
});

describe('the local port repairs, over injected effects', () => {
  const c = classify(portHeldFailure(8080, '0.0.0.0', 'process'));
  function effects(taken: (port: number, plan: LocalPlan) => boolean): LocalPortEffects & { torn: number } {
    const fx = {
      torn: 0,
      teardownAttempt: () => {
        fx.torn += 1;
        return Promise.resolve();
      },
      published: (plan: LocalPlan) => new Set(plan.bundle === 'default' ? [8080, 3002, 4000, 3306] : [8085, 3004, 4004, 3306]),
      isTaken: (port: number, plan: LocalPlan) => Promise.resolve(taken(port, plan)),
      holderText: () => Promise.resolve('in use by a host process (pid 7, y)'),
    };
    return fx;
  }

  it('the alternate bundle, and 3306 in the same retry when it is taken too', async () => {
    const fx = effects((p) => p === 8080 || p === 3306);
    const r = await REPAIRS['local.alternate-bundle'].apply(fx, { classification: c, plan: PLAN });
    expect(fx.torn).toBe(1);
    expect(r).toEqual({
      repair: 'local.alternate-bundle',
      also: ['local.unpublish-mysql'],
      description: "switch to the alternate port bundle: backend 8085, grafana 3004, config UI 4004; and start MySQL without publishing 3306 on the host (DevLake reaches it on the stack's own network)",
      plan: { bundle: 'alternate', mysqlUnpublished: true },
    });
  });

  it('declines when the alternate bundle is busy too, naming the holder', async () => {
    const fx = effects((p) => p === 8080 || p === 3004);
    await expect(REPAIRS['local.alternate-bundle'].apply(fx, { classification: c, plan: PLAN })).rejects.toThrow(RepairDeclinedError);
    await expect(REPAIRS['local.alternate-bundle'].apply(fx, { classification: c, plan: PLAN })).rejects.toThrow(/the alternate bundle is busy too \(3004 is in use by a host process \(pid 7, y\)\)/);
  });
});
