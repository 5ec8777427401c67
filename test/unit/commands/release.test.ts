// leasectl release in-process, through runCli, against the in-memory Lease API.
import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../src/kube/errors.js';
import { formatMicroTime } from '../../../src/lease/time.js';
import { testLease } from '../../support/lease-client.js';
import { TEST_START, testContext } from '../../support/test-context.js';

const held = (holder: string) => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: formatMicroTime(TEST_START - 60_000),
  renewTime: formatMicroTime(TEST_START - 3_000),
  leaseTransitions: 5,
});
const released = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: formatMicroTime(TEST_START), renewTime: formatMicroTime(TEST_START), leaseTransitions: 5 };

describe('leasectl release (in-process)', () => {
  it("writes client-go's release record for the identity's own lease and says whom it released", async () => {
    const t = testContext();
    t.client.seed(testLease('job', held('me')));
    expect(await t.run(['release', 'job', '--identity', 'me'])).toEqual({ code: 0, stdout: 'lease.coordination.k8s.io/job released (was held by me)\n', stderr: '' });
    expect(t.client.peek('default', 'job')?.spec).toEqual(released);
  });

  it('someone else\'s lease: exit 1 naming the holder and --force, and nothing written', async () => {
    const t = testContext();
    const before = t.client.seed(testLease('job', held('other')));
    expect(await t.run(['release', 'job', '--identity', 'me'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: lease default/job is held by other (renewed 3s ago, expires in 12s by this machine's clock), not by me; --force releases it anyway\n",
    });
    expect(t.client.peek('default', 'job')).toEqual(before);
  });

  it('--force releases whoever holds it, needs no identity, and says whom it displaced; -o yaml prints the record', async () => {
    const t = testContext();
    t.client.seed(testLease('job', held('other')));
    const { code, stdout } = await t.run(['release', 'job', '--force', '-o', 'yaml']);
    expect(code).toBe(0);
    expect(stdout).toContain('spec:\n  acquireTime: "2026-03-01T12:00:00.000000Z"\n  holderIdentity: ""\n  leaseDurationSeconds: 1\n');
    expect(t.client.peek('default', 'job')?.spec).toEqual(released);
  });

  it('--force leaves alone a holder that took the lease while the release was being written', async () => {
    const t = testContext();
    t.client.seed(testLease('job', held('other')));
    t.client.beforeNext('update', () => t.client.write('default', 'job', { holderIdentity: 'newcomer', renewTime: formatMicroTime(TEST_START) }));
    const result = await t.run(['release', 'job', '--force']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: lease default\/job changed hands while releasing it: it is now held by newcomer .*, not by other; not released \(run release --force again to release the new holder\)\n$/);
    expect(t.client.peek('default', 'job')?.spec?.holderIdentity).toBe('newcomer');
  });

  it('a conflict on our own lease is re-read and still released', async () => {
    const t = testContext();
    t.client.seed(testLease('job', held('me')));
    t.client.beforeNext('update', () => t.client.write('default', 'job', { renewTime: formatMicroTime(TEST_START - 1_000) }));
    expect((await t.run(['release', 'job', '--identity', 'me'])).code).toBe(0);
    expect(t.client.calls).toEqual(['get', 'update', 'get', 'update']);
    expect(t.client.peek('default', 'job')?.spec?.holderIdentity).toBe('');
  });

  it('an already released lease is fine (exit 0); a missing one is NotFound (exit 1)', async () => {
    const t = testContext();
    t.client.seed(testLease('job', released));
    expect(await t.run(['release', 'job', '--identity', 'me'])).toEqual({ code: 0, stdout: 'lease.coordination.k8s.io/job already released (no holder)\n', stderr: '' });
    expect(await t.run(['release', 'gone', '--identity', 'me'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): leases.coordination.k8s.io "gone" not found\n' });
  });

  it('deleted between the read and the write: NotFound, as kubectl words it', async () => {
    const t = testContext();
    t.client.seed(testLease('job', held('me')));
    t.client.beforeNext('update', () => t.client.remove('default', 'job'));
    expect(await t.run(['release', 'job', '--identity', 'me'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): leases.coordination.k8s.io "job" not found\n' });
    expect(t.client.peek('default', 'job')).toBeUndefined();
  });

  it("a viewer may not write: the apiserver's 403 in its words, exit 1", async () => {
    const t = testContext({ client: { user: 'viewer' } });
    t.client.seed(testLease('job', held('me')));
    expect(await t.run(['release', 'job', '--identity', 'me'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Error from server (Forbidden): leases.coordination.k8s.io "job" is forbidden: User "viewer" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "default"\n',
    });
  });

  it('a server error on the write is retried until it answers', async () => {
    const t = testContext({ fakeTimers: true });
    t.client.seed(testLease('job', held('me')));
    t.client.failNext('update', new KubeApiError({ kind: 'Status', status: 'Failure', message: 'etcdserver: request timed out', code: 500 }, 500));
    expect((await t.run(['release', 'job', '--identity', 'me'])).code).toBe(0);
    t.done();
    expect(t.client.calls).toEqual(['get', 'update', 'get', 'update']); // re-read after the 500, then written
    expect(t.client.peek('default', 'job')?.spec?.holderIdentity).toBe('');
  });
});
