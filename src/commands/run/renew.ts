import type { CommandContext } from '../../context.js';
import { renewOnce, type Heartbeat } from '../../election/heartbeat.js';
import { ExitCode, Failure, UsageError } from '../../errors.js';
import { ExpiryConfirmation } from '../../gc/confirm.js';
import { isNotFound } from '../../kube/errors.js';
import type { LeaseClient } from '../../kube/lease-client.js';
import { looksExpired } from '../../lease/expiry.js';
import type { LeaseName } from '../../lease/election.js';
import { validateLeaseDurationSeconds } from '../../lease/election.js';
import { humanDuration } from '../../printers/human-duration.js';
import { NAME_PREFIX } from '../../printers/resource-printer.js';
import { escapeTerminal } from '../../printers/terminal.js';
import type { RunInput } from '../declaration.js';
import { requireIdentity } from '../options.js';
import type { RenewOptions } from '../renew.js';

export async function runRenew(ctx: CommandContext, { options }: RunInput<RenewOptions>): Promise<number> {
  const { name } = options;
  const identity = requireIdentity(options.identity, ctx.env, 'renew');
  if (options.leaseDuration !== undefined) {
    const invalid = validateLeaseDurationSeconds(options.leaseDuration);
    if (invalid) throw new UsageError(invalid);
  }
  const { client, namespace } = await ctx.connect();
  const ref = { namespace, name };
  if (options.acquire) await confirmAbandoned(ctx, client, ref, identity);
  const result = await renewOnce(client, ref, { identity, acquire: Boolean(options.acquire), leaseDurationMs: options.leaseDuration }, ctx.clock.now.bind(ctx.clock));
  const { resources } = options.output;
  ctx.io.stdout.write(resources ? resources.print(result.lease) : `${escapeTerminal(`${NAME_PREFIX}${name} ${heartbeatSummary(result, identity)}`)}\n`);
  return 0;
}

/** `renewed (holder me, expires in 15s)`, `acquired (created; …)`, `acquired (…; was held by x, expired)`. */
function heartbeatSummary(heartbeat: Heartbeat, identity: string): string {
  const expires = `expires in ${humanDuration((heartbeat.lease.spec?.leaseDurationSeconds ?? 0) * 1000)}`;
  if (heartbeat.change === 'renewed') return `renewed (holder ${identity}, ${expires})`;
  if (heartbeat.change === 'created') return `acquired (created; holder ${identity}, ${expires})`;
  const was = heartbeat.previousHolder ? `; was held by ${heartbeat.previousHolder}, expired` : '';
  return `acquired (holder ${identity}, ${expires}${was})`;
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
    if (outcome.kind === 'aborted') throw new Failure(ExitCode.error, `interrupted while confirming that lease ${ref.namespace}/${ref.name} is abandoned; not taken`);
    if (outcome.kind === 'changed') {
      throw new Failure(
        ExitCode.error,
        `lease ${ref.namespace}/${ref.name} looked expired but changed while it was watched for its lease duration: its holder is alive (its clock may be behind); not taken`,
      );
    }
  } finally {
    confirmation.close();
    unsubscribe();
  }
}
