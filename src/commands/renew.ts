import { Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { renewOnce } from '../election/heartbeat.js';
import { UsageError } from '../errors.js';
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
        "With --acquire, also take the lease when it is missing (it is created), free, or expired. Expired means renewTime + leaseDurationSeconds is past by this machine's clock: a one-shot command cannot watch the lease for a lease duration as hold does, so it trusts the holder's renewTime and is off by the clock skew between the two machines.",
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
      const result = await renewOnce(client, ref, { identity, acquire: Boolean(flags.acquire), leaseDurationMs: flags.leaseDuration }, ctx.clock.now.bind(ctx.clock));
      if (flags.output) await printObjects([result.lease], flags.output, ctx.io.stdout);
      else ctx.io.stdout.write(`${escapeTerminal(`${NAME_PREFIX}${name} ${result.summary}`)}\n`);
    });
}
