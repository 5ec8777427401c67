// The Status bodies of apiserver-wire.md's error table, compared as parsed objects.

import { describe, expect, it } from 'vitest';
import { failureStatus, leaseBody, leasesPath, useSandbox } from './client.js';

const harness = useSandbox({ orRealCluster: true });
const ns = () => harness.namespace('default');

const leaseDetails = (name: string, extra: Record<string, unknown> = {}) => ({ name, group: 'coordination.k8s.io', kind: 'leases', ...extra });

async function create(name: string, spec: Record<string, unknown> = { holderIdentity: 'me' }) {
  const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody(name, spec) });
  expect(res.status).toBe(201);
  return res.json;
}

const rfc1123 = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('optimistic concurrency', () => {
  it('PUT with a stale resourceVersion is a Conflict', async () => {
    const lease = await create('probe-a');
    const fresh = (await harness.api.call('PUT', leasesPath(ns(), 'probe-a'), { body: { ...lease, spec: { holderIdentity: 'b' } } })).json;
    expect(fresh.metadata.resourceVersion).not.toBe(lease.metadata.resourceVersion);
    const stale = await harness.api.call('PUT', leasesPath(ns(), 'probe-a'), { body: { ...lease, spec: { holderIdentity: 'c' } } });
    expect(stale.status).toBe(409);
    expect(stale.json).toEqual(failureStatus(409, 'Conflict', 'Operation cannot be fulfilled on leases.coordination.k8s.io "probe-a": the object has been modified; please apply your changes to the latest version and try again', leaseDetails('probe-a')));
  });

  it('a merge patch carrying a stale resourceVersion is a Conflict, a current one succeeds', async () => {
    const lease = (await harness.api.call('GET', leasesPath(ns(), 'probe-a'))).json;
    const merge = { contentType: 'application/merge-patch+json' };
    const stale = await harness.api.call('PATCH', leasesPath(ns(), 'probe-a'), { ...merge, body: { metadata: { resourceVersion: '1' }, spec: { holderIdentity: 'x' } } });
    expect(stale.status).toBe(409);
    expect(stale.json.reason).toBe('Conflict');
    const current = await harness.api.call('PATCH', leasesPath(ns(), 'probe-a'), { ...merge, body: { metadata: { resourceVersion: lease.metadata.resourceVersion }, spec: { holderIdentity: 'x' } } });
    expect(current.status).toBe(200);
    expect(current.json.spec.holderIdentity).toBe('x');
  });

  it('PUT without metadata.resourceVersion on an existing lease is Invalid', async () => {
    const res = await harness.api.call('PUT', leasesPath(ns(), 'probe-a'), { body: leaseBody('probe-a', { holderIdentity: 'x' }) });
    expect(res.status).toBe(422);
    expect(res.json).toEqual(failureStatus(422, 'Invalid', 'leases.coordination.k8s.io "probe-a" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
      leaseDetails('probe-a', { causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }] })));
  });

  it('PUT to a missing name creates it (201)', async () => {
    const res = await harness.api.call('PUT', leasesPath(ns(), 'put-created'), { body: leaseBody('put-created', { holderIdentity: 'p' }) });
    expect(res.status).toBe(201);
    expect(res.json.metadata.uid).toBeTruthy();
    const again = await harness.api.call('PUT', leasesPath(ns(), 'put-created'), { body: { ...res.json, spec: { holderIdentity: 'q' } } });
    expect(again.status).toBe(200);
  });

  it('PUT whose uid differs from the stored one fails its precondition, also for a deleted lease', async () => {
    const lease = (await harness.api.call('GET', leasesPath(ns(), 'put-created'))).json;
    const wrongUid = { ...lease, metadata: { ...lease.metadata, uid: 'not-the-uid' } };
    const res = await harness.api.call('PUT', leasesPath(ns(), 'put-created'), { body: wrongUid });
    expect(res.status).toBe(409);
    expect(res.json).toEqual(failureStatus(409, 'Conflict', `Operation cannot be fulfilled on leases.coordination.k8s.io "put-created": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${lease.metadata.uid}`, leaseDetails('put-created')));
    await harness.api.call('DELETE', leasesPath(ns(), 'put-created'));
    const resurrect = await harness.api.call('PUT', leasesPath(ns(), 'put-created'), { body: lease });
    expect(resurrect.status).toBe(409);
    expect(resurrect.json.message).toBe(`Operation cannot be fulfilled on leases.coordination.k8s.io "put-created": Precondition failed: UID in precondition: ${lease.metadata.uid}, UID in object meta: `);
  });

  it('an update that changes nothing keeps the resourceVersion', async () => {
    const lease = (await harness.api.call('GET', leasesPath(ns(), 'probe-a'))).json;
    const res = await harness.api.call('PUT', leasesPath(ns(), 'probe-a'), { body: lease });
    expect(res.status).toBe(200);
    expect(res.json.metadata.resourceVersion).toBe(lease.metadata.resourceVersion);
  });

  it('the name and namespace in the body must match the URL', async () => {
    const lease = (await harness.api.call('GET', leasesPath(ns(), 'probe-a'))).json;
    const renamed = await harness.api.call('PUT', leasesPath(ns(), 'probe-a'), { body: { ...lease, metadata: { ...lease.metadata, name: 'other' } } });
    expect(renamed.json).toEqual(failureStatus(400, 'BadRequest', 'the name of the object (other) does not match the name on the URL (probe-a)'));
    const moved = await harness.api.call('PUT', leasesPath(ns(), 'probe-a'), { body: { ...lease, metadata: { ...lease.metadata, namespace: 'kube-system' } } });
    expect(moved.json).toEqual(failureStatus(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
    const created = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('x', {}, { namespace: 'kube-system' }) });
    expect(created.json).toEqual(failureStatus(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
  });
});

describe('delete preconditions', () => {
  it('a stale resourceVersion precondition is a Conflict naming the Kind', async () => {
    const lease = await create('doomed');
    const res = await harness.api.call('DELETE', leasesPath(ns(), 'doomed'), { body: { preconditions: { resourceVersion: '1' } } });
    expect(res.status).toBe(409);
    expect(res.json).toEqual(failureStatus(409, 'Conflict', `Operation cannot be fulfilled on Lease.coordination.k8s.io "doomed": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${lease.metadata.resourceVersion}). The object might have been modified`, { name: 'doomed', group: 'coordination.k8s.io', kind: 'Lease' }));
  });

  it('a wrong uid precondition is a Conflict; matching preconditions delete', async () => {
    const lease = (await harness.api.call('GET', leasesPath(ns(), 'doomed'))).json;
    const res = await harness.api.call('DELETE', leasesPath(ns(), 'doomed'), { body: { preconditions: { uid: 'other' } } });
    expect(res.json.message).toBe(`Operation cannot be fulfilled on Lease.coordination.k8s.io "doomed": the UID in the precondition (other) does not match the UID in record (${lease.metadata.uid}). The object might have been deleted and then recreated`);
    const ok = await harness.api.call('DELETE', leasesPath(ns(), 'doomed'), { body: { preconditions: { uid: lease.metadata.uid, resourceVersion: lease.metadata.resourceVersion } } });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe('Success');
  });

  it('dryRun=All deletes nothing', async () => {
    await create('survivor');
    expect((await harness.api.call('DELETE', `${leasesPath(ns(), 'survivor')}?dryRun=All`)).status).toBe(200);
    expect((await harness.api.call('DELETE', leasesPath(ns(), 'survivor'), { body: { dryRun: ['All'] } })).status).toBe(200);
    expect((await harness.api.call('GET', leasesPath(ns(), 'survivor'))).status).toBe(200);
  });
});

describe('validation', () => {
  it('an invalid name is Invalid with the RFC 1123 message', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('Bad_Name') });
    expect(res.status).toBe(422);
    expect(res.json).toEqual(failureStatus(422, 'Invalid', `Lease.coordination.k8s.io "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${rfc1123}`,
      { name: 'Bad_Name', group: 'coordination.k8s.io', kind: 'Lease', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${rfc1123}`, field: 'metadata.name' }] }));
  });

  it('leaseDurationSeconds must be positive', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('probe-c', { leaseDurationSeconds: 0 }) });
    expect(res.json).toEqual(failureStatus(422, 'Invalid', 'Lease.coordination.k8s.io "probe-c" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      { name: 'probe-c', group: 'coordination.k8s.io', kind: 'Lease', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be greater than 0', field: 'spec.leaseDurationSeconds' }] }));
  });

  it('several invalid fields are listed together in brackets', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('multi', { leaseDurationSeconds: -1, leaseTransitions: -2 }) });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe('Lease.coordination.k8s.io "multi" is invalid: [spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0, spec.leaseTransitions: Invalid value: -2: must be greater than or equal to 0]');
    expect(res.json.details.causes.map((c: { field: string }) => c.field)).toEqual(['spec.leaseDurationSeconds', 'spec.leaseTransitions']);
  });

  it('label values are checked', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('labelled', {}, { labels: { app: 'x'.repeat(64) } }) });
    expect(res.status).toBe(422);
    expect(res.json.details.causes[0]).toEqual({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters` });
  });
});

describe('decoding', () => {
  const timeError = (value: string, fragment: string) =>
    `Lease in version "v1" cannot be handled as a Lease: parsing time "${value}" as "2006-01-02T15:04:05.000000Z07:00": ${fragment}`;

  it.each([
    ['2026-11-22T10:00:00.000Z', 'cannot parse ".000Z" as ".000000"'],
    ['2026-11-22T10:00:00Z', 'cannot parse "Z" as ".000000"'],
    ['2026-11-22T10:00:00.000000000Z', 'cannot parse "000Z" as "Z07:00"'],
  ])('rejects the MicroTime %s', async (value, fragment) => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('t', { renewTime: value }) });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(failureStatus(400, 'BadRequest', timeError(value, fragment)));
  });

  it('re-emits offsets as UTC with six digits', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('offset', { acquireTime: '2026-01-01T01:30:00.123456+02:00', renewTime: '2025-12-31T23:00:00.000001-01:00' }) });
    expect(res.json.spec).toEqual({ acquireTime: '2025-12-31T23:30:00.123456Z', renewTime: '2026-01-01T00:00:00.000001Z' });
  });

  it('drops unknown fields with a warning, or rejects them with fieldValidation=Strict', async () => {
    const warned = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('unknown', { holderIdentity: 'a', foo: 1 }) });
    expect(warned.status).toBe(201);
    expect(warned.json.spec).toEqual({ holderIdentity: 'a' });
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec.foo\\""');
    const strict = await harness.api.call('POST', `${leasesPath(ns())}?fieldValidation=Strict`, { body: leaseBody('unknown-2', { foo: 1 }) });
    expect(strict.json).toEqual(failureStatus(400, 'BadRequest', 'Lease in version "v1" cannot be handled as a Lease: strict decoding error: unknown field "spec.foo"'));
  });

  it('rejects a body that is not JSON', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: 'hello' });
    expect(res.status).toBe(400);
    expect(res.json.reason).toBe('BadRequest');
  });

  it('rejects a wrongly typed field like the Go decoder', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('typed', { leaseDurationSeconds: '15' }) });
    expect(res.json.message).toBe('Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal string into Go struct field LeaseSpec.spec.leaseDurationSeconds of type int32');
  });
});

describe('patch', () => {
  const path = () => leasesPath(ns(), 'probe-a');

  it('json-patch applies operations and a failing test op is the generic 422', async () => {
    const ok = await harness.api.call('PATCH', path(), { contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/spec/holderIdentity', value: 'x' }, { op: 'replace', path: '/spec/holderIdentity', value: 'y' }] });
    expect(ok.status).toBe(200);
    expect(ok.json.spec.holderIdentity).toBe('y');
    const failed = await harness.api.call('PATCH', path(), { contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/spec/holderIdentity', value: 'x' }] });
    expect(failed.json).toEqual(failureStatus(422, 'Invalid', 'the server rejected our request due to an error in our request', {}));
  });

  it('strategic merge patch behaves like a merge patch; null removes', async () => {
    const res = await harness.api.call('PATCH', path(), { contentType: 'application/strategic-merge-patch+json', body: { spec: { holderIdentity: null, leaseTransitions: 3 } } });
    expect(res.status).toBe(200);
    expect(res.json.spec.holderIdentity).toBeUndefined();
    expect(res.json.spec.leaseTransitions).toBe(3);
  });

  it('other patch types are UnsupportedMediaType', async () => {
    const res = await harness.api.call('PATCH', path(), { contentType: 'text/plain', body: '{}' });
    expect(res.status).toBe(415);
    expect(res.json.reason).toBe('UnsupportedMediaType');
  });

  it('a patched object that cannot be decoded is Invalid on the "patch" field', async () => {
    const res = await harness.api.call('PATCH', path(), { contentType: 'application/merge-patch+json', body: { spec: { renewTime: '2026-01-01T00:00:00Z' } } });
    expect(res.status).toBe(422);
    expect(res.json.details.causes[0].field).toBe('patch');
    expect(res.json.message).toContain('cannot parse "Z" as ".000000"');
  });

  it('patching a missing lease is NotFound', async () => {
    const res = await harness.api.call('PATCH', leasesPath(ns(), 'absent'), { contentType: 'application/merge-patch+json', body: {} });
    expect(res.status).toBe(404);
  });
});

describe('dry run', () => {
  it('validates and answers without storing', async () => {
    const res = await harness.api.call('POST', `${leasesPath(ns())}?dryRun=All`, { body: leaseBody('dry') });
    expect(res.status).toBe(201);
    expect(res.json.metadata.uid).toBeTruthy();
    expect(res.json.metadata.resourceVersion).toBeUndefined();
    expect((await harness.api.call('GET', leasesPath(ns(), 'dry'))).status).toBe(404);
    const invalid = await harness.api.call('POST', `${leasesPath(ns())}?dryRun=All`, { body: leaseBody('Dry') });
    expect(invalid.status).toBe(422);
  });
});

describe('authentication and authorization', () => {
  it('a bad token is Unauthorized', async () => {
    const res = await harness.api.call('GET', leasesPath(ns()), { token: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(failureStatus(401, 'Unauthorized', 'Unauthorized'));
  });

  it('no token is the anonymous user, who may read the version and nothing else', async () => {
    expect((await harness.api.call('GET', '/version', { token: null })).status).toBe(200);
    const lease = await harness.api.call('GET', leasesPath(ns(), 'x'), { token: null });
    expect(lease.json).toEqual(failureStatus(403, 'Forbidden', `leases.coordination.k8s.io "x" is forbidden: User "system:anonymous" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "${ns()}"`, leaseDetails('x')));
    const discovery = await harness.api.call('GET', '/apis', { token: null });
    expect(discovery.json).toEqual(failureStatus(403, 'Forbidden', 'forbidden: User "system:anonymous" cannot get path "/apis"', {}));
  });

  it.skipIf(harness.againstRealCluster)('the viewer may read but not write', async () => {
    const readOnly = harness.sandbox.tokens.readOnly;
    expect((await harness.api.call('GET', leasesPath('kube-system'), { token: readOnly })).status).toBe(200);
    const update = await harness.api.call('PUT', leasesPath(ns(), 'x'), { token: readOnly, body: leaseBody('x') });
    expect(update.json).toEqual(failureStatus(403, 'Forbidden', `leases.coordination.k8s.io "x" is forbidden: User "viewer" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "${ns()}"`, leaseDetails('x')));
    const createRes = await harness.api.call('POST', leasesPath('kube-system'), { token: readOnly, body: leaseBody('x') });
    expect(createRes.json).toEqual(failureStatus(403, 'Forbidden', 'leases.coordination.k8s.io is forbidden: User "viewer" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"', { group: 'coordination.k8s.io', kind: 'leases' }));
    const deleteCollection = await harness.api.call('DELETE', leasesPath(ns()), { token: readOnly });
    expect(deleteCollection.json.message).toBe(`leases.coordination.k8s.io is forbidden: User "viewer" cannot deletecollection resource "leases" in API group "coordination.k8s.io" in the namespace "${ns()}"`);
  });
});

describe('paths and methods', () => {
  it('unknown paths are NotFound and wrong methods MethodNotAllowed', async () => {
    const missing = await harness.api.call('GET', '/apis/nope');
    expect(missing.json).toEqual(failureStatus(404, 'NotFound', 'the server could not find the requested resource', {}));
    const method = await harness.api.call('POST', leasesPath(ns(), 'x'), { body: leaseBody('x') });
    expect(method.json).toEqual(failureStatus(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}));
    expect((await harness.api.call('POST', '/apis/coordination.k8s.io/v1/leases', { body: leaseBody('x') })).status).toBe(405);
  });

  it('serves the discovery documents', async () => {
    const v1 = await harness.api.call('GET', '/apis/coordination.k8s.io/v1');
    expect(v1.text).toBe('{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"coordination.k8s.io/v1","resources":[{"name":"leases","singularName":"","namespaced":true,"kind":"Lease","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"storageVersionHash":"gqkMMb/YqFM="}]}\n');
    expect((await harness.api.call('GET', '/version')).json.gitVersion).toBe('v1.26.1');
    expect((await harness.api.call('GET', '/apis')).json.groups.find((group: { name: string }) => group.name === 'coordination.k8s.io').preferredVersion).toEqual({ groupVersion: 'coordination.k8s.io/v1', version: 'v1' });
  });
});

describe('finalizers', () => {
  it('a delete only marks a lease with finalizers; removing the last one deletes it', async () => {
    const created = (await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('finalized', {}, { finalizers: ['example.com/keep'] }) })).json;
    const marked = await harness.api.call('DELETE', leasesPath(ns(), 'finalized'));
    expect(marked.status).toBe(200);
    expect(marked.json.kind).toBe('Lease');
    expect(marked.json.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(marked.json.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(Number(marked.json.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    const addMore = await harness.api.call('PATCH', leasesPath(ns(), 'finalized'), { contentType: 'application/merge-patch+json', body: { metadata: { finalizers: ['example.com/keep', 'example.com/more'] } } });
    expect(addMore.status).toBe(422);
    expect(addMore.json.details.causes[0].field).toBe('metadata.finalizers');
    const released = await harness.api.call('PATCH', leasesPath(ns(), 'finalized'), { contentType: 'application/merge-patch+json', body: { metadata: { finalizers: null } } });
    expect(released.status).toBe(200);
    expect((await harness.api.call('GET', leasesPath(ns(), 'finalized'))).status).toBe(404);
  });
});

describe("etcd's request limits", () => {
  it("a lease over etcd's 1.5 MiB request limit is a 500 in etcd's words and is not stored", async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('too-big-for-etcd', { holderIdentity: 'k'.repeat(1_700_000) }) });
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcdserver: request is too large', code: 500 });
    expect((await harness.api.call('GET', leasesPath(ns(), 'too-big-for-etcd'))).status).toBe(404);
  });

  it("a lease over the gRPC client's 2 MiB send limit is a 500 naming the limit, and an update is refused alike", async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('too-big-for-grpc', { holderIdentity: 'h'.repeat(2 * 1024 * 1024) }) });
    expect(res.status).toBe(500);
    expect(res.json.message).toMatch(/^rpc error: code = ResourceExhausted desc = trying to send message larger than max \(\d+ vs\. 2097152\)$/);
    const small = (await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('grows-too-big', { holderIdentity: 'a' }) })).json;
    const grown = await harness.api.call('PUT', leasesPath(ns(), 'grows-too-big'), { body: { ...small, spec: { holderIdentity: 'k'.repeat(1_700_000) } } });
    expect(grown.json.message).toBe('etcdserver: request is too large');
    const stored = (await harness.api.call('GET', leasesPath(ns(), 'grows-too-big'))).json;
    expect([stored.spec.holderIdentity, stored.metadata.resourceVersion]).toEqual(['a', small.metadata.resourceVersion]);
  });
});
