import { describe, expect, it } from 'vitest';
import type { Confirmation } from '../../src/gc/confirm.js';
import { executeGarbageCollection, KEPT_GONE, KEPT_RENEWED, KEPT_REPLACED } from '../../src/gc/execute.js';
import { KubeApiError, KubeTransportError } from '../../src/kube/errors.js';
import type { DeletePreconditions, LeaseClient, LeaseRef } from '../../src/kube/lease-client.js';
import type { Lease } from '../../src/lease/types.js';
import { MemoryLeaseClient, testLease } from '../support/lease-client.js';

const lease = (name: string, uid = `uid-${name}`): Lease => testLease(name, { holderIdentity: 'a', leaseDurationSeconds: 1 }, { namespace: 'apps', uid });

function apiError(code: number, reason: string, message = reason): KubeApiError {
  return new KubeApiError({ kind: 'Status', status: 'Failure', code, reason, message }, code);
}

/**
 * The in-memory Lease API (delete preconditions as the apiserver judges them), seeded with `leases`, whose deletes
 * take a moment each so that the test can count how many run at once.
 */
function leasesApi(leases: Lease[]) {
  const api = new MemoryLeaseClient();
  const listed = leases.map((item) => api.seed(item));
  const probe = {
    inFlight: 0,
    maxInFlight: 0,
    deleteCalls: [] as { name: string; preconditions: DeletePreconditions | undefined }[],
    get: (ref: LeaseRef) => api.get(ref),
    async delete(ref: LeaseRef, preconditions?: DeletePreconditions): Promise<void> {
      probe.deleteCalls.push({ name: ref.name, preconditions });
      probe.inFlight++;
      probe.maxInFlight = Math.max(probe.maxInFlight, probe.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        await api.delete(ref, preconditions);
      } finally {
        probe.inFlight--;
      }
    },
  } satisfies Pick<LeaseClient, 'get' | 'delete'> & Record<string, unknown>;
  const stored = () => api.store.list('apps').map((record) => record.name);
  return { api, client: probe, listed, stored };
}

/** Every lease confirmed expired as listed (confirm.ts is tested on its own). */
const confirmed = async (listed: Lease): Promise<Confirmation> => ({ kind: 'confirmed', lease: listed });
const keptNames = (kept: { lease: Lease; reason: string }[]) => kept.map(({ lease, reason }) => [lease.metadata.name, reason]);

describe('executeGarbageCollection', () => {
  it('deletes each lease with the uid and resourceVersion from the listing', async () => {
    const { client, listed, stored } = leasesApi([lease('a'), lease('b')]);
    const result = await executeGarbageCollection(client, listed, { concurrency: 2, confirm: confirmed });
    expect(result.deleted.map((item) => item.metadata.name).sort()).toEqual(['a', 'b']);
    expect(client.deleteCalls).toContainEqual({ name: 'a', preconditions: { uid: 'uid-a', resourceVersion: listed[0]!.metadata.resourceVersion } });
    expect(stored()).toEqual([]);
  });

  it('keeps a lease renewed since the listing (409 on delete, re-read shows it fresh)', async () => {
    const { api, client, listed, stored } = leasesApi([lease('renewed')]);
    api.beforeNext('delete', () => api.write('apps', 'renewed', { renewTime: '2026-01-01T00:00:01.000000Z' }));
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: confirmed });
    expect(result.deleted).toEqual([]);
    expect(keptNames(result.kept)).toEqual([['renewed', KEPT_RENEWED]]);
    expect(stored()).toEqual(['renewed']);
  });

  it('never retries a delete whose precondition failed: a change after the last look is a sign of life', async () => {
    const { api, client, listed, stored } = leasesApi([lease('relabelled')]);
    api.beforeNext('delete', () => api.write('apps', 'relabelled', {}, { labels: { moved: 'yes' } }));
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: confirmed });
    expect(keptNames(result.kept)).toEqual([['relabelled', KEPT_RENEWED]]);
    expect(client.deleteCalls.map((call) => call.preconditions?.resourceVersion)).toEqual([listed[0]!.metadata.resourceVersion]);
    expect(stored()).toEqual(['relabelled']);
  });

  it('keeps a lease seen changing while it was watched, without sending a delete', async () => {
    const { client, listed } = leasesApi([lease('alive')]);
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: async () => ({ kind: 'changed', lease: lease('alive') }) });
    expect(keptNames(result.kept)).toEqual([['alive', KEPT_RENEWED]]);
    expect(client.deleteCalls).toEqual([]);
  });

  it('deletes with the uid and resourceVersion of the copy that was confirmed', async () => {
    const { client, listed } = leasesApi([lease('a')]);
    await executeGarbageCollection(client, listed, { concurrency: 1, confirm: confirmed });
    expect(client.deleteCalls).toEqual([{ name: 'a', preconditions: { uid: 'uid-a', resourceVersion: listed[0]!.metadata.resourceVersion } }]);
  });

  it('an interrupted confirmation leaves the lease not attempted', async () => {
    const { client, listed } = leasesApi([lease('waiting')]);
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: async () => ({ kind: 'aborted' }) });
    expect(result.notAttempted).toEqual(listed);
    expect(client.deleteCalls).toEqual([]);
  });

  it('keeps a lease replaced by a new one with the same name (different uid)', async () => {
    const { api, client, listed, stored } = leasesApi([lease('reborn', 'old-uid')]);
    api.remove('apps', 'reborn');
    api.seed(lease('reborn', 'new-uid'));
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: confirmed });
    expect(keptNames(result.kept)).toEqual([['reborn', KEPT_REPLACED]]);
    expect(stored()).toEqual(['reborn']);
  });

  it('counts a lease someone else deleted (404) as kept-not-found, not as a failure', async () => {
    const { api, client, listed } = leasesApi([lease('gone')]);
    api.remove('apps', 'gone');
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: confirmed });
    expect(result.failed).toEqual([]);
    expect(keptNames(result.kept)).toEqual([['gone', KEPT_GONE]]);
  });

  it('reports a forbidden delete as failed with the API error, and goes on with the rest', async () => {
    const { api, client, listed } = leasesApi([lease('a'), lease('b')]);
    const forbidden = apiError(403, 'Forbidden', 'leases.coordination.k8s.io "a" is forbidden');
    api.refuse('delete', 'a', forbidden);
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: confirmed });
    expect(result.failed).toEqual([{ lease: listed[0], error: forbidden }]);
    expect(result.deleted.map((item) => item.metadata.name)).toEqual(['b']);
  });

  it('reports a transport error as failed', async () => {
    const { api, client, listed } = leasesApi([lease('a')]);
    api.failNext('delete', new KubeTransportError('Unable to connect to the server: connection refused'));
    const result = await executeGarbageCollection(client, listed, { concurrency: 1, confirm: confirmed });
    expect(result.failed).toHaveLength(1);
  });

  it('never has more deletes in flight than the concurrency, and accounts for every lease', async () => {
    const { client, listed } = leasesApi(Array.from({ length: 100 }, (_, i) => lease(`lease-${i}`)));
    const settledCounts: number[] = [];
    const result = await executeGarbageCollection(client, listed, {
      concurrency: 8,
      confirm: confirmed,
      onOutcome: (_, settled) => settledCounts.push(settled),
    });
    expect(client.maxInFlight).toBe(8);
    expect(result.deleted).toHaveLength(100);
    expect(settledCounts).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('stops starting deletes when aborted and lists the rest as not attempted', async () => {
    const { client, listed } = leasesApi(Array.from({ length: 10 }, (_, i) => lease(`lease-${i}`)));
    const stop = new AbortController();
    const result = await executeGarbageCollection(client, listed, {
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
