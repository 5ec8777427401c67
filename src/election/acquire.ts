// The acquire loop: read, observe, decide (src/lease/election.ts), write; while the lease is held, sleep until it
// may have expired or the next retry period, and watch it meanwhile so that a release wakes us at once.

import type { Clock } from '../clock.js';
import { decideAcquire, isHeldBy, type AcquireDecision, type ElectionConfig } from '../lease/election.js';
import { looksExpired, observe, type Observation } from '../lease/expiry.js';
import { SLOT_COUNT_ANNOTATION, SLOT_GROUP_LABEL, type SlotGroup, type SlotMismatch } from '../lease/slots.js';
import { formatDuration } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { listThenWatch } from '../kube/list-watch.js';
import { isTransient } from '../kube/errors.js';
import { compareAndSwap, type CasDecision } from './compare-and-swap.js';
import type { ElectionEvents } from './events.js';
import { attemptTimeoutMs } from './renew.js';
import { AbortedError, Wakeup, withTimeout } from './timers.js';

export interface AcquireOptions {
  client: LeaseClient;
  clock: Clock;
  config: ElectionConfig;
  events: ElectionEvents;
  /** undefined: wait forever; 0: try once. */
  waitMs: number | undefined;
  /** How the user asked not to wait, for the message: `--no-wait`, `--wait 0`, `--wait 30s`. */
  waitFlag: string;
  /** Aborts the wait (a shutdown signal). Writes in flight are not abandoned: see `uncertain`. */
  abort: AbortSignal;
  /** How to learn of changes to the lease while waiting; by default a watch of this one lease. */
  watch?: WatchLease;
}

/** What the acquire loop needs of a watch: started (again) while it waits, closed when it is done. */
export interface LeaseChanges {
  ensure(resourceVersion: string | undefined, monotonicNow: number, retryPeriodMs: number): void;
  close(): void;
}

/** Starts telling of changes to one lease: `onChange` with the lease as it now is, `onBreak` when the stream broke. */
export type WatchLease = (onChange: (lease: Lease | undefined) => void, onBreak: () => void) => LeaseChanges;

export type AcquireOutcome =
  | {
      kind: 'acquired';
      lease: Lease;
      /** Monotonic ms when the winning write was sent: the renew deadline counts from here. */
      writeStartedAt: number;
      created: boolean;
    }
  /**
   * --wait ran out or --no-wait found it held; `message` names the holder. `uncertain`, here and below: a write
   * whose outcome we never learned, which may have made us the holder, so the caller must release it.
   */
  | { kind: 'not-acquired'; message: string; uncertain: Lease | undefined }
  /** Aborted by a shutdown signal. */
  | { kind: 'aborted'; uncertain: Lease | undefined };

/**
 * A failure that is leasectl's own (exit 125): API errors that retrying cannot fix (kept as `cause`, so that the
 * edge describes them in kubectl's words), coordinated leases.
 */
export class AcquireError extends Error {
  /** A write whose outcome we never learned (see AcquireOutcome). */
  uncertain: Lease | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AcquireError';
  }

  static from(error: unknown): AcquireError {
    return new AcquireError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

interface PendingWrite {
  lease: Lease;
  startedAt: number;
}

/** One compare-and-swap's answer: ours, or held by someone alive (wait, or give up). */
type AcquireStep =
  | Extract<AcquireOutcome, { kind: 'acquired' }>
  | { kind: 'held'; lease: Lease; decision: Extract<AcquireDecision, { kind: 'wait' | 'conflict-self' }> };

export async function acquire(options: AcquireOptions): Promise<AcquireOutcome> {
  const { client, clock, config, events, abort } = options;
  const ref = config.lease;
  const leaseName = `${ref.namespace}/${ref.name}`;
  const started = clock.monotonic();
  const tryOnce = options.waitMs === 0;
  /** Past it we stop waiting, unless the lease looks expired and we are confirming it (see `confirming`). */
  let giveUpAt = options.waitMs === undefined ? Infinity : started + options.waitMs;
  /**
   * The observation under which a lease that looked expired by its renewTime, when the wait ran out, is being
   * confirmed (src/lease/expiry.ts): the wait is stretched until it has been seen unchanged for its duration, so
   * that cron's --no-wait recovers a lease whose holder died. Any change ends the wait: the holder is alive.
   */
  let confirming: Observation | undefined;
  const mayRetry = () => clock.monotonic() < giveUpAt && (!tryOnce || confirming !== undefined);
  const requestTimeout = attemptTimeoutMs(config.renewDeadlineMs);
  const wakeup = new Wakeup();

  /** What the next decision is made on: a fresh read, a watch event, or nothing (read first). */
  let known: { lease: Lease | undefined } | undefined;
  let observation: Observation | undefined;
  let uncertain: PendingWrite | undefined;
  let lastWaitingKey: string | undefined;
  let lastReportedError: string | undefined;
  const watch: WatchLease = options.watch ?? ((onChange, onBreak) => new LeaseWatcher(client, ref, onChange, onBreak));
  const watcher = watch(
    (lease) => {
      known = { lease };
      wakeup.wake();
    },
    // A broken watch must not leave a release unseen until the next poll: read now, and watch again from there.
    () => wakeup.wake(),
  );

  const reportTransient = (error: unknown): void => {
    const text = events.describe(error);
    if (text === lastReportedError) return;
    lastReportedError = text;
    events.warn('api_error', { error: text }, `${text}; retrying every ${config.retryPeriodMs} ms`);
  };

  let lastRequest = 'read' as 'read' | 'write';
  /** A write that timed out or failed in transit may have landed: remembered as `uncertain`. */
  let pending: PendingWrite | undefined;
  const send = async <R>(call: (signal: AbortSignal | undefined) => Promise<R>, kind: 'read' | 'write'): Promise<R> => {
    lastRequest = kind;
    if (kind === 'read') {
      // A read that hangs (a server that never answers) must not outlast --wait by much; near its end a read still
      // gets a second, so that a healthy server's answer decides (not acquired: 124) rather than our own timeout.
      const readTimeout = tryOnce ? requestTimeout : Math.min(requestTimeout, Math.max(1_000, Math.ceil(giveUpAt - clock.monotonic())));
      return withTimeout(call, readTimeout, abort);
    }
    try {
      // Not raced against `abort`: abandoning a write could leave us holding a lease we do not know about.
      return await withTimeout(call, requestTimeout);
    } catch (error) {
      if (isTransient(error)) uncertain = pending;
      throw error;
    }
  };
  const decide = (lease: Lease | undefined): CasDecision<AcquireStep, 'create' | 'update'> => {
    // A write that timed out may have landed: if the lease carries exactly what we wrote, it is ours.
    if (uncertain !== undefined && isHeldBy(lease, config.identity) && lease?.spec?.renewTime === uncertain.lease.spec?.renewTime) {
      return { done: { kind: 'acquired', lease: lease as Lease, writeStartedAt: uncertain.startedAt, created: false } };
    }
    const now = clock.monotonic();
    observation = observe(observation, lease, now);
    const decision = decideAcquire(lease, observation, config, now, clock.now());
    switch (decision.kind) {
      case 'create':
      case 'take': {
        const write: PendingWrite = { lease: decision.lease, startedAt: clock.monotonic() };
        pending = write;
        const created = decision.kind === 'create';
        return {
          write: { verb: created ? 'create' : 'update', lease: decision.lease },
          outcome: (written) => ({ kind: 'acquired', lease: written, writeStartedAt: write.startedAt, created }),
        };
      }
      case 'conflict-coordinated':
        throw new AcquireError(
          `lease ${leaseName} is managed by coordinated leader election (spec.strategy ${decision.strategy}${decision.holder ? `, held by ${decision.holder}` : ''}): the apiserver picks its holder, so leasectl will not take it over; use another lease, or --force to take it anyway`,
        );
      case 'transitions-exhausted':
        events.emit('acquire_failed', { reason: 'transitions-exhausted', transitions: decision.transitions }, `not acquired: lease ${leaseName} has run out of transitions`);
        throw new AcquireError(transitionsExhaustedMessage(ref, decision.transitions, 'hold'));
      case 'conflict-slots':
        throw new AcquireError(slotMismatchMessage(leaseName, config.slot?.group, decision.mismatch));
      case 'wait':
      case 'conflict-self':
        return { done: { kind: 'held', lease: lease as Lease, decision } }; // held, so there is a lease
    }
  };

  try {
    for (;;) {
      if (abort.aborted) return { kind: 'aborted', uncertain: uncertain?.lease };
      const decideOn = known;
      known = undefined; // decide on each read once
      let step: AcquireStep;
      try {
        step = await compareAndSwap({ client, ref, known: decideOn, send, decide });
      } catch (error) {
        if (error instanceof AbortedError) continue;
        if (error instanceof AcquireError) throw error;
        if (!isTransient(error) || !mayRetry()) throw AcquireError.from(error);
        reportTransient(error);
        await wakeup.wait(lastRequest === 'write' ? config.retryPeriodMs : Math.min(config.retryPeriodMs, giveUpAt - clock.monotonic()), abort);
        continue;
      }
      if (step.kind === 'acquired') return step;
      const { lease, decision } = step;
      const nowMono = clock.monotonic();
      const waitRanOut = tryOnce || nowMono >= giveUpAt;
      if (waitRanOut && confirming === undefined && looksExpired(lease, clock.now())) {
        confirming = observation;
        giveUpAt = Math.max(giveUpAt, decision.until);
        events.emit(
          'confirming_expiry',
          { holder: decision.holder.holder, renew_time: decision.holder.renewTime ?? null, confirm_in_ms: Math.round(Math.max(0, decision.until - nowMono)) },
          `lease ${leaseName} looks expired by its renewTime; watching it for ${formatDuration(decision.holder.leaseDurationMs)}: it is taken if nothing renews it`,
        );
      }
      const renewedWhileConfirming = confirming !== undefined && confirming !== observation;
      if (renewedWhileConfirming || (waitRanOut && confirming === undefined)) {
        // cron's most common outcome: --events json must say so, and who is in the way.
        events.emit(
          'not_acquired',
          {
            holder: decision.holder.holder,
            renew_time: decision.holder.renewTime ?? null,
            expires_in_ms: Math.round(Math.max(0, decision.until - nowMono)),
            own_identity: decision.kind === 'conflict-self',
            wait: options.waitFlag,
          },
          `not acquired: ${describeHolder(events, leaseName, lease, decision, clock.now())}`,
        );
        return {
          kind: 'not-acquired',
          message: heldMessage(events, leaseName, lease, decision, clock.now(), options.waitFlag, tryOnce, renewedWhileConfirming),
          uncertain: uncertain?.lease,
        };
      }
      const waitingKey = `${decision.kind}/${decision.holder.holder}`;
      if (waitingKey !== lastWaitingKey) {
        lastWaitingKey = waitingKey;
        const acquirableIn = Math.max(0, decision.until - nowMono);
        events.emit(
          'waiting',
          {
            holder: decision.holder.holder,
            renew_time: decision.holder.renewTime ?? null,
            acquirable_in_ms: Math.round(acquirableIn),
            own_identity: decision.kind === 'conflict-self',
          },
          `waiting: ${describeHolder(events, leaseName, lease, decision, clock.now())}; it may be taken over in ${(acquirableIn / 1000).toFixed(1)}s if it is not renewed`,
        );
      }
      watcher.ensure(lease.metadata.resourceVersion, nowMono, config.retryPeriodMs);
      const sleepMs = Math.max(0, Math.min(decision.until, giveUpAt, nowMono + config.retryPeriodMs) - nowMono);
      await wakeup.wait(sleepMs, abort);
    }
  } catch (error) {
    if (error instanceof AcquireError) error.uncertain = uncertain?.lease;
    throw error;
  } finally {
    watcher.close();
  }
}

/** Why a lease whose leaseTransitions reached the int32 maximum cannot be taken, and the way out: `recreatedBy` makes it anew. */
export function transitionsExhaustedMessage(ref: { namespace: string; name: string }, transitions: number, recreatedBy: string): string {
  return `lease ${ref.namespace}/${ref.name} has counted ${transitions} changes of holder, the most spec.leaseTransitions (an int32) can hold, so no new holder can be recorded: once its holder is gone, delete it (kubectl delete lease -n ${ref.namespace} ${ref.name}) and ${recreatedBy} creates it afresh`;
}

/** Why a lease is not held as asked: a slot held plainly, a plain lease held as a slot, or another slot count. */
export function slotMismatchMessage(leaseName: string, group: SlotGroup | undefined, mismatch: SlotMismatch): string {
  switch (mismatch.kind) {
    case 'is-a-slot': {
      const slots = mismatch.count ? `--slots ${mismatch.count} ` : '--slots N ';
      return `lease ${leaseName} is a slot of hold ${slots}${mismatch.group} (label ${SLOT_GROUP_LABEL}): a plain hold on it would not count against the group; hold it with: leasectl hold ${slots}${mismatch.group}`;
    }
    case 'not-a-slot':
      return `lease ${leaseName} exists but is no slot of ${group?.name} (it lacks the label ${SLOT_GROUP_LABEL}=${group?.name}): something else uses it, so hold --slots would not exclude its holder; choose another NAME for --slots`;
    case 'count':
      return `lease ${leaseName} is a slot of ${group?.name} recorded with --slots ${mismatch.recorded || '(none)'} (annotation ${SLOT_COUNT_ANNOTATION}), but this hold gives --slots ${group?.count}: every hold on ${group?.name} must give the same count; use --slots ${mismatch.recorded || group?.count}, or another NAME`;
  }
}

/** `lease default/foo is held by host_uuid (renewed 3s ago, expires in 12s by this machine's clock)` */
function describeHolder(events: ElectionEvents, leaseName: string, lease: Lease, decision: Extract<AcquireDecision, { kind: 'wait' | 'conflict-self' }>, nowMs: number): string {
  const own = decision.kind === 'conflict-self' ? ' under our own --identity (another process is using it; --reentrant shares it)' : '';
  return `lease ${leaseName} is ${events.holding(lease, nowMs)}${own}`;
}

/**
 * Why hold gives up (exit 124), and what to do when the holder is known to be dead: a lease that looked live was
 * never watched, so waiting one lease duration takes it; release --force frees it at once.
 */
function heldMessage(
  events: ElectionEvents,
  leaseName: string,
  lease: Lease,
  decision: Extract<AcquireDecision, { kind: 'wait' | 'conflict-self' }>,
  nowMs: number,
  waitFlag: string,
  tryOnce: boolean,
  renewedWhileConfirming: boolean,
): string {
  const [namespace, name] = leaseName.split('/') as [string, string];
  const outcome = renewedWhileConfirming
    ? `it looked expired, but it changed while we watched it, so its holder is alive (its clock may be behind) (${waitFlag})`
    : tryOnce
      ? `not waiting (${waitFlag})`
      : `gave up waiting (${waitFlag})`;
  const duration = formatDuration(decision.holder.leaseDurationMs);
  return `${describeHolder(events, leaseName, lease, decision, nowMs)}; ${outcome}; if its holder is known to be dead, wait it out with --wait ${duration} or free it now with: leasectl release -n ${namespace} --force ${name}`;
}

/**
 * Watches one lease from a resourceVersion, resuming as src/kube/list-watch.ts does. When the stream breaks, or the
 * watch gives up, it says so (onBreak); after giving up, the next ensure restarts it, at most once per retry period.
 */
class LeaseWatcher implements LeaseChanges {
  private controller: AbortController | undefined;
  private running = false;
  private lastStart = -Infinity;

  constructor(
    private readonly client: LeaseClient,
    private readonly ref: { namespace: string; name: string },
    private readonly onChange: (lease: Lease | undefined) => void,
    private readonly onBreak: () => void,
  ) {}

  ensure(resourceVersion: string | undefined, monotonicNow: number, retryPeriodMs: number): void {
    if (this.running || resourceVersion === undefined || monotonicNow - this.lastStart < retryPeriodMs) return;
    this.running = true;
    this.lastStart = monotonicNow;
    const controller = new AbortController();
    this.controller = controller;
    const { name } = this.ref;
    listThenWatch(this.client, {
      query: { namespace: this.ref.namespace, fieldSelector: `metadata.name=${name}` },
      resourceVersion,
      signal: controller.signal,
      // A get, as before the watch: a 404 ends the watch, and the loop's own read then decides.
      list: async (signal) => {
        const lease = await this.client.get(this.ref, { signal });
        return { leases: [lease], resourceVersion: lease.metadata.resourceVersion ?? '0' };
      },
      onList: (leases) => this.onChange(leases.find((lease) => lease.metadata.name === name)),
      onChange: (event) => {
        if (event.object?.metadata?.name === name) this.onChange(event.type === 'DELETED' ? undefined : event.object);
      },
      // Read now rather than at the next poll: a release may have happened while the stream was down.
      onInterrupted: () => this.onBreak(),
    })
      .catch(() => undefined) // polling carries on; the next wait re-watches
      .finally(() => {
        if (this.controller !== controller) return; // closed
        this.running = false;
        this.onBreak();
      });
  }

  close(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.running = false;
  }
}
