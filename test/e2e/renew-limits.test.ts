// leasectl renew --acquire at the limits of what a Lease can record, and taking a lease that only looks expired
// (confirmed by watching it for its lease duration, the one rule hold and gc follow: src/lease/expiry.ts); the
// built binary against the sandbox (or a real cluster).
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

const createLease = (name: string, spec: Lease['spec']) =>
  withClient((client) => client.create(cluster.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec }));
const readLease = (name: string) => withClient((client) => client.get({ namespace: cluster.namespace, name }));

describe('leaseTransitions at the int32 maximum', () => {
  it('renew --acquire of a free lease says in one line what is wrong and how out, exit 1, and writes nothing', async () => {
    const name = uniqueName('exhausted');
    const created = await createLease(name, { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 2_147_483_647 });
    const result = await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'next_1', '--acquire']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      `error: lease ${cluster.namespace}/${name} has counted 2147483647 changes of holder, the most spec.leaseTransitions (an int32) can hold, so no new holder can be recorded: once its holder is gone, delete it (kubectl delete lease -n ${cluster.namespace} ${name}) and renew --acquire creates it afresh\n`,
    );
    expect((await readLease(name)).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('renew --acquire of an expired lease at the maximum is refused the same way, not with the raw int32 overflow', async () => {
    const name = uniqueName('exhausted-expired');
    const longAgo = formatMicroTime(Date.now() - 3_600_000);
    await createLease(name, { holderIdentity: 'dead-host_1', leaseDurationSeconds: 2, renewTime: longAgo, acquireTime: longAgo, leaseTransitions: 2_147_483_647 });
    const result = await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'next_1', '--acquire']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: lease \S+ has counted 2147483647 changes of holder, .* and renew --acquire creates it afresh\n$/);
    expect(result.stderr).not.toContain('unmarshal');
    expect((await readLease(name)).spec?.holderIdentity).toBe('dead-host_1');
  });

  it('renew by the holder of a lease at the maximum still renews it: a renewal is no change of holder', async () => {
    const name = uniqueName('exhausted-renew');
    await createLease(name, { holderIdentity: 'me_1', leaseDurationSeconds: 15, renewTime: formatMicroTime(Date.now()), leaseTransitions: 2_147_483_647 });
    const result = await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'me_1']);
    expect(result.code, result.stderr).toBe(0);
    expect((await readLease(name)).spec?.leaseTransitions).toBe(2_147_483_647);
  });
});

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
    let renewDone = false;
    const renew = cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'taker_1', '--acquire']).finally(() => (renewDone = true));
    // The lagging holder keeps renewing (its clock still an hour behind) every half second, a sixth of its
    // duration, until renew --acquire is done: however late a loaded machine starts renew, it sees a renewal while
    // it watches.
    await withClient(async (client) => {
      while (!renewDone) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (renewDone) break;
        const current = await client.get({ namespace: cluster.namespace, name });
        if (current.spec?.holderIdentity !== 'lagging-host_1') break; // taken: the assertions below say so
        // A conflict is renew's own write racing this one: the assertions below judge the outcome.
        const renewed = await client.update({ ...current, spec: { ...current.spec, renewTime: formatMicroTime(Date.now() - 3_599_000) } }).catch(() => undefined);
        if (renewed === undefined) break;
      }
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
