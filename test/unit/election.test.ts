import { describe, expect, it } from 'vitest';
import {
  acquiredLease,
  checkHolding,
  createdLease,
  decideAcquire,
  decideRenewOnce,
  isHeldBy,
  MANAGED_BY_LABEL,
  releasedLease,
  renewedLease,
  validateElectionTimings,
  validateLeaseDurationSeconds,
  type ElectionConfig,
} from '../../src/lease/election.js';
import { observe, type Observation } from '../../src/lease/expiry.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import { jobElectionConfig as config } from '../support/election.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

function lease(spec: Lease['spec'], rv = '10'): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'job', namespace: 'default', uid: 'u-1', resourceVersion: rv, labels: { team: 'a' } },
    spec,
    status: { unknownTopLevel: true },
  };
}

const heldByOther = (renewTime = formatMicroTime(T0), rv = '10') =>
  lease(
    { holderIdentity: 'other_2', leaseDurationSeconds: 15, acquireTime: formatMicroTime(T0 - 60_000), renewTime, leaseTransitions: 4 },
    rv,
  );

describe('validateElectionTimings (client-go NewLeaderElector order and messages)', () => {
  it('accepts the core defaults 15s/10s/2s', () => {
    expect(validateElectionTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 })).toBeUndefined();
  });
  it('requires leaseDuration > renewDeadline and names the fix', () => {
    const message = validateElectionTimings({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(message).toMatch(/^leaseDuration must be greater than renewDeadline \(--lease-duration 10s, --renew-deadline 10s/);
    expect(message).toContain('raise --lease-duration or lower --renew-deadline');
    expect(message).not.toContain('\n');
  });
  it('requires renewDeadline > 1.2 × retryPeriod', () => {
    expect(validateElectionTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 2_400, retryPeriodMs: 2_000 })).toMatch(
      /^renewDeadline must be greater than retryPeriod\*JitterFactor .*raise --renew-deadline or lower --retry-period$/,
    );
    expect(validateElectionTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 2_401, retryPeriodMs: 2_000 })).toBeUndefined();
  });
  it('rejects a zero retry period in the one wording of duration limits', () => {
    expect(validateElectionTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 0 })).toBe(
      "--retry-period must be more than 0s (client-go's leader election needs every period positive), got 0s",
    );
  });
  it('checks the ordering before zero, as client-go does', () => {
    expect(validateElectionTimings({ leaseDurationMs: 0, renewDeadlineMs: 0, retryPeriodMs: 0 })).toMatch(/^leaseDuration must be greater than renewDeadline/);
  });
  it('leaseDurationSeconds must be whole seconds', () => {
    expect(validateLeaseDurationSeconds(15_000)).toBeUndefined();
    expect(validateLeaseDurationSeconds(1_500)).toMatch(/whole number of seconds.*got 1\.5s/);
    expect(validateLeaseDurationSeconds(500)).toBe('--lease-duration must be a whole number of seconds, at least 1s (leaseDurationSeconds is an integer), got 500ms');
  });
  it('leaseDurationSeconds must fit 32 bits, said in the one wording of duration limits', () => {
    expect(validateLeaseDurationSeconds(2 ** 31 * 1000, '--lease-duration')).toBe(
      '--lease-duration must be at most 596523h14m7s (leaseDurationSeconds is a 32-bit integer), got 596523h14m8s',
    );
  });
});

describe('observe', () => {
  it('starts an observation at the first sighting', () => {
    expect(observe(undefined, heldByOther(), 100).observedAt).toBe(100);
  });
  it('keeps the observed time while the record is unchanged', () => {
    const first = observe(undefined, heldByOther(), 100);
    expect(observe(first, heldByOther(), 9_000)).toBe(first);
  });
  it.each([
    ['renewTime', { renewTime: formatMicroTime(T0 + 2_000) }],
    ['holderIdentity', { holderIdentity: 'third_3' }],
    ['leaseDurationSeconds', { leaseDurationSeconds: 30 }],
    ['leaseTransitions', { leaseTransitions: 5 }],
    ['acquireTime', { acquireTime: formatMicroTime(T0) }],
  ])('resets the observed time when %s changes', (_field, change) => {
    const first = observe(undefined, heldByOther(), 100);
    const changed = { ...heldByOther(), spec: { ...heldByOther().spec, ...change } };
    expect(observe(first, changed, 5_000).observedAt).toBe(5_000);
  });
  it('resets the observed time when only the resourceVersion changes (a write we cannot see in the spec)', () => {
    const first = observe(undefined, heldByOther(formatMicroTime(T0), '10'), 100);
    expect(observe(first, heldByOther(formatMicroTime(T0), '11'), 5_000).observedAt).toBe(5_000);
  });
  it('treats deletion as a change', () => {
    const first = observe(undefined, heldByOther(), 100);
    expect(observe(first, undefined, 200).observedAt).toBe(200);
  });
});

describe('decideAcquire', () => {
  const decide = (l: Lease | undefined, obs: Observation, mono: number, cfg: ElectionConfig = config, now = T0 + 1_000) =>
    decideAcquire(l, obs, cfg, mono, now);

  it('creates a missing lease: holder us, transitions 0, acquireTime = renewTime = now, managed-by label', () => {
    const d = decide(undefined, observe(undefined, undefined, 0), 0);
    expect(d.kind).toBe('create');
    if (d.kind !== 'create') return;
    expect(d.lease.metadata).toMatchObject({ name: 'job', namespace: 'default', labels: { [MANAGED_BY_LABEL]: 'leasectl' } });
    expect(d.lease.spec).toEqual({
      holderIdentity: 'me_1',
      leaseDurationSeconds: 15,
      acquireTime: '2026-03-01T12:00:01.000000Z',
      renewTime: '2026-03-01T12:00:01.000000Z',
      leaseTransitions: 0,
    });
  });

  it.each([
    ['an empty holderIdentity', ''],
    ['an absent holderIdentity', undefined],
  ])('takes a lease with %s at once, without waiting', (_label, holderIdentity) => {
    const free = lease({ holderIdentity, leaseDurationSeconds: 1, renewTime: formatMicroTime(T0), leaseTransitions: 4 });
    const d = decide(free, observe(undefined, free, 0), 0);
    expect(d.kind).toBe('take');
    if (d.kind !== 'take') return;
    expect(d.lease.spec).toMatchObject({ holderIdentity: 'me_1', leaseTransitions: 5, leaseDurationSeconds: 15 });
    expect(d.lease.metadata.resourceVersion).toBe('10');
    expect(d.lease.metadata.uid).toBe('u-1');
  });

  it('waits a full record leaseDurationSeconds from the first observation of a held lease', () => {
    const held = heldByOther();
    const obs = observe(undefined, held, 1_000);
    const d = decide(held, obs, 1_000);
    expect(d).toMatchObject({ kind: 'wait', until: 16_000, holder: { holder: 'other_2', leaseDurationMs: 15_000 } });
    expect(decide(held, obs, 15_999).kind).toBe('wait');
  });

  it('takes over once the duration has passed by our clock since the record last changed: transitions + 1, acquireTime = renewTime = now', () => {
    const held = heldByOther();
    const obs = observe(undefined, held, 1_000);
    const d = decide(held, obs, 16_000, config, T0 + 20_000);
    expect(d.kind).toBe('take');
    if (d.kind !== 'take') return;
    const now = formatMicroTime(T0 + 20_000);
    expect(d.lease.spec).toEqual({ holderIdentity: 'me_1', leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 5 });
    expect(d.lease.status).toEqual({ unknownTopLevel: true });
    expect(d.lease.metadata.labels).toEqual({ team: 'a' });
  });

  it("uses the record's leaseDurationSeconds, not our own", () => {
    const held = { ...heldByOther(), spec: { ...heldByOther().spec, leaseDurationSeconds: 60 } };
    expect(decide(held, observe(undefined, held, 0), 59_999)).toMatchObject({ kind: 'wait', until: 60_000 });
  });

  it('falls back to our own duration when the record has none', () => {
    const held = { ...heldByOther(), spec: { ...heldByOther().spec, leaseDurationSeconds: undefined } };
    expect(decide(held, observe(undefined, held, 0), 0)).toMatchObject({ kind: 'wait', until: 15_000 });
  });

  it('a renewal seen while waiting restarts the wait', () => {
    let obs = observe(undefined, heldByOther(formatMicroTime(T0), '10'), 0);
    const renewed = heldByOther(formatMicroTime(T0 + 2_000), '11');
    obs = observe(obs, renewed, 14_000);
    expect(decide(renewed, obs, 20_000)).toMatchObject({ kind: 'wait', until: 29_000 });
  });

  describe('clock skew: the remote renewTime changes nothing', () => {
    it.each([
      ['an hour in the past', T0 - 3_600_000],
      ['a year in the past', T0 - 365 * 86_400_000],
      ['an hour in the future', T0 + 3_600_000],
    ])('renewTime %s: still waits a full duration after first sight', (_label, renewedAt) => {
      const held = heldByOther(formatMicroTime(renewedAt));
      const obs = observe(undefined, held, 500);
      expect(decide(held, obs, 500)).toMatchObject({ kind: 'wait', until: 15_500 });
      expect(decide(held, obs, 15_499).kind).toBe('wait');
      expect(decide(held, obs, 15_500).kind).toBe('take');
    });
    it('a wall clock far from the holder only changes what we write, not the decision', () => {
      const held = heldByOther();
      const obs = observe(undefined, held, 0);
      expect(decide(held, obs, 1_000, config, T0 + 86_400_000).kind).toBe('wait');
      expect(decide(held, obs, 1_000, config, T0 - 86_400_000).kind).toBe('wait');
    });
  });

  it('a live lease under our own identity is a conflict, not ours', () => {
    const mine = { ...heldByOther(), spec: { ...heldByOther().spec, holderIdentity: 'me_1' } };
    expect(decide(mine, observe(undefined, mine, 0), 0)).toMatchObject({ kind: 'conflict-self', until: 15_000 });
  });

  it('an expired lease under our own identity is taken over like any other', () => {
    const mine = { ...heldByOther(), spec: { ...heldByOther().spec, holderIdentity: 'me_1' } };
    const d = decide(mine, observe(undefined, mine, 0), 15_000);
    expect(d).toMatchObject({ kind: 'take', reentered: false, lease: { spec: { leaseTransitions: 5 } } });
  });

  it('--reentrant: our own live lease is ours, keeping acquireTime and transitions (client-go)', () => {
    const mine = { ...heldByOther(), spec: { ...heldByOther().spec, holderIdentity: 'me_1' } };
    const d = decide(mine, observe(undefined, mine, 0), 0, { ...config, reentrant: true });
    expect(d).toMatchObject({ kind: 'take', reentered: true });
    if (d.kind !== 'take') return;
    expect(d.lease.spec).toMatchObject({ leaseTransitions: 4, acquireTime: mine.spec?.acquireTime, renewTime: formatMicroTime(T0 + 1_000) });
  });

  describe('coordinated leases (spec.strategy)', () => {
    const coordinated = (holderIdentity: string) =>
      lease({ holderIdentity, leaseDurationSeconds: 5, renewTime: formatMicroTime(T0), strategy: 'OldestEmulationVersion', leaseTransitions: 1 });
    it('never takes one over, even when free or expired', () => {
      for (const l of [coordinated(''), coordinated('kcm_1')]) {
        expect(decide(l, observe(undefined, l, 0), 999_999)).toMatchObject({ kind: 'conflict-coordinated', strategy: 'OldestEmulationVersion' });
      }
    });
    it('--force takes it (after the usual wait) and drops strategy and preferredHolder', () => {
      const l = { ...coordinated('kcm_1'), spec: { ...coordinated('kcm_1').spec, preferredHolder: 'kcm_2' } };
      const forced = { ...config, force: true };
      expect(decide(l, observe(undefined, l, 0), 0, forced).kind).toBe('wait');
      const d = decide(l, observe(undefined, l, 0), 5_000, forced);
      expect(d.kind).toBe('take');
      if (d.kind !== 'take') return;
      expect(d.lease.spec).not.toHaveProperty('strategy');
      expect(d.lease.spec).not.toHaveProperty('preferredHolder');
    });
  });
});

describe('renewedLease', () => {
  it('sets renewTime = now and re-asserts the duration, keeping holder, acquireTime, transitions and unknown fields', () => {
    const mine = lease({ holderIdentity: 'me_1', leaseDurationSeconds: 99, acquireTime: 'A', renewTime: 'R', leaseTransitions: 7, futureField: 'x' });
    const renewed = renewedLease(mine, config, T0);
    expect(renewed.spec).toEqual({
      holderIdentity: 'me_1',
      leaseDurationSeconds: 15,
      acquireTime: 'A',
      renewTime: '2026-03-01T12:00:00.000000Z',
      leaseTransitions: 7,
      futureField: 'x',
    });
    expect(renewed.metadata.resourceVersion).toBe('10');
    expect(mine.spec?.renewTime).toBe('R');
  });
});

describe('releasedLease', () => {
  it("writes client-go's release record and keeps the transitions", () => {
    const mine = lease({
      holderIdentity: 'me_1',
      leaseDurationSeconds: 15,
      acquireTime: 'A',
      renewTime: 'R',
      leaseTransitions: 7,
      strategy: 'OldestEmulationVersion',
      preferredHolder: 'x',
    });
    const now = formatMicroTime(T0);
    expect(releasedLease(mine, T0).spec).toEqual({ holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: 7 });
    expect(releasedLease(mine, T0).metadata).toEqual(mine.metadata);
  });
  it('writes transitions 0 when the record had none', () => {
    expect(releasedLease(lease({ holderIdentity: 'me_1' }), T0).spec?.leaseTransitions).toBe(0);
  });
});

describe('acquiredLease / createdLease', () => {
  it('counts a first transition from an absent count', () => {
    expect(acquiredLease(lease({}), config, T0).spec?.leaseTransitions).toBe(1);
  });
  it('createdLease writes whole seconds', () => {
    expect(createdLease(config.lease, { identity: 'x', leaseDurationMs: 3_000 }, T0).spec?.leaseDurationSeconds).toBe(3);
  });
});

describe('isHeldBy / checkHolding', () => {
  const mine = lease({ holderIdentity: 'me_1' });
  it('isHeldBy compares the holder exactly and never matches an empty identity', () => {
    expect(isHeldBy(mine, 'me_1')).toBe(true);
    expect(isHeldBy(mine, 'me_')).toBe(false);
    expect(isHeldBy(lease({ holderIdentity: '' }), '')).toBe(false);
    expect(isHeldBy(undefined, 'me_1')).toBe(false);
  });
  it.each([
    ['ours', mine, { held: true }],
    ['deleted', undefined, { held: false, reason: 'deleted' }],
    ['released', lease({ holderIdentity: '' }), { held: false, reason: 'released' }],
    ['taken', lease({ holderIdentity: 'other_2' }), { held: false, reason: 'taken', holder: 'other_2' }],
    [
      'end of term (preferredHolder set)',
      lease({ holderIdentity: 'me_1', strategy: 'OldestEmulationVersion', preferredHolder: 'other_2' }),
      { held: false, reason: 'end-of-term', preferredHolder: 'other_2' },
    ],
  ])('%s', (_label, l, expected) => {
    expect(checkHolding(l, 'me_1')).toMatchObject(expected);
  });
});

describe('decideRenewOnce (leasectl renew)', () => {
  const options = { identity: 'me_1', acquire: false, leaseDurationMs: 15_000, keepRecordDuration: true };
  const mine = lease({ holderIdentity: 'me_1', leaseDurationSeconds: 3, acquireTime: 'A', renewTime: formatMicroTime(T0), leaseTransitions: 2 });

  it("renews our lease, keeping the record's duration unless one was given", () => {
    const d = decideRenewOnce(mine, options, T0 + 1_000);
    expect(d).toMatchObject({ kind: 'renew', lease: { spec: { leaseDurationSeconds: 3, acquireTime: 'A', leaseTransitions: 2 } } });
    expect(decideRenewOnce(mine, { ...options, keepRecordDuration: false }, T0)).toMatchObject({
      lease: { spec: { leaseDurationSeconds: 15 } },
    });
  });
  it('refuses a lease held by someone else, even an expired one, without --acquire', () => {
    expect(decideRenewOnce(heldByOther(formatMicroTime(T0 - 3_600_000)), options, T0)).toEqual({ kind: 'held', holder: 'other_2' });
  });
  it('--acquire takes a free lease', () => {
    expect(decideRenewOnce(lease({ holderIdentity: '', leaseTransitions: 1 }), { ...options, acquire: true }, T0)).toMatchObject({
      kind: 'take',
      lease: { spec: { holderIdentity: 'me_1', leaseTransitions: 2 } },
    });
  });
  it('--acquire takes a lease expired by renewTime + duration on our clock, and says whom it displaced', () => {
    const d = decideRenewOnce(heldByOther(formatMicroTime(T0 - 15_001)), { ...options, acquire: true }, T0);
    expect(d).toMatchObject({ kind: 'take', previousHolder: 'other_2' });
  });
  it('--acquire does not take a live lease', () => {
    expect(decideRenewOnce(heldByOther(formatMicroTime(T0 - 14_000)), { ...options, acquire: true }, T0).kind).toBe('held');
  });
  it('--acquire never takes a coordinated lease', () => {
    const l = lease({ holderIdentity: '', strategy: 'OldestEmulationVersion' });
    expect(decideRenewOnce(l, { ...options, acquire: true }, T0)).toMatchObject({ kind: 'coordinated' });
  });
});
