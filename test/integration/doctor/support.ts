// Shared by the doctor integration tests: they own the well-known ports while they run.

import { expect } from 'vitest';
import { isPortFree } from '../../../src/util/port-probe.js';
import { ALTERNATE_BUNDLE, DEFAULT_BUNDLE, MYSQL_HOST_PORT, bundlePorts } from '../../../src/devlake/ports.js';

export const WELL_KNOWN_PORTS: readonly number[] = [...bundlePorts(DEFAULT_BUNDLE), ...bundlePorts(ALTERNATE_BUNDLE), MYSQL_HOST_PORT];

/** Fail (not skip) with the ports someone else holds: the results would be about their stack. */
export async function assertWellKnownPortsFree(): Promise<void> {
  const busy: number[] = [];
  for (const p of WELL_KNOWN_PORTS) if (!(await isPortFree(p))) busy.push(p);
  expect(busy, `well-known ports already taken before the doctor tests (another stack or test run?): ${busy.join(', ')}`).toEqual([]);
}
