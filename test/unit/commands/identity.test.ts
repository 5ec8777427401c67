// leasectl identity in-process, through runCli, against the in-memory Lease API.
import { describe, expect, it } from 'vitest';
import { KubeTransportError } from '../../../src/kube/errors.js';
import { legacyApiserverLeaseName } from '../../../src/lease/apiserver-identity.js';
import type { Lease } from '../../../src/lease/types.js';
import { HOUR, identityLease, MINUTE, NOW } from '../../support/identity-leases.js';
import { testContext } from '../../support/test-context.js';

/** Runs `identity ARGS` with these leases stored; `namespace` is given as -n; `failure` answers every request. */
async function runIdentity(args: string[], leases: Lease[], options: { namespace?: string; failure?: Error } = {}) {
  const t = testContext({ now: NOW });
  for (const lease of leases) t.client.seed(lease);
  if (options.failure) t.client.failNext('any', options.failure, 100);
  const result = await t.run(['identity', ...(options.namespace ? ['-n', options.namespace] : []), ...args]);
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.code };
}

describe('leasectl identity (in-process)', () => {
  const live = identityLease('master-1', 5_000);
  const expired = identityLease('master-2', HOUR + 14 * MINUTE);
  const legacyLive = identityLease('kind-control-plane', 3_000, { legacy: true });

  it('lists both schemes from kube-system, prints the census on stderr, exits 0 with a live apiserver', async () => {
    const result = await runIdentity([], [live, expired, legacyLive]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^NAME\s+HOSTNAME\s+HOLDER\s+RENEWED\s+STATUS$/);
    expect(result.stdout).toContain('kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a');
    expect(result.stdout).toMatch(/apiserver-wj467rbl25eeviqacfhvg2yvnm\s+master-1\s+\S+\s+5s\s+live/);
    expect(result.stderr).toBe('3 kube-apiservers, 2 live, 1 expired 14m ago (garbage-collected about 1h after expiry)\n');
  });

  it('looks in -n NAMESPACE instead of kube-system when given', async () => {
    const elsewhere = { ...live, metadata: { ...live.metadata, namespace: 'test-ns' } };
    expect((await runIdentity([], [elsewhere])).exitCode).toBe(1);
    expect((await runIdentity([], [elsewhere], { namespace: 'test-ns' })).exitCode).toBe(0);
  });

  it('exits 1 with a clear message when every apiserver has expired', async () => {
    const result = await runIdentity([], [expired]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: no live kube-apiserver: all 1 identity leases in kube-system namespace have expired');
  });

  it('exits 1 naming both selectors when there are no identity leases at all', async () => {
    const result = await runIdentity([], []);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no kube-apiserver identity leases in kube-system namespace');
    expect(result.stderr).toContain('k8s.io/component=kube-apiserver');
  });

  it('-o name prints lease.coordination.k8s.io/NAME lines and no census', async () => {
    const result = await runIdentity(['-o', 'name'], [live, legacyLive]);
    expect(result.stdout).toBe(
      'lease.coordination.k8s.io/apiserver-wj467rbl25eeviqacfhvg2yvnm\nlease.coordination.k8s.io/kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a\n',
    );
    expect(result.stderr).toBe('');
  });

  it('--no-headers drops the header row', async () => {
    const result = await runIdentity(['--no-headers'], [live]);
    expect(result.stdout.startsWith('apiserver-wj467rbl25eeviqacfhvg2yvnm')).toBe(true);
  });

  it('--hostname prints both names and marks the one that exists', async () => {
    const result = await runIdentity(['--hostname', 'master-1'], [live]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RELEASES\s+NAME\s+IN-CLUSTER$/);
    expect(lines[1]).toMatch(/^1\.27\+\s+apiserver-wj467rbl25eeviqacfhvg2yvnm\s+yes, live$/);
    expect(lines[2]).toMatch(new RegExp(`^1\\.26\\s+${legacyApiserverLeaseName('master-1')}\\s+no$`));
  });

  it('--hostname notes an identity lease labelled with that host under another name', async () => {
    const renamed = identityLease('master-3', HOUR + 2 * MINUTE, { name: 'apiserver-aaaaaaaaaaaaaaaaaaaaaaaaaa' });
    const result = await runIdentity(['--hostname', 'master-3'], [renamed, live]);
    expect(result.stdout).not.toContain('yes');
    expect(result.stderr).toBe('note: apiserver-aaaaaaaaaaaaaaaaaaaaaaaaaa (expired) is labelled kubernetes.io/hostname=master-3 but named differently\n');
  });

  it('--hostname still prints the names when the cluster cannot be reached, and says so', async () => {
    const result = await runIdentity(['--hostname', 'master-1', '-o', 'json'], [], {
      failure: new KubeTransportError('Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused'),
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).names).toEqual([
      { scheme: 'current', releases: '1.27+', name: 'apiserver-wj467rbl25eeviqacfhvg2yvnm', exists: null },
      { scheme: 'legacy', releases: '1.26', name: legacyApiserverLeaseName('master-1'), exists: null },
    ]);
    expect(result.stderr).toContain('could not check which of these exists in the cluster: Unable to connect to the server');
  });

  it('--hostname with -w is a usage error', async () => {
    expect((await runIdentity(['--hostname', 'a', '-w'], [])).exitCode).toBe(2);
  });

  it('-w prints the listing, then an apiserver that starts, under either label, and ends with exit 0 on SIGINT', async () => {
    const t = testContext({ now: NOW, fakeTimers: true });
    try {
      t.client.seed(live);
      const running = t.start(['identity', '-w', '-o', 'name']);
      await t.clock.advance(100);
      t.client.seed(identityLease('master-4', 0));
      t.client.seed(legacyLive);
      t.client.seed({ ...legacyLive, metadata: { ...legacyLive.metadata, name: 'not-an-identity-lease' } });
      await t.clock.advance(100);
      t.signals.send('SIGINT');
      await t.clock.advance(100);
      const result = await running;
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(
        [live, identityLease('master-4', 0), legacyLive].map((lease) => `lease.coordination.k8s.io/${lease.metadata.name}`).sort(),
      );
    } finally {
      t.done();
    }
  });
});
