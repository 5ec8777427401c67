// The Lease object as this server stores and serves it. The sandbox keeps its own definition rather than the
// product's, so that a change in the client cannot silently change the server the client is tested against.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number | null;
  strategy?: string | null;
  preferredHolder?: string | null;
  [field: string]: unknown;
}

export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: LeaseSpec;
  [field: string]: unknown;
}

export const LEASE_API_VERSION = 'coordination.k8s.io/v1';
export const LEASE_KIND = 'Lease';

/** The fields a write may change; an update that changes none is a no-op that keeps the resourceVersion. */
export function writableContent(lease: Lease): string {
  const { labels, annotations, ownerReferences, finalizers } = lease.metadata;
  return JSON.stringify([labels, annotations, ownerReferences, finalizers, lease.spec]);
}
