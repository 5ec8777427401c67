import { describe, expect, it } from 'vitest';
import { runCli, type World } from '../../src/cli.js';
import { hostnameLeaseNames, IDENTITY_SELECTORS, mergeIdentityLeases } from '../../src/commands/run/identity.js';
import { isApiserverIdentityLease } from '../../src/lease/apiserver-identity.js';
import type { KubeConnection } from '../../src/kube/connection.js';
import { KubeApiError, KubeTransportError } from '../../src/kube/errors.js';
import type { LeaseClient, LeaseRef, ListOptions } from '../../src/kube/lease-client.js';
import { apiserverLeaseName, apiserverStatus, legacyApiserverLeaseName } from '../../src/lease/apiserver-identity.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease, LeaseList } from '../../src/lease/types.js';
import { createIdentityPrinter, hostnameRow, identityRow, identitySummary } from '../../src/printers/identity.js';
import { textCapture } from '../support/streams.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CURRENT = { 'apiserver.kubernetes.io/identity': 'kube-apiserver' };
const LEGACY = { 'k8s.io/component': 'kube-apiserver' };

function identityLease(hostname: string, renewedAgoMs: number | undefined, options: { legacy?: boolean; name?: string; peer?: string } = {}): Lease {
  const name = options.name ?? (options.legacy ? legacyApiserverLeaseName(hostname) : apiserverLeaseName(hostname));
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-system',
      labels: { ...(options.legacy ? LEGACY : CURRENT), 'kubernetes.io/hostname': hostname },
      ...(options.peer ? { annotations: { 'kubernetes.io/peer-advertise-address': options.peer } } : {}),
    },
    spec: {
      holderIdentity: `${name}_0c8914f7-0f35-440e-8676-7844977d3a05`,
      leaseDurationSeconds: 3600,
      ...(renewedAgoMs === undefined ? {} : { renewTime: formatMicroTime(NOW - renewedAgoMs) }),
    },
  };
}

describe('apiserverStatus', () => {
  it('is live until renewTime + leaseDurationSeconds has passed, expired after', () => {
    expect(apiserverStatus(identityLease('a', 5_000), NOW)).toBe('live');
    expect(apiserverStatus(identityLease('a', HOUR), NOW)).toBe('live'); // exactly at expiry: strict rule
    expect(apiserverStatus(identityLease('a', HOUR + 1), NOW)).toBe('expired');
    expect(apiserverStatus(identityLease('a', undefined), NOW)).toBe('expired');
  });
});

describe('identityRow', () => {
  it('shows NAME HOSTNAME HOLDER RENEWED STATUS', () => {
    const lease = identityLease('master-1', 7_000);
    expect(identityRow(lease, { nowMs: NOW, wide: false })).toEqual([
      'apiserver-wj467rbl25eeviqacfhvg2yvnm',
      'master-1',
      'apiserver-wj467rbl25eeviqacfhvg2yvnm_0c8914f7-0f35-440e-8676-7844977d3a05',
      '7s',
      'live',
    ]);
  });

  it('-o wide adds the expected name, whether it matches, and the peer address', () => {
    const matching = identityLease('master-1', 7_000, { peer: '10.0.0.1:6443' });
    expect(identityRow(matching, { nowMs: NOW, wide: true }).slice(5)).toEqual(['apiserver-wj467rbl25eeviqacfhvg2yvnm', 'yes', '10.0.0.1:6443']);
    const renamed = identityLease('master-2', 7_000, { name: 'apiserver-wj467rbl25eeviqacfhvg2yvnm' });
    expect(identityRow(renamed, { nowMs: NOW, wide: true }).slice(5)).toEqual([apiserverLeaseName('master-2'), 'no', '<none>']);
  });

  it('uses the 1.26 formula for a legacy-labelled lease', () => {
    const legacy = identityLease('kind-control-plane', 7_000, { legacy: true });
    expect(legacy.metadata.name).toBe('kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a');
    expect(identityRow(legacy, { nowMs: NOW, wide: true }).slice(5, 7)).toEqual(['kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a', 'yes']);
  });

  it('says <none> and <unknown> when there is no hostname label or renewTime', () => {
    const bare: Lease = { metadata: { name: 'apiserver-xyz', labels: CURRENT }, spec: { leaseDurationSeconds: 3600 } };
    expect(identityRow(bare, { nowMs: NOW, wide: true })).toEqual(['apiserver-xyz', '<none>', '', '<none>', 'expired', '<unknown>', '<unknown>', '<none>']);
  });
});

describe('identitySummary', () => {
  it('counts live and expired, saying when the expired one expired and when the apiserver collects it', () => {
    const leases = [identityLease('a', 5_000), identityLease('b', 9_000), identityLease('c', HOUR + 14 * MINUTE)];
    expect(identitySummary(leases, NOW)).toBe('3 kube-apiservers, 2 live, 1 expired 14m ago (garbage-collected about 1h after expiry)');
  });

  it('with several expired, names the most recent and the oldest', () => {
    const leases = [identityLease('a', 5_000), identityLease('b', HOUR + 14 * MINUTE), identityLease('c', HOUR + 80 * MINUTE)];
    expect(identitySummary(leases, NOW)).toBe(
      '3 kube-apiservers, 1 live, 2 expired (most recently 14m ago, the oldest 80m ago; garbage-collected about 1h after expiry)',
    );
  });

  it('says nothing about expiry when all are live, and uses the singular for one', () => {
    expect(identitySummary([identityLease('a', 5_000)], NOW)).toBe('1 kube-apiserver, 1 live');
  });

  it('flags lease names that do not match their hostname label', () => {
    const renamed = identityLease('master-2', 5_000, { name: 'apiserver-wj467rbl25eeviqacfhvg2yvnm' });
    expect(identitySummary([renamed], NOW)).toBe('1 kube-apiserver, 1 live; 1 lease name does not match the hostname label (-o wide shows the expected name)');
  });
});

describe('merging the two listings', () => {
  it('selects both label keys, since one selector cannot OR two keys', () => {
    expect(IDENTITY_SELECTORS).toEqual(['apiserver.kubernetes.io/identity=kube-apiserver', 'k8s.io/component=kube-apiserver']);
  });

  it('keeps each lease once, sorted by name, and drops legacy-labelled leases not named kube-apiserver-…', () => {
    const current = identityLease('master-1', 5_000);
    const legacy = identityLease('kind-control-plane', 5_000, { legacy: true });
    const relabelled: Lease = { ...legacy, metadata: { ...legacy.metadata, labels: { ...legacy.metadata.labels, ...CURRENT } } };
    const impostor: Lease = { metadata: { name: 'something-else', labels: LEGACY } };
    expect(isApiserverIdentityLease(impostor)).toBe(false);
    const merged = mergeIdentityLeases([[current, relabelled], [relabelled, impostor]]);
    expect(merged.map((lease) => lease.metadata.name)).toEqual(['apiserver-wj467rbl25eeviqacfhvg2yvnm', 'kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a']);
  });
});

describe('hostname names', () => {
  it.each([
    ['master-1', 'apiserver-wj467rbl25eeviqacfhvg2yvnm', legacyApiserverLeaseName('master-1')],
    ['kind-control-plane', 'apiserver-c7uylvfxlbqccnk6myfkwetzze', 'kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a'],
    ['kind-control-plane2', apiserverLeaseName('kind-control-plane2'), 'kube-apiserver-fyloo45sdenffw2ugwaz3likua'],
  ])('%s → %s (1.27+), %s (1.26)', (hostname, current, legacy) => {
    expect(hostnameLeaseNames(hostname).map((entry) => [entry.releases, entry.name])).toEqual([
      ['1.27+', current],
      ['1.26', legacy],
    ]);
  });

  it('marks whether the lease exists and is live', () => {
    const [entry] = hostnameLeaseNames('master-1');
    expect(hostnameRow({ ...entry!, found: identityLease('master-1', 5_000) }, NOW)[2]).toBe('yes, live');
    expect(hostnameRow({ ...entry!, found: identityLease('master-1', HOUR + 3 * MINUTE) }, NOW)[2]).toBe('yes, expired 3m ago');
    expect(hostnameRow({ ...entry!, found: null }, NOW)[2]).toBe('no');
    expect(hostnameRow(entry!, NOW)[2]).toBe('<unknown>');
  });
});

// ---- the command, in-process with a fake client ----

/** Serves a fixed set of leases; honours equality label selectors, which is all identity sends. */
function fakeClient(leases: Lease[], failure?: Error): LeaseClient {
  const matches = (lease: Lease, options: ListOptions) => {
    if (lease.metadata.namespace !== options.namespace) return false;
    if (!options.labelSelector) return true;
    const [key, value] = options.labelSelector.split('=');
    return lease.metadata.labels?.[key!] === value;
  };
  const listPage = async (options: ListOptions): Promise<LeaseList> => {
    if (failure) throw failure;
    return { metadata: { resourceVersion: '10' }, items: leases.filter((lease) => matches(lease, options)) };
  };
  return {
    listPage,
    async *listPages(options) {
      yield await listPage(options);
    },
    async get(ref: LeaseRef) {
      if (failure) throw failure;
      const found = leases.find((lease) => lease.metadata.namespace === ref.namespace && lease.metadata.name === ref.name);
      if (!found) throw new KubeApiError({ code: 404, reason: 'NotFound', message: `leases.coordination.k8s.io "${ref.name}" not found` }, 404);
      return found;
    },
    create: () => Promise.reject(new Error('not used')),
    update: () => Promise.reject(new Error('not used')),
    delete: () => Promise.reject(new Error('not used')),
    watch: () => Promise.reject(new Error('not used')),
  };
}

async function runIdentity(args: string[], leases: Lease[], options: { namespace?: string; failure?: Error } = {}) {
  const stdout = textCapture();
  const stderr = textCapture();
  const connection: KubeConnection = {
    client: fakeClient(leases, options.failure),
    namespace: options.namespace ?? 'default',
    namespaceFromFlag: options.namespace !== undefined,
    namespaceNames: async () => [],
    serverVersion: async () => ({}),
    close: () => {},
  };
  const world: World = {
    io: { stdin: process.stdin, stdout, stderr },
    clock: { now: () => NOW, monotonic: () => 0 },
    env: {},
    connect: async () => connection,
    signals: { subscribe: () => () => {} },
    programName: 'leasectl',
  };
  const exitCode = await runCli(['identity', ...args], world);
  return { stdout: stdout.text, stderr: stderr.text, exitCode };
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
});

describe('identity table printer', () => {
  it('keeps columns aligned across batches (watch events)', () => {
    const out = textCapture();
    const printer = createIdentityPrinter({ out, wide: false, noHeaders: false, chalk: undefined, now: () => NOW });
    printer.print([identityLease('master-1', 5_000)]);
    printer.printWatched(identityLease('m2', 6_000));
    expect(printer.finish()).toBe(2);
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.indexOf('m2')).toBe(lines[1]!.indexOf('master-1'));
  });
});
