// Leader-election decisions as client-go's tools/leaderelection makes them, without I/O: every function takes the
// lease it read and the time, and returns what to write or how long to wait. The hold loop, `renew` and `release`
// compose these with the LeaseClient.
//
// Two clocks: wall-clock epoch ms (`nowMs`) is only ever *written* (acquireTime, renewTime); expiry is judged with
// this machine's monotonic clock since the record was last seen to change, never from the remote renewTime, so
// clock skew between machines cannot make a live lease look expired (client-go's package doc, client-go#448).

import { confirmedExpiredAt, recordDurationMs, type Observation } from './expiry.js';
import { slotMarks, slotMismatch, type Slot, type SlotMismatch } from './slots.js';
import { leaseState, nonEmpty } from './state.js';
import { durationLimitMessage, formatDuration, formatMicroTime } from './time.js';
import type { Lease, LeaseSpec } from './types.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'leasectl';

/** leaseDurationSeconds and leaseTransitions are int32s: the API refuses anything larger. */
export const INT32_MAX = 2 ** 31 - 1;

/** client-go's JitterFactor: the renew deadline must leave room for one jittered retry. */
export const JITTER_FACTOR = 1.2;

export interface ElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface LeaseName {
  namespace: string;
  name: string;
}

export interface ElectionConfig extends ElectionTimings {
  lease: LeaseName;
  identity: string;
  /** A live lease held under our own identity is ours (client-go's behaviour) rather than a conflict. */
  reentrant: boolean;
  /** Take over a coordinated lease (spec.strategy set) anyway. */
  force: boolean;
  /** hold --slots: the slot this lease is. Undefined for a plain lease, which must then be no slot. */
  slot?: Slot;
  /** hold --label and --annotation: set on the lease when it is created or taken. */
  metadata?: LeaseMetadata;
}

export interface LeaseMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * NewLeaderElector's checks in its order, with its messages, each followed by the fix in leasectl's flags.
 * Undefined when the timings are valid.
 */
export function validateElectionTimings(t: ElectionTimings): string | undefined {
  const flags = `--lease-duration ${formatDuration(t.leaseDurationMs)}, --renew-deadline ${formatDuration(t.renewDeadlineMs)}, --retry-period ${formatDuration(t.retryPeriodMs)}`;
  if (t.leaseDurationMs <= t.renewDeadlineMs) {
    return `leaseDuration must be greater than renewDeadline (${flags}): raise --lease-duration or lower --renew-deadline`;
  }
  if (t.renewDeadlineMs <= JITTER_FACTOR * t.retryPeriodMs) {
    return `renewDeadline must be greater than retryPeriod*JitterFactor (JitterFactor ${JITTER_FACTOR}; ${flags}): raise --renew-deadline or lower --retry-period`;
  }
  const positive = (flag: string, gotMs: number) =>
    gotMs > 0 ? undefined : durationLimitMessage({ flag, bound: 'more than 0s', reason: "client-go's leader election needs every period positive", gotMs });
  return positive('--lease-duration', t.leaseDurationMs) ?? positive('--renew-deadline', t.renewDeadlineMs) ?? positive('--retry-period', t.retryPeriodMs);
}

/** leaseDurationSeconds is an int32 of seconds: refuse what would be truncated rather than silently shortening it. */
export function validateLeaseDurationSeconds(leaseDurationMs: number, flag = '--lease-duration'): string | undefined {
  if (leaseDurationMs < 1000 || leaseDurationMs % 1000 !== 0) {
    return durationLimitMessage({ flag, bound: 'a whole number of seconds, at least 1s', reason: 'leaseDurationSeconds is an integer', gotMs: leaseDurationMs });
  }
  const longestMs = INT32_MAX * 1000;
  if (leaseDurationMs > longestMs) {
    return durationLimitMessage({ flag, bound: `at most ${formatDuration(longestMs)}`, reason: 'leaseDurationSeconds is a 32-bit integer', gotMs: leaseDurationMs });
  }
  return undefined;
}

export interface HolderInfo {
  holder: string;
  /** The remote renewTime as written (for messages only; never used to decide). */
  renewTime: string | undefined;
  /** The record's leaseDurationSeconds, in ms (our own duration when the record has none). */
  leaseDurationMs: number;
}

export type AcquireDecision =
  /** No lease: create this one (POST). */
  | { kind: 'create'; lease: Lease }
  /** Free, expired by observation, or ours with --reentrant: PUT this (carries the read resourceVersion). */
  | { kind: 'take'; lease: Lease; reentered: boolean }
  /** Held by someone else and alive by our observation: try again at `until` (monotonic ms). */
  | { kind: 'wait'; until: number; holder: HolderInfo }
  /** Held and alive under our own identity, and not --reentrant: another process with our identity. Wait too. */
  | { kind: 'conflict-self'; until: number; holder: HolderInfo }
  /** spec.strategy is set: the apiserver's coordinated election picks the holder; we never take it without --force. */
  | { kind: 'conflict-coordinated'; strategy: string; holder: string | undefined }
  /** Taking it would count one more transition than leaseTransitions (an int32) can hold. */
  | { kind: 'transitions-exhausted'; transitions: number }
  /** The lease is a slot and we hold it plainly, or the other way round, or its slot count differs from ours. */
  | { kind: 'conflict-slots'; mismatch: SlotMismatch };

/**
 * tryAcquireOrRenew's acquire half. `observation` must be the result of observe() on this same `lease`.
 * Expiry uses the record's own leaseDurationSeconds (as client-go does: fabric8io/kubernetes-client#7258), counted
 * from when we first saw this record, by our monotonic clock.
 */
export function decideAcquire(
  lease: Lease | undefined,
  observation: Observation,
  config: ElectionConfig,
  monotonicNow: number,
  nowMs: number,
): AcquireDecision {
  const mismatch = slotMismatch(lease, config.slot);
  if (mismatch !== undefined) return { kind: 'conflict-slots', mismatch };
  if (lease === undefined) return { kind: 'create', lease: markedLease(createdLease(config.lease, config, nowMs), config) };
  const spec = lease.spec ?? {};
  const holder = nonEmpty(spec.holderIdentity);
  const strategy = nonEmpty(spec.strategy);
  if (strategy !== undefined && !config.force) return { kind: 'conflict-coordinated', strategy, holder };
  if (holder === undefined) return takeOver(lease, config, nowMs);

  const until = confirmedExpiredAt(observation, lease, config.leaseDurationMs);
  const alive = until > monotonicNow;
  const recordDurationMs = until - observation.observedAt;
  if (holder === config.identity) {
    if (config.reentrant) return { kind: 'take', lease: markedLease(renewedLease(lease, config, nowMs), config), reentered: true };
    if (alive) return { kind: 'conflict-self', until, holder: holderInfo(holder, spec, recordDurationMs) };
  } else if (alive) {
    return { kind: 'wait', until, holder: holderInfo(holder, spec, recordDurationMs) };
  }
  return takeOver(lease, config, nowMs);
}

/** A change of holder to us, unless leaseTransitions has no room left to count it. */
function takeOver(lease: Lease, config: ElectionConfig, nowMs: number): AcquireDecision {
  const exhausted = exhaustedTransitions(lease);
  if (exhausted !== undefined) return { kind: 'transitions-exhausted', transitions: exhausted };
  return { kind: 'take', lease: markedLease(acquiredLease(lease, config, nowMs), config), reentered: false };
}

/** The lease with hold's labels and annotations added: --label and --annotation, and a slot's marks. */
function markedLease(lease: Lease, config: Pick<ElectionConfig, 'slot' | 'metadata'>): Lease {
  const slot = config.slot === undefined ? undefined : slotMarks(config.slot);
  const labels = { ...config.metadata?.labels, ...slot?.labels };
  const annotations = { ...config.metadata?.annotations, ...slot?.annotations };
  if (Object.keys(labels).length === 0 && Object.keys(annotations).length === 0) return lease;
  const { metadata } = lease;
  return {
    ...lease,
    metadata: {
      ...metadata,
      labels: { ...metadata.labels, ...labels },
      ...(Object.keys(annotations).length > 0 ? { annotations: { ...metadata.annotations, ...annotations } } : {}),
    },
  };
}

/** leaseTransitions, when it has no room left (an int32) to count one more change of holder. */
function exhaustedTransitions(lease: Lease): number | undefined {
  const transitions = spec(lease).leaseTransitions ?? 0;
  return transitions >= INT32_MAX ? transitions : undefined;
}

function holderInfo(holder: string, spec: LeaseSpec, leaseDurationMs: number): HolderInfo {
  return { holder, renewTime: spec.renewTime ?? undefined, leaseDurationMs };
}

/** A new lease held by us: transitions 0, acquireTime = renewTime = now, marked as leasectl's. */
export function createdLease(ref: LeaseName, config: Pick<ElectionConfig, 'identity' | 'leaseDurationMs'>, nowMs: number): Lease {
  const time = formatMicroTime(nowMs);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: ref.name, namespace: ref.namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    spec: {
      holderIdentity: config.identity,
      leaseDurationSeconds: durationSeconds(config.leaseDurationMs),
      acquireTime: time,
      renewTime: time,
      leaseTransitions: 0,
    },
  };
}

/**
 * The lease taken over by us: a change of holder, so leaseTransitions + 1 (the fencing token), acquireTime =
 * renewTime = now. strategy and preferredHolder are dropped, as client-go's full-spec write drops them.
 */
export function acquiredLease(lease: Lease, config: Pick<ElectionConfig, 'identity' | 'leaseDurationMs'>, nowMs: number): Lease {
  const leaseTransitions = (spec(lease).leaseTransitions ?? 0) + 1;
  return holderChangedLease(lease, { holderIdentity: config.identity, leaseDurationSeconds: durationSeconds(config.leaseDurationMs), leaseTransitions }, nowMs);
}

/**
 * One heartbeat: renewTime = now and our leaseDurationSeconds re-asserted; holder, acquireTime, transitions and
 * every other field kept. A renewal never changes the holder, so it never counts as a transition.
 */
export function renewedLease(lease: Lease, config: Pick<ElectionConfig, 'leaseDurationMs'>, nowMs: number): Lease {
  return {
    ...lease,
    metadata: { ...lease.metadata },
    spec: { ...lease.spec, leaseDurationSeconds: durationSeconds(config.leaseDurationMs), renewTime: formatMicroTime(nowMs) },
  };
}

/**
 * client-go's release record: holder "", leaseDurationSeconds 1, acquireTime = renewTime = now, transitions kept,
 * strategy and preferredHolder dropped. An empty holder lets the next candidate take the lease at once.
 */
export function releasedLease(lease: Lease, nowMs: number): Lease {
  return holderChangedLease(lease, { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: spec(lease).leaseTransitions ?? 0 }, nowMs);
}

/**
 * The leader-election record client-go writes over a lease when the holder changes (to us, or to nobody):
 * acquireTime = renewTime = now, and strategy and preferredHolder dropped, because it writes the whole spec.
 */
function holderChangedLease(lease: Lease, record: { holderIdentity: string; leaseDurationSeconds: number; leaseTransitions: number }, nowMs: number): Lease {
  const time = formatMicroTime(nowMs);
  const { strategy: _strategy, preferredHolder: _preferred, ...kept } = lease.spec ?? {};
  return {
    ...lease,
    metadata: { ...lease.metadata },
    spec: {
      ...kept,
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: time,
      renewTime: time,
      leaseTransitions: record.leaseTransitions,
    },
  };
}

export function isHeldBy(lease: Lease | undefined, identity: string): boolean {
  return lease !== undefined && identity !== '' && lease.spec?.holderIdentity === identity;
}

export type HoldingVerdict =
  | { held: true }
  | { held: false; reason: 'deleted' | 'released' | 'taken'; holder: string | undefined }
  /** preferredHolder set on a coordinated lease: our term is over (KEP-4355); stop renewing. */
  | { held: false; reason: 'end-of-term'; holder: string | undefined; preferredHolder: string };

/** Whether a lease we believe we hold (fresh from the server) is still ours to renew. */
export function checkHolding(lease: Lease | undefined, identity: string): HoldingVerdict {
  if (lease === undefined) return { held: false, reason: 'deleted', holder: undefined };
  const holder = nonEmpty(lease.spec?.holderIdentity);
  if (holder === undefined) return { held: false, reason: 'released', holder };
  if (holder !== identity) return { held: false, reason: 'taken', holder };
  const preferredHolder = nonEmpty(lease.spec?.preferredHolder);
  if (preferredHolder !== undefined) return { held: false, reason: 'end-of-term', holder, preferredHolder };
  return { held: true };
}

export type OneShotDecision =
  | { kind: 'renew'; lease: Lease }
  | { kind: 'take'; lease: Lease; previousHolder: string | undefined }
  | { kind: 'held'; holder: string }
  | { kind: 'coordinated'; strategy: string; holder: string | undefined }
  /** Taking it would count one more transition than leaseTransitions (an int32) can hold. */
  | { kind: 'transitions-exhausted'; transitions: number };

/**
 * `leasectl renew`: renew if we hold it; with `acquire`, also take it when it is free or expired by its renewTime
 * plus leaseDurationSeconds judged with this machine's clock (a one-shot command cannot observe for a lease
 * duration, so unlike decideAcquire this trusts the remote renewTime and is off by the clock skew).
 * `keepRecordDuration` keeps the record's leaseDurationSeconds on a renewal (renew without --lease-duration).
 */
export function decideRenewOnce(
  lease: Lease,
  options: { identity: string; acquire: boolean; leaseDurationMs: number; keepRecordDuration: boolean },
  nowMs: number,
): OneShotDecision {
  const s = spec(lease);
  const holder = nonEmpty(s.holderIdentity);
  if (holder === options.identity) {
    const recordMs = recordDurationMs(lease, options.leaseDurationMs);
    const durationMs = options.keepRecordDuration ? recordMs : options.leaseDurationMs;
    return { kind: 'renew', lease: renewedLease(lease, { leaseDurationMs: durationMs }, nowMs) };
  }
  const strategy = nonEmpty(s.strategy);
  if (options.acquire && strategy !== undefined) return { kind: 'coordinated', strategy, holder };
  if (options.acquire && leaseState(lease, nowMs).status !== 'held') {
    const exhausted = exhaustedTransitions(lease);
    if (exhausted !== undefined) return { kind: 'transitions-exhausted', transitions: exhausted };
    return { kind: 'take', lease: acquiredLease(lease, options, nowMs), previousHolder: holder };
  }
  return { kind: 'held', holder: holder ?? '' };
}

/** Whole seconds, as leaseDurationSeconds holds them (client-go truncates the same way). */
export function durationSeconds(ms: number): number {
  return Math.max(1, Math.floor(ms / 1000));
}

function spec(lease: Lease): LeaseSpec {
  return lease.spec ?? {};
}
