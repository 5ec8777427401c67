// Releasing: a compare-and-swap of client-go's release record, only while the lease is still held as `mayRelease`
// requires; a conflict means re-read and decide again (compare-and-swap.ts), transient errors retried for a bounded
// time (client-go 1.37's tryRelease).

import type { Clock } from '../clock.js';
import { releasedLease, type LeaseName } from '../lease/election.js';
import type { Lease } from '../lease/types.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { isTransient } from '../kube/errors.js';
import { compareAndSwap, type CasDecision } from './compare-and-swap.js';
import { sleep } from '../clock.js';
import { withTimeout } from './timers.js';

export type ReleaseOutcome =
  | { kind: 'released'; lease: Lease; previousHolder: string }
  /** Not ours (or nobody's) to release: someone else holds it, it is free, or it is gone. */
  | { kind: 'not-held'; lease: Lease | undefined };

export interface ReleaseOptions {
  client: LeaseClient;
  clock: Clock;
  ref: LeaseName;
  /** Whether this lease, freshly read, may be released by us. */
  mayRelease: (lease: Lease) => boolean;
  /** The latest copy we have (saves a read); re-read on conflict. */
  known?: Lease;
  /** Give up (rejecting with the last error) after this long. */
  timeoutMs: number;
  /** Bound for one request. */
  attemptTimeoutMs: number;
  /** Pause between attempts after a transient error. */
  retryDelayMs: number;
}

export async function releaseLease(options: ReleaseOptions): Promise<ReleaseOutcome> {
  const { client, clock, ref } = options;
  const giveUpAt = clock.monotonic() + options.timeoutMs;
  let known = options.known === undefined ? undefined : { lease: options.known };
  for (;;) {
    try {
      return await compareAndSwap({
        client,
        ref,
        known,
        send: (call) => withTimeout(call, budget()),
        decide: (lease): CasDecision<ReleaseOutcome, 'update'> => {
          if (lease === undefined || !options.mayRelease(lease)) return { done: { kind: 'not-held', lease } };
          const previousHolder = lease.spec?.holderIdentity ?? '';
          return { write: { verb: 'update', lease: releasedLease(lease, clock.now()) }, outcome: (released) => ({ kind: 'released', lease: released, previousHolder }) };
        },
      });
    } catch (error) {
      known = undefined;
      if (clock.monotonic() >= giveUpAt || !isTransient(error)) throw error;
      await sleep(Math.min(options.retryDelayMs, giveUpAt - clock.monotonic()));
    }
  }

  function budget(): number {
    return Math.max(1, Math.min(options.attemptTimeoutMs, giveUpAt - clock.monotonic()));
  }
}
