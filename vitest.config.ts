import { defineConfig } from 'vitest/config';

/**
 * Four projects, named for what they need:
 *   unit         *.test.ts beside the code: pure, milliseconds, no services
 *   unit-web     *.svelte.test.ts: the web app's Svelte models (apps/web/vitest.config.ts)
 *   integration  tests/**\/*.integration.test.ts: real chdb, real Kafka, real server on port 0
 *   e2e          tests/**\/*.e2e.test.ts: real Chromium driving the built wall
 * chdb allows one on-disk store per process, so files run in separate forks.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          // tests of Svelte models need the Svelte compiler: the web app's own project runs them
          exclude: ['**/*.svelte.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      'apps/web/vitest.config.ts',
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.integration.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
});
