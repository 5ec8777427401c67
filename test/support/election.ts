// Election settings shared by the lease-logic tests and the hold-loop tests, so both exercise the same lease.
import type { ElectionConfig } from '../../src/lease/election.js';

/** Lease default/job, candidate me_1, hold's default timings (15s lease, 10s renew deadline, 2s retry). */
export const jobElectionConfig: ElectionConfig = {
  lease: { namespace: 'default', name: 'job' },
  identity: 'me_1',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  reentrant: false,
  force: false,
};
