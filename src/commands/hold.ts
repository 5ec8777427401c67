import { hostname } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { ExitError } from '../errors.js';
import { createHoldEvents } from '../hold/events.js';
import { HoldExitCode } from '../hold/exit-codes.js';
import { leaseMetadataArgument } from '../hold/lease-metadata.js';
import { defaultGracePeriodMs, MIN_RETRY_PERIOD_MS, validateHoldTimings } from '../hold/timing.js';
import type { ElectionConfig } from '../lease/election.js';
import { defaultHolderIdentity } from '../lease/holder.js';
import { CLOCK_SKEW_ALLOWANCE_MS } from '../lease/expiry.js';
import { formatDuration } from '../lease/time.js';
import { MAX_SLOTS, SLOT_COUNT_ANNOTATION, SLOT_GROUP_LABEL } from '../lease/slots.js';
import { examplesHelp, exitCodeArgument, exitCodesHelp, parseLeaseName, slotCountArgument, timerDurationArgument } from './options.js';

interface HoldFlags {
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

export const HOLD_EXIT_CODES = [
  ['0-255', "the command's own exit status"],
  [HoldExitCode.lost, 'the lease was lost while the command ran (renewals failed for --renew-deadline, or another holder took it); the command was stopped'],
  [HoldExitCode.notAcquired, 'not acquired (--conflict-exit-code N gives N instead): --wait ran out, or --no-wait (--wait 0) found the lease (with --slots, every slot) held (one that looked expired changed while watched); the message names the holder and how to proceed if it is dead'],
  [HoldExitCode.failed, "leasectl's own error: bad flags or arguments, unsafe timings, API or connection errors, a coordinated lease"],
  [HoldExitCode.notExecutable, 'the command was found but could not be executed (checked before acquiring: the lease is left untouched)'],
  [HoldExitCode.notFound, 'the command was not found (checked before acquiring: the lease is left untouched)'],
  ['128+N', 'the command was killed by signal N (143 for SIGTERM); also when signal N stopped the wait before the command started'],
] as const;

/**
 * --no-wait under a name of its own. Commander stores --wait and --no-wait in one value, so it could not tell them
 * apart; kept apart, `conflicts` refuses the two together instead of letting the last one win.
 */
class NoWaitOption extends Option {
  override attributeName(): string {
    return 'noWait';
  }
}

/** Bad flags and arguments are leasectl's own errors, which hold reports as 125 (like timeout(1)), not 2. */
class HoldCommand extends Command {
  override copyInheritedSettings(parent: Command): this {
    super.copyInheritedSettings(parent);
    return this.exitOverride((error: CommanderError) => {
      if (error.exitCode === 0) throw error; // --help
      throw new ExitError(HoldExitCode.failed); // commander has printed the message
    });
  }
}

export function holdCommand(ctx: CommandContext): Command {
  const program = ctx.programName;
  return new HoldCommand('hold')
    .summary('run a command while holding a lease: a cluster-wide lock for cron jobs, CI steps and migrations')
    .description(
      [
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
    )
    .usage('[flags] NAME -- COMMAND [ARGS...]  |  hold [flags] NAME -c STRING')
    .argument('<name>', 'lease name', holdLeaseNameArgument)
    .argument('[command...]', 'the command and its arguments, after --')
    .option('--identity <identity>', 'holder identity (default: <hostname>_<uuid>, new for every run)')
    .addOption(new Option('--lease-duration <duration>', 'how long others wait after the last renewal they saw before taking the lease (whole seconds)').argParser(timerDurationArgument).default(15_000, '15s'))
    .addOption(new Option('--renew-deadline <duration>', 'the lease is lost when no renewal succeeds for this long').argParser(timerDurationArgument).default(10_000, '10s'))
    .addOption(new Option('--retry-period <duration>', `time between renewals, and between attempts while waiting (at least ${formatDuration(MIN_RETRY_PERIOD_MS)})`).argParser(timerDurationArgument).default(2_000, '2s'))
    .addOption(new Option('--wait <duration>', 'give up (exit 124) if not acquired within this long; 0 tries once (default: wait forever)').argParser(timerDurationArgument))
    .addOption(new NoWaitOption('--no-wait', 'try once; exit 124 if the lease is held (same as --wait 0)').preset(true).conflicts('wait'))
    .addOption(
      new Option('--grace-period <duration>', 'between the stop signal and SIGKILL (default: 10s, or 80% of lease-duration − renew-deadline if less)').argParser(
        timerDurationArgument,
      ),
    )
    .option('-c, --command <string>', 'run STRING with the shell instead of a command after --')
    .option('--shell <path>', 'the shell for -c', '/bin/sh')
    .addOption(new Option('--events <format>', 'machine-readable events on stderr, one JSON object per line').choices(['json']))
    .option('--keep', 'do not release the lease afterwards; it expires by itself after lease-duration')
    .option('--force', 'take over a lease under coordinated leader election (spec.strategy) too')
    .option(
      '--reentrant',
      'a live lease already held under our --identity is ours (default: a conflict, as another process uses that identity). Holds sharing an identity share the lease, and the first of them to finish releases the lease; use it only when one process re-enters its own lock',
    )
    .addOption(
      new Option('--slots <n>', `let up to N (1-${MAX_SLOTS}) copies of COMMAND run at once: hold whichever of the leases NAME-0 … NAME-(N-1) frees first`).argParser(
        slotCountArgument,
      ),
    )
    .addOption(
      new Option('--label <key=value>', 'a label for the lease it creates or takes, such as team=payments, for list -l and gc -l (repeatable)').argParser(
        leaseMetadataArgument('label'),
      ),
    )
    .addOption(new Option('--annotation <key=value>', 'an annotation for the lease it creates or takes (repeatable)').argParser(leaseMetadataArgument('annotation')))
    .addOption(
      new Option('--conflict-exit-code <code>', 'exit with this code (0-255) instead of 124 when the lease is not acquired, like flock -E')
        .argParser(exitCodeArgument)
        .default(HoldExitCode.notAcquired),
    )
    .addHelpText(
      'after',
      examplesHelp([
        ['Run a migration at most once at a time, cluster-wide', `${program} hold db-migrate -- ./migrate.sh --to latest`],
        ['From cron: skip this run (exit 124) if another host is still running it', `${program} hold -n batch --no-wait nightly-report -- ./report.sh`],
        ['Wait at most 5 minutes, with a shell pipeline', `${program} hold --wait 5m deploy -c 'make deploy | tee deploy.log'`],
        ['At most 3 encoders at once across the cluster; each learns its slot from $LEASECTL_SLOT', `${program} hold --slots 3 encoder -- ./encode.sh`],
        ['Mark the lease for the team, so that gc -l team=media can collect it later', `${program} hold --label team=media --annotation owner=media@example.com thumbnails -- ./thumbnails.sh`],
        ['Short lease for fast failover, JSON events for the log shipper', `${program} hold --lease-duration 6s --renew-deadline 4s --retry-period 1s --events json sync -- ./sync`],
      ]) + exitCodesHelp(HOLD_EXIT_CODES),
    )
    .action(async (name: string, commandArgs: string[], flags: HoldFlags, command: Command) => {
      const argv = resolveCommand(name, commandArgs, flags, rawArgs(command));
      // Loaded here rather than at start-up: child_process and crypto cost every other command ~6 ms.
      const [{ randomUUID }, { nodeProcessLauncher }, { runHold }, { slotGroupNameProblem }] = await Promise.all([
        import('node:crypto'),
        import('../hold/child.js'),
        import('../hold/run.js'),
        import('../election/slots.js'),
      ]);
      const slotsProblem = flags.slots === undefined ? undefined : slotGroupNameProblem(name);
      if (slotsProblem !== undefined) throw new ExitError(HoldExitCode.failed, slotsProblem);
      const identity = flags.identity ?? defaultHolderIdentity(hostname(), randomUUID());
      if (identity === '') throw new ExitError(HoldExitCode.failed, '--identity must not be empty: leave it out for a unique <hostname>_<uuid>');
      const gracePeriodMs = flags.gracePeriod ?? defaultGracePeriodMs(flags.leaseDuration, flags.renewDeadline);
      const unsafe = validateHoldTimings({
        leaseDurationMs: flags.leaseDuration,
        renewDeadlineMs: flags.renewDeadline,
        retryPeriodMs: flags.retryPeriod,
        gracePeriodMs,
      });
      if (unsafe !== undefined) throw new ExitError(HoldExitCode.failed, unsafe);

      let connection;
      try {
        connection = await ctx.connect();
      } catch (error) {
        throw new ExitError(HoldExitCode.failed, '', { cause: error }); // described by the edge, in kubectl's words
      }
      const config: ElectionConfig = {
        lease: { namespace: connection.namespace, name },
        identity,
        leaseDurationMs: flags.leaseDuration,
        renewDeadlineMs: flags.renewDeadline,
        retryPeriodMs: flags.retryPeriod,
        reentrant: Boolean(flags.reentrant),
        force: Boolean(flags.force),
        metadata: { labels: flags.label ?? {}, annotations: flags.annotation ?? {} },
      };
      const events = createHoldEvents({
        format: flags.events === 'json' ? 'json' : 'human',
        verbosity: ctx.verbosity,
        stderr: ctx.io.stderr,
        clock: ctx.clock,
        lease: `${config.lease.namespace}/${name}`,
        identity,
        programName: ctx.programName,
      });
      const waitMs = flags.noWait ? 0 : flags.wait;
      const waitFlag = flags.noWait ? '--no-wait' : `--wait ${formatDuration(flags.wait ?? 0)}`;
      let code: number;
      try {
        code = await runHold(
          { client: connection.client, clock: ctx.clock, signals: ctx.signals, events, launcher: nodeProcessLauncher, env: ctx.env },
          {
            config,
            gracePeriodMs,
            waitMs,
            waitFlag,
            command: argv[0] as string,
            args: argv.slice(1),
            keep: Boolean(flags.keep),
            conflictExitCode: flags.conflictExitCode,
            slots: flags.slots === undefined ? undefined : { name, count: flags.slots },
          },
        );
      } catch (error) {
        if (error instanceof ExitError) throw error;
        throw new ExitError(HoldExitCode.failed, '', { cause: error });
      }
      if (code !== 0) throw new ExitError(code);
    });
}

/** A bad NAME is refused before anything is sent, as leasectl's own error (125). */
function holdLeaseNameArgument(argument: string): string {
  const parsed = parseLeaseName(argument);
  if (parsed.problem !== undefined) throw new ExitError(HoldExitCode.failed, parsed.problem);
  return parsed.name;
}

/** The root program's argv as given (commander keeps it on the command that parsed it). */
function rawArgs(command: Command): readonly string[] {
  let root = command;
  while (root.parent) root = root.parent;
  return (root as Command & { rawArgs?: string[] }).rawArgs ?? [];
}

/**
 * The argv to run. It must follow a `--` so that nothing in it is ever read as a flag (consul#1063): commander
 * drops the `--`, so the raw argv tells whether the user wrote it.
 */
export function resolveCommand(name: string, commandArgs: readonly string[], flags: Pick<HoldFlags, 'command' | 'shell'>, raw: readonly string[]): string[] {
  const separator = raw.indexOf('--');
  if (flags.command !== undefined) {
    if (commandArgs.length > 0) {
      throw new ExitError(HoldExitCode.failed, `give either -c STRING or a command after --, not both: hold ${name} -c 'STRING' or hold ${name} -- COMMAND`);
    }
    if (flags.shell === '') throw new ExitError(HoldExitCode.failed, `--shell must not be empty: leave it out for /bin/sh, or name a shell such as --shell /bin/bash`);
    if (flags.command === '') {
      throw new ExitError(HoldExitCode.failed, `-c STRING must not be empty: write hold ${name} -c 'STRING', or hold ${name} -- COMMAND [ARGS...]`);
    }
    return [flags.shell, '-c', flags.command];
  }
  if (commandArgs.length === 0) {
    throw new ExitError(HoldExitCode.failed, `no command to run: write hold ${name} -- COMMAND [ARGS...] or hold ${name} -c 'STRING'`);
  }
  const afterSeparator = separator === -1 ? [] : raw.slice(separator + 1);
  const sameArgs = afterSeparator.length === commandArgs.length && afterSeparator.every((arg, i) => arg === commandArgs[i]);
  if (!sameArgs) {
    // `hold -- NAME -- CMD`: everything after the first -- is an argument, the name and the second -- too.
    const nameAfterSeparator = afterSeparator.length === commandArgs.length + 1 && afterSeparator[0] === name;
    const command = (nameAfterSeparator && commandArgs[0] === '--' ? commandArgs.slice(1) : commandArgs).join(' ') || 'COMMAND [ARGS...]';
    if (nameAfterSeparator && name.startsWith('-')) {
      throw new ExitError(HoldExitCode.failed, `"${name}" after -- was read as the lease name, and a lease name cannot start with '-': write hold NAME -- ${command}`);
    }
    if (nameAfterSeparator) throw new ExitError(HoldExitCode.failed, `the lease name goes before --: write hold ${name} -- ${command}`);
    throw new ExitError(HoldExitCode.failed, `the command must follow --, so that none of its arguments is read as a flag: write hold ${name} -- ${command}`);
  }
  if (commandArgs[0] === '') {
    throw new ExitError(HoldExitCode.failed, `the command must not be empty: write hold ${name} -- COMMAND [ARGS...], or hold ${name} -c 'STRING' for a shell string`);
  }
  return [...commandArgs];
}
