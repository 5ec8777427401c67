// leasectl renew in-process, through runCli, against the in-memory Lease API (which answers with kube-apiserver's
// resourceVersions and conflicts).
import { afterEach, describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../../src/lease/time.js';
import { testLease } from '../../support/lease-client.js';
import { TEST_START, testContext, type TestContext } from '../../support/test-context.js';

let t: TestContext;
afterEach(() => t?.done());

const held = (holder: string, renewedAgoMs = 3_000) => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: formatMicroTime(TEST_START - 60_000),
  renewTime: formatMicroTime(TEST_START - renewedAgoMs),
  leaseTransitions: 2,
});

describe('leasectl renew (in-process)', () => {
  it("renews the identity's own lease: renewTime now, acquireTime and transitions kept, a new resourceVersion", async () => {
    t = testContext();
    const before = t.client.seed(testLease('job', held('me')));
    expect(await t.run(['renew', 'job', '--identity', 'me'])).toEqual({ code: 0, stdout: 'lease.coordination.k8s.io/job renewed (holder me, expires in 15s)\n', stderr: '' });
    const after = t.client.peek('default', 'job')!;
    expect(after.spec).toEqual({ ...held('me'), renewTime: formatMicroTime(TEST_START) });
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(t.client.calls).toEqual(['get', 'update']);
  });

  it('takes the identity from LEASECTL_IDENTITY, and without either is a usage error before any request', async () => {
    t = testContext({ env: { LEASECTL_IDENTITY: 'me' } });
    t.client.seed(testLease('job', held('me')));
    expect((await t.run(['renew', 'job'])).code).toBe(0);
    delete t.env.LEASECTL_IDENTITY;
    const calls = t.client.calls.length;
    expect(await t.run(['renew', 'job'])).toMatchObject({ code: 2, stderr: expect.stringContaining('renew needs the holder\'s identity: give --identity, or set LEASECTL_IDENTITY') });
    expect(t.client.calls.length).toBe(calls);
  });

  it('a missing lease is NotFound: renew never creates one by accident', async () => {
    t = testContext();
    expect(await t.run(['renew', 'job', '--identity', 'me'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): leases.coordination.k8s.io "job" not found\n' });
    expect(t.client.peek('default', 'job')).toBeUndefined();
  });

  it("not held by the identity: exit 1, naming the holder, its renewal and expiry, and nothing written", async () => {
    t = testContext();
    const before = t.client.seed(testLease('job', held('other')));
    expect(await t.run(['renew', 'job', '--identity', 'me'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: lease default/job is held by other (renewed 3s ago, expires in 12s by this machine's clock), not by me; --acquire takes it when it is free or expired\n",
    });
    expect(t.client.peek('default', 'job')).toEqual(before);
  });

  it('--acquire creates a missing lease, labelled as leasectl\'s, and prints it with -o json', async () => {
    t = testContext();
    const { code, stdout } = await t.run(['renew', 'job', '--identity', 'me', '--acquire', '--lease-duration', '30s', '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      kind: 'Lease',
      metadata: { name: 'job', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'leasectl' } },
      spec: { holderIdentity: 'me', leaseDurationSeconds: 30, leaseTransitions: 0, renewTime: formatMicroTime(TEST_START) },
    });
  });

  it('--acquire takes a released lease at once and counts the transition', async () => {
    t = testContext();
    t.client.seed(testLease('job', { ...held(''), leaseDurationSeconds: 1 }));
    expect((await t.run(['renew', 'job', '--identity', 'me', '--acquire'])).stdout).toBe('lease.coordination.k8s.io/job acquired (holder me, expires in 15s)\n');
    expect(t.client.peek('default', 'job')?.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 3 });
  });

  it('--acquire does not take a live lease of someone else', async () => {
    t = testContext();
    t.client.seed(testLease('job', held('other')));
    const result = await t.run(['renew', 'job', '--identity', 'me', '--acquire']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: lease default/job is held by other (renewed 3s ago, expires in 12s by this machine's clock), not by me\n");
  });

  it('--acquire on a lease that looks expired watches it for its lease duration, then takes it', async () => {
    t = testContext({ fakeTimers: true });
    t.client.seed(testLease('job', held('dead', 3_600_000)));
    const running = t.start(['renew', 'job', '--identity', 'me', '--acquire']);
    await t.clock.advance(14_000);
    expect(t.client.peek('default', 'job')?.spec?.holderIdentity).toBe('dead');
    await t.clock.advance(2_000);
    expect(await running).toEqual({ code: 0, stdout: 'lease.coordination.k8s.io/job acquired (holder me, expires in 15s; was held by dead, expired)\n', stderr: '' });
    expect(t.client.peek('default', 'job')?.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 3 });
  });

  it('--acquire on a lease that looks expired but is renewed while watched (a lagging clock) leaves it: exit 1', async () => {
    t = testContext({ fakeTimers: true });
    t.client.seed(testLease('job', held('lagging', 7_200_000)));
    const running = t.start(['renew', 'job', '--identity', 'me', '--acquire']);
    await t.clock.advance(2_000);
    t.client.write('default', 'job', { renewTime: formatMicroTime(t.clock.now() - 7_200_000) });
    await t.clock.advance(100);
    const result = await running;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: lease default/job looked expired but changed while it was watched for its lease duration: its holder is alive (its clock may be behind); not taken\n',
    );
    expect(t.client.peek('default', 'job')?.spec?.holderIdentity).toBe('lagging');
  });

  it('SIGINT while --acquire confirms an abandoned lease: nothing taken, exit 1', async () => {
    t = testContext({ fakeTimers: true });
    t.client.seed(testLease('job', held('dead', 3_600_000)));
    const running = t.start(['renew', 'job', '--identity', 'me', '--acquire']);
    await t.clock.advance(1_000);
    t.signals.send('SIGINT');
    await t.clock.advance(100);
    expect(await running).toMatchObject({ code: 1, stderr: 'error: interrupted while confirming that lease default/job is abandoned; not taken\n' });
    expect(t.client.peek('default', 'job')?.spec?.holderIdentity).toBe('dead');
  });

  it('a conflict with another writer is re-read and decided again: renewed if still ours', async () => {
    t = testContext();
    t.client.seed(testLease('job', held('me')));
    // Between renew's read and its write, someone annotates the lease: the write is a 409 Conflict.
    t.client.beforeNext('update', () => t.client.write('default', 'job', {}, { annotations: { note: 'touched' } }));
    expect((await t.run(['renew', 'job', '--identity', 'me'])).code).toBe(0);
    expect(t.client.calls).toEqual(['get', 'update', 'get', 'update']);
    expect(t.client.peek('default', 'job')).toMatchObject({ metadata: { annotations: { note: 'touched' } }, spec: { renewTime: formatMicroTime(TEST_START) } });
  });

  it('a conflict because the lease was taken meanwhile: not ours any more, exit 1, the new holder kept', async () => {
    t = testContext();
    t.client.seed(testLease('job', held('me')));
    t.client.beforeNext('update', () => t.client.write('default', 'job', { holderIdentity: 'thief', renewTime: formatMicroTime(TEST_START) }));
    const result = await t.run(['renew', 'job', '--identity', 'me']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: lease default\/job is held by thief .*, not by me; /);
    expect(t.client.peek('default', 'job')?.spec?.holderIdentity).toBe('thief');
  });

  it('--lease-duration that is not whole seconds is a usage error', async () => {
    t = testContext();
    expect((await t.run(['renew', 'job', '--identity', 'me', '--lease-duration', '1500ms'])).code).toBe(2);
    expect(t.client.calls).toEqual([]);
  });
});
