// `leasectl hold`, composed: find the command → acquire → start the child in its own group → renew while supervising
// it → release once the whole group is gone. Everything outside (API, clock, signals, processes, stderr) is injected.

import type { Clock } from '../clock.js';
import type { SignalSource } from '../context.js';
import { Failure } from '../errors.js';
import { isHeldBy, type ElectionConfig } from '../lease/election.js';
import type { Lease } from '../lease/types.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { acquire, AcquireError, type AcquireOutcome } from '../election/acquire.js';
import { acquireSlot, type SlotAcquireOutcome } from '../election/slots.js';
import { slotLeaseName, type SlotGroup } from '../lease/slots.js';
import type { LaunchedChild, ProcessLauncher } from './child.js';
import { slotEvents, type HoldEvents } from './events.js';
import { HoldExitCode, signalExitCode } from './exit-codes.js';
import { releaseLease } from '../election/release.js';
import { attemptTimeoutMs, LeaseRenewer } from '../election/renew.js';
import { IGNORED_SIGNALS, PASS_THROUGH_SIGNALS, SHUTDOWN_SIGNALS, supervise, type Supervision } from './supervisor.js';

export interface HoldRequest {
  config: ElectionConfig;
  gracePeriodMs: number;
  /** undefined: wait forever; 0: try once. */
  waitMs: number | undefined;
  /** For messages: `--no-wait`, `--wait 0`, `--wait 30s`. */
  waitFlag: string;
  command: string;
  args: readonly string[];
  /** Skip the release: the lease expires by itself. */
  keep: boolean;
  /** The exit code for "not acquired" (124 unless --conflict-exit-code). */
  conflictExitCode: number;
  /** hold --slots: hold whichever slot of this group frees first; config.lease then names the group. */
  slots?: SlotGroup;
}

export interface HoldDeps {
  client: LeaseClient;
  clock: Clock;
  signals: SignalSource;
  events: HoldEvents;
  launcher: ProcessLauncher;
  /** The environment the child inherits. */
  env: NodeJS.ProcessEnv;
}

/**
 * Variables the child gets, overriding inherited ones (an outer hold's must not leak into an inner one).
 * LEASECTL_FENCING_TOKEN is the resourceVersion of the write that made us the holder: on etcd-backed apiservers it
 * is that write's etcd revision, which grows with every write in the cluster and never repeats, even across a
 * delete and re-create (the analogue of etcdctl lock's ETCD_LOCK_REV). LEASECTL_TRANSITIONS restarts at 0 when the
 * lease is re-created, so it alone cannot fence.
 */
export function childEnvironment(base: NodeJS.ProcessEnv, config: ElectionConfig, lease: Lease): NodeJS.ProcessEnv {
  const { LEASECTL_SLOT: _outerSlot, ...inherited } = base;
  return {
    ...inherited,
    ...(config.slot === undefined ? {} : { LEASECTL_SLOT: String(config.slot.index) }),
    LEASECTL_LEASE: `${config.lease.namespace}/${config.lease.name}`,
    LEASECTL_IDENTITY: config.identity,
    LEASECTL_ACQUIRED_AT: lease.spec?.acquireTime ?? '',
    LEASECTL_TRANSITIONS: String(lease.spec?.leaseTransitions ?? 0),
    LEASECTL_FENCING_TOKEN: lease.metadata.resourceVersion ?? '',
  };
}

/**
 * Resolves with hold's exit code: the child's own, 128+N for a child killed by signal N (or a signal that stopped
 * the wait). Rejects with Failure for 75 (lost while running), 124 or --conflict-exit-code (not acquired), 125, 126
 * and 127.
 */
export async function holdLease(deps: HoldDeps, request: HoldRequest): Promise<number> {
  const { client, clock } = deps;
  // With --slots, the slot won: its lease is renewed and released, and every event from then on says which it is.
  let config = request.config;
  let events = deps.events;
  // A command that cannot run must not take the lease (nor bump its fencing token) on its way to 126/127.
  const resolved = deps.launcher.resolve(request.command, deps.env);
  if (!resolved.ok) throw new Failure(resolved.exitCode, resolved.message);
  const shutdown = new AbortController();
  let shutdownSignal: NodeJS.Signals | undefined;
  let supervision: Supervision | undefined;
  let releasing = false;
  // While waiting, a shutdown signal stops the wait; once acquired, it is remembered so that the child never starts
  // (or is forwarded to it as soon as it has started); while the child runs, the supervisor handles every signal;
  // once its group is gone we are only releasing, which the renew deadline bounds, so signals are ignored.
  const unsubscribe = deps.signals.subscribe([...SHUTDOWN_SIGNALS, ...PASS_THROUGH_SIGNALS, ...IGNORED_SIGNALS], (signal) => {
    if (IGNORED_SIGNALS.includes(signal)) {
      events.emit('signal_ignored', { signal }, `ignored ${signal}: stopping hold would let the lease expire under a running command`);
      return;
    }
    if (supervision !== undefined) return supervision.onSignal(signal);
    if (releasing) return;
    if (SHUTDOWN_SIGNALS.includes(signal) && shutdownSignal === undefined) {
      shutdownSignal = signal;
      shutdown.abort();
    }
  });

  const release = async (known: Lease | undefined, mayRelease: (lease: Lease) => boolean): Promise<void> => {
    try {
      const outcome = await releaseLease({
        client,
        clock,
        ref: config.lease,
        mayRelease,
        known,
        timeoutMs: config.renewDeadlineMs,
        attemptTimeoutMs: attemptTimeoutMs(config.renewDeadlineMs),
        retryDelayMs: config.retryPeriodMs,
      });
      if (outcome.kind === 'released') {
        events.emit('released', { transitions: outcome.lease.spec?.leaseTransitions ?? null }, `released lease ${config.lease.namespace}/${config.lease.name}`);
      } else {
        const holder = outcome.lease?.spec?.holderIdentity;
        events.emit('release_failed', { reason: 'not-held', holder: holder || null }, `not released: the lease is no longer ours${holder ? ` (held by ${holder})` : ''}`);
      }
    } catch (error) {
      const text = events.describe(error);
      events.warn('release_failed', { reason: 'error', error: text }, `could not release the lease (${text}); it expires by itself`);
    }
  };

  /** Releases what an acquiring write that timed out may have made ours: only if the lease carries exactly it. */
  const releaseUncertain = async (written: Lease | undefined): Promise<void> => {
    if (written === undefined) return;
    await release(undefined, (lease) => isHeldBy(lease, config.identity) && lease.spec?.renewTime === written.spec?.renewTime);
  };

  try {
    let outcome: AcquireOutcome | SlotAcquireOutcome;
    let wonSlot: Extract<SlotAcquireOutcome, { kind: 'acquired' }> | undefined;
    try {
      const acquiring = { client, clock, config, events, waitMs: request.waitMs, waitFlag: request.waitFlag, abort: shutdown.signal };
      const group = request.slots;
      if (group === undefined) {
        outcome = await acquire(acquiring);
      } else {
        const slotted = await acquireSlot({ ...acquiring, group, eventsFor: (slot) => slotEvents(events, `${config.lease.namespace}/${slotLeaseName(group, slot.index)}`, slot.index) });
        if (slotted.kind === 'acquired') wonSlot = slotted;
        outcome = slotted;
      }
    } catch (error) {
      if (!(error instanceof AcquireError)) throw error;
      await releaseUncertain(error.uncertain);
      // With a cause, the edge describes it (an API error in kubectl's words) under our exit code.
      throw new Failure(HoldExitCode.failed, error.cause === undefined ? error.message : { cause: error.cause });
    }
    if (outcome.kind === 'not-acquired') {
      await releaseUncertain(outcome.uncertain);
      throw new Failure(request.conflictExitCode, outcome.message);
    }
    if (outcome.kind === 'aborted') {
      await releaseUncertain(outcome.uncertain);
      return signalExitCode(shutdownSignal ?? 'SIGTERM');
    }

    if (wonSlot !== undefined) {
      config = wonSlot.config;
      events = slotEvents(events, `${config.lease.namespace}/${config.lease.name}`, wonSlot.slot.index);
    }
    const acquired = outcome.lease;
    events.emit(
      'acquired',
      {
        transitions: acquired.spec?.leaseTransitions ?? 0,
        fencing_token: acquired.metadata.resourceVersion ?? null,
        acquire_time: acquired.spec?.acquireTime ?? null,
        created: outcome.created,
      },
      `acquired lease ${config.lease.namespace}/${config.lease.name} as ${config.identity} (transitions ${acquired.spec?.leaseTransitions ?? 0})`,
    );
    const renewer = new LeaseRenewer({ client, clock, config, events, lease: acquired, acquiredAt: outcome.writeStartedAt });
    renewer.start();
    // From here on, however we leave (a return, an exec failure, a bug), renewing stops and the lease is released,
    // unless guarded code may still run: a started child whose group is not known to be gone, or a lease lost to
    // another holder, is left to expire by itself.
    let releaseAfter = true;
    let child: LaunchedChild | undefined;
    try {
      // A shutdown signal that came while the acquiring write was in flight: the child must never start.
      if (shutdownSignal !== undefined) return signalExitCode(shutdownSignal);
      const launched = await deps.launcher.launch(resolved.executable, request.args, childEnvironment(deps.env, config, acquired));
      if (!launched.ok) throw new Failure(launched.exitCode, launched.message);
      child = launched.child;
      releaseAfter = false; // until its whole group is known to be gone
      events.emit('child_started', { pid: child.pid, command: request.command }, `started ${request.command} (pid ${child.pid})`);
      const running = supervise(child, request.gracePeriodMs, events, clock);
      supervision = running;
      if (shutdownSignal !== undefined) running.onSignal(shutdownSignal);
      void renewer.lost.then(() => running.onLost());

      const result = await running.done;
      supervision = undefined;
      releasing = true;
      child.endWatchdog();
      await renewer.stop(); // no loss can be declared after this
      const loss = renewer.lossInfo;
      const childCode = result.exit.code ?? signalExitCode(result.exit.signal ?? 'SIGKILL');
      events.emit(
        'child_exited',
        { pid: child.pid, code: result.exit.code, signal: result.exit.signal, group_gone: result.groupGone },
        `${request.command} (pid ${child.pid}) ${result.exit.signal ? `was killed by ${result.exit.signal}` : `exited with ${result.exit.code}`}`,
      );

      if (!result.groupGone) {
        events.warn(
          'release_failed',
          { reason: 'group-alive', pgid: child.pid },
          `processes of the command (group ${child.pid}, or descendants that left it) survived SIGKILL; not releasing the lease, it expires by itself`,
        );
      }
      // After a deadline loss the lease may somehow still be ours; the child is gone, so handing it on early is safe
      // (unless --keep). A lease found taken, released or deleted is not ours to release.
      releaseAfter = result.groupGone && !request.keep && (loss === undefined || loss.reason === 'deadline');
      if (loss !== undefined) {
        throw new Failure(
          HoldExitCode.lost,
          `lost lease ${config.lease.namespace}/${config.lease.name} while the command ran (${loss.message}); the command was stopped`,
        );
      }
      return childCode;
    } finally {
      supervision = undefined;
      releasing = true;
      child?.endWatchdog(); // on an unexpected way out with the group still alive, the watchdog kills it
      const lastKnown = await renewer.stop();
      if (releaseAfter) await release(lastKnown, (lease) => isHeldBy(lease, config.identity));
    }
  } finally {
    unsubscribe();
  }
}
