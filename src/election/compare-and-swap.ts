// The one read-decide-write of a lease. Read it (or start from a copy in hand), decide with a pure function of
// src/lease, write with the resourceVersion read; when another writer got there first (409, or the lease is gone),
// read again and decide again. The budget rule is the same for every caller: at most MAX_REREADS re-reads, then the
// conflict is the caller's. Transient errors are not retried here: how long to keep trying is each loop's own.

import type { LeaseClient, LeaseRef, RequestOptions } from '../kube/lease-client.js';
import type { Lease } from '../lease/types.js';
import { isAlreadyExists, isConflict, isNotFound, KubeApiError } from '../kube/errors.js';

/** Re-reads after a lost race before the conflict is given up on (client-go's RetryOnConflict allows 5 tries). */
export const MAX_REREADS = 5;

/** A write, carrying the resourceVersion it was decided on (a delete sends it and the uid as preconditions). */
export type LeaseWrite =
  | { verb: 'create'; lease: Lease }
  | { verb: 'update'; lease: Lease }
  | { verb: 'delete'; lease: Lease };

export type WriteVerb = LeaseWrite['verb'];

/** What the server returns for a write: the lease as written; nothing for a delete. */
export type Written<V extends WriteVerb> = V extends 'delete' ? undefined : Lease;

export type CasDecision<T, V extends WriteVerb = WriteVerb> =
  /** Write this; `outcome` says what the server's answer means. */
  | { write: Extract<LeaseWrite, { verb: V }>; outcome: (written: Written<V>) => T }
  /** Nothing to write: this is the answer. */
  | { done: T };

export interface CompareAndSwapOptions<T, V extends WriteVerb> {
  client: Pick<LeaseClient, 'get' | V>;
  ref: LeaseRef;
  /** A copy already in hand, decided on before any read; `{ lease: undefined }`: known to be absent. */
  known?: { lease: Lease | undefined };
  /** Decides on the lease as read (undefined: there is none). It may throw to refuse. */
  decide(lease: Lease | undefined): CasDecision<T, V>;
  /** `throw`: a missing lease is the API's NotFound error, as kubectl prints it, not a decision. */
  missing?: 'decide' | 'throw';
  /** Runs each request (bounding it in time, or aborting it); by default as is. */
  send?: <R>(call: (signal: AbortSignal | undefined) => Promise<R>, kind: 'read' | 'write') => Promise<R>;
}

export async function compareAndSwap<T, V extends WriteVerb>(options: CompareAndSwapOptions<T, V>): Promise<T> {
  const { client, ref } = options;
  const send = options.send ?? ((call) => call(undefined));
  const decideOnMissing = options.missing !== 'throw';
  let known = options.known;
  for (let rereads = 0; ; rereads++) {
    const lease = known !== undefined ? known.lease : await send((signal) => read(client, ref, decideOnMissing, signal), 'read');
    known = undefined;
    const decision = options.decide(lease);
    if ('done' in decision) return decision.done;
    try {
      // The client has the verb V that decision.write carries, and the server answers as Written<V> says.
      const writer = client as unknown as Pick<LeaseClient, WriteVerb>;
      return decision.outcome((await send((signal) => write(writer, ref, decision.write, { signal }), 'write')) as Written<V>);
    } catch (error) {
      if (!(error instanceof KubeApiError) || rereads >= MAX_REREADS) throw error;
      // Gone since the read (a create's 404 is a missing namespace: an error).
      if (isNotFound(error) && decision.write.verb !== 'create' && decideOnMissing) known = { lease: undefined };
      else if (!(isConflict(error) || isAlreadyExists(error))) throw error;
    }
  }
}

async function read(client: Pick<LeaseClient, 'get'>, ref: LeaseRef, decideOnMissing: boolean, signal: AbortSignal | undefined): Promise<Lease | undefined> {
  try {
    return await client.get(ref, { signal });
  } catch (error) {
    if (decideOnMissing && isNotFound(error)) return undefined;
    throw error;
  }
}

async function write(client: Pick<LeaseClient, WriteVerb>, ref: LeaseRef, change: LeaseWrite, options: RequestOptions): Promise<Lease | undefined> {
  const { lease } = change;
  switch (change.verb) {
    case 'create':
      return client.create(ref.namespace, lease, options);
    case 'update':
      return client.update(lease, options);
    case 'delete':
      await client.delete(ref, { uid: lease.metadata.uid, resourceVersion: lease.metadata.resourceVersion }, options);
      return undefined;
  }
}
