// A lease's state in words, by this machine's clock: the -o wide EXPIRES cell, inspect's times, and the holder
// named in conflict messages. The state itself is judged in src/lease/state.ts; only the words are here.
import { leaseState, type LeaseState } from '../lease/state.js';
import type { Lease } from '../lease/types.js';
import { humanDuration } from './human-duration.js';

/** The -o wide EXPIRES cell: `in 12s`, `expired 3m ago`, `released`, or `<unknown>` when it cannot be judged. */
export function describeExpiry(state: LeaseState, nowMs: number): string {
  if (state.status === 'released') return 'released';
  if (state.expiresAt === undefined) return '<unknown>';
  const remainingMs = state.expiresAt - nowMs;
  return remainingMs >= 0 ? `in ${humanDuration(remainingMs)}` : `expired ${humanDuration(-remainingMs)} ago`;
}

/**
 * `12s ago` for a past timestamp, `in 5s` for one at least a second ahead (a renewTime from a faster clock), or
 * `<unset>` (kubectl describe's word for an absent field).
 */
export function describeRelative(epochMs: number | undefined, nowMs: number): string {
  if (epochMs === undefined) return '<unset>';
  const sinceMs = nowMs - epochMs;
  return sinceMs > -1000 ? `${humanDuration(Math.max(0, sinceMs))} ago` : `in ${humanDuration(-sinceMs)}`;
}

/**
 * `held by host_uuid (renewed 3s ago, expires in 12s by this machine's clock)`, for conflict messages. The times
 * come from the remote renewTime, so they are only as good as the clocks agree; hence "by this machine's clock".
 */
export function describeHolding(lease: Lease, nowMs: number): string {
  const state = leaseState(lease, nowMs);
  if (state.holder === undefined) return 'not held by anyone';
  const expiry = describeExpiry(state, nowMs);
  const until = expiry.startsWith('in ') ? `expires ${expiry}` : expiry === '<unknown>' ? 'expiry unknown' : expiry;
  return `held by ${state.holder} (renewed ${describeRelative(state.renewedAt, nowMs)}, ${until} by this machine's clock)`;
}
