import { defineConfig } from 'vitest/config';

/**
 * `npm test`: the quick tier, at every change. Multi-process tests (replicas, Redis, crash and
 * restart, the browser end to end) are in test/system/, run by `npm run test:system`
 * (vitest.system.config.ts).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/system/**', '**/node_modules/**'],
    environment: 'node',
    // Every test file starts its own servers on ephemeral ports, so files can run in parallel.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
