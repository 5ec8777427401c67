import { describe, expect, it } from 'vitest';
import {
  APISERVER_IDENTITY_LABEL,
  HOSTNAME_LABEL,
  IDENTITY_GC_AFTER_EXPIRY_MS,
  LEGACY_APISERVER_COMPONENT_LABEL,
  PEER_ADDRESS_ANNOTATION,
  apiserverLeaseName,
  base32NoPadding,
  expectedLeaseNameFor,
  identitySchemeOf,
  legacyApiserverLeaseName,
} from '../../src/lease/apiserver-identity.js';
import type { Lease } from '../../src/lease/types.js';

function identityLease(name: string, labels: Record<string, string>): Lease {
  return { metadata: { name, namespace: 'kube-system', labels } };
}

describe('apiserverLeaseName (1.27+)', () => {
  it.each([
    // matches a real 1.27.3 cluster (kubernetes/website#41881)
    ['master-1', 'apiserver-wj467rbl25eeviqacfhvg2yvnm'],
    ['kind-control-plane', 'apiserver-c7uylvfxlbqccnk6myfkwetzze'],
  ])('%s → %s', (hostname, name) => {
    expect(apiserverLeaseName(hostname)).toBe(name);
  });

  it('is always apiserver- plus 26 characters of [a-z2-7]', () => {
    for (const hostname of ['a', 'ip-10-0-0-1.ec2.internal', 'x'.repeat(64), 'hôte-ünïcode']) {
      expect(apiserverLeaseName(hostname)).toMatch(/^apiserver-[a-z2-7]{26}$/);
    }
  });

  it('length-prefixes the hostname in UTF-8 bytes, not UTF-16 units', () => {
    // 'é' is one UTF-16 unit but two bytes; a char-count prefix would hash the same data as some other input
    expect(apiserverLeaseName('é')).not.toBe(apiserverLeaseName('e'));
    expect(apiserverLeaseName('é')).toBe('apiserver-vavzole5sx64atrlztm2vtza5q');
  });
});

describe('legacyApiserverLeaseName (1.26)', () => {
  it.each([
    // all three checked against real kind clusters
    ['kind-control-plane', 'kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a'],
    ['kind-control-plane2', 'kube-apiserver-fyloo45sdenffw2ugwaz3likua'],
    ['kind-control-plane3', 'kube-apiserver-dz2dqprdpsgnm756t5rnov7yka'],
  ])('%s → %s', (hostname, name) => {
    expect(legacyApiserverLeaseName(hostname)).toBe(name);
  });
});

describe('base32NoPadding', () => {
  it.each([
    // RFC 4648 §10 test vectors with the padding removed
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('%j → %s', (text, encoded) => {
    expect(base32NoPadding(Buffer.from(text))).toBe(encoded);
  });

  it('encodes all-ones bytes with the last alphabet letter', () => {
    expect(base32NoPadding(new Uint8Array(5).fill(0xff))).toBe('77777777');
  });
});

describe('identitySchemeOf and expectedLeaseNameFor', () => {
  const current = { [APISERVER_IDENTITY_LABEL]: 'kube-apiserver', [HOSTNAME_LABEL]: 'master-1' };
  const legacy = { [LEGACY_APISERVER_COMPONENT_LABEL]: 'kube-apiserver', [HOSTNAME_LABEL]: 'kind-control-plane' };

  it('recognises a 1.27+ identity lease and recomputes its name', () => {
    const lease = identityLease('apiserver-wj467rbl25eeviqacfhvg2yvnm', current);
    expect(identitySchemeOf(lease)).toBe('current');
    expect(expectedLeaseNameFor(lease)).toBe('apiserver-wj467rbl25eeviqacfhvg2yvnm');
  });

  it('recognises a 1.26 identity lease and recomputes its name with the old formula', () => {
    const lease = identityLease('kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a', legacy);
    expect(identitySchemeOf(lease)).toBe('legacy');
    expect(expectedLeaseNameFor(lease)).toBe('kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a');
  });

  it('exposes a mismatch between name and hostname label (the website placeholder name)', () => {
    const lease = identityLease('apiserver-07a5ea9b9b072c4a5f3d1c3702', current);
    expect(expectedLeaseNameFor(lease)).toBe('apiserver-wj467rbl25eeviqacfhvg2yvnm');
  });

  it('decides by name prefix when a lease carries both labels', () => {
    const both = { ...current, [LEGACY_APISERVER_COMPONENT_LABEL]: 'kube-apiserver' };
    expect(identitySchemeOf(identityLease('kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a', both))).toBe('legacy');
    expect(identitySchemeOf(identityLease('apiserver-wj467rbl25eeviqacfhvg2yvnm', both))).toBe('current');
  });

  it('does not treat other leases as identities', () => {
    const scheduler = identityLease('kube-scheduler', {});
    expect(identitySchemeOf(scheduler)).toBeUndefined();
    expect(expectedLeaseNameFor(scheduler)).toBeUndefined();
    const otherComponent = identityLease('apiserver-wj467rbl25eeviqacfhvg2yvnm', {
      [APISERVER_IDENTITY_LABEL]: 'sample-apiserver',
      [HOSTNAME_LABEL]: 'master-1',
    });
    expect(identitySchemeOf(otherComponent)).toBeUndefined();
    expect(identitySchemeOf({ metadata: { name: 'apiserver-wj467rbl25eeviqacfhvg2yvnm' } })).toBeUndefined();
  });

  it('cannot recompute a name without a hostname label', () => {
    const lease = identityLease('apiserver-wj467rbl25eeviqacfhvg2yvnm', {
      [APISERVER_IDENTITY_LABEL]: 'kube-apiserver',
    });
    expect(identitySchemeOf(lease)).toBe('current');
    expect(expectedLeaseNameFor(lease)).toBeUndefined();
  });
});

describe('identity lease constants', () => {
  it('match kube-apiserver', () => {
    expect(APISERVER_IDENTITY_LABEL).toBe('apiserver.kubernetes.io/identity');
    expect(LEGACY_APISERVER_COMPONENT_LABEL).toBe('k8s.io/component');
    expect(HOSTNAME_LABEL).toBe('kubernetes.io/hostname');
    expect(PEER_ADDRESS_ANNOTATION).toBe('kubernetes.io/peer-advertise-address');
    expect(IDENTITY_GC_AFTER_EXPIRY_MS).toBe(60 * 60 * 1000);
  });
});
