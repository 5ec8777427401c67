// The test kit's in-memory LeaseClient answers as kube-apiserver v1.26.1 did in the recordings (test/sandbox/
// apiserver-recordings): the same Status bodies for the same mistakes, with the names and numbers of this run.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeApiError, KubeInputError, KubeTransportError, type Status } from '../../src/kube/errors.js';
import type { WatchEvent } from '../../src/kube/lease-client.js';
import { MemoryLeaseClient, testLease } from '../support/lease-client.js';

/** The Status a recording got back, with its lease's name, uid and resourceVersions swapped for this run's. */
function recordedStatus(file: string, replace: Record<string, string> = {}): Status {
  const recording = JSON.parse(readFileSync(resolve(import.meta.dirname, '../sandbox/apiserver-recordings', file), 'utf8'));
  let text = JSON.stringify(recording.response.json);
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  return JSON.parse(text) as Status;
}

async function failure(promise: Promise<unknown>): Promise<KubeApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeApiError);
  return error as KubeApiError;
}

describe('MemoryLeaseClient answers as kube-apiserver does', () => {
  it('get of a missing lease: 404 NotFound (recording 081)', async () => {
    const client = new MemoryLeaseClient();
    const error = await failure(client.get({ namespace: 'default', name: 'does-not-exist' }));
    expect(error.status).toEqual(recordedStatus('081-get-missing.json'));
    expect(error.code).toBe(404);
  });

  it('create of a name taken: 409 AlreadyExists (recording 013)', async () => {
    const client = new MemoryLeaseClient();
    await client.create('default', testLease('alpha', { holderIdentity: 'a' }));
    const error = await failure(client.create('default', testLease('alpha')));
    expect(error.status).toEqual(recordedStatus('013-create-lease-already-exists.json'));
    expect(error.reason).toBe('AlreadyExists');
  });

  it('update with a stale resourceVersion: 409 Conflict, the optimistic-lock message (recording 036)', async () => {
    const client = new MemoryLeaseClient();
    const created = await client.create('default', testLease('alpha', { holderIdentity: 'a' }));
    await client.update({ ...created, spec: { holderIdentity: 'b' } });
    const error = await failure(client.update({ ...created, spec: { holderIdentity: 'c' } }));
    expect(error.status).toEqual(recordedStatus('036-put-stale-rv.json'));
  });

  it('update without a resourceVersion: 422 Invalid (recording 037)', async () => {
    const client = new MemoryLeaseClient();
    const created = await client.create('default', testLease('alpha', { holderIdentity: 'a' }));
    const error = await failure(client.update({ ...created, metadata: { ...created.metadata, resourceVersion: undefined } }));
    expect(error.status).toEqual(recordedStatus('037-put-no-rv.json'));
  });

  it('delete with a uid or resourceVersion precondition that no longer holds: 409 Conflict (recordings 107, 108)', async () => {
    const client = new MemoryLeaseClient();
    const created = await client.create('default', testLease('del-pre-uid', { holderIdentity: 'a' }));
    const uidError = await failure(client.delete({ namespace: 'default', name: 'del-pre-uid' }, { uid: '00000000-0000-0000-0000-000000000000' }));
    expect(uidError.status).toEqual(recordedStatus('107-delete-precondition-uid-mismatch.json', { '2bba8047-328f-4210-b929-e03965470f0d': created.metadata.uid! }));
    await client.create('default', testLease('del-pre-rv', { holderIdentity: 'a' }));
    const stale = client.peek('default', 'del-pre-rv')!;
    const rvError = await failure(client.delete({ namespace: 'default', name: 'del-pre-rv' }, { resourceVersion: '1' }));
    expect(rvError.status).toEqual(recordedStatus('108-delete-precondition-rv-mismatch.json', { '(28314)': `(${stale.metadata.resourceVersion})` }));
    await client.delete({ namespace: 'default', name: 'del-pre-rv' }, { uid: stale.metadata.uid, resourceVersion: stale.metadata.resourceVersion });
    expect(client.peek('default', 'del-pre-rv')).toBeUndefined();
  });

  it('a watch from a resourceVersion older than the window: 410 Expired (recording 131)', async () => {
    const client = new MemoryLeaseClient();
    const error = await failure(client.watch({ namespace: 'default', resourceVersion: '1' }, () => undefined, new AbortController().signal));
    expect(error.code).toBe(410);
    expect(error.reason).toBe('Expired');
    expect(error.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it('a watch delivers each write after its resourceVersion, as ADDED, MODIFIED and DELETED, until aborted', async () => {
    const client = new MemoryLeaseClient();
    const before = client.seed(testLease('w', { holderIdentity: 'a' }));
    const events: WatchEvent[] = [];
    const stop = new AbortController();
    const watching = client.watch({ namespace: 'default', resourceVersion: before.metadata.resourceVersion! }, (event) => events.push(event), stop.signal);
    await new Promise((resolve) => setImmediate(resolve));
    client.write('default', 'w', { holderIdentity: 'b' });
    client.seed(testLease('x'));
    client.remove('default', 'w');
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    await watching;
    expect(events.map((event) => [event.type, event.object.metadata.name, event.object.spec?.holderIdentity])).toEqual([
      ['MODIFIED', 'w', 'b'],
      ['ADDED', 'x', undefined],
      ['DELETED', 'w', 'b'],
    ]);
  });

  it('a namespace or name that would leave its path segment is refused before it reaches the server', async () => {
    const client = new MemoryLeaseClient();
    await expect(client.get({ namespace: '..', name: 'x' })).rejects.toThrow(KubeInputError);
    await expect(client.listPage({ namespace: 'a/b' })).rejects.toThrow(KubeInputError);
    expect(client.calls).toEqual([]);
  });

  it('failNext, refuse and hang play a failing server; calls logs what was asked', async () => {
    const client = new MemoryLeaseClient();
    client.seed(testLease('a'));
    client.failNext('get', new KubeTransportError('connection refused'));
    await expect(client.get({ namespace: 'default', name: 'a' })).rejects.toThrow('connection refused');
    await expect(client.get({ namespace: 'default', name: 'a' })).resolves.toMatchObject({ metadata: { name: 'a' } });
    client.refuse('delete', 'a', new KubeApiError({ code: 403, reason: 'Forbidden', message: 'no' }, 403));
    await expect(client.delete({ namespace: 'default', name: 'a' })).rejects.toMatchObject({ code: 403 });
    client.hang = true;
    const abort = new AbortController();
    const hanging = client.get({ namespace: 'default', name: 'a' }, { signal: abort.signal });
    abort.abort();
    await expect(hanging).rejects.toThrow(KubeTransportError);
    expect(client.calls).toEqual(['get', 'get', 'delete', 'get']);
  });
});
