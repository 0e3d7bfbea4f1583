// `gh-devlake machines list` and `machines show NAME --format …`.

import { describe, expect, test } from 'vitest';
import { machines } from '../../../machines/index.js';
import { machinesListCommand, machinesShowCommand } from '../../../src/cli/commands/machines.js';
import { UsageError } from '../../../src/io/exit-codes.js';
import type { GlobalIo } from '../../../src/cli/main.js';
import { toDot, toJson, toMermaid } from '../../../src/machines-export/index.js';

function fakeIo(): { io: GlobalIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (s: string) => ((out += s), true), isTTY: false },
    stderr: { write: (s: string) => ((err += s), true), isTTY: false },
    env: { NO_COLOR: '1' },
  } as unknown as GlobalIo;
  return { io, stdout: () => out, stderr: () => err };
}

const names = Object.keys(machines);

describe('machines list', () => {
  test('names every machine', async () => {
    const { io, stdout } = fakeIo();
    expect(await machinesListCommand(io)({})).toBe(0);
    for (const name of names) expect(stdout()).toMatch(new RegExp(`^${name}\\s+\\d+ states, \\d+ transitions`, 'm'));
  });

  test('--json prints one document', async () => {
    const { io, stdout } = fakeIo();
    expect(await machinesListCommand(io)({ json: true })).toBe(0);
    const doc = JSON.parse(stdout()) as { machines: { name: string; states: number; final: string[] }[] };
    expect(doc.machines.map((m) => m.name)).toEqual(names);
    for (const m of doc.machines) expect(m.final).toEqual(expect.arrayContaining(['done', 'failed']));
  });
});

describe('machines show', () => {
  test.each(names)('%s in each format', async (name) => {
    const machine = machines[name as keyof typeof machines];
    for (const [format, render] of [
      ['mermaid', toMermaid],
      ['dot', toDot],
      ['json', toJson],
    ] as const) {
      const { io, stdout } = fakeIo();
      expect(await machinesShowCommand(io)(name, { format })).toBe(0);
      expect(stdout()).toBe(render(machine));
    }
  });

  test('mermaid is the default format', async () => {
    const { io, stdout } = fakeIo();
    await machinesShowCommand(io)('deploy-local', {});
    expect(stdout().startsWith('stateDiagram-v2\n')).toBe(true);
  });

  test('deploy-local --format mermaid shows composeUp, classify, repair, the retry state, done and failed', async () => {
    const { io, stdout } = fakeIo();
    await machinesShowCommand(io)('deploy-local', { format: 'mermaid' });
    for (const state of ['composeUp', 'classify', 'repair', 'retryOnce', 'done', 'failed']) {
      expect(stdout()).toMatch(new RegExp(`^\\s+${state} (:|-->)`, 'm'));
    }
    expect(stdout()).toContain('classify --> repair : done#58; classify [repairAllowed]');
    expect(stdout()).toContain('retryOnce --> classifyFinal : error#58; composeUp');
  });

  test('an unknown NAME is a usage error (exit 2) that lists the machines', async () => {
    const { io } = fakeIo();
    const run = machinesShowCommand(io)('deploy-moon', { format: 'mermaid' });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(machinesShowCommand(io)('deploy-moon', {})).rejects.toThrow(`machines: ${names.join(', ')}`);
    await expect(machinesShowCommand(io)('toString', {})).rejects.toBeInstanceOf(UsageError);
  });

  test('an unknown format is a usage error', async () => {
    const { io } = fakeIo();
    await expect(machinesShowCommand(io)('deploy-local', { format: 'png' })).rejects.toThrow(/--format must be one of mermaid, dot, json/);
  });
});
