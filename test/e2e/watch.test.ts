// list -w as a stream that stays true: a missing name fails at once, and changes made while the watch was cut off
// and compacted away (410 Expired) are printed after the relist. The built binary against the sandbox (or a real
// cluster, where only the sandbox's powers are skipped).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await setupCluster();
});
afterEach(async () => {
  for (const child of spawned.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cluster.sandbox?.faults.reset();
});
afterAll(async () => {
  await cluster?.teardown();
});

describe('list -w', () => {
  it('list NAME -w on a missing lease fails at once with NotFound, exit 1', async () => {
    const name = uniqueName('missing');
    const result = await cluster.leasectl(['list', '-n', cluster.namespace, name, '-w'], { timeoutMs: 10_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Error from server (NotFound): leases.coordination.k8s.io "${name}" not found\n`);
  });
});
