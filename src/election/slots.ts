// hold --slots N NAME: the N slot leases raced through the one acquire-by-observation loop (acquire.ts), one loop per
// slot, all fed by a single list-then-watch of the group's label. The first slot acquired wins; the other loops are
// stopped, and any slot they took meanwhile (or may have taken, by a write whose answer never came) is released.

import { sleep } from '../clock.js';
import { isNotFound, isTransient } from '../kube/errors.js';
import { labelValueProblem } from '../kube/label-syntax.js';
import type { LeaseClient } from '../kube/lease-client.js';
import { listThenWatch } from '../kube/list-watch.js';
import { isHeldBy, type ElectionConfig } from '../lease/election.js';
import { groupSlots, otherSlotCount, slotMismatch, SLOT_GROUP_LABEL, slotGroupSelector, slotLeaseName, type Slot, type SlotGroup } from '../lease/slots.js';
import type { Lease } from '../lease/types.js';
import { acquire, AcquireError, slotMismatchMessage, type AcquireOptions, type AcquireOutcome, type LeaseChanges, type WatchLease } from './acquire.js';
import type { ElectionEvents } from './events.js';
import { releaseLease } from './release.js';
import { attemptTimeoutMs } from './renew.js';
import { withTimeout } from './timers.js';

export interface SlotAcquireOptions extends Omit<AcquireOptions, 'watch'> {
  /** The group's NAME is config.lease.name; each slot's loop gets a copy naming its own lease. */
  group: SlotGroup;
  /** The events of one slot's loop (they say which slot). */
  eventsFor(slot: Slot): ElectionEvents;
}

export type SlotAcquireOutcome =
  /** `config` names the slot's lease and carries the slot: renew and release it as any lease. */
  | (Extract<AcquireOutcome, { kind: 'acquired' }> & { config: ElectionConfig; slot: Slot })
  /** Whatever the losing loops may have taken is released already: nothing is uncertain. */
  | { kind: 'not-acquired'; message: string; uncertain: undefined }
  | { kind: 'aborted'; uncertain: undefined };

/** Why NAME cannot name a group of slots; undefined when it can. */
export function slotGroupNameProblem(name: string): string | undefined {
  if (labelValueProblem(name) === undefined) return undefined;
  return `--slots needs a NAME of at most 63 characters (letters, digits, '-', '_' and '.', starting and ending with a letter or digit), because every slot lease is labelled ${SLOT_GROUP_LABEL}=NAME; got ${JSON.stringify(name)}: choose a shorter NAME`;
}

/** The config of one slot's loop: its own lease, marked as that slot. */
export function slotConfig(config: ElectionConfig, slot: Slot): ElectionConfig {
  return { ...config, lease: { namespace: config.lease.namespace, name: slotLeaseName(slot.group, slot.index) }, slot };
}

export async function acquireSlot(options: SlotAcquireOptions): Promise<SlotAcquireOutcome> {
  const { client, clock, config, group, abort } = options;
  const checked = await checkGroup(options);
  if (checked === 'aborted') return { kind: 'aborted', uncertain: undefined };

  // Stops every loop: a slot was won, one loop failed, or a shutdown signal came.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  abort.addEventListener('abort', onAbort, { once: true });
  const watch = new SlotGroupWatch(client, config.lease.namespace, slotGroupSelector(group));
  let winner: number | undefined;
  const slots = groupSlots(group);
  const loops = slots.map((slot) =>
    acquire({ ...options, config: slotConfig(config, slot), events: options.eventsFor(slot), abort: stop.signal, watch: watch.subscriber(slotLeaseName(group, slot.index)) }).then(
      (outcome) => {
        if (outcome.kind === 'acquired') {
          winner ??= slot.index;
          stop.abort();
        }
        return outcome;
      },
      (error: unknown) => {
        stop.abort();
        throw error;
      },
    ),
  );
  const settled = await Promise.allSettled(loops);
  abort.removeEventListener('abort', onAbort);
  watch.close();

  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  const keep = failure === undefined && !abort.aborted ? winner : undefined;
  // A slot that is not the one we run under must not stay held: release what the losing loops took or may have.
  await Promise.all(
    settled.map(async (result, index) => {
      const slot = slots[index] as Slot;
      if (index === keep) return;
      const ref = slotConfig(config, slot).lease;
      const uncertain = result.status === 'rejected' ? (result.reason instanceof AcquireError ? result.reason.uncertain : undefined) : result.value.kind === 'acquired' ? undefined : result.value.uncertain;
      if (result.status === 'fulfilled' && result.value.kind === 'acquired') {
        await releaseQuietly(options, slot, ref, result.value.lease, (lease) => isHeldBy(lease, config.identity));
      } else if (uncertain !== undefined) {
        await releaseQuietly(options, slot, ref, undefined, (lease) => isHeldBy(lease, config.identity) && lease.spec?.renewTime === uncertain.spec?.renewTime);
      }
    }),
  );

  if (failure !== undefined) {
    const error = failure.reason as unknown;
    if (error instanceof AcquireError) error.uncertain = undefined; // released above
    throw error;
  }
  if (abort.aborted) return { kind: 'aborted', uncertain: undefined };
  if (keep !== undefined) {
    const slot = slots[keep] as Slot;
    const won = (settled[keep] as PromiseFulfilledResult<AcquireOutcome>).value as Extract<AcquireOutcome, { kind: 'acquired' }>;
    return { ...won, config: slotConfig(config, slot), slot };
  }
  const first = settled.map((result) => (result as PromiseFulfilledResult<AcquireOutcome>).value).find((outcome) => outcome.kind === 'not-acquired');
  const leaseName = `${config.lease.namespace}/${group.name}`;
  return { kind: 'not-acquired', message: `all ${group.count} slots of ${leaseName} are held; the first: ${first?.message ?? ''}`, uncertain: undefined };
}

/**
 * Before any slot is touched: every slot lease that exists must be a slot of this group recording this count, and
 * NAME itself must not be a plain lease, whose holders a group of slots would not exclude. Resolves 'aborted' on a shutdown signal.
 */
async function checkGroup(options: SlotAcquireOptions): Promise<'checked' | 'aborted'> {
  const { client, clock, config, group, abort } = options;
  const { namespace } = config.lease;
  const requestTimeout = attemptTimeoutMs(config.renewDeadlineMs);
  const giveUpAt = options.waitMs === undefined ? Infinity : clock.monotonic() + options.waitMs;
  const readIfPresent = (name: string) => withTimeout((signal) => client.get({ namespace, name }, { signal }).catch(absentOnNotFound), requestTimeout, abort);
  for (;;) {
    try {
      const listed = await withTimeout(() => client.listPage({ namespace, labelSelector: slotGroupSelector(group) }), requestTimeout, abort);
      const other = otherSlotCount(group, listed.items);
      if (other !== undefined) {
        throw new AcquireError(slotMismatchMessage(`${namespace}/${other.lease.metadata.name}`, group, { kind: 'count', recorded: other.recorded }));
      }
      // A lease of a slot's name outside the listing lacks the group's label: something else uses it.
      const listedNames = new Set(listed.items.map((lease) => lease.metadata.name));
      const unlisted = groupSlots(group).filter((slot) => !listedNames.has(slotLeaseName(group, slot.index)));
      const read = await Promise.all(unlisted.map(async (slot) => ({ slot, lease: await readIfPresent(slotLeaseName(group, slot.index)) })));
      for (const { slot, lease } of read) {
        const mismatch = slotMismatch(lease, slot); // a slot made since the listing is one
        if (mismatch !== undefined) throw new AcquireError(slotMismatchMessage(`${namespace}/${slotLeaseName(group, slot.index)}`, group, mismatch));
      }
      const plain = await readIfPresent(group.name);
      if (plain !== undefined) {
        throw new AcquireError(
          `lease ${namespace}/${group.name} exists: plain holds on ${group.name} use it, and slots would not exclude them; choose another NAME for --slots, or delete it once it is unused (kubectl delete lease -n ${namespace} ${group.name})`,
        );
      }
      return 'checked';
    } catch (error) {
      if (abort.aborted) return 'aborted';
      if (error instanceof AcquireError) throw error;
      if (!isTransient(error) || options.waitMs === 0 || clock.monotonic() >= giveUpAt) throw AcquireError.from(error);
      const text = options.events.describe(error);
      options.events.warn('api_error', { error: text }, `${text}; retrying every ${config.retryPeriodMs} ms`);
      await sleep(config.retryPeriodMs, abort);
    }
  }
}

function absentOnNotFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

/** Releases a slot this hold will not run under; a failure only means the slot expires by itself. */
async function releaseQuietly(options: SlotAcquireOptions, slot: Slot, ref: ElectionConfig['lease'], known: Lease | undefined, mayRelease: (lease: Lease) => boolean): Promise<void> {
  const { config } = options;
  try {
    await releaseLease({
      client: options.client,
      clock: options.clock,
      ref,
      mayRelease,
      known,
      timeoutMs: config.renewDeadlineMs,
      attemptTimeoutMs: attemptTimeoutMs(config.renewDeadlineMs),
      retryDelayMs: config.retryPeriodMs,
    });
  } catch (error) {
    const text = options.eventsFor(slot).describe(error);
    options.eventsFor(slot).warn('api_error', { error: text }, `could not release lease ${ref.namespace}/${ref.name}, a slot taken while another was won (${text}); it expires by itself`);
  }
}

/**
 * One list-then-watch of a group's label for all its slots' loops: each subscribes by its lease's name and hears of
 * that lease only. When the stream breaks or ends, every loop is told (it reads at once); the next ensure restarts
 * the watch, at most once per retry period.
 */
class SlotGroupWatch {
  private readonly subscribers = new Map<string, { onChange: (lease: Lease | undefined) => void; onBreak: () => void }>();
  private controller: AbortController | undefined;
  private running = false;
  private lastStart = -Infinity;

  constructor(
    private readonly client: LeaseClient,
    private readonly namespace: string,
    private readonly labelSelector: string,
  ) {}

  subscriber(name: string): WatchLease {
    return (onChange, onBreak): LeaseChanges => {
      this.subscribers.set(name, { onChange, onBreak });
      return {
        ensure: (_resourceVersion, monotonicNow, retryPeriodMs) => this.ensure(monotonicNow, retryPeriodMs),
        close: () => this.subscribers.delete(name),
      };
    };
  }

  private ensure(monotonicNow: number, retryPeriodMs: number): void {
    if (this.running || monotonicNow - this.lastStart < retryPeriodMs) return;
    this.running = true;
    this.lastStart = monotonicNow;
    const controller = new AbortController();
    this.controller = controller;
    const breakAll = () => {
      for (const subscriber of this.subscribers.values()) subscriber.onBreak();
    };
    // Its own listing first (no resourceVersion): the slots were read one by one, at versions a watch cannot share.
    listThenWatch(this.client, {
      query: { namespace: this.namespace, labelSelector: this.labelSelector },
      resourceVersion: undefined,
      signal: controller.signal,
      onList: (leases) => {
        for (const [name, subscriber] of this.subscribers) subscriber.onChange(leases.find((lease) => lease.metadata.name === name));
      },
      onChange: (event) => {
        const subscriber = this.subscribers.get(event.object?.metadata?.name ?? '');
        subscriber?.onChange(event.type === 'DELETED' ? undefined : event.object);
      },
      onInterrupted: breakAll,
    })
      .catch(() => undefined) // polling carries on; the next wait re-watches
      .finally(() => {
        if (this.controller !== controller) return; // closed
        this.running = false;
        breakAll();
      });
  }

  close(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.running = false;
  }
}
