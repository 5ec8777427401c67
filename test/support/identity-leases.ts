// Identity leases as kube-apiservers write them (1.27+ and 1.20-1.26 naming), for the identity tests.
import { apiserverLeaseName, legacyApiserverLeaseName } from '../../src/lease/apiserver-identity.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';

export const NOW = Date.parse('2026-11-23T12:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const CURRENT = { 'apiserver.kubernetes.io/identity': 'kube-apiserver' };
export const LEGACY = { 'k8s.io/component': 'kube-apiserver' };

/** The identity lease of the apiserver on `hostname`, renewed `renewedAgoMs` before NOW (never, when undefined). */
export function identityLease(hostname: string, renewedAgoMs: number | undefined, options: { legacy?: boolean; name?: string; peer?: string } = {}): Lease {
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
