import { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { ExitCode, ExitError } from '../errors.js';
import { describeError } from '../error-message.js';
import { KubeApiError } from '../kube/errors.js';
import type { Lease } from '../lease/types.js';
import { printDescriptions } from '../printers/describe.js';
import { asList, forDisplay, serialize } from '../printers/index.js';
import { COMMON_EXIT_CODES, examplesHelp, exitCodesHelp, leaseNamesArgument, outputOption, showManagedFieldsOption } from './options.js';

interface InspectFlags {
  output?: 'yaml' | 'json';
  showManagedFields?: boolean;
}

export function inspectCommand(ctx: CommandContext): Command {
  return new Command('inspect')
    .alias('describe')
    .summary('show everything about a lease: holder, times, state, tenure')
    .description(
      'Show one or more leases in full, like kubectl describe: every spec field (an absent field is <unset>, an empty one ""), times as written and relative to now, the holder split into host and id, how long ' +
        "it has held the lease, when it last renewed, and whether it has expired by this machine's clock.",
    )
    .argument('<names...>', 'lease names', leaseNamesArgument)
    .addOption(outputOption(['yaml', 'json']))
    .addOption(showManagedFieldsOption())
    .addHelpText(
      'after',
      examplesHelp([
        ['Who leads the scheduler, and since when', 'leasectl inspect -n kube-system kube-scheduler'],
        ['The lease as kubectl get -o yaml prints it', 'leasectl inspect example-foo -o yaml'],
      ]) + exitCodesHelp(COMMON_EXIT_CODES),
    )
    .action(async (names: string[], flags: InspectFlags) => {
      const { client, namespace } = await ctx.connect();
      const found: Lease[] = [];
      let missing = false;
      // Each lease prints as soon as it is read; a missing one is reported and the rest still print.
      for (const name of names) {
        try {
          const lease = await client.get({ namespace, name });
          found.push(lease);
          if (!flags.output) {
            if (found.length > 1) ctx.io.stdout.write('\n');
            printDescriptions([lease], ctx.clock.now(), ctx.io.stdout);
          }
        } catch (error) {
          if (!(error instanceof KubeApiError)) throw error;
          missing = true;
          ctx.io.stderr.write(`${describeError(error).message}\n`);
        }
      }
      if (flags.output && found.length > 0) {
        const shown = found.map((lease) => forDisplay(lease, Boolean(flags.showManagedFields)));
        ctx.io.stdout.write(await serialize(shown.length === 1 ? shown[0] : asList(shown), flags.output));
      }
      if (missing) throw new ExitError(ExitCode.error);
    });
}
