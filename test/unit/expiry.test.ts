// The one rule for "looks expired → confirm by observation", with an injected clock.
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_ALLOWANCE_MS, confirmedExpiredAt, DEFAULT_LEASE_DURATION_MS, isUnchanged, looksExpired, observe } from '../../src/lease/expiry.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');

function lease(spec: Lease['spec'], rv = '7'): Lease {
  return { metadata: { name: 'job', namespace: 'default', uid: 'u-1', resourceVersion: rv }, spec };
}

const renewedAgo = (ms: number, durationSeconds: number | null = 15) =>
  lease({ holderIdentity: 'h_1', renewTime: formatMicroTime(NOW - ms), ...(durationSeconds === null ? {} : { leaseDurationSeconds: durationSeconds }) });

describe('looksExpired', () => {
  it('is false for a lease renewed within its duration, and within the skew allowance past it', () => {
    expect(looksExpired(renewedAgo(3_000), NOW)).toBe(false);
    expect(looksExpired(renewedAgo(15_000 + CLOCK_SKEW_ALLOWANCE_MS), NOW)).toBe(false);
  });
  it('is true past the duration plus the skew allowance, and when renewTime or the duration is missing', () => {
    expect(looksExpired(renewedAgo(15_000 + CLOCK_SKEW_ALLOWANCE_MS + 1), NOW)).toBe(true);
    expect(looksExpired(renewedAgo(3 * 3_600_000), NOW)).toBe(true);
    expect(looksExpired(renewedAgo(0, null), NOW)).toBe(true);
    expect(looksExpired(lease({ holderIdentity: 'h_1', leaseDurationSeconds: 15 }), NOW)).toBe(true);
  });
});

describe('confirmation by observation', () => {
  it('is confirmed one record duration after the record was first seen, however old its renewTime', () => {
    const old = renewedAgo(3 * 3_600_000, 40);
    const seen = observe(undefined, old, 1_000);
    expect(confirmedExpiredAt(seen, old, DEFAULT_LEASE_DURATION_MS)).toBe(41_000);
    expect(observe(seen, structuredClone(old), 30_000)).toBe(seen); // unchanged: the observed time stands
  });
  it('restarts when the record changes: a renewal, even with an old renewTime, is a sign of life', () => {
    const first = renewedAgo(2 * 3_600_000);
    const seen = observe(undefined, first, 0);
    const renewed = lease({ ...first.spec, renewTime: formatMicroTime(NOW - 2 * 3_600_000 + 2_000) }, '8');
    expect(isUnchanged(seen, renewed)).toBe(false);
    expect(observe(seen, renewed, 2_000).observedAt).toBe(2_000);
    expect(isUnchanged(seen, undefined)).toBe(false);
  });
  it('watches a record without leaseDurationSeconds for the fallback duration', () => {
    const noDuration = renewedAgo(0, null);
    expect(confirmedExpiredAt(observe(undefined, noDuration, 500), noDuration, DEFAULT_LEASE_DURATION_MS)).toBe(500 + DEFAULT_LEASE_DURATION_MS);
  });
});
