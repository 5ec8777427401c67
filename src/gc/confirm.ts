// gc deletes a lease only once its expiry is confirmed by observation (src/lease/expiry.ts): seen unchanged for its
// leaseDurationSeconds after the listing. A holder whose clock lags looks long expired by its renewTime while it
// renews; watching sees the renewal. The watch starts at the listing's resourceVersion, so no change after the
// listing is missed; the delete then carries the observed resourceVersion as its precondition, which is what
// guarantees that nothing changed in between: a watch that breaks only costs the early notice of a change.

import { sleep, type Clock } from '../clock.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { confirmedExpiredAt, DEFAULT_LEASE_DURATION_MS, isUnchanged, observe, type Observation } from '../lease/expiry.js';
import type { Lease } from '../lease/types.js';

export type Confirmation =
  /** Unchanged for its lease duration: delete it with this copy's uid and resourceVersion. */
  | { kind: 'confirmed'; lease: Lease }
  /** It changed (or was deleted: undefined) while watched: someone is alive, or it is gone. */
  | { kind: 'changed'; lease: Lease | undefined }
  /** The run was interrupted before it was confirmed. */
  | { kind: 'aborted' };

export interface ConfirmOptions {
  client: Pick<LeaseClient, 'watch'>;
  clock: Clock;
  /** The namespace listed; undefined for all namespaces. */
  namespace: string | undefined;
  /** The listing's resourceVersion, where the watch starts; undefined (no watch): the precondition alone decides. */
  resourceVersion: string | undefined;
  /** Monotonic ms when the listing arrived: every listed lease has been observed since then. */
  listedAt: number;
  signal: AbortSignal;
}

// One per candidate, so kept to data: a promise and closures for each of 20,000 leases were a fifth of what gc's
// heap kept (docs/performance.md). It is its own observation, for one object less each. A confirm() that has to
// wait leaves `wake` for the watch to call.
interface Watched extends Observation {
  confirmAt: number;
  /** The first change seen, once there is one (`lease` undefined: deleted). */
  seenChange: { lease: Lease | undefined } | undefined;
  wake: ((lease: Lease | undefined) => void) | undefined;
}

const RESUME_DELAY_MS = 1_000;

/** Watches the candidates of one gc run until each is confirmed expired or seen to change. */
export class ExpiryConfirmation {
  /** By namespace, then name: a key string joining the two was another string for each of 20,000 candidates. */
  private readonly watched = new Map<string, Map<string, Watched>>();
  private readonly stopWatch = new AbortController();
  /** Monotonic ms at which the last candidate is confirmed. */
  private readonly lastConfirmAt: number;

  constructor(
    private readonly options: ConfirmOptions,
    candidates: readonly Lease[],
  ) {
    let lastConfirmAt = options.listedAt;
    for (const lease of candidates) {
      const observation = observe(undefined, lease, options.listedAt);
      const confirmAt = confirmedExpiredAt(observation, lease, DEFAULT_LEASE_DURATION_MS);
      lastConfirmAt = Math.max(lastConfirmAt, confirmAt);
      const namespace = lease.metadata.namespace ?? '';
      let inNamespace = this.watched.get(namespace);
      if (inNamespace === undefined) this.watched.set(namespace, (inNamespace = new Map()));
      // Spelled out, not spread: on Node 20 each spread copy got a hidden class of its own (4.8 MB for 20,000).
      const { record, observedAt } = observation;
      inNamespace.set(lease.metadata.name, { record, observedAt, confirmAt, seenChange: undefined, wake: undefined });
    }
    this.lastConfirmAt = lastConfirmAt;
    if (options.resourceVersion !== undefined && candidates.length > 0) {
      void this.watch(options.resourceVersion);
      // Once every candidate has been watched for its lease duration the watch has done its work: a lease that
      // changes later is kept by its delete's preconditions. Watching on would only stream back gc's own deletes
      // (20,000 DELETED events, each a whole lease, in a run of 20,000).
      const stopWatch = this.stopWatch;
      void sleep(lastConfirmAt - options.clock.monotonic(), stopWatch.signal).then(() => stopWatch.abort());
    }
  }

  /** The candidates in the order they will be confirmed (stable for equal durations). */
  inConfirmationOrder(candidates: readonly Lease[]): Lease[] {
    return [...candidates].sort((a, b) => this.confirmAt(a) - this.confirmAt(b));
  }

  /** How long from the listing until the last candidate is confirmed, in ms. */
  get longestWaitMs(): number {
    return this.lastConfirmAt - this.options.listedAt;
  }

  /** Waits until `lease` is confirmed expired, changes, or the run is interrupted. */
  async confirm(lease: Lease): Promise<Confirmation> {
    const entry = this.entryOf(lease);
    if (entry === undefined) throw new Error(`not a candidate of this run: ${lease.metadata.namespace ?? ''}/${lease.metadata.name}`);
    const { clock, signal } = this.options;
    // Once the wait is over (for all but the first few of a large run), answer without a timer and an abort: each
    // abort builds a DOMException with its stack, a sixth of a 20,000-lease run's CPU (docs/performance.md).
    if (entry.seenChange !== undefined) return { kind: 'changed', lease: entry.seenChange.lease };
    if (entry.confirmAt <= clock.monotonic()) return signal.aborted ? { kind: 'aborted' } : { kind: 'confirmed', lease };
    // The wait ends on the run's signal too, through a signal of its own: a listener on the run's signal for each
    // waiting confirm() made Node warn of a leak (on stderr) once more than ten waited, as --concurrency 11 has.
    const timeUp = new AbortController();
    try {
      const changed = new Promise<Lease | undefined>((resolve) => (entry.wake = resolve));
      return await Promise.race([
        changed.then((changedTo): Confirmation => ({ kind: 'changed', lease: changedTo })),
        sleep(entry.confirmAt - clock.monotonic(), AbortSignal.any([signal, timeUp.signal])).then(
          (): Confirmation => (signal.aborted ? { kind: 'aborted' } : { kind: 'confirmed', lease }),
        ),
      ]);
    } finally {
      entry.wake = undefined;
      timeUp.abort();
    }
  }

  private confirmAt(lease: Lease): number {
    return this.entryOf(lease)?.confirmAt ?? this.options.listedAt;
  }

  private entryOf(lease: Lease): Watched | undefined {
    return this.watched.get(lease.metadata.namespace ?? '')?.get(lease.metadata.name);
  }

  close(): void {
    this.stopWatch.abort();
  }

  /** Watches from the listing on, resuming where a closed stream left off; a failed watch is given up on. */
  private async watch(fromResourceVersion: string): Promise<void> {
    let resourceVersion = fromResourceVersion;
    const signal = this.stopWatch.signal;
    while (!signal.aborted) {
      try {
        await this.options.client.watch(
          { namespace: this.options.namespace, resourceVersion, allowWatchBookmarks: true },
          (event) => {
            resourceVersion = event.object?.metadata?.resourceVersion ?? resourceVersion;
            if (event.type === 'BOOKMARK') return;
            const entry = this.entryOf(event.object);
            const lease = event.type === 'DELETED' ? undefined : event.object;
            if (entry === undefined || entry.seenChange !== undefined || isUnchanged(entry, lease)) return;
            entry.seenChange = { lease };
            entry.wake?.(lease);
          },
          signal,
        );
      } catch {
        return; // the delete preconditions still keep a changed lease
      }
      await sleep(RESUME_DELAY_MS, signal); // a server that keeps closing the stream at once is not hammered
    }
  }
}
