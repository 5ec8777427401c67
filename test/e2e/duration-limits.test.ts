// Every limit on a duration flag is worded one way: `<flag> must be <bound> (<why>)[, got <value>]`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCluster, type TestCluster } from './harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

const LIMIT = /must be (more than|at least|at most|a whole number of seconds, at least) [^ ]+ \([^)]+\)/;

describe('duration limits', () => {
  it.each([
    {
      title: 'hold --wait longer than a Node.js timer is refused as at most 596h31m23s',
      args: ['hold', '--wait', '9999h', 'x', '--', 'true'],
      code: 125,
      message: "error: option '--wait <duration>' argument '9999h' is invalid. must be at most 596h31m23s (the longest timer Node.js can set)",
    },
    {
      title: '--request-timeout longer than a Node.js timer is refused in the same words',
      args: ['list', '--request-timeout', '99999h'],
      code: 2,
      message: "error: option '--request-timeout <duration>' argument '99999h' is invalid. must be at most 596h31m23s (the longest timer Node.js can set)",
    },
    {
      title: 'hold --retry-period 0 is refused as more than 0s',
      args: ['hold', '--retry-period', '0', 'x', '--', 'true'],
      code: 125,
      message: "error: --retry-period must be more than 0s (client-go's leader election needs every period positive), got 0s",
    },
    {
      title: 'renew --lease-duration 1500ms is refused as a whole number of seconds',
      args: ['renew', 'x', '--identity', 'me_1', '--lease-duration', '1500ms'],
      code: 2,
      message: 'error: --lease-duration must be a whole number of seconds, at least 1s (leaseDurationSeconds is an integer), got 1.5s',
    },
    {
      title: 'renew --lease-duration beyond 32 bits of seconds is refused as at most 596523h14m7s',
      args: ['renew', 'x', '--identity', 'me_1', '--lease-duration', '2147483648s'],
      code: 2,
      message: 'error: --lease-duration must be at most 596523h14m7s (leaseDurationSeconds is a 32-bit integer), got 596523h14m8s',
    },
  ])('$title', async ({ args, code, message }) => {
    const result = await cluster.leasectl(['-n', cluster.namespace, ...args]);
    expect(result.code).toBe(code);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).toMatch(LIMIT);
  });
});
