import { defineConfig } from 'vitest/config';

// Two groups: pure unit tests run in parallel; tests that touch the Docker engine or publish
// the well-known host ports run one file at a time (they share 8080/3002/4000/3306/8085/3004/4004).
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
