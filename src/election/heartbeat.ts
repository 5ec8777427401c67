// `leasectl renew`: one heartbeat, as a compare-and-swap; with `acquire`, also the taking of a missing, free or
// expired lease (the command confirms a lease another holder seems to have abandoned first, by watching it).

import { ExitCode, Failure } from '../errors.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { createdLease, decideRenewOnce, type LeaseName } from '../lease/election.js';
import type { Lease } from '../lease/types.js';
import { transitionsExhaustedMessage } from './acquire.js';
import { compareAndSwap, type CasDecision } from './compare-and-swap.js';
import { NotHolder } from './refusals.js';

export interface HeartbeatOptions {
  identity: string;
  /** Also take the lease when it is missing, free or expired. */
  acquire: boolean;
  /** leaseDurationSeconds to write; undefined keeps the record's on a renewal (15s when acquiring). */
  leaseDurationMs: number | undefined;
}

const DEFAULT_LEASE_DURATION_MS = 15_000;

/** What one heartbeat did: renewed our lease, created it, or took it (from `previousHolder`, whose lease had expired). */
export interface Heartbeat {
  lease: Lease;
  change: 'renewed' | 'created' | 'taken';
  previousHolder?: string;
}

/** Renews (or takes) the lease, or refuses: NotHolder (exit 1) when someone else holds it. */
export async function renewOnce(
  client: Pick<LeaseClient, 'get' | 'create' | 'update'>,
  ref: LeaseName,
  options: HeartbeatOptions,
  now: () => number,
): Promise<Heartbeat> {
  const { identity, acquire } = options;
  const leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
  type Result = Heartbeat;
  return compareAndSwap({
    client,
    ref,
    // Without --acquire a missing lease is the API's NotFound, as kubectl prints it: renew never creates one by accident.
    missing: acquire ? 'decide' : 'throw',
    decide: (current): CasDecision<Result, 'create' | 'update'> => {
      if (current === undefined) {
        return {
          write: { verb: 'create', lease: createdLease(ref, { identity, leaseDurationMs }, now()) },
          outcome: (created) => ({ lease: created, change: 'created' }),
        };
      }
      const decision = decideRenewOnce(current, { identity, acquire, leaseDurationMs, keepRecordDuration: options.leaseDurationMs === undefined }, now());
      switch (decision.kind) {
        case 'renew':
          return { write: { verb: 'update', lease: decision.lease }, outcome: (renewed) => ({ lease: renewed, change: 'renewed' }) };
        case 'take':
          return { write: { verb: 'update', lease: decision.lease }, outcome: (taken) => ({ lease: taken, change: 'taken', previousHolder: decision.previousHolder }) };
        case 'coordinated':
          throw new Failure(
            ExitCode.error,
            `lease ${ref.namespace}/${ref.name} is managed by coordinated leader election (spec.strategy ${decision.strategy}): the apiserver picks its holder, so leasectl will not take it`,
          );
        case 'transitions-exhausted':
          throw new Failure(ExitCode.error, transitionsExhaustedMessage(ref, decision.transitions, 'renew --acquire'));
        case 'held':
          throw new NotHolder({
            ref,
            lease: current,
            identity,
            observedAtMs: now(),
            situation: 'not-ours',
            hint: acquire ? '' : '--acquire takes it when it is free or expired',
          });
      }
    },
  });
}
