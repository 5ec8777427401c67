/**
 * `leasectl hold`'s exit codes beyond the child's own (README "Exit codes", `hold --help`). 124–127 follow
 * timeout(1), env(1) and sh; 75 is EX_TEMPFAIL: the work was interrupted and may be retried.
 */
export const HoldExitCode = {
  /** The lease was lost while the command ran (renewals failed for --renew-deadline, or another holder took it). */
  lost: 75,
  /** Not acquired: --wait ran out, or --no-wait / --wait 0 found the lease held. */
  notAcquired: 124,
  /** leasectl's own failure: bad flags, unsafe timings, API or connection errors. */
  failed: 125,
  /** The command was found but could not be executed. */
  notExecutable: 126,
  /** The command was not found. */
  notFound: 127,
} as const;

/** 128 + N, the shell's status for a process killed by signal N. */
export function signalExitCode(signal: NodeJS.Signals): number {
  // node:os when a signal is met, not at start: the hold declaration (in every start) imports this file.
  return 128 + (process.getBuiltinModule('node:os').constants.signals[signal] ?? 0);
}
