import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Three projects in two groups. Vitest runs groups one after the other (`sequence.groupOrder`), and
// every project of a group must have the same `maxWorkers`:
//   group 0 — `unit` (pure) and `integration-parallel`, PARALLEL_WORKERS files at a time;
//   group 1 — `integration-serial`, one file at a time.
// integration-serial holds the files that publish the well-known host ports
// (8080/3002/4000/3306/8085/3004/4004) or deploy (a deploy publishes them), so they never compete
// for those ports. integration-parallel holds the files checked to use only random ports
// (engine-chosen, port 0, freePort), the fake ARM on a random port, and project names of their
// own (each worker has its own pid, and test project names carry it). A new integration file is
// serial until it is checked and listed here.
const PARALLEL_INTEGRATION = [
  'test/integration/azure/**/*.test.ts',
  'test/integration/doctor/doctor-azure.test.ts',
  'test/integration/engine/**/*.test.ts',
  'test/integration/infra/**/*.test.ts',
  'test/integration/reliability/bad-input.test.ts',
  'test/integration/reliability/closed-pipe.test.ts',
];

// At least two on a 2-core machine: the default (cores - 1) would be one, and the integration
// files mostly wait on the engine, not the CPU.
const PARALLEL_WORKERS = Math.max(2, os.availableParallelism() - 1);

const integration = {
  testTimeout: 240_000,
  hookTimeout: 240_000,
  // Both integration projects name it; vitest runs every project's global setup before any test.
  globalSetup: ['test/helpers/global-setup.ts'],
};

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
          maxWorkers: PARALLEL_WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration-parallel',
          include: PARALLEL_INTEGRATION,
          maxWorkers: PARALLEL_WORKERS,
          sequence: { groupOrder: 0 },
          ...integration,
        },
      },
      {
        test: {
          name: 'integration-serial',
          include: ['test/integration/**/*.test.ts'],
          exclude: PARALLEL_INTEGRATION,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          ...integration,
        },
      },
    ],
  },
});
