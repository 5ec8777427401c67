// leasectl inspect in-process, through runCli, against the in-memory Lease API.
import { describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../../src/lease/time.js';
import { testLease } from '../../support/lease-client.js';
import { TEST_START, testContext } from '../../support/test-context.js';

const metadata = { creationTimestamp: '2026-03-01T11:00:00Z', uid: '8fc6b4c4-2e5a-47e6-a146-60203af3c14c' };
const spec = {
  holderIdentity: 'host-a_0b9d',
  leaseDurationSeconds: 15,
  acquireTime: formatMicroTime(TEST_START - 600_000),
  renewTime: formatMicroTime(TEST_START - 5_000),
  leaseTransitions: 4,
};

describe('leasectl inspect (in-process)', () => {
  it('describes every field, times raw and relative to the injected clock, and the state', async () => {
    const t = testContext();
    t.client.seed(testLease('job', spec, { ...metadata, labels: { app: 'web' } }));
    const { code, stdout, stderr } = await t.run(['inspect', 'job']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n')).toEqual([
      'Name:               job',
      'Namespace:          default',
      'Labels:             app=web',
      'Annotations:        <none>',
      'Created:            2026-03-01T11:00:00Z (60m ago)',
      'UID:                8fc6b4c4-2e5a-47e6-a146-60203af3c14c',
      expect.stringMatching(/^Resource Version: {3}\d+$/),
      'Owner References:   <none>',
      'Holder Identity:    host-a_0b9d',
      'Lease Duration:     15s',
      'Acquire Time:       2026-03-01T11:50:00.000000Z (10m ago)',
      'Renew Time:         2026-03-01T11:59:55.000000Z (5s ago)',
      'Lease Transitions:  4',
      'Strategy:           <unset>',
      'Preferred Holder:   <unset>',
      "State (judged by this machine's clock):",
      '  Status:           held',
      '  Expires:          in 10s',
      '  Since Renewal:    5s',
      '  Tenure:           10m',
      '',
    ]);
  });

  it('the same lease an hour later by the wall clock has expired', async () => {
    const t = testContext();
    t.client.seed(testLease('job', spec, metadata));
    t.clock.stepWall(3_600_000);
    const { stdout } = await t.run(['inspect', 'job']);
    expect(stdout).toMatch(/^ {2}Status: +expired$/m);
  });

  it('several names print each lease in turn; a missing one is NotFound after the others, exit 1', async () => {
    const t = testContext();
    t.client.seed(testLease('a', spec, metadata));
    t.client.seed(testLease('b', { holderIdentity: '' }, metadata));
    const result = await t.run(['inspect', 'a', 'missing', 'b']);
    expect(result.code).toBe(1);
    expect(result.stdout.match(/^Name: +(\S+)$/gm)).toEqual(['Name:               a', 'Name:               b']);
    expect(result.stdout).toContain('\n\nName:               b\n');
    expect(result.stderr).toBe('Error from server (NotFound): leases.coordination.k8s.io "missing" not found\n');
  });

  it('-o json of one name is the lease; of several, a v1 List; managedFields only with --show-managed-fields', async () => {
    const t = testContext();
    t.client.seed(testLease('a', spec, { ...metadata, managedFields: [{ manager: 'kubectl', operation: 'Update' }] }));
    t.client.seed(testLease('b', spec, metadata));
    const one = JSON.parse((await t.run(['inspect', 'a', '-o', 'json'])).stdout);
    expect(one).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'a' }, spec });
    expect(one.metadata.managedFields).toBeUndefined();
    expect(JSON.parse((await t.run(['inspect', 'a', '-o', 'json', '--show-managed-fields'])).stdout).metadata.managedFields).toEqual([{ manager: 'kubectl', operation: 'Update' }]);
    const both = JSON.parse((await t.run(['inspect', 'a', 'b', '-o', 'json'])).stdout);
    expect(both.kind).toBe('List');
    expect(both.items).toHaveLength(2);
  });

  it('control characters a holder wrote are escaped, not sent to the terminal', async () => {
    const t = testContext();
    t.client.seed(testLease('job', { ...spec, holderIdentity: 'evil\u001b]0;pwned\u0007' }, metadata));
    const { stdout } = await t.run(['inspect', 'job']);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('Holder Identity:    evil^[]0;pwned^G');
  });

  it('a name that would leave its path segment is refused before any request, exit 2', async () => {
    const t = testContext();
    const result = await t.run(['inspect', 'ok', '..']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('error: invalid resource name "..": [may not be \'..\']; give the name of a lease, such as example-foo');
    expect(t.client.calls).toEqual([]);
  });
});
