// The one read-decide-write: what it re-reads, what it decides on, and where its budget ends.
import { describe, expect, it } from 'vitest';
import { compareAndSwap, MAX_REREADS, type CasDecision } from '../../src/election/compare-and-swap.js';
import { KubeApiError, KubeTransportError } from '../../src/kube/errors.js';
import type { LeaseClient } from '../../src/kube/lease-client.js';
import type { Lease } from '../../src/lease/types.js';

const ref = { namespace: 'default', name: 'job' };

function lease(resourceVersion: string, holderIdentity = 'me'): Lease {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { ...ref, resourceVersion, uid: 'uid-1' }, spec: { holderIdentity } };
}

const apiError = (code: number, reason: string) => new KubeApiError({ code, reason, message: reason }, code);

/** Answers each verb from its own script, in order; records what was called. */
function scripted(script: { get?: (Lease | Error)[]; update?: (Lease | Error)[]; create?: (Lease | Error)[] }) {
  const calls: string[] = [];
  const next = async (verb: 'get' | 'update' | 'create'): Promise<Lease> => {
    calls.push(verb);
    const answer = script[verb]?.shift();
    if (answer === undefined) throw new Error(`unexpected ${verb}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const client: Pick<LeaseClient, 'get' | 'update' | 'create'> = {
    get: () => next('get'),
    update: () => next('update'),
    create: () => next('create'),
  };
  return { client, calls };
}

/** Renews whatever it reads; answers 'absent' when there is nothing to renew. */
const renewIt = (lease: Lease | undefined): CasDecision<string, 'update'> =>
  lease === undefined ? { done: 'absent' } : { write: { verb: 'update', lease }, outcome: (written) => `wrote on ${lease.metadata.resourceVersion}, now ${written.metadata.resourceVersion}` };

describe('compareAndSwap', () => {
  it('re-reads after a 409 Conflict and decides again on the fresh copy', async () => {
    const { client, calls } = scripted({ get: [lease('1'), lease('2')], update: [apiError(409, 'Conflict'), lease('3')] });
    await expect(compareAndSwap({ client, ref, decide: renewIt })).resolves.toBe('wrote on 2, now 3');
    expect(calls).toEqual(['get', 'update', 'get', 'update']);
  });

  it('gives up after 5 re-reads and leaves the conflict to the caller', async () => {
    expect(MAX_REREADS).toBe(5);
    const conflicts = Array.from({ length: MAX_REREADS + 1 }, () => apiError(409, 'Conflict'));
    const reads = Array.from({ length: MAX_REREADS + 1 }, (_, i) => lease(String(i)));
    const { client, calls } = scripted({ get: reads, update: conflicts });
    await expect(compareAndSwap({ client, ref, decide: renewIt })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    expect(calls.filter((verb) => verb === 'get')).toHaveLength(MAX_REREADS + 1);
  });

  it('decides on a copy in hand before reading anything', async () => {
    const { client, calls } = scripted({ update: [lease('8')] });
    await expect(compareAndSwap({ client, ref, known: { lease: lease('7') }, decide: renewIt })).resolves.toBe('wrote on 7, now 8');
    expect(calls).toEqual(['update']);
  });

  it('an update answered 404 decides on no lease, without another read', async () => {
    const { client, calls } = scripted({ get: [lease('1')], update: [apiError(404, 'NotFound')] });
    await expect(compareAndSwap({ client, ref, decide: renewIt })).resolves.toBe('absent');
    expect(calls).toEqual(['get', 'update']);
  });

  it('a create answered 404 (no such namespace) is an error, not a lease to decide on', async () => {
    const { client } = scripted({ get: [apiError(404, 'NotFound')], create: [apiError(404, 'NotFound')] });
    const createIt = (current: Lease | undefined): CasDecision<string, 'create' | 'update'> =>
      current === undefined ? { write: { verb: 'create', lease: lease('') }, outcome: () => 'created' } : { done: 'exists' };
    await expect(compareAndSwap({ client, ref, decide: createIt })).rejects.toMatchObject({ code: 404 });
  });

  it('a create that lost the race (AlreadyExists) re-reads and decides on the winner', async () => {
    const { client } = scripted({ get: [apiError(404, 'NotFound'), lease('4', 'winner')], create: [apiError(409, 'AlreadyExists')] });
    const createIt = (current: Lease | undefined): CasDecision<string, 'create' | 'update'> =>
      current === undefined ? { write: { verb: 'create', lease: lease('') }, outcome: () => 'created' } : { done: `held by ${current.spec?.holderIdentity}` };
    await expect(compareAndSwap({ client, ref, decide: createIt })).resolves.toBe('held by winner');
  });

  it("missing: 'throw' leaves a missing lease the API's NotFound", async () => {
    const { client } = scripted({ get: [apiError(404, 'NotFound')] });
    await expect(compareAndSwap({ client, ref, missing: 'throw', decide: renewIt })).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
  });

  it("a transient failure is not retried here: retrying is each loop's own", async () => {
    const { client, calls } = scripted({ get: [lease('1')], update: [new KubeTransportError('connection refused')] });
    await expect(compareAndSwap({ client, ref, decide: renewIt })).rejects.toBeInstanceOf(KubeTransportError);
    expect(calls).toEqual(['get', 'update']);
  });
});
