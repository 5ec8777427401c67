// "Looks expired → confirm by observation": the one rule for every action leasectl takes on a lease that seems
// abandoned (hold taking it over or recovering it for cron, gc deleting it). Pure: instants are passed in.
//
// A lease *looks* expired when renewTime + leaseDurationSeconds is past by this machine's clock, by more than
// CLOCK_SKEW_ALLOWANCE_MS (or either field is missing). That is only a hint: the holder's clock may lag ours by
// an hour, and its lease then looks long expired while it renews. It is *confirmed* expired once this process has
// seen the record unchanged for the record's own leaseDurationSeconds, by its monotonic clock (client-go's rule,
// client-go#448). The action is then a write conditioned on the observed resourceVersion, so that a change after
// the last look makes the write fail instead of acting on a live lease.

import { expiredForMs } from './state.js';
import type { Lease } from './types.js';

/** Clock skew tolerated before a renewTime counts as past (kubectl's HumanDuration tolerates the same 2 s). */
export const CLOCK_SKEW_ALLOWANCE_MS = 2_000;

/** client-go's default LeaseDuration: how long to watch a record that names no leaseDurationSeconds. */
export const DEFAULT_LEASE_DURATION_MS = 15_000;

/** Whether the lease looks expired by its renewTime and this machine's clock, allowing for clock skew. */
export function looksExpired(lease: Lease, nowMs: number): boolean {
  return expiredForMs(lease, nowMs) > CLOCK_SKEW_ALLOWANCE_MS;
}

/** What this process last saw of the lease, and when (monotonic), by its own clock. */
export interface Observation {
  /**
   * The lease as seen (undefined: it did not exist). Compared by recordKey when it is seen again, rather than holding
   * the key: gc observes every lease it lists, and 20,000 keys were 3 MB its heap kept (docs/performance.md).
   */
  readonly record: Lease | undefined;
  /** Monotonic ms at which this record was first seen. */
  readonly observedAt: number;
}

/**
 * The observation after reading `lease` (undefined: it does not exist) at `monotonicNow`. The observed time only
 * moves when the record changed: a holder that keeps renewing keeps resetting it, a dead one stops.
 */
export function observe(previous: Observation | undefined, lease: Lease | undefined, monotonicNow: number): Observation {
  if (previous !== undefined && isUnchanged(previous, lease)) return previous;
  return { record: lease, observedAt: monotonicNow };
}

/** Whether `lease` is still the record that `observation` saw. */
export function isUnchanged(observation: Observation, lease: Lease | undefined): boolean {
  return recordKey(observation.record) === recordKey(lease);
}

/** The record's leaseDurationSeconds in ms; `fallbackMs` when it has none, or one the API would refuse. */
export function recordDurationMs(lease: Lease, fallbackMs: number): number {
  const seconds = lease.spec?.leaseDurationSeconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : fallbackMs;
}

/** The monotonic instant at which `observation` of `lease` confirms it expired: seen unchanged for its duration. */
export function confirmedExpiredAt(observation: Observation, lease: Lease, fallbackMs: number): number {
  return observation.observedAt + recordDurationMs(lease, fallbackMs);
}

function recordKey(lease: Lease | undefined): string {
  if (lease === undefined) return 'absent';
  const spec = lease.spec ?? {};
  return JSON.stringify([
    lease.metadata.uid ?? null,
    lease.metadata.resourceVersion ?? null,
    spec.holderIdentity ?? null,
    spec.renewTime ?? null,
    spec.leaseDurationSeconds ?? null,
    spec.leaseTransitions ?? null,
    spec.acquireTime ?? null,
    spec.strategy ?? null,
    spec.preferredHolder ?? null,
  ]);
}
