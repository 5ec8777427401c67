// The CoordinatedLeaderElection gate: off by default, as on kube-apiserver, where the lease strategy drops
// spec.strategy and spec.preferredHolder before validation unless the stored lease already had them.

import { describe, expect, it } from 'vitest';
import { FeatureGateError, parseFeatureGates } from '../../packages/sandbox/src/feature-gates.js';
import { LeaseRegistry } from '../../packages/sandbox/src/lease-registry.js';
import { LeaseStore } from '../../packages/sandbox/src/store.js';
import { leaseBody, leasesPath, useSandbox } from './client.js';

const coordinated = { holderIdentity: 'kcm_1', leaseDurationSeconds: 15, strategy: 'OldestEmulationVersion', preferredHolder: 'kcm_2' };

const gateOff = useSandbox();
const gateOn = useSandbox({ featureGates: { CoordinatedLeaderElection: true } });

describe('CoordinatedLeaderElection off (the default)', () => {
  it('create drops strategy and preferredHolder, POST and create-on-PUT alike', async () => {
    const posted = await gateOff.api.call('POST', leasesPath('default'), { body: leaseBody('posted', coordinated) });
    expect(posted.status).toBe(201);
    expect(posted.json.spec).toEqual({ holderIdentity: 'kcm_1', leaseDurationSeconds: 15 });
    const put = await gateOff.api.call('PUT', leasesPath('default', 'put-created'), { body: leaseBody('put-created', coordinated) });
    expect(put.status).toBe(201);
    expect(put.json.spec).not.toHaveProperty('strategy');
    expect(put.json.spec).not.toHaveProperty('preferredHolder');
  });

  it('dropping happens before validation, so values the gate would reject are not errors', async () => {
    const res = await gateOff.api.call('POST', leasesPath('default'), { body: leaseBody('unvalidated', { strategy: 'Newest', preferredHolder: 'x' }) });
    expect(res.status).toBe(201);
    expect(res.json.spec).toEqual({});
  });

  it('update and patch cannot add them to a lease that lacks them', async () => {
    const created = (await gateOff.api.call('POST', leasesPath('default'), { body: leaseBody('plain', { holderIdentity: 'a' }) })).json;
    const updated = await gateOff.api.call('PUT', leasesPath('default', 'plain'), { body: { ...created, spec: { ...created.spec, ...coordinated } } });
    expect(updated.status).toBe(200);
    expect(updated.json.spec).toEqual({ holderIdentity: 'kcm_1', leaseDurationSeconds: 15 });
    const patched = await gateOff.api.call('PATCH', leasesPath('default', 'plain'), { body: { spec: { strategy: 'OldestEmulationVersion' } }, contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect(patched.json.spec).not.toHaveProperty('strategy');
    // Nothing but the dropped fields changed: a no-op that keeps the resourceVersion.
    expect(patched.json.metadata.resourceVersion).toBe(updated.json.metadata.resourceVersion);
  });

  it('update keeps each one the stored lease already had, and may change or remove it', () => {
    // Only a lease stored while the gate was on has them; the store is seeded directly, as etcd would hold it.
    const store = new LeaseStore(0);
    const registry = new LeaseRegistry(store, () => true, Date.now);
    const write = { manager: 'test', dryRun: false };
    const stored = store.put((rv) => ({ metadata: { name: 'sched', namespace: 'kube-system', uid: 'u-1', resourceVersion: String(rv) }, spec: { holderIdentity: 'kcm_1', strategy: 'OldestEmulationVersion' } }));
    const changed = registry.update('kube-system', 'sched', { metadata: { name: 'sched', resourceVersion: String(stored.resourceVersion) }, spec: { holderIdentity: 'kcm_1', strategy: 'example.com/custom', preferredHolder: 'kcm_2' } }, write).record;
    expect(changed.lease.spec).toEqual({ holderIdentity: 'kcm_1', strategy: 'example.com/custom' });
    const cleared = registry.update('kube-system', 'sched', { metadata: { name: 'sched', resourceVersion: String(changed.resourceVersion) }, spec: { holderIdentity: 'kcm_1' } }, write).record;
    expect(cleared.lease.spec).toEqual({ holderIdentity: 'kcm_1' });
  });
});

describe('CoordinatedLeaderElection on', () => {
  it('create and update keep strategy and preferredHolder', async () => {
    const created = await gateOn.api.call('POST', leasesPath('default'), { body: leaseBody('coordinated', coordinated) });
    expect(created.status).toBe(201);
    expect(created.json.spec).toMatchObject({ strategy: 'OldestEmulationVersion', preferredHolder: 'kcm_2' });
    const updated = await gateOn.api.call('PUT', leasesPath('default', 'coordinated'), { body: { ...created.json, spec: { ...created.json.spec, preferredHolder: 'kcm_3' } } });
    expect(updated.json.spec.preferredHolder).toBe('kcm_3');
  });

  it('validates them: a built-in strategy must be known, a custom one a qualified name', async () => {
    const res = await gateOn.api.call('POST', leasesPath('default'), { body: leaseBody('multi', { leaseDurationSeconds: -1, leaseTransitions: -2, preferredHolder: 'x', strategy: 'Newest' }) });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe('Lease.coordination.k8s.io "multi" is invalid: [spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0, spec.leaseTransitions: Invalid value: -2: must be greater than or equal to 0, spec.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"]');
    expect(res.json.details.causes.map((c: { field: string }) => c.field)).toEqual(['spec.leaseDurationSeconds', 'spec.leaseTransitions', 'spec.strategy']);
    expect((await gateOn.api.call('POST', leasesPath('default'), { body: leaseBody('custom', { strategy: 'example.com/foo', preferredHolder: 'x' }) })).status).toBe(201);
    const bad = await gateOn.api.call('POST', leasesPath('default'), { body: leaseBody('custom-bad', { strategy: 'example.com/-foo' }) });
    expect(bad.status).toBe(422);
    expect(bad.json.details.causes[0].field).toBe('spec.strategy');
  });

  it('preferredHolder needs a strategy', async () => {
    const forbidden = await gateOn.api.call('POST', leasesPath('default'), { body: leaseBody('ph', { preferredHolder: 'x' }) });
    expect(forbidden.json.message).toBe('Lease.coordination.k8s.io "ph" is invalid: spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined');
    expect(forbidden.json.details.causes).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: may only be specified if `strategy` is defined', field: 'spec.preferredHolder' }]);
  });
});

describe('--feature-gates syntax', () => {
  it('reads kube-apiserver\'s key=bool list', () => {
    expect(parseFeatureGates('CoordinatedLeaderElection=true')).toEqual({ CoordinatedLeaderElection: true });
    expect(parseFeatureGates(' CoordinatedLeaderElection = false ,')).toEqual({ CoordinatedLeaderElection: false });
    expect(parseFeatureGates('')).toEqual({});
  });

  it.each([
    ['Bogus=true', 'unrecognized feature gate: Bogus'],
    ['CoordinatedLeaderElection', 'missing bool value for CoordinatedLeaderElection'],
    ['CoordinatedLeaderElection=yes', 'invalid value of CoordinatedLeaderElection=yes, err: strconv.ParseBool: parsing "yes": invalid syntax'],
  ])('rejects %s with component-base\'s message', (flag, message) => {
    expect(() => parseFeatureGates(flag)).toThrow(new FeatureGateError(message));
  });
});
