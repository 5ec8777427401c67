// Runs the child to the end of its whole process group and of the descendants that left it: forwards signals, stops
// them all (TERM, then KILL after the grace period) on a shutdown signal or when the lease is lost, and stops
// whatever the command left behind, so that no guarded code outlives the supervision.

import type { Clock } from '../clock.js';
import type { LaunchedChild, ChildExit, SignalDelivery } from './child.js';
import type { HoldEvents } from './events.js';
import { sleep } from '../clock.js';

/** Stop the child: forwarded, and the group gets SIGKILL after the grace period; a second one kills at once. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
/** Passed straight through to the child's group. */
export const PASS_THROUGH_SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/**
 * Ignored for as long as hold runs. Their default action stops leasectl but not the command, which runs in its own
 * session: renewals would stop, and after lease-duration another holder would start beside the running command.
 */
export const IGNORED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'];

/** How long to wait for a SIGKILLed command to disappear (processes in uninterruptible sleep) before giving up. */
export const REAP_AFTER_KILL_MS = 2_000;
const GROUP_POLL_MS = 20;

export interface Supervision {
  /** Call for each signal leasectl receives while the child runs. */
  onSignal(signal: NodeJS.Signals): void;
  /** Call when the lease is lost: the group gets SIGTERM now and SIGKILL after the grace period. */
  onLost(): void;
  /** Settles when the child has exited and its whole group and escaped descendants are gone (or would not die). */
  readonly done: Promise<SupervisionResult>;
}

export interface SupervisionResult {
  exit: ChildExit;
  /**
   * False if members of the group, or descendants that left it, survived SIGKILL for REAP_AFTER_KILL_MS: the lease
   * must not be released.
   */
  groupGone: boolean;
}

export function supervise(child: LaunchedChild, gracePeriodMs: number, events: HoldEvents, clock: Clock): Supervision {
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  let killedAt: number | undefined;
  let shutdownSignal: NodeJS.Signals | undefined;
  let exited = false;
  let finished = false;

  const send = (signal: NodeJS.Signals, reason: string): void => {
    const delivery = child.signalAll(signal);
    if (!delivery.group && delivery.escaped === 0) return;
    events.emit('signal_sent', { signal, pgid: child.pid, escaped: delivery.escaped, reason }, `sent ${signal} to ${recipients(child.pid, delivery)} (${reason})`);
  };
  const kill = (reason: string): void => {
    if (killedAt !== undefined) return;
    clearTimeout(killTimer);
    killedAt = clock.monotonic();
    send('SIGKILL', reason);
  };
  /** `signal` now, SIGKILL after the grace period unless a stop is already under way. */
  const stop = (signal: NodeJS.Signals, reason: string): void => {
    send(signal, reason);
    if (killTimer === undefined && killedAt === undefined) killTimer = setTimeout(() => kill('grace period over'), gracePeriodMs);
  };

  const done = (async (): Promise<SupervisionResult> => {
    const exit = await child.exited;
    exited = true;
    if (child.anyAlive()) stop('SIGTERM', 'left behind by the command');
    let groupGone = true;
    while (child.anyAlive()) {
      if (killedAt !== undefined && clock.monotonic() - killedAt > REAP_AFTER_KILL_MS) {
        groupGone = false;
        break;
      }
      // Escaped descendants are killed one by one: one forked meanwhile gets its SIGKILL on the next round.
      if (killedAt !== undefined) child.signalAll('SIGKILL');
      await sleep(GROUP_POLL_MS);
    }
    finished = true;
    clearTimeout(killTimer);
    return { exit, groupGone };
  })();

  return {
    onSignal(signal) {
      if (finished) return;
      if (PASS_THROUGH_SIGNALS.includes(signal)) {
        send(signal, 'forwarded');
      } else if (shutdownSignal === undefined) {
        shutdownSignal = signal;
        stop(signal, exited ? 'forwarded to what the command left behind' : 'forwarded');
      } else {
        kill(`second signal (${signal})`);
      }
    },
    onLost() {
      if (finished) return;
      stop('SIGTERM', 'lease lost');
    },
    done,
  };
}

function recipients(pgid: number, { group, escaped }: SignalDelivery): string {
  const outside = `${escaped} ${escaped === 1 ? 'process' : 'processes'}`;
  if (escaped === 0) return `process group ${pgid}`;
  return group ? `process group ${pgid} and ${outside} that left it` : `${outside} that left process group ${pgid}`;
}
