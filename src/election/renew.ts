// The renew loop: one compare-and-swap heartbeat about every retry period while the child runs. The lease is lost
// when no renewal has succeeded for --renew-deadline, counted from the *start* of the last successful attempt (the
// earliest instant its write can have landed, so the earliest anyone can have observed it), or at once when the
// lease is found taken, released, deleted or at the end of its coordinated term.

import type { Clock } from '../clock.js';
import { checkHolding, renewedLease, type ElectionConfig } from '../lease/election.js';
import { formatDuration } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { compareAndSwap, type CasDecision } from './compare-and-swap.js';
import type { ElectionEvents } from './events.js';
import { sleep } from '../clock.js';
import { withTimeout } from './timers.js';

export type LostReason = 'deadline' | 'taken' | 'released' | 'deleted' | 'end-of-term';

export interface LeaseLoss {
  reason: LostReason;
  /** The holder we found, when we found one. */
  holder: string | undefined;
  message: string;
}

export interface RenewerOptions {
  client: LeaseClient;
  clock: Clock;
  config: ElectionConfig;
  events: ElectionEvents;
  /** The lease as the acquiring write returned it. */
  lease: Lease;
  /** Monotonic ms at which the acquiring write was sent. */
  acquiredAt: number;
}

/** client-go bounds each request to max(1s, renewDeadline/2) so one hung call cannot eat the whole deadline. */
export function attemptTimeoutMs(renewDeadlineMs: number): number {
  return Math.max(1_000, renewDeadlineMs / 2);
}

export class LeaseRenewer {
  /** Settles (never rejects) when the lease is lost; never settles if stop() comes first. */
  readonly lost: Promise<LeaseLoss>;
  private current: Lease;
  private lastSuccessStart: number;
  private readonly stopController = new AbortController();
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private loss: LeaseLoss | undefined;
  private resolveLost!: (loss: LeaseLoss) => void;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: RenewerOptions) {
    this.current = options.lease;
    this.lastSuccessStart = options.acquiredAt;
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
  }

  /** The latest lease the server returned to us (carries the resourceVersion to release with). */
  get lease(): Lease {
    return this.current;
  }

  get lossInfo(): LeaseLoss | undefined {
    return this.loss;
  }

  start(): void {
    this.armDeadline();
    this.loop = this.run();
  }

  /** Stops renewing (aborting an attempt in flight) and returns the latest lease we know of. */
  async stop(): Promise<Lease> {
    this.stopController.abort();
    clearTimeout(this.deadlineTimer);
    await this.loop;
    return this.current;
  }

  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const { renewDeadlineMs } = this.options.config;
    const remaining = this.lastSuccessStart + renewDeadlineMs - this.options.clock.monotonic();
    this.deadlineTimer = setTimeout(() => {
      this.declareLost({
        reason: 'deadline',
        holder: undefined,
        message: `no renewal succeeded for --renew-deadline ${formatDuration(renewDeadlineMs)}`,
      });
    }, Math.max(0, remaining));
  }

  private declareLost(loss: LeaseLoss): void {
    if (this.loss !== undefined || this.stopController.signal.aborted) return;
    this.loss = loss;
    clearTimeout(this.deadlineTimer);
    this.stopController.abort();
    const { events } = this.options;
    events.emit('lost', { reason: loss.reason, holder: loss.holder ?? null }, `lost the lease: ${loss.message}`);
    this.resolveLost(loss);
  }

  private async run(): Promise<void> {
    const { clock, config, events } = this.options;
    const stopSignal = this.stopController.signal;
    let nextAttempt = this.lastSuccessStart + config.retryPeriodMs;
    while (!stopSignal.aborted) {
      await sleep(nextAttempt - clock.monotonic(), stopSignal);
      if (stopSignal.aborted) return;
      const attemptStart = clock.monotonic();
      nextAttempt = attemptStart + config.retryPeriodMs;
      const deadline = this.lastSuccessStart + config.renewDeadlineMs;
      const timeout = Math.min(attemptTimeoutMs(config.renewDeadlineMs), deadline - attemptStart);
      try {
        const renewed = await withTimeout((signal) => this.attempt(signal), timeout, stopSignal);
        if (renewed === undefined) return; // lost; declared inside
        this.current = renewed;
        this.lastSuccessStart = attemptStart;
        this.armDeadline();
        events.emit('renewed', { renew_time: renewed.spec?.renewTime ?? null }, `renewed (renewTime ${renewed.spec?.renewTime})`);
      } catch (error) {
        if (stopSignal.aborted) return;
        const left = Math.max(0, this.lastSuccessStart + config.renewDeadlineMs - clock.monotonic());
        const text = events.describe(error);
        events.warn(
          'renew_failed',
          { error: text, deadline_in_ms: Math.round(left) },
          `renewal failed (${text}); retrying, the lease is lost in ${(left / 1000).toFixed(1)}s without a renewal`,
        );
      }
    }
  }

  /** One renewal: a compare-and-swap from our last copy; after a conflict, renewed again only if still ours. */
  private attempt(signal: AbortSignal): Promise<Lease | undefined> {
    const { client, clock, config } = this.options;
    /** Ours to keep renewing, or the loss is declared (and undefined returned). */
    const stillHeld = (lease: Lease | undefined): lease is Lease => {
      const verdict = checkHolding(lease, config.identity);
      if (!verdict.held) this.declareLost(lossFrom(verdict));
      return verdict.held;
    };
    return compareAndSwap({
      client,
      ref: config.lease,
      known: { lease: this.current },
      send: (call) => call(signal),
      decide: (lease): CasDecision<Lease | undefined, 'update'> =>
        stillHeld(lease)
          ? { write: { verb: 'update', lease: renewedLease(lease, config, clock.now()) }, outcome: (updated) => (stillHeld(updated) ? updated : undefined) }
          : { done: undefined },
    });
  }
}

function lossFrom(verdict: Exclude<ReturnType<typeof checkHolding>, { held: true }>): LeaseLoss {
  switch (verdict.reason) {
    case 'deleted':
      return { reason: 'deleted', holder: undefined, message: 'the lease was deleted' };
    case 'released':
      return { reason: 'released', holder: undefined, message: 'the lease was released by someone else' };
    case 'taken':
      return { reason: 'taken', holder: verdict.holder, message: `the lease is now held by ${verdict.holder}` };
    case 'end-of-term':
      return {
        reason: 'end-of-term',
        holder: verdict.holder,
        message: `coordinated election marked the end of our term (preferredHolder ${verdict.preferredHolder})`,
      };
  }
}
