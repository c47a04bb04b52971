import { defineConfig } from 'vitest/config';

/**
 * `npm run test:system`: the multi-process tier (replicas, Redis, crash and restart, the compiled
 * build, the browser end to end). One file at a time: each one starts several processes, and on
 * 2 cores they would otherwise compete for the CPU their assertions count on.
 */
export default defineConfig({
  test: {
    include: ['test/system/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
