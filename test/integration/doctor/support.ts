// Shared by the doctor integration tests: they own the well-known ports while they run.

import { expect } from 'vitest';
import { isPortFree } from '../../../src/util/port-probe.js';

export const WELL_KNOWN_PORTS = [8080, 3002, 4000, 8085, 3004, 4004, 3306] as const;

/** Fail (not skip) with the ports someone else holds: the results would be about their stack. */
export async function assertWellKnownPortsFree(): Promise<void> {
  const busy: number[] = [];
  for (const p of WELL_KNOWN_PORTS) if (!(await isPortFree(p))) busy.push(p);
  expect(busy, `well-known ports already taken before the doctor tests (another stack or test run?): ${busy.join(', ')}`).toEqual([]);
}
