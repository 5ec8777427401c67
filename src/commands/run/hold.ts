import { hostname } from 'node:os';
import type { CommandContext } from '../../context.js';
import { Failure } from '../../errors.js';
import { createHoldEvents } from '../../hold/events.js';
import { HoldExitCode } from '../../hold/exit-codes.js';
import { defaultGracePeriodMs, validateHoldTimings } from '../../hold/timing.js';
import type { ElectionConfig } from '../../lease/election.js';
import { defaultHolderIdentity } from '../../lease/holder.js';
import { formatDuration } from '../../lease/time.js';
import type { RunInput } from '../declaration.js';
import type { HoldOptions } from '../hold.js';

export async function runHold(ctx: CommandContext, { options, argv: raw }: RunInput<HoldOptions>): Promise<number> {
  const { name } = options;
  const argv = resolveCommand(name, options.commandArgs, options, raw);
  // Loaded here rather than with the command: child_process and crypto cost every other command ~6 ms.
  const [{ randomUUID }, { nodeProcessLauncher }, { holdLease }, { slotGroupNameProblem }] = await Promise.all([
    import('node:crypto'),
    import('../../hold/child.js'),
    import('../../hold/run.js'),
    import('../../election/slots.js'),
  ]);
  const slotsProblem = options.slots === undefined ? undefined : slotGroupNameProblem(name);
  if (slotsProblem !== undefined) throw new Failure(HoldExitCode.failed, slotsProblem);
  const identity = options.identity ?? defaultHolderIdentity(hostname(), randomUUID());
  if (identity === '') throw new Failure(HoldExitCode.failed, '--identity must not be empty: leave it out for a unique <hostname>_<uuid>');
  const gracePeriodMs = options.gracePeriod ?? defaultGracePeriodMs(options.leaseDuration, options.renewDeadline);
  const unsafe = validateHoldTimings({
    leaseDurationMs: options.leaseDuration,
    renewDeadlineMs: options.renewDeadline,
    retryPeriodMs: options.retryPeriod,
    gracePeriodMs,
  });
  if (unsafe !== undefined) throw new Failure(HoldExitCode.failed, unsafe);

  let connection;
  try {
    connection = await ctx.connect();
  } catch (error) {
    throw new Failure(HoldExitCode.failed, { cause: error }); // described by the edge, in kubectl's words
  }
  const config: ElectionConfig = {
    lease: { namespace: connection.namespace, name },
    identity,
    leaseDurationMs: options.leaseDuration,
    renewDeadlineMs: options.renewDeadline,
    retryPeriodMs: options.retryPeriod,
    reentrant: Boolean(options.reentrant),
    force: Boolean(options.force),
    metadata: { labels: options.label ?? {}, annotations: options.annotation ?? {} },
  };
  const events = createHoldEvents(ctx, { format: options.events === 'json' ? 'json' : 'human', lease: `${config.lease.namespace}/${name}`, identity });
  const waitMs = options.noWait ? 0 : options.wait;
  const waitFlag = options.noWait ? '--no-wait' : `--wait ${formatDuration(options.wait ?? 0)}`;
  try {
    return await holdLease(
      { client: connection.client, clock: ctx.clock, signals: ctx.signals, events, launcher: nodeProcessLauncher, env: ctx.env },
      {
        config,
        gracePeriodMs,
        waitMs,
        waitFlag,
        command: argv[0] as string,
        args: argv.slice(1),
        keep: Boolean(options.keep),
        conflictExitCode: options.conflictExitCode,
        slots: options.slots === undefined ? undefined : { name, count: options.slots },
      },
    );
  } catch (error) {
    if (error instanceof Failure) throw error;
    throw new Failure(HoldExitCode.failed, { cause: error });
  }
}

/**
 * The argv to run. It must follow a `--` so that nothing in it is ever read as a flag (consul#1063): commander
 * drops the `--`, so the raw argv tells whether the user wrote it.
 */
export function resolveCommand(name: string, commandArgs: readonly string[], flags: Pick<HoldOptions, 'command' | 'shell'>, raw: readonly string[]): string[] {
  const separator = raw.indexOf('--');
  if (flags.command !== undefined) {
    if (commandArgs.length > 0) {
      throw new Failure(HoldExitCode.failed, `give either -c STRING or a command after --, not both: hold ${name} -c 'STRING' or hold ${name} -- COMMAND`);
    }
    if (flags.shell === '') throw new Failure(HoldExitCode.failed, `--shell must not be empty: leave it out for /bin/sh, or name a shell such as --shell /bin/bash`);
    if (flags.command === '') {
      throw new Failure(HoldExitCode.failed, `-c STRING must not be empty: write hold ${name} -c 'STRING', or hold ${name} -- COMMAND [ARGS...]`);
    }
    return [flags.shell, '-c', flags.command];
  }
  if (commandArgs.length === 0) {
    throw new Failure(HoldExitCode.failed, `no command to run: write hold ${name} -- COMMAND [ARGS...] or hold ${name} -c 'STRING'`);
  }
  const afterSeparator = separator === -1 ? [] : raw.slice(separator + 1);
  const sameArgs = afterSeparator.length === commandArgs.length && afterSeparator.every((arg, i) => arg === commandArgs[i]);
  if (!sameArgs) {
    // `hold -- NAME -- CMD`: everything after the first -- is an argument, the name and the second -- too.
    const nameAfterSeparator = afterSeparator.length === commandArgs.length + 1 && afterSeparator[0] === name;
    const command = (nameAfterSeparator && commandArgs[0] === '--' ? commandArgs.slice(1) : commandArgs).join(' ') || 'COMMAND [ARGS...]';
    if (nameAfterSeparator && name.startsWith('-')) {
      throw new Failure(HoldExitCode.failed, `"${name}" after -- was read as the lease name, and a lease name cannot start with '-': write hold NAME -- ${command}`);
    }
    if (nameAfterSeparator) throw new Failure(HoldExitCode.failed, `the lease name goes before --: write hold ${name} -- ${command}`);
    throw new Failure(HoldExitCode.failed, `the command must follow --, so that none of its arguments is read as a flag: write hold ${name} -- ${command}`);
  }
  if (commandArgs[0] === '') {
    throw new Failure(HoldExitCode.failed, `the command must not be empty: write hold ${name} -- COMMAND [ARGS...], or hold ${name} -c 'STRING' for a shell string`);
  }
  return [...commandArgs];
}
