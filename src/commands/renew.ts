import { Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { transitionsExhaustedMessage } from '../hold/acquire.js';
import { isAlreadyExists, isConflict, isNotFound } from '../kube/errors.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { createdLease, decideRenewOnce, validateLeaseDurationSeconds, type LeaseName } from '../lease/election.js';
import type { Lease } from '../lease/types.js';
import { humanDuration } from '../printers/human-duration.js';
import { describeHolding } from '../printers/lease-descriptions.js';
import { escapeTerminal, NAME_PREFIX, printObjects } from '../printers/index.js';
import { durationArgument, examplesHelp, exitCodesHelp, holderIdentityOption, leaseNameArgument, outputOption } from './options.js';

interface RenewFlags {
  identity?: string;
  acquire?: boolean;
  leaseDuration?: number;
  output?: 'json' | 'yaml';
}

const DEFAULT_LEASE_DURATION_MS = 15_000;
/** Compare-and-swap conflicts (someone wrote between our read and write) re-read and decided again. */
const MAX_CONFLICTS = 5;

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
      const result = await renewOnce(client, ref, identity, flags, ctx.clock.now.bind(ctx.clock));
      if (flags.output) await printObjects([result.lease], flags.output, ctx.io.stdout);
      else ctx.io.stdout.write(`${escapeTerminal(`${NAME_PREFIX}${name} ${result.summary}`)}\n`);
    });
}

async function renewOnce(client: LeaseClient, ref: LeaseName, identity: string, flags: RenewFlags, now: () => number): Promise<{ lease: Lease; summary: string }> {
  const leaseDurationMs = flags.leaseDuration ?? DEFAULT_LEASE_DURATION_MS;
  const expires = (lease: Lease) => `expires in ${humanDuration((lease.spec?.leaseDurationSeconds ?? 0) * 1000)}`;
  for (let conflicts = 0; ; conflicts++) {
    try {
      let current: Lease;
      try {
        current = await client.get(ref);
      } catch (error) {
        if (!(isNotFound(error) && flags.acquire)) throw error;
        const created = await client.create(ref.namespace, createdLease(ref, { identity, leaseDurationMs }, now()));
        return { lease: created, summary: `acquired (created; holder ${identity}, ${expires(created)})` };
      }
      const decision = decideRenewOnce(current, { identity, acquire: Boolean(flags.acquire), leaseDurationMs, keepRecordDuration: flags.leaseDuration === undefined }, now());
      switch (decision.kind) {
        case 'renew': {
          const renewed = await client.update(decision.lease);
          return { lease: renewed, summary: `renewed (holder ${identity}, ${expires(renewed)})` };
        }
        case 'take': {
          const taken = await client.update(decision.lease);
          const was = decision.previousHolder ? `; was held by ${decision.previousHolder}, expired` : '';
          return { lease: taken, summary: `acquired (holder ${identity}, ${expires(taken)}${was})` };
        }
        case 'coordinated':
          throw new ExitError(
            ExitCode.error,
            `lease ${ref.namespace}/${ref.name} is managed by coordinated leader election (spec.strategy ${decision.strategy}): the apiserver picks its holder, so leasectl will not take it`,
          );
        case 'transitions-exhausted':
          throw new ExitError(ExitCode.error, transitionsExhaustedMessage(ref, decision.transitions, 'renew --acquire'));
        case 'held':
          throw new ExitError(ExitCode.error, notOursMessage(current, ref, identity, now(), flags.acquire ? '' : '; --acquire takes it when it is free or expired'));
      }
    } catch (error) {
      const retry = (isConflict(error) || isAlreadyExists(error)) && conflicts < MAX_CONFLICTS;
      if (!retry) throw error;
    }
  }
}

/** `lease default/foo is held by X (renewed 3s ago, expires in 12s by this machine's clock), not by ID` */
export function notOursMessage(lease: Lease, ref: LeaseName, identity: string, nowMs: number, hint: string): string {
  if (!lease.spec?.holderIdentity) return `lease ${ref.namespace}/${ref.name} has no holder, so ${identity} does not hold it${hint}`;
  return `lease ${ref.namespace}/${ref.name} is ${describeHolding(lease, nowMs)}, not by ${identity}${hint}`;
}

/** --identity, else $LEASECTL_IDENTITY (set by hold for its command); never empty. */
export function requireIdentity(flag: string | undefined, env: NodeJS.ProcessEnv, verb: string): string {
  const identity = flag ?? env.LEASECTL_IDENTITY;
  if (identity === undefined) {
    throw new UsageError(`${verb} needs the holder's identity: give --identity, or set LEASECTL_IDENTITY (hold sets it for its command)`);
  }
  if (identity === '') throw new UsageError(`--identity must not be empty`);
  return identity;
}
