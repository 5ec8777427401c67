import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: e2e files spawn many processes; more parallel forks only add contention.
    maxWorkers: 2,
    chaiConfig: { truncateThreshold: 0 },
  },
});
