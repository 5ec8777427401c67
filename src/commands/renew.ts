import { Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { renewOnce } from '../election/heartbeat.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { ExpiryConfirmation } from '../gc/confirm.js';
import { isNotFound } from '../kube/errors.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { looksExpired } from '../lease/expiry.js';
import type { LeaseName } from '../lease/election.js';
import { validateLeaseDurationSeconds } from '../lease/election.js';
import { escapeTerminal, NAME_PREFIX, printObjects } from '../printers/index.js';
import { durationArgument, examplesHelp, exitCodesHelp, holderIdentityOption, leaseNameArgument, outputOption, requireIdentity } from './options.js';

interface RenewFlags {
  identity?: string;
  acquire?: boolean;
  leaseDuration?: number;
  output?: 'json' | 'yaml';
}

export function renewCommand(ctx: CommandContext): Command {
  const program = ctx.programName;
  return new Command('renew')
    .summary('renew a lease once, as its holder (one heartbeat for scripts with their own loop)')
    .description(
      [
        'Renew the lease NAME if --identity holds it: renewTime = now, acquireTime and leaseTransitions kept, leaseDurationSeconds kept (or set to --lease-duration when given). Otherwise exit 1, saying who holds it and until when. A missing lease is an error; renew never creates one by accident.',
        '',
        "With --acquire, also take the lease when it is missing (it is created), free, or expired. A lease held by someone else that looks expired by its renewTime is confirmed first, by the same rule as hold and gc: it is watched for one lease duration and taken only if nothing changed; if it changes, its holder is alive (its clock may be behind) and renew exits 1 without writing.",
        '',
        'The identity defaults to $LEASECTL_IDENTITY, which hold sets for its command, so a command run by hold can renew its own lease.',
      ].join('\n'),
    )
    .argument('<name>', 'lease name', leaseNameArgument)
    .addOption(holderIdentityOption())
    .option('--acquire', 'also take the lease when it is missing, free or expired')
    .addOption(new Option('--lease-duration <duration>', 'leaseDurationSeconds to write, whole seconds (default: keep the lease\'s; 15s when acquiring)').argParser(durationArgument))
    .addOption(outputOption(['json', 'yaml']))
    .addHelpText(
      'after',
      examplesHelp([
        ['Heartbeat from a script that runs its own loop', `${program} renew backup --identity "$(hostname)" --acquire --lease-duration 30s`],
        ['Inside a command run by hold (LEASECTL_IDENTITY is set)', `${program} renew "\${LEASECTL_LEASE#*/}"`],
      ]) +
        exitCodesHelp([
          [0, 'renewed (or acquired, with --acquire)'],
          [1, 'held by someone else (the message says who and until when), or an API error such as NotFound'],
          [2, 'bad flags or arguments, e.g. no --identity'],
        ]),
    )
    .action(async (name: string, flags: RenewFlags) => {
      const identity = requireIdentity(flags.identity, ctx.env, 'renew');
      if (flags.leaseDuration !== undefined) {
        const invalid = validateLeaseDurationSeconds(flags.leaseDuration);
        if (invalid) throw new UsageError(invalid);
      }
      const { client, namespace } = await ctx.connect();
      const ref = { namespace, name };
      if (flags.acquire) await confirmAbandoned(ctx, client, ref, identity);
      const result = await renewOnce(client, ref, { identity, acquire: Boolean(flags.acquire), leaseDurationMs: flags.leaseDuration }, ctx.clock.now.bind(ctx.clock));
      if (flags.output) await printObjects([result.lease], flags.output, ctx.io.stdout);
      else ctx.io.stdout.write(`${escapeTerminal(`${NAME_PREFIX}${name} ${result.summary}`)}\n`);
    });
}

/**
 * Before `--acquire` takes a lease another holder seems to have abandoned: watch it unchanged for its lease duration
 * (src/lease/expiry.ts), as hold and gc do. A holder whose clock lags looks long expired while it renews; the watch
 * sees the renewal. The take itself is then a compare-and-swap on what was read, so a change after this fails it.
 */
async function confirmAbandoned(ctx: CommandContext, client: LeaseClient, ref: LeaseName, identity: string): Promise<void> {
  let lease;
  try {
    lease = await client.get(ref);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  const holder = lease.spec?.holderIdentity;
  if (!holder || holder === identity || !looksExpired(lease, ctx.clock.now())) return;
  const stop = new AbortController();
  const unsubscribe = ctx.signals.subscribe(['SIGINT', 'SIGTERM'], () => stop.abort());
  const confirmation = new ExpiryConfirmation(
    { client, clock: ctx.clock, namespace: ref.namespace, resourceVersion: lease.metadata.resourceVersion, listedAt: ctx.clock.monotonic(), signal: stop.signal },
    [lease],
  );
  try {
    const outcome = await confirmation.confirm(lease);
    if (outcome.kind === 'aborted') throw new ExitError(ExitCode.error, `interrupted while confirming that lease ${ref.namespace}/${ref.name} is abandoned; not taken`);
    if (outcome.kind === 'changed') {
      throw new ExitError(
        ExitCode.error,
        `lease ${ref.namespace}/${ref.name} looked expired but changed while it was watched for its lease duration: its holder is alive (its clock may be behind); not taken`,
      );
    }
  } finally {
    confirmation.close();
    unsubscribe();
  }
}
