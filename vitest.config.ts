import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Four files at once on two cores: most of an e2e file's time is spent waiting (lease durations, watches,
    // child processes), not computing. The whole suite on Node 20: 202 s with two, 177 s with three, 161 s with four.
    maxWorkers: 4,
    chaiConfig: { truncateThreshold: 0 },
  },
});
