// `leasectl renew`: one heartbeat, as a compare-and-swap; with `acquire`, also the taking of a missing, free or
// expired lease (the command confirms a lease another holder seems to have abandoned first, by watching it).

import { ExitCode, Failure } from '../errors.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { createdLease, decideRenewOnce, type LeaseName } from '../lease/election.js';
import { describeHolding } from '../printers/lease-descriptions.js';
import { humanDuration } from '../printers/human-duration.js';
import { transitionsExhaustedMessage } from './acquire.js';
import type { Lease } from '../lease/types.js';
import { compareAndSwap, type CasDecision } from './compare-and-swap.js';

export interface HeartbeatOptions {
  identity: string;
  /** Also take the lease when it is missing, free or expired. */
  acquire: boolean;
  /** leaseDurationSeconds to write; undefined keeps the record's on a renewal (15s when acquiring). */
  leaseDurationMs: number | undefined;
}

const DEFAULT_LEASE_DURATION_MS = 15_000;

/** Renews (or takes) the lease, or refuses with a Failure (exit 1) saying who holds it. `summary` is for the user. */
export async function renewOnce(
  client: Pick<LeaseClient, 'get' | 'create' | 'update'>,
  ref: LeaseName,
  options: HeartbeatOptions,
  now: () => number,
): Promise<{ lease: Lease; summary: string }> {
  const { identity, acquire } = options;
  const leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
  const expires = (lease: Lease) => `expires in ${humanDuration((lease.spec?.leaseDurationSeconds ?? 0) * 1000)}`;
  type Result = { lease: Lease; summary: string };
  return compareAndSwap({
    client,
    ref,
    // Without --acquire a missing lease is the API's NotFound, as kubectl prints it: renew never creates one by accident.
    missing: acquire ? 'decide' : 'throw',
    decide: (current): CasDecision<Result, 'create' | 'update'> => {
      if (current === undefined) {
        return {
          write: { verb: 'create', lease: createdLease(ref, { identity, leaseDurationMs }, now()) },
          outcome: (created) => ({ lease: created, summary: `acquired (created; holder ${identity}, ${expires(created)})` }),
        };
      }
      const decision = decideRenewOnce(current, { identity, acquire, leaseDurationMs, keepRecordDuration: options.leaseDurationMs === undefined }, now());
      switch (decision.kind) {
        case 'renew':
          return { write: { verb: 'update', lease: decision.lease }, outcome: (renewed) => ({ lease: renewed, summary: `renewed (holder ${identity}, ${expires(renewed)})` }) };
        case 'take': {
          const was = decision.previousHolder ? `; was held by ${decision.previousHolder}, expired` : '';
          return { write: { verb: 'update', lease: decision.lease }, outcome: (taken) => ({ lease: taken, summary: `acquired (holder ${identity}, ${expires(taken)}${was})` }) };
        }
        case 'coordinated':
          throw new Failure(
            ExitCode.error,
            `lease ${ref.namespace}/${ref.name} is managed by coordinated leader election (spec.strategy ${decision.strategy}): the apiserver picks its holder, so leasectl will not take it`,
          );
        case 'transitions-exhausted':
          throw new Failure(ExitCode.error, transitionsExhaustedMessage(ref, decision.transitions, 'renew --acquire'));
        case 'held':
          throw new Failure(ExitCode.error, notOursMessage(current, ref, identity, now(), acquire ? '' : '; --acquire takes it when it is free or expired'));
      }
    },
  });
}

/** `lease default/foo is held by X (renewed 3s ago, expires in 12s by this machine's clock), not by ID` */
export function notOursMessage(lease: Lease, ref: LeaseName, identity: string, nowMs: number, hint: string): string {
  if (!lease.spec?.holderIdentity) return `lease ${ref.namespace}/${ref.name} has no holder, so ${identity} does not hold it${hint}`;
  return `lease ${ref.namespace}/${ref.name} is ${describeHolding(lease, nowMs)}, not by ${identity}${hint}`;
}
