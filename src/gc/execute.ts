// Deletes the planned leases with bounded concurrency. Every delete carries the uid and resourceVersion seen in
// the listing, so a lease renewed (or replaced) in between is never deleted: the apiserver answers 409 and the
// lease is re-read and judged again.
import { KubeApiError } from '../kube/errors.js';
import type { DeletePreconditions, LeaseClient, LeaseRef } from '../kube/lease-client.js';
import type { Lease } from '../lease/types.js';

export const DEFAULT_GC_CONCURRENCY = 8;

export const KEPT_RENEWED = 'renewed since listing';
export const KEPT_CHANGED = 'changed again while being deleted';
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
  /** Judges a lease re-read after a precondition conflict: may gc still delete it? */
  stillCandidate(lease: Lease): boolean;
  /** Called as each lease is settled, in completion order; `settled` counts them so far. */
  onOutcome?(outcome: GcOutcome, settled: number): void;
  /** Aborting stops new deletes; those in flight finish. */
  signal?: AbortSignal;
}

function refOf(lease: Lease): LeaseRef {
  return { namespace: lease.metadata.namespace ?? '', name: lease.metadata.name };
}

function preconditionsOf(lease: Lease): DeletePreconditions {
  return { uid: lease.metadata.uid, resourceVersion: lease.metadata.resourceVersion };
}

function isApiError(error: unknown, test: (error: KubeApiError) => boolean): boolean {
  return error instanceof KubeApiError && test(error);
}

/** One lease: delete with preconditions; on conflict re-read, re-judge, and try once more with the new version. */
async function collectOne(client: Pick<LeaseClient, 'get' | 'delete'>, lease: Lease, stillCandidate: (lease: Lease) => boolean): Promise<GcOutcome> {
  const ref = refOf(lease);
  try {
    await client.delete(ref, preconditionsOf(lease));
    return { kind: 'deleted', lease };
  } catch (error) {
    if (isApiError(error, (e) => e.isNotFound)) return { kind: 'kept', lease, reason: KEPT_GONE };
    if (!isApiError(error, (e) => e.isConflict)) return { kind: 'failed', lease, error };
  }

  let current: Lease;
  try {
    current = await client.get(ref);
  } catch (error) {
    if (isApiError(error, (e) => e.isNotFound)) return { kind: 'kept', lease, reason: KEPT_GONE };
    return { kind: 'failed', lease, error };
  }
  if (current.metadata.uid !== lease.metadata.uid) return { kind: 'kept', lease, reason: KEPT_REPLACED };
  if (!stillCandidate(current)) return { kind: 'kept', lease: current, reason: KEPT_RENEWED };
  try {
    await client.delete(ref, preconditionsOf(current));
    return { kind: 'deleted', lease: current };
  } catch (error) {
    if (isApiError(error, (e) => e.isNotFound)) return { kind: 'kept', lease, reason: KEPT_GONE };
    if (isApiError(error, (e) => e.isConflict)) return { kind: 'kept', lease: current, reason: KEPT_CHANGED };
    return { kind: 'failed', lease: current, error };
  }
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
      const outcome = await collectOne(client, leases[next++]!, options.stillCandidate);
      if (outcome.kind === 'deleted') result.deleted.push(outcome.lease);
      else if (outcome.kind === 'kept') result.kept.push({ lease: outcome.lease, reason: outcome.reason });
      else result.failed.push({ lease: outcome.lease, error: outcome.error });
      options.onOutcome?.(outcome, ++settled);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, leases.length));
  await Promise.all(Array.from({ length: workers }, worker));
  result.notAttempted = leases.slice(next);
  return result;
}
