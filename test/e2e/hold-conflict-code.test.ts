// hold --conflict-exit-code (flock's -E): "not acquired" under a code the script chooses, everywhere 124 would be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

const FAST = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '500ms'];

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

const hold = (name: string, args: string[]) => cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, ...args, name, '--', 'sh', '-c', 'echo ran']);

/** The lease held for a minute by another identity. */
async function heldByOther(name: string): Promise<void> {
  const taken = await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'other-host_1', '--acquire', '--lease-duration', '60s']);
  expect(taken.code).toBe(0);
}

describe('hold --conflict-exit-code', () => {
  it('--no-wait on a held lease exits with the given code instead of 124, and the command never runs', async () => {
    const name = uniqueName('conflict-code');
    await heldByOther(name);
    const result = await hold(name, ['--no-wait', '--conflict-exit-code', '3']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('is held by other-host_1');
  });

  it('a --wait that runs out exits with the given code too', async () => {
    const name = uniqueName('conflict-wait');
    await heldByOther(name);
    const result = await hold(name, ['--wait', '1s', '--conflict-exit-code', '0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('gave up waiting (--wait 1s)');
  });

  it('an acquired lease is unaffected: the command runs and its own code is returned', async () => {
    const result = await hold(uniqueName('conflict-free'), ['--no-wait', '--conflict-exit-code', '3']);
    expect(result).toMatchObject({ code: 0, stdout: 'ran\n' });
  });

  it.each([['256'], ['-1'], ['abc'], ['1e2'], ['']])('--conflict-exit-code %j is refused with 125 and one error line, before anything is sent', async (code) => {
    const name = uniqueName('conflict-bad');
    const result = await hold(name, ['--conflict-exit-code', code]);
    expect(result.code).toBe(125);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toEqual([
      `error: option '--conflict-exit-code <code>' argument '${code}' is invalid. expected an exit code from 0 to 255, got "${code}"`,
    ]);
    expect((await cluster.leasectl(['inspect', '-n', cluster.namespace, name])).code).toBe(1);
  });
});
