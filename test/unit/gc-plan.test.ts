import { describe, expect, it } from 'vitest';
import { DEFAULT_GC_EXPIRED_FOR_MS, planGarbageCollection, type GcPlanOptions } from '../../src/gc/plan.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;
const DEFAULTS: GcPlanOptions = { expiredForMs: DEFAULT_GC_EXPIRED_FOR_MS, includeOwned: false };

/** A lease renewed `renewedAgoMs` before NOW with the given duration (seconds). */
function lease(name: string, renewedAgoMs: number | undefined, durationSeconds: number | undefined, extra: { namespace?: string; spec?: Lease['spec']; metadata?: Partial<Lease['metadata']> } = {}): Lease {
  return {
    metadata: { name, namespace: extra.namespace ?? 'apps', uid: `uid-${name}`, resourceVersion: '1', ...extra.metadata },
    spec: {
      holderIdentity: 'host-a_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21',
      ...(renewedAgoMs === undefined ? {} : { renewTime: formatMicroTime(NOW - renewedAgoMs) }),
      ...(durationSeconds === undefined ? {} : { leaseDurationSeconds: durationSeconds }),
      ...extra.spec,
    },
  };
}

const names = (items: { lease: Lease }[]) => items.map((item) => item.lease.metadata.name);

describe('planGarbageCollection', () => {
  it('collects a lease expired for more than an hour and leaves a fresh one alone', () => {
    const expired = lease('expired', 2 * HOUR, 15);
    const fresh = lease('fresh', 5_000, 15);
    const plan = planGarbageCollection([expired, fresh], NOW, DEFAULTS);
    expect(names(plan.candidates)).toEqual(['expired']);
    expect(plan.candidates[0]!.expiredForMs).toBe(2 * HOUR - 15_000);
    expect(plan.skipped).toEqual([]);
    expect(plan.notExpiredCount).toBe(1);
  });

  it('counts a lease that was never renewed from its creation, not as expired forever', () => {
    const created = (agoMs: number) => ({ metadata: { creationTimestamp: new Date(NOW - agoMs).toISOString().replace(/\.\d+Z$/, 'Z') } });
    const justCreated = lease('just-created', undefined, undefined, created(10_000));
    const longAbandoned = lease('long-abandoned', undefined, 15, created(3 * HOUR));
    const plan = planGarbageCollection([justCreated, longAbandoned], NOW, DEFAULTS);
    expect(names(plan.candidates)).toEqual(['long-abandoned']);
    expect(plan.candidates[0]!.expiredForMs).toBe(3 * HOUR);
    expect(plan.notExpiredCount).toBe(1);
  });

  it('does not collect a lease expired for less than the threshold', () => {
    const plan = planGarbageCollection([lease('recently-expired', 30 * 60_000, 15)], NOW, DEFAULTS);
    expect(plan.candidates).toEqual([]);
    expect(plan.notExpiredCount).toBe(1);
  });

  it('needs strictly more than the threshold, as the collector uses a strict Before', () => {
    // renewTime + 15 s is exactly one hour ago: expired for exactly the threshold, not more
    const atBoundary = lease('boundary', HOUR + 15_000, 15);
    const justPast = lease('just-past', HOUR + 15_001, 15);
    const plan = planGarbageCollection([atBoundary, justPast], NOW, DEFAULTS);
    expect(names(plan.candidates)).toEqual(['just-past']);
  });

  it('with --expired-for 0 collects any expired lease but not one expiring right now', () => {
    const options = { ...DEFAULTS, expiredForMs: 0 };
    const expiringNow = lease('expiring-now', 15_000, 15);
    const expiredBy1ms = lease('expired-1ms', 15_001, 15);
    expect(names(planGarbageCollection([expiringNow, expiredBy1ms], NOW, options).candidates)).toEqual(['expired-1ms']);
  });

  it('counts a released lease (empty holder) as expired from its renewTime', () => {
    const released = lease('released', HOUR + 2_000, 1, { spec: { holderIdentity: '' } });
    const justReleased = lease('just-released', 5_000, 1, { spec: { holderIdentity: '' } });
    const plan = planGarbageCollection([released, justReleased], NOW, DEFAULTS);
    expect(names(plan.candidates)).toEqual(['released']);
  });

  it('treats a missing renewTime or leaseDurationSeconds as expired forever', () => {
    const noRenew = lease('no-renew', undefined, 15);
    const noDuration = lease('no-duration', 1_000, undefined);
    const plan = planGarbageCollection([noRenew, noDuration], NOW, DEFAULTS);
    expect(names(plan.candidates)).toEqual(['no-renew', 'no-duration']);
    expect(plan.candidates.map((candidate) => candidate.expiredForMs)).toEqual([Infinity, Infinity]);
  });

  it('keeps of each lease it plans only its identity and spec: gc holds every candidate for the whole run', () => {
    const listed = lease('big', 2 * HOUR, 15, {
      metadata: {
        labels: { team: 'a' },
        annotations: { note: 'x'.repeat(1000) },
        creationTimestamp: '2026-11-01T00:00:00Z',
        managedFields: [{ manager: 'kubectl', operation: 'Update' }],
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n-1' }],
      },
    });
    const [candidate] = planGarbageCollection([listed], NOW, { ...DEFAULTS, includeOwned: true }).candidates;
    expect(candidate!.lease).toEqual({ metadata: { name: 'big', namespace: 'apps', uid: 'uid-big', resourceVersion: '1' }, spec: listed.spec });
    const [skipped] = planGarbageCollection([listed], NOW, DEFAULTS).skipped;
    expect(Object.keys(skipped!.lease.metadata)).toEqual(['name', 'namespace', 'uid', 'resourceVersion']);
  });

  it('skips an owned lease unless --include-owned, and says who owns it', () => {
    const owned = lease('owned', 2 * HOUR, 15, {
      metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n-1' }] },
    });
    const plan = planGarbageCollection([owned], NOW, DEFAULTS);
    expect(plan.candidates).toEqual([]);
    expect(plan.skipped.map((skipped) => [skipped.lease.metadata.name, skipped.reason])).toEqual([['owned', 'owned']]);
    expect(plan.skipped[0]!.explanation).toContain('owned by Node/node-1');
    expect(names(planGarbageCollection([owned], NOW, { ...DEFAULTS, includeOwned: true }).candidates)).toEqual(['owned']);
  });

  it('skips anything in kube-node-lease unless --include-owned, even without owner references', () => {
    const heartbeat = lease('node-1', 2 * HOUR, 40, { namespace: 'kube-node-lease' });
    const plan = planGarbageCollection([heartbeat], NOW, DEFAULTS);
    expect(plan.skipped.map((skipped) => skipped.reason)).toEqual(['node-lease']);
    expect(names(planGarbageCollection([heartbeat], NOW, { ...DEFAULTS, includeOwned: true }).candidates)).toEqual(['node-1']);
  });

  it('never collects a coordinated lease, not even with --include-owned', () => {
    const coordinated = lease('kube-scheduler', 2 * HOUR, 5, { spec: { strategy: 'OldestEmulationVersion' } });
    for (const includeOwned of [false, true]) {
      const plan = planGarbageCollection([coordinated], NOW, { ...DEFAULTS, includeOwned });
      expect(plan.candidates).toEqual([]);
      expect(plan.skipped.map((skipped) => skipped.reason)).toEqual(['coordinated']);
    }
  });

  it('does not report protected leases that are not expired anyway', () => {
    const freshOwned = lease('fresh-owned', 1_000, 40, { namespace: 'kube-node-lease' });
    const plan = planGarbageCollection([freshOwned], NOW, DEFAULTS);
    expect(plan.skipped).toEqual([]);
    expect(plan.notExpiredCount).toBe(1);
  });

  it('sorts a mixed set into candidates, skipped and not expired', () => {
    const leases = [
      lease('expired', 2 * HOUR, 15),
      lease('fresh', 1_000, 15),
      lease('released', 3 * HOUR, 1, { spec: { holderIdentity: '' } }),
      lease('owned', 2 * HOUR, 15, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u' }] } }),
      lease('coordinated', 2 * HOUR, 5, { spec: { strategy: 'OldestEmulationVersion' } }),
      lease('node', 2 * HOUR, 40, { namespace: 'kube-node-lease' }),
    ];
    const plan = planGarbageCollection(leases, NOW, DEFAULTS);
    expect(names(plan.candidates)).toEqual(['expired', 'released']);
    expect(plan.skipped.map((skipped) => `${skipped.lease.metadata.name}:${skipped.reason}`)).toEqual(['owned:owned', 'coordinated:coordinated', 'node:node-lease']);
    expect(plan.notExpiredCount).toBe(1);
  });
});
