import { validateElectionTimings, validateLeaseDurationSeconds, type ElectionTimings } from '../lease/election.js';
import { durationLimitMessage, formatDuration } from '../lease/time.js';

export interface HoldTimings extends ElectionTimings {
  gracePeriodMs: number;
}

/**
 * The shortest --retry-period. client-go has no floor, but its leader election defaults to 2s, and its REST client
 * allows a client 5 requests a second (rest.DefaultQPS); a renewal (or, while waiting, an attempt) every 200 ms keeps
 * one hold within that. `--retry-period 1ms` sent about 500 PUTs a second.
 */
export const MIN_RETRY_PERIOD_MS = 200;

/** --grace-period when not given: 10s, or less when that would not fit the lease (see validateHoldTimings). */
export const DEFAULT_GRACE_PERIOD_MS = 10_000;

/**
 * The default grace period: 10s, lowered to 80% of lease-duration − renew-deadline when that is less, so that the
 * defaults (15s/10s → 4s) and short test timings (3s/2s → 800ms) are safe without flags.
 */
export function defaultGracePeriodMs(leaseDurationMs: number, renewDeadlineMs: number): number {
  return Math.min(DEFAULT_GRACE_PERIOD_MS, Math.floor(0.8 * (leaseDurationMs - renewDeadlineMs)));
}

/**
 * One-line reasons to refuse these timings, or undefined.
 *
 * Why renew-deadline + grace-period < lease-duration makes two children impossible: let S be the start of our last
 * renewal that succeeded. Its write landed after S, so every other candidate saw that record (or a later one) no
 * earlier than S, and may take over no earlier than S + lease-duration by its clock (client-go's observed-time
 * rule; we take none of its timestamps on trust). We declare the lease lost at S + renew-deadline at the latest,
 * send SIGTERM to the child's whole process group then, and SIGKILL at S + renew-deadline + grace-period. So the
 * old child is dead before S + lease-duration. If leasectl itself dies, its watchdog (child.ts) kills the group at
 * once. What remains is what no lease can rule out: the clocks' *rates* differing by more than the slack, a machine
 * that freezes and wakes after others took over (its child runs on until the next renewal finds the lease lost,
 * plus the grace period), and a process stuck in uninterruptible sleep (then we do not release either).
 */
export function validateHoldTimings(t: HoldTimings): string | undefined {
  const election = validateElectionTimings(t) ?? validateLeaseDurationSeconds(t.leaseDurationMs);
  if (election !== undefined) return election;
  if (t.retryPeriodMs < MIN_RETRY_PERIOD_MS) {
    return durationLimitMessage({
      flag: '--retry-period',
      bound: `at least ${formatDuration(MIN_RETRY_PERIOD_MS)}`,
      reason: "shorter would write to the API server more than 5 times a second, client-go's default client limit",
      gotMs: t.retryPeriodMs,
    });
  }
  if (t.gracePeriodMs < 0) {
    return durationLimitMessage({ flag: '--grace-period', bound: 'at least 0s', reason: 'how long the command gets between SIGTERM and SIGKILL', gotMs: t.gracePeriodMs });
  }
  if (t.renewDeadlineMs + t.gracePeriodMs >= t.leaseDurationMs) {
    return (
      `unsafe timings: --renew-deadline ${formatDuration(t.renewDeadlineMs)} + --grace-period ${formatDuration(t.gracePeriodMs)} ` +
      `must be less than --lease-duration ${formatDuration(t.leaseDurationMs)}, or the command could still run after another holder ` +
      `takes the lease over; lower --grace-period or --renew-deadline, or raise --lease-duration`
    );
  }
  return undefined;
}
