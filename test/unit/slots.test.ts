// hold --slots and --label/--annotation as pure lease logic: slot names, the marks a slot lease carries, which lease
// may be held as which slot, and what decideAcquire writes (an injected monotonic clock and wall clock).
import { describe, expect, it } from 'vitest';
import { decideAcquire, type ElectionConfig } from '../../src/lease/election.js';
import { observe } from '../../src/lease/expiry.js';
import { groupSlots, otherSlotCount, slotMismatch, slotGroupSelector, slotLeaseName, type Slot, type SlotGroup } from '../../src/lease/slots.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import { jobElectionConfig } from '../support/election.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const group: SlotGroup = { name: 'job', count: 3 };
const slot1: Slot = { group, index: 1 };

function lease(name: string, marks: { labels?: Record<string, string>; annotations?: Record<string, string> }, holderIdentity = ''): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'default', uid: `u-${name}`, resourceVersion: '10', ...marks },
    spec: { holderIdentity, leaseDurationSeconds: 15, acquireTime: formatMicroTime(T0), renewTime: formatMicroTime(T0), leaseTransitions: 2 },
  };
}

const slotLease = (index: number, count = '3', holder = '') => lease(`job-${index}`, { labels: { 'leasectl.io/slot-of': 'job' }, annotations: { 'leasectl.io/slots': count } }, holder);

const slotConfig: ElectionConfig = { ...jobElectionConfig, lease: { namespace: 'default', name: 'job-1' }, slot: slot1 };

function decide(current: Lease | undefined, config: ElectionConfig, monotonicNow = 1_000) {
  return decideAcquire(current, observe(undefined, current, 0), config, monotonicNow, T0 + 1_000);
}

describe('slot names and selection', () => {
  it('a group of 3 is the leases NAME-0, NAME-1 and NAME-2, selected by their group label', () => {
    expect(groupSlots(group).map((slot) => slotLeaseName(group, slot.index))).toEqual(['job-0', 'job-1', 'job-2']);
    expect(slotGroupSelector(group)).toBe('leasectl.io/slot-of=job');
  });
});

describe('slotMismatch', () => {
  it('a missing lease may become any slot', () => {
    expect(slotMismatch(undefined, slot1)).toBeUndefined();
  });

  it('a slot of this group with this count may be held as that slot', () => {
    expect(slotMismatch(slotLease(1), slot1)).toBeUndefined();
  });

  it('a slot recorded with another count is refused, saying which count', () => {
    expect(slotMismatch(slotLease(1, '2'), slot1)).toEqual({ kind: 'count', recorded: '2' });
    expect(slotMismatch(lease('job-1', { labels: { 'leasectl.io/slot-of': 'job' } }), slot1)).toEqual({ kind: 'count', recorded: '' });
  });

  it('a plain lease of a slot name, or a slot of another group, is no slot of this group', () => {
    expect(slotMismatch(lease('job-1', { labels: { team: 'a' } }), slot1)).toEqual({ kind: 'not-a-slot' });
    expect(slotMismatch(lease('job-1', { labels: { 'leasectl.io/slot-of': 'other' } }), slot1)).toEqual({ kind: 'not-a-slot' });
  });

  it('a plain hold may hold a plain lease but not a slot', () => {
    expect(slotMismatch(lease('job', {}), undefined)).toBeUndefined();
    expect(slotMismatch(slotLease(0), undefined)).toEqual({ kind: 'is-a-slot', group: 'job', count: '3' });
  });

  it('otherSlotCount finds the first slot of the group listed with another count, and ignores other groups', () => {
    const foreign = lease('x-0', { labels: { 'leasectl.io/slot-of': 'x' }, annotations: { 'leasectl.io/slots': '9' } });
    expect(otherSlotCount(group, [foreign, slotLease(0), slotLease(4, '5')])).toEqual({ lease: slotLease(4, '5'), recorded: '5' });
    expect(otherSlotCount(group, [foreign, slotLease(0), slotLease(2)])).toBeUndefined();
  });
});

describe('decideAcquire with slots, labels and annotations', () => {
  it('creates a missing slot with its group label and count annotation beside managed-by', () => {
    const decision = decide(undefined, slotConfig);
    expect(decision.kind).toBe('create');
    const created = (decision as { lease: Lease }).lease;
    expect(created.metadata).toMatchObject({
      name: 'job-1',
      labels: { 'app.kubernetes.io/managed-by': 'leasectl', 'leasectl.io/slot-of': 'job' },
      annotations: { 'leasectl.io/slots': '3' },
    });
  });

  it('refuses a slot recorded with another count before deciding anything else, even when it is free', () => {
    expect(decide(slotLease(1, '2'), slotConfig)).toEqual({ kind: 'conflict-slots', mismatch: { kind: 'count', recorded: '2' } });
  });

  it('a plain hold refuses a slot lease, even an expired one', () => {
    const expired = slotLease(1, '3', 'gone_1');
    expect(decide(expired, jobElectionConfig, 60_000).kind).toBe('conflict-slots');
  });

  it('a held slot is waited for until its lease duration has passed by our monotonic clock, then taken', () => {
    const held = slotLease(1, '3', 'other_1');
    expect(decide(held, slotConfig, 14_999)).toMatchObject({ kind: 'wait', until: 15_000 });
    expect(decide(held, slotConfig, 15_000)).toMatchObject({ kind: 'take', lease: { spec: { holderIdentity: 'me_1', leaseTransitions: 3 } } });
  });

  it('--label and --annotation are added on a create and on a take, and the labels the lease had are kept', () => {
    const config: ElectionConfig = { ...jobElectionConfig, metadata: { labels: { team: 'payments' }, annotations: { owner: 'data' } } };
    expect((decide(undefined, config) as { lease: Lease }).lease.metadata).toMatchObject({
      labels: { 'app.kubernetes.io/managed-by': 'leasectl', team: 'payments' },
      annotations: { owner: 'data' },
    });
    const taken = decide(lease('job', { labels: { tier: 'batch' }, annotations: { note: 'x' } }), config);
    expect(taken).toMatchObject({ kind: 'take', lease: { metadata: { labels: { tier: 'batch', team: 'payments' }, annotations: { note: 'x', owner: 'data' } } } });
  });

  it('without labels or annotations to add, a taken lease keeps its metadata as it was', () => {
    const plain = lease('job', { labels: { tier: 'batch' } });
    const taken = decide(plain, jobElectionConfig) as { lease: Lease };
    expect(taken.lease.metadata.labels).toEqual({ tier: 'batch' });
    expect(taken.lease.metadata.annotations).toBeUndefined();
  });
});
