import { describe, expect, it } from 'vitest';
// The identity logic and printers; the command itself is in test/unit/commands/identity.test.ts.
import { hostnameLeaseNames, IDENTITY_SELECTORS, mergeIdentityLeases } from '../../src/commands/run/identity.js';
import { apiserverLeaseName, apiserverStatus, isApiserverIdentityLease, legacyApiserverLeaseName } from '../../src/lease/apiserver-identity.js';
import type { Lease } from '../../src/lease/types.js';
import { createIdentityPrinter, hostnameRow, identityRow, identitySummary } from '../../src/printers/identity.js';
import { CURRENT, HOUR, identityLease, LEGACY, MINUTE, NOW } from '../support/identity-leases.js';
import { textCapture } from '../support/streams.js';

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

describe('identity table printer', () => {
  it('keeps columns aligned across batches (watch events)', () => {
    const out = textCapture();
    const printer = createIdentityPrinter({ out, wide: false, noHeaders: false, chalk: undefined, now: () => NOW });
    printer.print([identityLease('master-1', 5_000)]);
    printer.printWatched(identityLease('m2', 6_000), 'ADDED');
    expect(printer.finish()).toBe(2);
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.indexOf('m2')).toBe(lines[1]!.indexOf('master-1'));
  });
});
