import { describe, expect, it } from 'vitest';
import { failureStatus, leaseBody, leasesPath, useSandbox } from './client.js';

const harness = useSandbox({ orRealCluster: true });
const ns = () => harness.namespace('default');

describe('lease CRUD', () => {
  it('creates a lease with server-set metadata and answers 201 with the full object', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), {
      body: leaseBody('probe-a', { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2026-11-22T10:00:00.000000Z', renewTime: '2026-11-22T12:00:00.000000+02:00', leaseTransitions: 0 }, { labels: { app: 'x' } }),
    });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    const lease = res.json;
    expect(Object.keys(lease)).toEqual(['kind', 'apiVersion', 'metadata', 'spec']);
    expect(lease.kind).toBe('Lease');
    expect(lease.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lease.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(lease.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lease.metadata.namespace).toBe(ns());
    expect(lease.spec).toEqual({ holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2026-11-22T10:00:00.000000Z', renewTime: '2026-11-22T10:00:00.000000Z', leaseTransitions: 0 });
    expect(lease.metadata.managedFields).toEqual([{
      manager: 'sandbox-test', operation: 'Update', apiVersion: 'coordination.k8s.io/v1', time: lease.metadata.creationTimestamp, fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:acquireTime': {}, 'f:holderIdentity': {}, 'f:leaseDurationSeconds': {}, 'f:leaseTransitions': {}, 'f:renewTime': {} } },
    }]);
    expect(res.text.endsWith('}\n')).toBe(true);
    expect(res.text).not.toContain('\n  ');
  });

  it('always writes spec, empty when the client sent none (LeaseSpec is not a pointer in Go)', async () => {
    const res = await harness.api.call('POST', leasesPath(ns()), { body: { metadata: { name: 'no-spec' } } });
    expect(res.status).toBe(201);
    expect(res.text).toContain('"spec":{}');
  });

  it('indents JSON only for curl, wget and browsers', async () => {
    const curl = await harness.api.call('GET', leasesPath(ns(), 'probe-a'), { headers: { 'User-Agent': 'curl/8.5.0' } });
    expect(curl.text).toContain('\n  "kind": "Lease"');
    expect(curl.text.endsWith('}')).toBe(true);
  });

  it('answers GET of a missing lease with the NotFound Status', async () => {
    const res = await harness.api.call('GET', leasesPath(ns(), 'does-not-exist'));
    expect(res.status).toBe(404);
    expect(res.json).toEqual(failureStatus(404, 'NotFound', 'leases.coordination.k8s.io "does-not-exist" not found', { name: 'does-not-exist', group: 'coordination.k8s.io', kind: 'leases' }));
  });

  it('refuses a create into a missing namespace', async () => {
    const res = await harness.api.call('POST', leasesPath('nope'), { body: leaseBody('x') });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(failureStatus(404, 'NotFound', 'namespaces "nope" not found', { name: 'nope', kind: 'namespaces' }));
  });

  it('refuses to create an existing name', async () => {
    await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('rig-test-lease') });
    const res = await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('rig-test-lease') });
    expect(res.status).toBe(409);
    expect(res.json).toEqual(failureStatus(409, 'AlreadyExists', 'leases.coordination.k8s.io "rig-test-lease" already exists', { name: 'rig-test-lease', group: 'coordination.k8s.io', kind: 'leases' }));
  });

  it('deletes with a Success Status carrying the uid', async () => {
    const created = (await harness.api.call('POST', leasesPath(ns()), { body: leaseBody('to-delete') })).json;
    const res = await harness.api.call('DELETE', leasesPath(ns(), 'to-delete'));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'to-delete', group: 'coordination.k8s.io', kind: 'leases', uid: created.metadata.uid } });
    expect((await harness.api.call('GET', leasesPath(ns(), 'to-delete'))).status).toBe(404);
  });

  it('lists items without kind/apiVersion in key order', async () => {
    const res = await harness.api.call('GET', leasesPath(ns()));
    expect(res.status).toBe(200);
    expect(res.json.kind).toBe('LeaseList');
    expect(res.json.metadata).toEqual({ resourceVersion: expect.stringMatching(/^\d+$/) });
    const names = res.json.items.map((item: { metadata: { name: string } }) => item.metadata.name);
    expect(names).toEqual([...names].sort());
    expect(res.json.items[0].kind).toBeUndefined();
  });
});
