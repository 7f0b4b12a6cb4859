import { defineConfig } from 'vitest/config'

// Two workers: this is a 2-core machine, and storage/e2e tests start real servers.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { test: { name: 'shared', include: ['packages/shared/src/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'probe',
          include: ['packages/probe/src/**/*.test.ts', 'packages/probe/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      'packages/web/vitest.config.ts',
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // The UI waits in these tests are conditions polled up to 15 s (a loaded 2-core machine).
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
})
