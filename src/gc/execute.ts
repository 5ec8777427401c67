// Deletes the planned leases with bounded concurrency, each once its expiry is confirmed by observation
// (confirm.ts). Every delete carries the uid and resourceVersion observed, so a lease renewed (or replaced) after
// the last look is never deleted: the apiserver answers 409 and the lease is kept.
import { compareAndSwap, type CasDecision } from '../election/compare-and-swap.js';
import type { LeaseClient, LeaseRef } from '../kube/lease-client.js';
import type { Lease } from '../lease/types.js';
import type { Confirmation } from './confirm.js';

export const KEPT_RENEWED = 'renewed since listing';
export const KEPT_REPLACED = 'replaced since listing (a new lease with the same name)';
export const KEPT_GONE = 'not found: already deleted';

export type GcOutcome =
  | { kind: 'deleted'; lease: Lease }
  | { kind: 'kept'; lease: Lease; reason: string }
  | { kind: 'failed'; lease: Lease; error: unknown };

export interface GcExecution {
  deleted: Lease[];
  kept: { lease: Lease; reason: string }[];
  failed: { lease: Lease; error: unknown }[];
  /** Left untouched because the run was interrupted. */
  notAttempted: Lease[];
}

export interface GcExecuteOptions {
  /** How many deletes may be in flight at once (at least 1). */
  concurrency: number;
  /** Resolves once the lease is confirmed expired (or seen to change, or the run is interrupted). */
  confirm(lease: Lease): Promise<Confirmation>;
  /** Called as each lease is settled, in completion order; `settled` counts them so far. */
  onOutcome?(outcome: GcOutcome, settled: number): void;
  /** Aborting stops new deletes; those in flight finish. */
  signal?: AbortSignal;
}

function refOf(lease: Lease): LeaseRef {
  return { namespace: lease.metadata.namespace ?? '', name: lease.metadata.name };
}

/**
 * One confirmed lease: delete it with the observed uid and resourceVersion. A conflict means it changed after the
 * last look, so it is re-read and judged again, and kept (never deleted on a second look: a change is a sign of life).
 */
async function collectOne(client: Pick<LeaseClient, 'get' | 'delete'>, lease: Lease): Promise<GcOutcome> {
  try {
    return await compareAndSwap({
      client,
      ref: refOf(lease),
      known: { lease },
      decide: (current): CasDecision<GcOutcome, 'delete'> =>
        current !== undefined && current.metadata.uid === lease.metadata.uid && current.metadata.resourceVersion === lease.metadata.resourceVersion
          ? { write: { verb: 'delete', lease: current }, outcome: () => ({ kind: 'deleted', lease }) }
          : { done: changedOutcome(lease, current) },
    });
  } catch (error) {
    return { kind: 'failed', lease, error };
  }
}

/** What a watched change means for the lease: gone, replaced by a new one, or changed (kept either way). */
function changedOutcome(listed: Lease, current: Lease | undefined): GcOutcome {
  if (current === undefined) return { kind: 'kept', lease: listed, reason: KEPT_GONE };
  if (current.metadata.uid !== listed.metadata.uid) return { kind: 'kept', lease: listed, reason: KEPT_REPLACED };
  return { kind: 'kept', lease: current, reason: KEPT_RENEWED };
}

export async function executeGarbageCollection(
  client: Pick<LeaseClient, 'get' | 'delete'>,
  leases: readonly Lease[],
  options: GcExecuteOptions,
): Promise<GcExecution> {
  const result: GcExecution = { deleted: [], kept: [], failed: [], notAttempted: [] };
  let next = 0;
  let settled = 0;
  const worker = async (): Promise<void> => {
    while (next < leases.length && !options.signal?.aborted) {
      const lease = leases[next++]!;
      const confirmation = await options.confirm(lease);
      if (confirmation.kind === 'aborted') {
        result.notAttempted.push(lease);
        continue;
      }
      const outcome = confirmation.kind === 'changed' ? changedOutcome(lease, confirmation.lease) : await collectOne(client, confirmation.lease);
      if (outcome.kind === 'deleted') result.deleted.push(outcome.lease);
      else if (outcome.kind === 'kept') result.kept.push({ lease: outcome.lease, reason: outcome.reason });
      else result.failed.push({ lease: outcome.lease, error: outcome.error });
      options.onOutcome?.(outcome, ++settled);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, leases.length));
  await Promise.all(Array.from({ length: workers }, worker));
  result.notAttempted.push(...leases.slice(next));
  return result;
}
