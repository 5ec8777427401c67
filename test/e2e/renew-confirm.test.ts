// renew --acquire takes a lease that only looks expired after watching it unchanged for its lease duration, the one
// rule hold and gc follow (src/lease/expiry.ts): a holder whose clock lags an hour keeps its lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/connect.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

async function withClient<T>(use: (client: Awaited<ReturnType<typeof connect>>['client']) => Promise<T>): Promise<T> {
  const connection = await connect({ kubeconfig: cluster.kubeconfig }, {});
  try {
    return await use(connection.client);
  } finally {
    connection.close();
  }
}

/** A lease whose holder renewed an hour ago by its own clock: it looks long expired. */
function laggingLease(name: string): Lease {
  const hourAgo = formatMicroTime(Date.now() - 3_600_000);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, labels: cluster.labels },
    spec: { holderIdentity: 'lagging-host_1', leaseDurationSeconds: 3, renewTime: hourAgo, acquireTime: hourAgo, leaseTransitions: 1 },
  };
}

describe('renew --acquire confirms by observation', () => {
  it('keeps a lease whose holder renews while it is watched, even though its renewTime is an hour old', async () => {
    const name = uniqueName('lagging');
    await withClient((client) => client.create(cluster.namespace, laggingLease(name)));
    const renew = cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'taker_1', '--acquire']);
    // The lagging holder renews (its clock still an hour behind) while renew --acquire watches.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await withClient(async (client) => {
      const current = await client.get({ namespace: cluster.namespace, name });
      await client.update({ ...current, spec: { ...current.spec, renewTime: formatMicroTime(Date.now() - 3_599_000) } });
    });
    const result = await renew;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: lease \S+ looked expired but changed while it was watched for its lease duration: its holder is alive \(its clock may be behind\); not taken\n$/);
    const after = await withClient((client) => client.get({ namespace: cluster.namespace, name }));
    expect(after.spec?.holderIdentity).toBe('lagging-host_1');
  });

  it('takes a lease left unchanged for its lease duration', async () => {
    const name = uniqueName('abandoned');
    await withClient((client) => client.create(cluster.namespace, laggingLease(name)));
    const result = await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'taker_1', '--acquire']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/acquired \(holder taker_1, .*was held by lagging-host_1, expired\)/);
    const after = await withClient((client) => client.get({ namespace: cluster.namespace, name }));
    expect(after.spec?.holderIdentity).toBe('taker_1');
    expect(after.spec?.leaseTransitions).toBe(2);
  });
});
