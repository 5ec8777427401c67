// A lease's state as judged by this machine's clock, with the rule kube-apiserver's identity-lease GC and the
// coordinated-election controller use. client-go electors judge by *observed* change instead, so this is an
// estimate that is off by the clock skew between this machine and the holder.

import { parseKubeTime } from './time.js';
import type { Lease } from './types.js';

export type LeaseStatus = 'held' | 'expired' | 'released';

export interface LeaseState {
  /** released: no holder (absent or ""); expired: renewTime or duration missing, or renewTime + duration < now. */
  status: LeaseStatus;
  /** holderIdentity when non-empty. */
  holder: string | undefined;
  /** renewTime in epoch ms. */
  renewedAt: number | undefined;
  /** acquireTime in epoch ms. */
  acquiredAt: number | undefined;
  durationSeconds: number | undefined;
  transitions: number | undefined;
  /** renewedAt + duration; undefined if either is missing. */
  expiresAt: number | undefined;
  /** spec.strategy is set: the apiserver elects the holder, so nobody may take the lease over. */
  coordinated: boolean;
  /** Non-empty spec.preferredHolder: the holder's term is over and it should stop renewing. */
  preferredHolder: string | undefined;
}

export function leaseState(lease: Lease, nowMs: number): LeaseState {
  const spec = lease.spec ?? {};
  const holder = nonEmpty(spec.holderIdentity);
  const renewedAt = parseKubeTime(spec.renewTime);
  const durationSeconds = spec.leaseDurationSeconds ?? undefined;
  const expiresAt = leaseExpiresAt(renewedAt, durationSeconds);
  return {
    status: holder === undefined ? 'released' : isExpired(expiresAt, nowMs) ? 'expired' : 'held',
    holder,
    renewedAt,
    acquiredAt: parseKubeTime(spec.acquireTime),
    durationSeconds,
    transitions: spec.leaseTransitions ?? undefined,
    expiresAt,
    coordinated: nonEmpty(spec.strategy) !== undefined,
    preferredHolder: nonEmpty(spec.preferredHolder),
  };
}

/**
 * How long the lease has been expired at nowMs: positive once renewTime + duration is in the past, 0 at the
 * instant itself (not yet expired, GC's strict `Before`), negative before. Infinity when renewTime or
 * leaseDurationSeconds is missing, which GC treats as expired forever. The holder is ignored: a released lease
 * ages like any other.
 */
export function expiredForMs(lease: Lease, nowMs: number): number {
  const spec = lease.spec ?? {};
  const expiresAt = leaseExpiresAt(parseKubeTime(spec.renewTime), spec.leaseDurationSeconds ?? undefined);
  return expiresAt === undefined ? Infinity : nowMs - expiresAt;
}

function leaseExpiresAt(renewedAt: number | undefined, durationSeconds: number | undefined): number | undefined {
  return renewedAt === undefined || durationSeconds === undefined ? undefined : renewedAt + durationSeconds * 1000;
}

function isExpired(expiresAt: number | undefined, nowMs: number): boolean {
  return expiresAt === undefined || expiresAt < nowMs;
}

/** The API's optional strings: absent, null and "" all mean unset. */
export function nonEmpty(value: string | null | undefined): string | undefined {
  return value == null || value === '' ? undefined : value;
}
