// Which leases `gc` would delete: the apiserver identity-lease collector's expiry rule applied to any lease,
// minus the ones something else owns or elects. Pure: the caller passes the leases and the instant.
import { NODE_LEASE_NAMESPACE } from '../lease/node-heartbeat.js';
import { expiredForMs } from '../lease/state.js';
import { parseKubeTime } from '../lease/time.js';
import type { Lease } from '../lease/types.js';

/** The apiserver deletes its own identity leases one hour after they expire; gc defaults to the same. */
export const DEFAULT_GC_EXPIRED_FOR_MS = 3_600_000;

export interface GcPlanOptions {
  /** Only leases expired for longer than this (strictly) are candidates. */
  expiredForMs: number;
  /** Also collect leases with ownerReferences and leases in kube-node-lease. */
  includeOwned: boolean;
}

export type SkipReason = 'coordinated' | 'owned' | 'node-lease';

export interface GcCandidate {
  lease: Lease;
  /** How long it has been expired at the planning instant; Infinity when renewTime or duration is missing. */
  expiredForMs: number;
}

export interface SkippedLease extends GcCandidate {
  reason: SkipReason;
  /** One line for people: why gc leaves this expired lease alone, and what would change that. */
  explanation: string;
}

export interface GcPlan {
  candidates: GcCandidate[];
  /** Expired past the threshold but protected; reported so that nothing is left out silently. */
  skipped: SkippedLease[];
  /** Leases not expired for long enough: left alone without comment. */
  notExpiredCount: number;
}

/** Why an expired lease must not be deleted, or undefined when gc may delete it. */
export function protectionOf(lease: Lease, includeOwned: boolean): Omit<SkippedLease, keyof GcCandidate> | undefined {
  const strategy = lease.spec?.strategy;
  if (strategy) {
    // The apiserver's election controller writes these leases; deleting one only forces a needless re-election.
    return { reason: 'coordinated', explanation: `coordinated lease (spec.strategy=${strategy}): the apiserver elects its holder` };
  }
  if (includeOwned) return undefined;
  const owners = lease.metadata.ownerReferences ?? [];
  if (owners.length > 0) {
    const owner = owners[0]!;
    return {
      reason: 'owned',
      explanation: `owned by ${owner.kind}/${owner.name}: Kubernetes deletes it with its owner (--include-owned to collect anyway)`,
    };
  }
  if (lease.metadata.namespace === NODE_LEASE_NAMESPACE) {
    return {
      reason: 'node-lease',
      explanation: `in ${NODE_LEASE_NAMESPACE}: node heartbeats belong to their Node (--include-owned to collect anyway)`,
    };
  }
  return undefined;
}

/**
 * How long gc counts a lease as expired. The collector's rule makes a lease without renewTime or
 * leaseDurationSeconds expired forever; gc counts such a lease from its creation instead, so one just created by a
 * controller that has not renewed it yet is not deleted within seconds.
 */
function gcExpiredForMs(lease: Lease, nowMs: number): number {
  const expiredFor = expiredForMs(lease, nowMs);
  if (Number.isFinite(expiredFor)) return expiredFor;
  const createdAt = parseKubeTime(lease.metadata.creationTimestamp);
  return createdAt === undefined ? expiredFor : nowMs - createdAt;
}

/**
 * What gc keeps of a lease it deletes or reports: its identity (the delete's preconditions) and its spec (expiry,
 * holder, the watch's comparison). gc holds every candidate until the run ends, so labels, annotations, owners and
 * timestamps are left behind once planned: of 20,000, what each kept decided how far V8 grew the heap
 * (docs/performance.md).
 */
function retained(lease: Lease): Lease {
  const { name, namespace, uid, resourceVersion } = lease.metadata;
  return { metadata: { name, namespace, uid, resourceVersion }, spec: lease.spec };
}

/**
 * Splits leases into what gc deletes and what it protects, keeping of each only what gc uses (see retained). A
 * lease is a candidate when it has been expired for longer than the threshold by the collector's rule (see
 * gcExpiredForMs for leases never renewed); a released lease (empty holder) ages from its renewTime like any other.
 */
export function planGarbageCollection(leases: readonly Lease[], nowMs: number, options: GcPlanOptions): GcPlan {
  const plan: GcPlan = { candidates: [], skipped: [], notExpiredCount: 0 };
  for (const lease of leases) {
    const expiredFor = gcExpiredForMs(lease, nowMs);
    if (!(expiredFor > options.expiredForMs)) {
      plan.notExpiredCount++;
      continue;
    }
    const protection = protectionOf(lease, options.includeOwned);
    if (protection) plan.skipped.push({ lease: retained(lease), expiredForMs: expiredFor, ...protection });
    else plan.candidates.push({ lease: retained(lease), expiredForMs: expiredFor });
  }
  return plan;
}
