// leasectl list in-process, through runCli, against the in-memory Lease API: the clock is the test's, so every
// column is asserted exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeTransportError } from '../../../src/kube/errors.js';
import { formatMicroTime } from '../../../src/lease/time.js';
import { testLease } from '../../support/lease-client.js';
import { TEST_START, testContext, type TestContext } from '../../support/test-context.js';

const HOUR = 3_600_000;
const createdHourAgo = { creationTimestamp: '2026-03-01T11:00:00Z' };
let t: TestContext;

function seedThree(context: TestContext): void {
  const renewed = formatMicroTime(TEST_START - 5_000);
  context.client.seed(testLease('alpha', { holderIdentity: 'node-1', leaseDurationSeconds: 15, renewTime: renewed, leaseTransitions: 2 }, { ...createdHourAgo, labels: { app: 'web' } }));
  context.client.seed(testLease('bravo', { holderIdentity: '', leaseDurationSeconds: 1, renewTime: renewed }, createdHourAgo));
  context.client.seed(testLease('charlie', { holderIdentity: 'node-3', leaseDurationSeconds: 40, renewTime: formatMicroTime(TEST_START - HOUR) }, { ...createdHourAgo, namespace: 'apps', labels: { app: 'web' } }));
}

afterEach(() => t?.done());

describe('leasectl list (in-process)', () => {
  it("prints kubectl's NAME HOLDER AGE table for the context's namespace, AGE by the injected clock", async () => {
    t = testContext();
    seedThree(t);
    expect(await t.run(['list'])).toEqual({ code: 0, stdout: 'NAME    HOLDER   AGE\nalpha   node-1   60m\nbravo            60m\n', stderr: '' });
  });

  it('-o wide adds RENEWED, DURATION, EXPIRES, TRANSITIONS and ACQUIRED', async () => {
    t = testContext();
    seedThree(t);
    const { stdout } = await t.run(['list', '-o', 'wide']);
    expect(stdout.split('\n')).toEqual([
      'NAME    HOLDER   AGE   RENEWED   DURATION   EXPIRES    TRANSITIONS   ACQUIRED',
      'alpha   node-1   60m   5s        15s        in 10s     2             <none>',
      'bravo            60m   5s        1s         released   <none>        <none>',
      '',
    ]);
  });

  it('-A adds the NAMESPACE column and lists every namespace in key order', async () => {
    t = testContext();
    seedThree(t);
    const { stdout } = await t.run(['list', '-A']);
    expect(stdout.split('\n').map((line) => line.split(/\s+/)[0])).toEqual(['NAMESPACE', 'apps', 'default', 'default', '']);
  });

  it('-o name prints lease.coordination.k8s.io/NAME lines; -l and --field-selector select on the server', async () => {
    t = testContext();
    seedThree(t);
    expect((await t.run(['list', '-A', '-l', 'app=web', '-o', 'name'])).stdout).toBe('lease.coordination.k8s.io/charlie\nlease.coordination.k8s.io/alpha\n');
    expect((await t.run(['list', '-A', '--field-selector', 'metadata.namespace=apps', '-o', 'name'])).stdout).toBe('lease.coordination.k8s.io/charlie\n');
    expect((await t.run(['list', '--field-selector', 'metadata.name!=alpha', '-o', 'name'])).stdout).toBe('lease.coordination.k8s.io/bravo\n');
  });

  it('-o json of a listing is a v1 List of whole leases; -o yaml of one name is the lease itself', async () => {
    t = testContext();
    seedThree(t);
    const list = JSON.parse((await t.run(['list', '-o', 'json'])).stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect(list.items.map((item: { kind: string; metadata: { name: string } }) => [item.kind, item.metadata.name])).toEqual([
      ['Lease', 'alpha'],
      ['Lease', 'bravo'],
    ]);
    const yaml = (await t.run(['list', 'alpha', '-o', 'yaml'])).stdout;
    expect(yaml).toMatch(/^apiVersion: coordination\.k8s\.io\/v1\nkind: Lease\nmetadata:\n/);
    expect(yaml).toContain('  holderIdentity: node-1\n');
  });

  it('NAME arguments print the leases found, then each missing one as NotFound, exit 1', async () => {
    t = testContext();
    seedThree(t);
    const result = await t.run(['list', 'nope', 'alpha', 'gone']);
    expect(result).toEqual({
      code: 1,
      stdout: 'NAME    HOLDER   AGE\nalpha   node-1   60m\n',
      stderr:
        'Error from server (NotFound): leases.coordination.k8s.io "nope" not found\n' +
        'Error from server (NotFound): leases.coordination.k8s.io "gone" not found\n',
    });
  });

  it('nothing to list: "No resources found in NS namespace." on stderr, nothing on stdout, exit 0', async () => {
    t = testContext();
    seedThree(t);
    expect(await t.run(['list', '-n', 'kube-system'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found in kube-system namespace.\n' });
    expect(await t.run(['list', '-A', '-l', 'app=none'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found\n' });
    expect(await t.run(['list', '-n', 'kube-system', '-o', 'json'])).toMatchObject({ code: 0, stderr: '' });
  });

  it('fetches in pages of --chunk-size, following continue tokens, each lease once', async () => {
    t = testContext();
    for (let i = 0; i < 7; i++) t.client.seed(testLease(`l-${i}`, { holderIdentity: 'h' }, createdHourAgo));
    const { stdout } = await t.run(['list', '--chunk-size', '3', '-o', 'name']);
    expect(stdout.split('\n').filter(Boolean)).toEqual(Array.from({ length: 7 }, (_, i) => `lease.coordination.k8s.io/l-${i}`));
    expect(t.client.calls).toEqual(['list', 'list', 'list']);
  });

  it('a continue token that expired midway (etcd compacted) goes on from the fresh token the 410 offers', async () => {
    t = testContext();
    for (let i = 0; i < 4; i++) t.client.seed(testLease(`l-${i}`, { holderIdentity: 'h' }, createdHourAgo));
    // Compaction after the first page: its continue token is too old by the time the second page is asked for.
    t.client.beforeNext('list', () => undefined);
    t.client.beforeNext('list', () => t.client.compact());
    const result = await t.run(['list', '--chunk-size', '2', '-o', 'name']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    expect(t.client.calls).toEqual(['list', 'list', 'list']);
  });

  it('a selector the server cannot parse is its 400 in its words, exit 1', async () => {
    t = testContext();
    expect(await t.run(['list', '-l', 'a b c'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "Error from server (BadRequest): unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt\n",
    });
    expect((await t.run(['list', '--field-selector', 'spec.holderIdentity=x'])).stderr).toBe(
      'Error from server (BadRequest): "spec.holderIdentity" is not a known field selector: only "metadata.name", "metadata.namespace"\n',
    );
  });

  it('--sort-by .spec.renewTime sorts on the whole listing; a path no lease has is a usage error', async () => {
    t = testContext();
    seedThree(t);
    t.client.seed(testLease('delta', { holderIdentity: 'node-4', renewTime: formatMicroTime(TEST_START - 2 * HOUR) }, createdHourAgo));
    expect((await t.run(['list', '--sort-by', '.spec.renewTime', '-o', 'name'])).stdout).toBe(
      'lease.coordination.k8s.io/delta\nlease.coordination.k8s.io/alpha\nlease.coordination.k8s.io/bravo\n',
    );
    const bad = await t.run(['list', '--sort-by', '.spec.nothing']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sort-by .spec.nothing: no lease has a field at that path');
  });

  it('names with -A, or names with a selector, are usage errors before any request', async () => {
    t = testContext();
    expect(await t.run(['list', '-A', 'alpha'])).toMatchObject({ code: 2, stderr: expect.stringContaining('drop -A and give -n NAMESPACE') });
    expect(await t.run(['list', '-l', 'app=web', 'alpha'])).toMatchObject({ code: 2, stderr: expect.stringContaining('names and selectors cannot be combined') });
    expect(t.client.calls).toEqual([]);
  });

  it("a server that cannot be reached is one line in kubectl's words, exit 1", async () => {
    t = testContext();
    t.client.failNext('list', new KubeTransportError('Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused'));
    expect(await t.run(['list'])).toEqual({ code: 1, stdout: '', stderr: 'Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused\n' });
  });

  it('-w prints the listing, then each change as it happens, and ends with exit 0 on SIGINT', async () => {
    t = testContext({ fakeTimers: true });
    seedThree(t);
    const running = t.start(['list', 'alpha', '-w']);
    await t.clock.advance(100);
    expect(t.signals.handles('SIGINT')).toBe(true);
    t.client.write('default', 'alpha', { holderIdentity: 'node-9' });
    t.client.write('default', 'bravo', { holderIdentity: 'node-8' }); // not watched
    await t.clock.advance(100);
    t.signals.send('SIGINT');
    await t.clock.advance(100);
    expect(await running).toEqual({ code: 0, stdout: 'NAME    HOLDER   AGE\nalpha   node-1   60m\nalpha   node-9   60m\n', stderr: '' });
  });

  it('-w resumes where it left off when the server ends the watch, missing nothing', async () => {
    t = testContext({ fakeTimers: true });
    seedThree(t);
    const running = t.start(['list', '-w', '-o', 'name']);
    await t.clock.advance(100);
    t.client.endWatches();
    t.client.write('default', 'bravo', { holderIdentity: 'node-8' }); // while no watch is open
    await t.clock.advance(5_000);
    t.signals.send('SIGTERM');
    await t.clock.advance(100);
    const { code, stdout } = await running;
    expect(code).toBe(0);
    expect(stdout).toBe('lease.coordination.k8s.io/alpha\nlease.coordination.k8s.io/bravo\nlease.coordination.k8s.io/bravo\n');
  });
});
