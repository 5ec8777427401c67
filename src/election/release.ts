// Releasing: a compare-and-swap of client-go's release record, only while the lease is still held as `mayRelease`
// requires; a conflict means re-read and decide again, bounded in time (client-go 1.37's tryRelease).

import type { Clock } from '../clock.js';
import { releasedLease, type LeaseName } from '../lease/election.js';
import type { Lease } from '../lease/types.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { isConflictOrGone, isNotFound, isTransient } from './api-errors.js';
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
  let known = options.known;
  for (;;) {
    try {
      if (known === undefined) {
        try {
          known = await withTimeout((signal) => client.get(ref, { signal }), budget());
        } catch (error) {
          if (isNotFound(error)) return { kind: 'not-held', lease: undefined };
          throw error;
        }
      }
      if (!options.mayRelease(known)) return { kind: 'not-held', lease: known };
      const previousHolder = known.spec?.holderIdentity ?? '';
      const released = await withTimeout((signal) => client.update(releasedLease(known as Lease, clock.now()), { signal }), budget());
      return { kind: 'released', lease: released, previousHolder };
    } catch (error) {
      known = undefined;
      if (clock.monotonic() >= giveUpAt) throw error;
      if (isConflictOrGone(error)) continue;
      if (!isTransient(error)) throw error;
      await sleep(Math.min(options.retryDelayMs, giveUpAt - clock.monotonic()));
    }
  }

  function budget(): number {
    return Math.max(1, Math.min(options.attemptTimeoutMs, giveUpAt - clock.monotonic()));
  }
}
