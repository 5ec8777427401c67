import type { CommandContext } from '../../context.js';
import { NotHolder } from '../../election/refusals.js';
import { releaseLease } from '../../election/release.js';
import { LeaseNotFound } from '../../errors.js';
import { isHeldBy } from '../../lease/election.js';
import type { Lease } from '../../lease/types.js';
import { NAME_PREFIX } from '../../printers/resource-printer.js';
import { escapeTerminal } from '../../printers/terminal.js';
import type { RunInput } from '../declaration.js';
import { requireIdentity } from '../options.js';
import type { ReleaseOptions } from '../release.js';

/** A release retries conflicts and transient errors for at most this long (client-go bounds it by RenewDeadline). */
const RELEASE_TIMEOUT_MS = 10_000;

export async function runRelease(ctx: CommandContext, { options }: RunInput<ReleaseOptions>): Promise<number> {
  const { name } = options;
  const identity = options.force ? (options.identity ?? ctx.env.LEASECTL_IDENTITY) : requireIdentity(options.identity, ctx.env, 'release');
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
    mayRelease: (lease) => (options.force ? seenHolder !== '' && holderOf(lease) === seenHolder : isHeldBy(lease, identity ?? '')),
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
    throw new LeaseNotFound(name);
  } else if (options.force) {
    throw new NotHolder({ ref, lease: outcome.lease, identity: seenHolder, observedAtMs: ctx.clock.now(), situation: 'changed-hands', hint: '' });
  } else {
    throw new NotHolder({ ref, lease: outcome.lease, identity: identity ?? '', observedAtMs: ctx.clock.now(), situation: 'not-ours', hint: '--force releases it anyway' });
  }
  const { resources } = options.output;
  ctx.io.stdout.write(resources ? resources.print(lease) : `${escapeTerminal(`${NAME_PREFIX}${name} ${summary}`)}\n`);
  return 0;
}
