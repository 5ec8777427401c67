import { describe, expect, it } from 'vitest';
import type { Confirmation } from '../../src/gc/confirm.js';
import { executeGarbageCollection, KEPT_GONE, KEPT_RENEWED, KEPT_REPLACED } from '../../src/gc/execute.js';
import { KubeApiError, KubeTransportError } from '../../src/kube/errors.js';
import type { DeletePreconditions, LeaseClient, LeaseRef } from '../../src/kube/lease-client.js';
import type { Lease } from '../../src/lease/types.js';

function lease(name: string, resourceVersion = '1', uid = `uid-${name}`): Lease {
  return { metadata: { name, namespace: 'apps', uid, resourceVersion }, spec: { holderIdentity: 'a', leaseDurationSeconds: 1 } };
}

function apiError(code: number, reason: string, message = reason): KubeApiError {
  return new KubeApiError({ kind: 'Status', status: 'Failure', code, reason, message }, code);
}

/**
 * An in-memory Lease store that honours delete preconditions like the apiserver (409 Conflict on a uid or
 * resourceVersion mismatch, 404 when absent) and records how many deletes ran at once.
 */
class FakeLeases implements Pick<LeaseClient, 'get' | 'delete'> {
  readonly store = new Map<string, Lease>();
  inFlight = 0;
  maxInFlight = 0;
  deleteCalls: { name: string; preconditions: DeletePreconditions | undefined }[] = [];
  /** Runs before a delete is judged; lets a test change the store in between. */
  beforeDelete: (ref: LeaseRef, call: number) => void | Promise<void> = () => {};
  deleteError: (ref: LeaseRef) => Error | undefined = () => undefined;

  constructor(leases: Lease[]) {
    for (const item of leases) this.store.set(item.metadata.name, item);
  }

  async get(ref: LeaseRef): Promise<Lease> {
    const found = this.store.get(ref.name);
    if (!found) throw apiError(404, 'NotFound', `leases.coordination.k8s.io "${ref.name}" not found`);
    return found;
  }

  async delete(ref: LeaseRef, preconditions?: DeletePreconditions): Promise<void> {
    this.deleteCalls.push({ name: ref.name, preconditions });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await this.beforeDelete(ref, this.deleteCalls.length);
      const injected = this.deleteError(ref);
      if (injected) throw injected;
      const found = this.store.get(ref.name);
      if (!found) throw apiError(404, 'NotFound');
      if (preconditions?.uid && preconditions.uid !== found.metadata.uid) throw apiError(409, 'Conflict', 'Precondition failed: UID in precondition');
      if (preconditions?.resourceVersion && preconditions.resourceVersion !== found.metadata.resourceVersion) {
        throw apiError(409, 'Conflict', 'the ResourceVersion in the precondition does not match');
      }
      this.store.delete(ref.name);
    } finally {
      this.inFlight--;
    }
  }
}

/** Every lease confirmed expired as listed (confirm.ts is tested on its own). */
const confirmed = async (listed: Lease): Promise<Confirmation> => ({ kind: 'confirmed', lease: listed });
const keptNames = (kept: { lease: Lease; reason: string }[]) => kept.map(({ lease, reason }) => [lease.metadata.name, reason]);

describe('executeGarbageCollection', () => {
  it('deletes each lease with the uid and resourceVersion from the listing', async () => {
    const leases = [lease('a', '5'), lease('b', '6')];
    const client = new FakeLeases(leases);
    const result = await executeGarbageCollection(client, leases, { concurrency: 2, confirm: confirmed });
    expect(result.deleted.map((item) => item.metadata.name).sort()).toEqual(['a', 'b']);
    expect(client.deleteCalls).toContainEqual({ name: 'a', preconditions: { uid: 'uid-a', resourceVersion: '5' } });
    expect(client.store.size).toBe(0);
  });

  it('keeps a lease renewed since the listing (409 on delete, re-read shows it fresh)', async () => {
    const listed = lease('renewed', '1');
    const client = new FakeLeases([listed]);
    client.beforeDelete = () => void client.store.set('renewed', lease('renewed', '2'));
    const result = await executeGarbageCollection(client, [listed], { concurrency: 1, confirm: confirmed });
    expect(result.deleted).toEqual([]);
    expect(keptNames(result.kept)).toEqual([['renewed', KEPT_RENEWED]]);
    expect(client.store.has('renewed')).toBe(true);
  });

  it('never retries a delete whose precondition failed: a change after the last look is a sign of life', async () => {
    const listed = lease('relabelled', '1');
    const client = new FakeLeases([listed]);
    client.beforeDelete = (_, call) => {
      if (call === 1) client.store.set('relabelled', lease('relabelled', '2'));
    };
    const result = await executeGarbageCollection(client, [listed], { concurrency: 1, confirm: confirmed });
    expect(keptNames(result.kept)).toEqual([['relabelled', KEPT_RENEWED]]);
    expect(client.deleteCalls.map((call) => call.preconditions?.resourceVersion)).toEqual(['1']);
    expect(client.store.has('relabelled')).toBe(true);
  });

  it('keeps a lease seen changing while it was watched, without sending a delete', async () => {
    const listed = lease('alive', '1');
    const client = new FakeLeases([listed]);
    const result = await executeGarbageCollection(client, [listed], { concurrency: 1, confirm: async () => ({ kind: 'changed', lease: lease('alive', '2') }) });
    expect(keptNames(result.kept)).toEqual([['alive', KEPT_RENEWED]]);
    expect(client.deleteCalls).toEqual([]);
  });

  it('deletes with the uid and resourceVersion of the copy that was confirmed', async () => {
    const listed = lease('a', '5');
    const client = new FakeLeases([listed]);
    await executeGarbageCollection(client, [listed], { concurrency: 1, confirm: confirmed });
    expect(client.deleteCalls).toEqual([{ name: 'a', preconditions: { uid: 'uid-a', resourceVersion: '5' } }]);
  });

  it('an interrupted confirmation leaves the lease not attempted', async () => {
    const listed = lease('waiting');
    const client = new FakeLeases([listed]);
    const result = await executeGarbageCollection(client, [listed], { concurrency: 1, confirm: async () => ({ kind: 'aborted' }) });
    expect(result.notAttempted).toEqual([listed]);
    expect(client.deleteCalls).toEqual([]);
  });

  it('keeps a lease replaced by a new one with the same name (different uid)', async () => {
    const listed = lease('reborn', '1', 'old-uid');
    const client = new FakeLeases([lease('reborn', '9', 'new-uid')]);
    const result = await executeGarbageCollection(client, [listed], { concurrency: 1, confirm: confirmed });
    expect(keptNames(result.kept)).toEqual([['reborn', KEPT_REPLACED]]);
    expect(client.store.has('reborn')).toBe(true);
  });

  it('counts a lease someone else deleted (404) as kept-not-found, not as a failure', async () => {
    const listed = lease('gone');
    const client = new FakeLeases([]);
    const result = await executeGarbageCollection(client, [listed], { concurrency: 1, confirm: confirmed });
    expect(result.failed).toEqual([]);
    expect(keptNames(result.kept)).toEqual([['gone', KEPT_GONE]]);
  });

  it('reports a forbidden delete as failed with the API error, and goes on with the rest', async () => {
    const leases = [lease('a'), lease('b')];
    const client = new FakeLeases(leases);
    const forbidden = apiError(403, 'Forbidden', 'leases.coordination.k8s.io "a" is forbidden');
    client.deleteError = (ref) => (ref.name === 'a' ? forbidden : undefined);
    const result = await executeGarbageCollection(client, leases, { concurrency: 1, confirm: confirmed });
    expect(result.failed).toEqual([{ lease: leases[0], error: forbidden }]);
    expect(result.deleted.map((item) => item.metadata.name)).toEqual(['b']);
  });

  it('reports a transport error as failed', async () => {
    const client = new FakeLeases([lease('a')]);
    client.deleteError = () => new KubeTransportError('Unable to connect to the server: connection refused');
    const result = await executeGarbageCollection(client, [lease('a')], { concurrency: 1, confirm: confirmed });
    expect(result.failed).toHaveLength(1);
  });

  it('never has more deletes in flight than the concurrency, and accounts for every lease', async () => {
    const leases = Array.from({ length: 100 }, (_, i) => lease(`lease-${i}`));
    const client = new FakeLeases(leases);
    const settledCounts: number[] = [];
    const result = await executeGarbageCollection(client, leases, {
      concurrency: 8,
      confirm: confirmed,
      onOutcome: (_, settled) => settledCounts.push(settled),
    });
    expect(client.maxInFlight).toBe(8);
    expect(result.deleted).toHaveLength(100);
    expect(settledCounts).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('stops starting deletes when aborted and lists the rest as not attempted', async () => {
    const leases = Array.from({ length: 10 }, (_, i) => lease(`lease-${i}`));
    const client = new FakeLeases(leases);
    const stop = new AbortController();
    const result = await executeGarbageCollection(client, leases, {
      concurrency: 2,
      confirm: confirmed,
      signal: stop.signal,
      onOutcome: (_, settled) => settled === 3 && stop.abort(),
    });
    const accounted = result.deleted.length + result.notAttempted.length;
    expect(accounted).toBe(10);
    expect(result.deleted.length).toBeLessThanOrEqual(4);
    expect(result.notAttempted.length).toBeGreaterThan(0);
  });
});
