// The holder as conflict messages name it (hold, renew and release all say it this way), by an injected clock.
import { describe, expect, it } from 'vitest';
import type { Lease, LeaseSpec } from '../../src/lease/types.js';
import { describeHolding } from '../../src/printers/lease-descriptions.js';

const RENEWED_AT = Date.UTC(2026, 10, 23, 12, 0, 0);

function lease(spec: LeaseSpec): Lease {
  return { metadata: { name: 'job', namespace: 'default' }, spec };
}

const held: LeaseSpec = { holderIdentity: 'host-a_7f3e', leaseDurationSeconds: 15, renewTime: '2026-11-23T12:00:00.000000Z' };

describe('describeHolding', () => {
  it('names the holder, when it renewed and when it expires, by this machine\'s clock', () => {
    expect(describeHolding(lease(held), RENEWED_AT + 3_000)).toBe("held by host-a_7f3e (renewed 3s ago, expires in 12s by this machine's clock)");
  });

  it('says how long ago an expired holder\'s lease ran out', () => {
    expect(describeHolding(lease(held), RENEWED_AT + 15_000 + 3 * 60_000)).toBe("held by host-a_7f3e (renewed 3m15s ago, expired 3m ago by this machine's clock)");
  });

  it('shows a renewTime from a clock ahead of ours as in the future rather than hiding it', () => {
    expect(describeHolding(lease(held), RENEWED_AT - 5_000)).toBe("held by host-a_7f3e (renewed in 5s, expires in 20s by this machine's clock)");
  });

  it('says the expiry is unknown without a renewTime or duration, and that nobody holds a released lease', () => {
    expect(describeHolding(lease({ ...held, renewTime: undefined }), RENEWED_AT)).toBe("held by host-a_7f3e (renewed <unset>, expiry unknown by this machine's clock)");
    expect(describeHolding(lease({ ...held, holderIdentity: '' }), RENEWED_AT)).toBe('not held by anyone');
  });
});
