import { describe, expect, it } from 'vitest';
import { expiredForMs, leaseState } from '../../src/lease/state.js';
import type { Lease, LeaseSpec } from '../../src/lease/types.js';
import { describeExpiry, describeRelative } from '../../src/printers/lease-descriptions.js';

const RENEWED_AT = Date.UTC(2024, 0, 15, 10, 0, 0);
const RENEW_TIME = '2024-01-15T10:00:00.000000Z';

function lease(spec: LeaseSpec | undefined): Lease {
  return { metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, ...(spec ? { spec } : {}) };
}

const heldSpec: LeaseSpec = {
  holderIdentity: 'cp-1_bec39b96-87c4-4bce-8775-2eeb4eb4c1e8',
  leaseDurationSeconds: 15,
  acquireTime: '2024-01-15T09:00:00.000000Z',
  renewTime: RENEW_TIME,
  leaseTransitions: 3,
};

describe('leaseState', () => {
  it('reports every field of a lease held and renewed within its duration', () => {
    expect(leaseState(lease(heldSpec), RENEWED_AT + 5_000)).toEqual({
      status: 'held',
      holder: 'cp-1_bec39b96-87c4-4bce-8775-2eeb4eb4c1e8',
      renewedAt: RENEWED_AT,
      acquiredAt: Date.UTC(2024, 0, 15, 9, 0, 0),
      durationSeconds: 15,
      transitions: 3,
      expiresAt: RENEWED_AT + 15_000,
      coordinated: false,
      preferredHolder: undefined,
    });
  });

  it('is still held at exactly renewTime + duration (GC expires strictly after)', () => {
    expect(leaseState(lease(heldSpec), RENEWED_AT + 15_000).status).toBe('held');
    expect(leaseState(lease(heldSpec), RENEWED_AT + 15_001).status).toBe('expired');
  });

  it('is held when renewTime is ahead of this clock (skew)', () => {
    const state = leaseState(lease({ ...heldSpec, renewTime: '2024-01-15T10:01:00.000000Z' }), RENEWED_AT);
    expect(state.status).toBe('held');
    expect(state.expiresAt).toBe(RENEWED_AT + 75_000);
  });

  it('treats an absent and an empty holder alike as released, even when renewed recently', () => {
    const absent = leaseState(lease({ ...heldSpec, holderIdentity: undefined }), RENEWED_AT);
    const empty = leaseState(lease({ ...heldSpec, holderIdentity: '' }), RENEWED_AT);
    const nullHolder = leaseState(lease({ ...heldSpec, holderIdentity: null }), RENEWED_AT);
    for (const state of [absent, empty, nullHolder]) {
      expect(state.status).toBe('released');
      expect(state.holder).toBeUndefined();
    }
  });

  it('reads a lease with no spec at all as released with nothing known', () => {
    const state = leaseState(lease(undefined), RENEWED_AT);
    expect(state.status).toBe('released');
    expect(state.renewedAt).toBeUndefined();
    expect(state.expiresAt).toBeUndefined();
    expect(state.transitions).toBeUndefined();
  });

  it.each([
    ['renewTime absent', { renewTime: undefined }],
    ['renewTime null', { renewTime: null }],
    ['renewTime unparseable', { renewTime: 'yesterday' }],
    ['leaseDurationSeconds absent', { leaseDurationSeconds: undefined }],
    ['leaseDurationSeconds null', { leaseDurationSeconds: null }],
  ])('is expired for a held-looking lease with %s', (_, change) => {
    const state = leaseState(lease({ ...heldSpec, ...change }), RENEWED_AT);
    expect(state.status).toBe('expired');
    expect(state.holder).toBe('cp-1_bec39b96-87c4-4bce-8775-2eeb4eb4c1e8');
    expect(state.expiresAt).toBeUndefined();
  });

  it('marks coordinated leases and an end-of-term preferred holder', () => {
    const state = leaseState(
      lease({
        ...heldSpec,
        strategy: 'OldestEmulationVersion',
        preferredHolder: 'cp-2_0c8914f7-0f35-440e-8676-7844977d3a05',
      }),
      RENEWED_AT,
    );
    expect(state.coordinated).toBe(true);
    expect(state.preferredHolder).toBe('cp-2_0c8914f7-0f35-440e-8676-7844977d3a05');
    const blank = leaseState(lease({ ...heldSpec, strategy: '', preferredHolder: '' }), RENEWED_AT);
    expect(blank.coordinated).toBe(false);
    expect(blank.preferredHolder).toBeUndefined();
  });

  it('keeps microseconds out of epoch ms and honours offsets', () => {
    const state = leaseState(lease({ ...heldSpec, renewTime: '2024-01-15T11:00:00.123999+01:00' }), RENEWED_AT);
    expect(state.renewedAt).toBe(RENEWED_AT + 123);
  });
});

describe('expiredForMs', () => {
  it('counts from renewTime + duration: negative before, 0 at, positive after', () => {
    expect(expiredForMs(lease(heldSpec), RENEWED_AT + 5_000)).toBe(-10_000);
    expect(expiredForMs(lease(heldSpec), RENEWED_AT + 15_000)).toBe(0);
    expect(expiredForMs(lease(heldSpec), RENEWED_AT + 3_615_000)).toBe(3_600_000);
  });

  it('counts released leases like any other', () => {
    expect(expiredForMs(lease({ ...heldSpec, holderIdentity: '', leaseDurationSeconds: 1 }), RENEWED_AT + 61_000)).toBe(
      60_000,
    );
  });

  it('is Infinity when renewTime or the duration is missing', () => {
    expect(expiredForMs(lease({ ...heldSpec, renewTime: undefined }), RENEWED_AT)).toBe(Infinity);
    expect(expiredForMs(lease({ ...heldSpec, leaseDurationSeconds: undefined }), RENEWED_AT)).toBe(Infinity);
    expect(expiredForMs(lease(undefined), RENEWED_AT)).toBe(Infinity);
  });
});

describe('describeExpiry', () => {
  const at = (spec: LeaseSpec, nowMs: number) => describeExpiry(leaseState(lease(spec), nowMs), nowMs);

  it.each([
    [RENEWED_AT + 3_000, 'in 12s'],
    [RENEWED_AT + 15_000, 'in 0s'],
    [RENEWED_AT + 15_500, 'expired 0s ago'],
    [RENEWED_AT + 27_000, 'expired 12s ago'],
    [RENEWED_AT + 15_000 + 3 * 60_000, 'expired 3m ago'],
    [RENEWED_AT - 60_000, 'in 75s'],
  ])('held lease at %d → %s', (nowMs, text) => {
    expect(at(heldSpec, nowMs)).toBe(text);
  });

  it('says released for a lease without holder, whatever its times', () => {
    expect(at({ ...heldSpec, holderIdentity: '' }, RENEWED_AT + 3_000)).toBe('released');
    expect(at({}, RENEWED_AT)).toBe('released');
  });

  it('says <unknown> when renewTime or duration is missing', () => {
    expect(at({ ...heldSpec, renewTime: undefined }, RENEWED_AT)).toBe('<unknown>');
    expect(at({ ...heldSpec, leaseDurationSeconds: undefined }, RENEWED_AT)).toBe('<unknown>');
  });
});

describe('describeRelative', () => {
  it.each([
    [RENEWED_AT, '0s ago'],
    [RENEWED_AT + 12_000, '12s ago'],
    [RENEWED_AT + 5 * 3_600_000, '5h ago'],
    [RENEWED_AT - 999, '0s ago'],
    [RENEWED_AT - 1_000, 'in 1s'],
    [RENEWED_AT - 5_000, 'in 5s'],
    [RENEWED_AT - 3 * 60_000, 'in 3m'],
  ])('at %d → %s', (nowMs, text) => {
    expect(describeRelative(RENEWED_AT, nowMs)).toBe(text);
  });

  it('says <unset> for an absent timestamp', () => {
    expect(describeRelative(undefined, RENEWED_AT)).toBe('<unset>');
  });
});
