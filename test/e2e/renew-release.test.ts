// leasectl renew and release, the built binary against the sandbox (or a real cluster).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/connect.js';
import { againstRealCluster, LEASECTL_BIN, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

const leasectl = (args: string[], env?: NodeJS.ProcessEnv) => cluster.leasectl([...args, '-n', cluster.namespace], { env });

async function spec(name: string): Promise<Record<string, unknown>> {
  const result = await leasectl(['inspect', name, '-o', 'json']);
  return (JSON.parse(result.stdout) as { spec: Record<string, unknown> }).spec;
}

describe('renew', () => {
  it('never creates a lease by accident: a missing lease is NotFound, exit 1', async () => {
    const name = uniqueName('missing');
    const result = await leasectl(['renew', name, '--identity', 'me_1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`leases.coordination.k8s.io "${name}" not found`);
    expect((await leasectl(['inspect', name])).code).toBe(1);
  });

  it('--acquire creates a missing lease; renew with the right identity renews it, keeping acquireTime and transitions', async () => {
    const name = uniqueName('renew');
    const created = await leasectl(['renew', name, '--identity', 'me_1', '--acquire', '--lease-duration', '20s']);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe(`lease.coordination.k8s.io/${name} acquired (created; holder me_1, expires in 20s)\n`);
    const before = await spec(name);
    const renewed = await leasectl(['renew', name, '--identity', 'me_1']);
    expect(renewed.stdout).toBe(`lease.coordination.k8s.io/${name} renewed (holder me_1, expires in 20s)\n`);
    const after = await spec(name);
    expect(after).toMatchObject({ holderIdentity: 'me_1', leaseDurationSeconds: 20, acquireTime: before.acquireTime, leaseTransitions: 0 });
    expect(after.renewTime).not.toBe(before.renewTime);
  });

  it('a wrong identity exits 1 and says who holds it and until when; --acquire does not take a live lease', async () => {
    const name = uniqueName('wrong');
    await leasectl(['renew', name, '--identity', 'owner_1', '--acquire']);
    for (const extra of [[], ['--acquire']]) {
      const result = await leasectl(['renew', name, '--identity', 'intruder_2', ...extra]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^error: lease ${cluster.namespace}/${name} is held by owner_1 \\(renewed .* ago, expires in .* by this machine's clock\\), not by intruder_2`),
      );
    }
    expect((await spec(name)).holderIdentity).toBe('owner_1');
  });

  it('--acquire takes a released lease and counts the transition; -o json prints the object', async () => {
    const name = uniqueName('take');
    await leasectl(['renew', name, '--identity', 'a_1', '--acquire']);
    await leasectl(['release', name, '--identity', 'a_1']);
    const result = await leasectl(['renew', name, '--identity', 'b_2', '--acquire', '-o', 'json']);
    expect(result.code).toBe(0);
    const lease = JSON.parse(result.stdout) as { kind: string; spec: Record<string, unknown> };
    expect(lease.kind).toBe('Lease');
    expect(lease.spec).toMatchObject({ holderIdentity: 'b_2', leaseTransitions: 1 });
  });

  it('takes the identity from LEASECTL_IDENTITY (set by hold), and requires one', async () => {
    const name = uniqueName('env');
    expect((await leasectl(['renew', name, '--acquire'], { LEASECTL_IDENTITY: 'from-env_1' })).code).toBe(0);
    expect((await spec(name)).holderIdentity).toBe('from-env_1');
    const none = await leasectl(['renew', name]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--identity');
  });

  it('a command run by hold can renew its own lease', async () => {
    const name = uniqueName('nested');
    const result = await cluster.leasectl([
      'hold',
      '-n',
      cluster.namespace,
      name,
      '--',
      'sh',
      '-c',
      `"$0" renew -n ${cluster.namespace} "\${LEASECTL_LEASE#*/}"`,
      LEASECTL_BIN,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('release', () => {
  it("releases the identity's lease with client-go's record and says whom it released", async () => {
    const name = uniqueName('rel');
    await leasectl(['renew', name, '--identity', 'me_1', '--acquire']);
    const result = await leasectl(['release', name, '--identity', 'me_1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`lease.coordination.k8s.io/${name} released (was held by me_1)\n`);
    expect(await spec(name)).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
  });

  it('refuses a wrong identity (exit 1, naming the holder); --force releases it and says whom it displaced', async () => {
    const name = uniqueName('force');
    await leasectl(['renew', name, '--identity', 'owner_1', '--acquire']);
    const wrong = await leasectl(['release', name, '--identity', 'other_2']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/is held by owner_1 .*not by other_2; --force releases it anyway/);
    expect((await spec(name)).holderIdentity).toBe('owner_1');
    const forced = await leasectl(['release', name, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(`lease.coordination.k8s.io/${name} released (was held by owner_1)\n`);
    expect((await spec(name)).holderIdentity).toBe('');
  });

  it.skipIf(againstRealCluster)(`--force leaves alone a holder that took the lease while it was releasing (${SANDBOX_ONLY})`, async () => {
    const name = uniqueName('race');
    await leasectl(['renew', name, '--identity', 'owner_1', '--acquire']);
    const connection = await connect({ kubeconfig: cluster.kubeconfig }, {});
    const seen = await connection.client.get({ namespace: cluster.namespace, name });
    // The takeover must land between release's read and its write. A fixed delay raced leasectl's start-up on a
    // loaded machine; instead the sandbox holds requests back and the test lets them through one step at a time.
    const faults = cluster.sandbox!.faults;
    const held = async (count: number) => {
      while (faults.heldRequests < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    faults.pause();
    try {
      const release = leasectl(['release', name, '--force']);
      await held(1); // release's read
      const takeover = connection.client.update({ ...seen, spec: { ...seen.spec, holderIdentity: 'newcomer_2' } });
      await held(2);
      // Both go through, the read first (it has no body to wait for); release's write, sent after its read is
      // answered, is held until the takeover has landed.
      faults.resume();
      faults.pause();
      await takeover;
      await held(1);
      faults.resume();
      const result = await release;
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: lease \S+ changed hands while releasing it: it is now held by newcomer_2 .*not by owner_1; not released/);
    } finally {
      faults.resume();
      connection.close();
    }
    expect((await spec(name)).holderIdentity).toBe('newcomer_2');
  });

  it('an already released lease is fine; a missing one is NotFound; -o yaml prints the object', async () => {
    const name = uniqueName('again');
    await leasectl(['renew', name, '--identity', 'me_1', '--acquire']);
    await leasectl(['release', name, '--identity', 'me_1']);
    const again = await leasectl(['release', name, '--identity', 'me_1', '-o', 'yaml']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^apiVersion: coordination.k8s.io\/v1\nkind: Lease\n/);
    const missing = await leasectl(['release', uniqueName('nope'), '--identity', 'me_1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not found');
  });
});
