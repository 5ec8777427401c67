import { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { ExitCode, ExitError } from '../errors.js';
import { notOursMessage } from '../election/heartbeat.js';
import { releaseLease } from '../election/release.js';
import { KubeApiError } from '../kube/errors.js';
import { isHeldBy } from '../lease/election.js';
import { describeHolding } from '../printers/lease-descriptions.js';
import type { Lease } from '../lease/types.js';
import { escapeTerminal, NAME_PREFIX, printObjects } from '../printers/index.js';
import { examplesHelp, exitCodesHelp, holderIdentityOption, leaseNameArgument, outputOption, requireIdentity } from './options.js';

interface ReleaseFlags {
  identity?: string;
  force?: boolean;
  output?: 'json' | 'yaml';
}

/** A release retries conflicts and transient errors for at most this long (client-go bounds it by RenewDeadline). */
const RELEASE_TIMEOUT_MS = 10_000;

export function releaseCommand(ctx: CommandContext): Command {
  const program = ctx.programName;
  return new Command('release')
    .summary('release a lease you hold, so the next candidate can take it at once')
    .description(
      [
        'Release the lease NAME if --identity holds it, writing what client-go writes on release: holderIdentity "", leaseDurationSeconds 1, acquireTime = renewTime = now, leaseTransitions kept. The write is a compare-and-swap, re-read and retried on conflict, so a lease someone else took in the meantime is left alone.',
        '',
        'With --force, release it whoever holds it, and say whom it displaced. That holder is not told: a hold running there finds out at its next renewal and stops its command.',
        '',
        'The identity defaults to $LEASECTL_IDENTITY, which hold sets for its command.',
      ].join('\n'),
    )
    .argument('<name>', 'lease name', leaseNameArgument)
    .addOption(holderIdentityOption())
    .option('--force', 'release the lease whoever holds it')
    .addOption(outputOption(['json', 'yaml']))
    .addHelpText(
      'after',
      examplesHelp([
        ['Give up a lease taken with renew --acquire', `${program} release backup --identity "$(hostname)"`],
        ['Clear a lease left by a crashed holder without waiting for it to expire', `${program} release db-migrate --force`],
      ]) +
        exitCodesHelp([
          [0, 'released, or already free'],
          [1, 'held by someone else (without --force), or an API error such as NotFound'],
          [2, 'bad flags or arguments, e.g. no --identity'],
        ]),
    )
    .action(async (name: string, flags: ReleaseFlags) => {
      const identity = flags.force ? (flags.identity ?? ctx.env.LEASECTL_IDENTITY) : requireIdentity(flags.identity, ctx.env, 'release');
      const { client, namespace } = await ctx.connect();
      const ref = { namespace, name };
      const known = await client.get(ref); // NotFound is the API's error, as kubectl prints it
      const holderOf = (lease: Lease | undefined) => lease?.spec?.holderIdentity ?? '';
      // --force displaces the holder it saw, and only that one: if the lease changes hands while the write is
      // retried, the new holder was never shown to the user and is left alone.
      const seenHolder = holderOf(known);
      const outcome = await releaseLease({
        client,
        clock: ctx.clock,
        ref,
        known,
        mayRelease: (lease) => (flags.force ? seenHolder !== '' && holderOf(lease) === seenHolder : isHeldBy(lease, identity ?? '')),
        timeoutMs: RELEASE_TIMEOUT_MS,
        attemptTimeoutMs: RELEASE_TIMEOUT_MS / 2,
        retryDelayMs: 1_000,
      });
      let summary: string;
      let lease: Lease | undefined;
      if (outcome.kind === 'released') {
        lease = outcome.lease;
        summary = `released (was held by ${outcome.previousHolder})`;
      } else if (outcome.lease !== undefined && holderOf(outcome.lease) === '') {
        lease = outcome.lease;
        summary = 'already released (no holder)';
      } else if (outcome.lease === undefined) {
        // Deleted between our read and our write.
        throw new KubeApiError({ reason: 'NotFound', code: 404, message: `leases.coordination.k8s.io "${name}" not found` }, 404);
      } else if (flags.force) {
        throw new ExitError(
          ExitCode.error,
          `lease ${namespace}/${name} changed hands while releasing it: it is now ${describeHolding(outcome.lease, ctx.clock.now())}, not by ${seenHolder}; not released (run release --force again to release the new holder)`,
        );
      } else {
        throw new ExitError(ExitCode.error, notOursMessage(outcome.lease, ref, identity ?? '', ctx.clock.now(), '; --force releases it anyway'));
      }
      if (flags.output) await printObjects([lease], flags.output, ctx.io.stdout);
      else ctx.io.stdout.write(`${escapeTerminal(`${NAME_PREFIX}${name} ${summary}`)}\n`);
    });
}
