import { formatDuration } from '../lease/time.js';
import { CLOCK_SKEW_ALLOWANCE_MS } from '../lease/expiry.js';
import { HoldExitCode } from '../hold/exit-codes.js';
import { leaseMetadataArgument } from '../hold/lease-metadata.js';
import { MIN_RETRY_PERIOD_MS } from '../hold/timing.js';
import { MAX_SLOTS, SLOT_COUNT_ANNOTATION, SLOT_GROUP_LABEL } from '../lease/slots.js';
import { Failure } from '../errors.js';
import type { CommandDeclaration, ExitCodeRow } from './declaration.js';
import { exitCodeArgument, parseLeaseName, slotCountArgument, timerDurationArgument } from './options.js';

export interface HoldOptions {
  name: string;
  /** The command and its arguments, after `--`. */
  commandArgs: string[];
  identity?: string;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  /** undefined waits forever. */
  wait?: number;
  noWait?: true;
  gracePeriod?: number;
  command?: string;
  shell: string;
  events?: 'json';
  keep?: boolean;
  force?: boolean;
  reentrant?: boolean;
  conflictExitCode: number;
  slots?: number;
  label?: Record<string, string>;
  annotation?: Record<string, string>;
}

export const HOLD_EXIT_CODES: readonly ExitCodeRow[] = [
  ['0-255', "the command's own exit status"],
  [HoldExitCode.lost, 'the lease was lost while the command ran (renewals failed for --renew-deadline, or another holder took it); the command was stopped'],
  [HoldExitCode.notAcquired, 'not acquired (--conflict-exit-code N gives N instead): --wait ran out, or --no-wait (--wait 0) found the lease (with --slots, every slot) held (one that looked expired changed while watched); the message names the holder and how to proceed if it is dead'],
  [HoldExitCode.failed, "leasectl's own error: bad flags or arguments, unsafe timings, API or connection errors, a coordinated lease"],
  [HoldExitCode.notExecutable, 'the command was found but could not be executed (checked before acquiring: the lease is left untouched)'],
  [HoldExitCode.notFound, 'the command was not found (checked before acquiring: the lease is left untouched)'],
  ['128+N', 'the command was killed by signal N (143 for SIGTERM); also when signal N stopped the wait before the command started'],
];

/** A bad NAME is refused before anything is sent, as leasectl's own error (125). */
function holdLeaseNameArgument(argument: string): string {
  const parsed = parseLeaseName(argument);
  if (parsed.problem !== undefined) throw new Failure(HoldExitCode.failed, parsed.problem);
  return parsed.name;
}

export const holdCommand: CommandDeclaration<HoldOptions> = {
  name: 'hold',
  summary: 'run a command while holding a lease: a cluster-wide lock for cron jobs, CI steps and migrations',
  description: [
        'Acquire the lease NAME, run COMMAND while renewing it, and release it once COMMAND and every process it left behind have exited. At most one holder runs at a time, cluster-wide. That assumes the machines\' clocks run at the same rate (they need not agree on the time of day). If leasectl itself dies, even by SIGKILL or a crash, a watchdog process kills COMMAND\'s process group at once. A machine that freezes (a suspended VM) freezes COMMAND with it; after it wakes, COMMAND may run beside a new holder for up to about --retry-period + --grace-period, until hold finds the lease lost and stops it.',
        '',
        'Acquiring works like client-go leader election: a missing lease is created (labelled app.kubernetes.io/managed-by=leasectl), a released one (empty holder) is taken at once, and a held one only after its leaseDurationSeconds has passed, by this machine\'s clock, since the lease last changed; its renewTime alone is never trusted (clock skew). A release is seen at once through a watch. Leases under coordinated leader election (spec.strategy) are never taken over. --label and --annotation are added to the lease whenever hold creates or takes it; other labels are kept, and the lease keeps them after its release, so list -l and gc -l find it.',
        '',
        `With --slots N, at most N copies of COMMAND run at once, cluster-wide: a counting semaphore of N leases NAME-0 … NAME-(N-1), each held exactly as a plain hold holds its lease. A waiter takes whichever slot frees first, watching all of them through one watch of their label ${SLOT_GROUP_LABEL}=NAME; --wait, --no-wait and exit 124 are as for one lease (124 when every slot is held). Each slot lease records the count (annotation ${SLOT_COUNT_ANNOTATION}), so a hold giving another --slots for the same NAME is refused (125) before anything is touched, as are --slots on a NAME that is a plain lease and a plain hold on a slot lease. --slots 1 is one slot, NAME-0: it never excludes a plain hold NAME, so keep to one form per NAME. LEASECTL_SLOT (0 … N-1) tells COMMAND its slot, and LEASECTL_LEASE that slot's lease.`,
        '',
        `Recovering after a crash (cron's --no-wait, or a --wait shorter than the lease duration): a lease that already looks expired by its renewTime (renewTime + leaseDurationSeconds more than ${formatDuration(CLOCK_SKEW_ALLOWANCE_MS)} in the past by this machine's clock) is watched for one lease duration and taken if nothing changed; if it changes, its holder is alive (its clock may be behind) and hold exits 124. A lease that looks live gives 124 at once; when its holder is known to be dead, wait one lease duration (--wait) or free it with release --force.`,
        '',
        'COMMAND runs exactly as given (PATH lookup, no shell) in its own session and process group. It has no controlling terminal, so it cannot open /dev/tty (ssh and sudo password prompts fail); stdin, stdout and stderr are still inherited. LEASECTL_LEASE (namespace/name), LEASECTL_IDENTITY, LEASECTL_ACQUIRED_AT, LEASECTL_TRANSITIONS (changes of holder this lease has counted; it restarts at 0 when the lease is deleted and re-created), LEASECTL_FENCING_TOKEN (the resourceVersion of the write that made this hold the holder: on etcd-backed apiservers it only grows, cluster-wide, and never repeats, even across a delete and re-create; compare it as an integer) and LEASECTL_HOLD_ID (unique to this run) are set. With -c, /bin/sh -c STRING runs instead. COMMAND (or the shell) is looked up before the lease is acquired, so one that is not found (127) or not executable (126) leaves the lease untouched.',
        '',
        "Every descendant of COMMAND counts as COMMAND: those in its process group and, on Linux, those that left it (setsid, a daemon's double fork), found by the LEASECTL_HOLD_ID they inherit (in /proc/PID/environ). They get COMMAND's signals; when COMMAND exits, those still running get SIGTERM, then SIGKILL after --grace-period, and the lease is released only once they are gone; if leasectl dies, the watchdog kills them too. Not found: a descendant that clears or overwrites its environment (env -i, some setproctitle) or runs as another user (setuid), and on platforms without /proc any descendant outside the group.",
        '',
        `While COMMAND runs the lease is renewed every --retry-period (at least ${formatDuration(MIN_RETRY_PERIOD_MS)}, which keeps hold within client-go's default of 5 requests a second). If no renewal succeeds for --renew-deadline, or the lease is found taken, released, deleted or at the end of its coordinated term, the lease is lost: the process group gets SIGTERM, then SIGKILL after --grace-period, and hold exits 75. hold refuses timings where renew-deadline + grace-period is not below lease-duration, so the old command is dead before anyone else can take the lease.`,
        '',
        'SIGINT, SIGTERM, SIGHUP and SIGQUIT are forwarded to the process group, the lease is renewed through the grace period and released after the group is gone; a second one sends SIGKILL at once. SIGUSR1, SIGUSR2 and SIGWINCH are passed through. A signal while waiting stops the wait, leaves nothing held and exits 128+N; the command never starts. SIGTSTP (Ctrl-Z), SIGTTIN and SIGTTOU are ignored: stopping hold would stop the renewals but not the command, and the lease would expire under it.',
        '',
        'Quiet by default (like flock): only errors and warnings go to stderr; -v adds one line per step, --events json one JSON object per line ({"v":1,"event":…,"time":…,"lease":…,"identity":…}, and "slot" with --slots) for waiting, confirming_expiry, not_acquired (before exit 124), acquire_failed, acquired, child_started, renewed, renew_failed, lost, signal_sent, signal_ignored, child_exited, released, release_failed and api_error.',
      ].join('\n'),
  usage: '[flags] NAME -- COMMAND [ARGS...]  |  hold [flags] NAME -c STRING',
  arguments: [
    { spelling: '<name>', key: 'name', description: 'lease name', parse: holdLeaseNameArgument },
    { spelling: '[command...]', key: 'commandArgs', description: 'the command and its arguments, after --' },
  ],
  flags: [
    { spelling: '--identity <identity>', description: 'holder identity (default: <hostname>_<uuid>, new for every run)' },
    {
      spelling: '--lease-duration <duration>',
      description: 'how long others wait after the last renewal they saw before taking the lease (whole seconds)',
      parse: timerDurationArgument,
      default: { value: 15_000, shown: '15s' },
    },
    { spelling: '--renew-deadline <duration>', description: 'the lease is lost when no renewal succeeds for this long', parse: timerDurationArgument, default: { value: 10_000, shown: '10s' } },
    {
      spelling: '--retry-period <duration>',
      description: `time between renewals, and between attempts while waiting (at least ${formatDuration(MIN_RETRY_PERIOD_MS)})`,
      parse: timerDurationArgument,
      default: { value: 2_000, shown: '2s' },
    },
    { spelling: '--wait <duration>', description: 'give up (exit 124) if not acquired within this long; 0 tries once (default: wait forever)', parse: timerDurationArgument },
    // Commander stores --wait and --no-wait in one value, so it could not tell them apart; kept apart, `conflicts`
    // refuses the two together instead of letting the last one win.
    { spelling: '--no-wait', description: 'try once; exit 124 if the lease is held (same as --wait 0)', preset: true, conflicts: ['wait'], key: 'noWait' },
    {
      spelling: '--grace-period <duration>',
      description: 'between the stop signal and SIGKILL (default: 10s, or 80% of lease-duration − renew-deadline if less)',
      parse: timerDurationArgument,
    },
    { spelling: '-c, --command <string>', description: 'run STRING with the shell instead of a command after --' },
    { spelling: '--shell <path>', description: 'the shell for -c', default: { value: '/bin/sh' } },
    { spelling: '--events <format>', description: 'machine-readable events on stderr, one JSON object per line', choices: ['json'] },
    { spelling: '--keep', description: 'do not release the lease afterwards; it expires by itself after lease-duration' },
    { spelling: '--force', description: 'take over a lease under coordinated leader election (spec.strategy) too' },
    {
      spelling: '--reentrant',
      description:
        'a live lease already held under our --identity is ours (default: a conflict, as another process uses that identity). Holds sharing an identity share the lease, and the first of them to finish releases the lease; use it only when one process re-enters its own lock',
    },
    {
      spelling: '--slots <n>',
      description: `let up to N (1-${MAX_SLOTS}) copies of COMMAND run at once: hold whichever of the leases NAME-0 … NAME-(N-1) frees first`,
      parse: slotCountArgument,
    },
    {
      spelling: '--label <key=value>',
      description: 'a label for the lease it creates or takes, such as team=payments, for list -l and gc -l (repeatable)',
      parse: leaseMetadataArgument('label'),
    },
    { spelling: '--annotation <key=value>', description: 'an annotation for the lease it creates or takes (repeatable)', parse: leaseMetadataArgument('annotation') },
    {
      spelling: '--conflict-exit-code <code>',
      description: 'exit with this code (0-255) instead of 124 when the lease is not acquired, like flock -E',
      parse: exitCodeArgument,
      default: { value: HoldExitCode.notAcquired },
    },
  ],
  examples: [
    { comment: 'Run a migration at most once at a time, cluster-wide', command: 'leasectl hold db-migrate -- ./migrate.sh --to latest' },
    { comment: 'From cron: skip this run (exit 124) if another host is still running it', command: 'leasectl hold -n batch --no-wait nightly-report -- ./report.sh' },
    { comment: 'Wait at most 5 minutes, with a shell pipeline', command: "leasectl hold --wait 5m deploy -c 'make deploy | tee deploy.log'" },
    { comment: 'At most 3 encoders at once across the cluster; each learns its slot from $LEASECTL_SLOT', command: 'leasectl hold --slots 3 encoder -- ./encode.sh' },
    {
      comment: 'Mark the lease for the team, so that gc -l team=media can collect it later',
      command: 'leasectl hold --label team=media --annotation owner=media@example.com thumbnails -- ./thumbnails.sh',
    },
    {
      comment: 'Short lease for fast failover, JSON events for the log shipper',
      command: 'leasectl hold --lease-duration 6s --renew-deadline 4s --retry-period 1s --events json sync -- ./sync',
    },
  ],
  exitCodes: HOLD_EXIT_CODES,
  // Bad flags and arguments are leasectl's own errors, which hold reports as 125 (like timeout(1)), not 2.
  usageExitCode: HoldExitCode.failed,
};
