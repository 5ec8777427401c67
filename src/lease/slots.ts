// hold --slots N NAME: a counting semaphore made of N ordinary leases, NAME-0 … NAME-(N-1), each held exactly as a
// plain hold holds its lease. Every slot lease records its group and the count it was made with, so that holds that
// disagree about N (which would let more than the smaller N run at once) are told apart from the leases alone.

import type { Lease } from './types.js';

/** The key prefix hold keeps for itself (neither --label nor --annotation may write under it). */
export const SLOTS_DOMAIN = 'leasectl.io';
/** A label, so that one list-then-watch with a label selector sees every slot of a group (the value is NAME). */
export const SLOT_GROUP_LABEL = `${SLOTS_DOMAIN}/slot-of`;
/** An annotation: the count describes the group rather than selecting it, and is only ever compared. */
export const SLOT_COUNT_ANNOTATION = `${SLOTS_DOMAIN}/slots`;
/** Enough for any fleet's concurrency limit, and few enough that one hold's reads stay modest. */
export const MAX_SLOTS = 100;

export interface SlotGroup {
  /** NAME as given: the group, and the stem of every slot's lease name. */
  name: string;
  count: number;
}

export interface Slot {
  group: SlotGroup;
  index: number;
}

export function slotLeaseName(group: SlotGroup, index: number): string {
  return `${group.name}-${index}`;
}

export function groupSlots(group: SlotGroup): Slot[] {
  return Array.from({ length: group.count }, (_, index) => ({ group, index }));
}

export function slotGroupSelector(group: SlotGroup): string {
  return `${SLOT_GROUP_LABEL}=${group.name}`;
}

/** The label and annotation every slot lease carries. */
export function slotMarks(slot: Slot): { labels: Record<string, string>; annotations: Record<string, string> } {
  return { labels: { [SLOT_GROUP_LABEL]: slot.group.name }, annotations: { [SLOT_COUNT_ANNOTATION]: String(slot.group.count) } };
}

export type SlotMismatch =
  /** A slot of this group recorded with another count. */
  | { kind: 'count'; recorded: string }
  /** A lease of a slot's name that is no slot of this group (made by a plain hold, or by something else). */
  | { kind: 'not-a-slot' }
  /** A plain hold on a lease that is a slot of a group. */
  | { kind: 'is-a-slot'; group: string; count: string | undefined };

/**
 * Whether `lease` may be held as `slot` (undefined: as a plain lease). A missing lease always may: it is created
 * with the right marks.
 */
export function slotMismatch(lease: Lease | undefined, slot: Slot | undefined): SlotMismatch | undefined {
  if (lease === undefined) return undefined;
  const group = lease.metadata.labels?.[SLOT_GROUP_LABEL];
  const count = lease.metadata.annotations?.[SLOT_COUNT_ANNOTATION];
  if (slot === undefined) return group === undefined ? undefined : { kind: 'is-a-slot', group, count };
  if (group !== slot.group.name) return { kind: 'not-a-slot' };
  if (count !== String(slot.group.count)) return { kind: 'count', recorded: count ?? '' };
  return undefined;
}

/** The first lease of a group's listing that records another count than `group`'s, and that count. */
export function otherSlotCount(group: SlotGroup, leases: readonly Lease[]): { lease: Lease; recorded: string } | undefined {
  for (const lease of leases) {
    if (lease.metadata.labels?.[SLOT_GROUP_LABEL] !== group.name) continue;
    const recorded = lease.metadata.annotations?.[SLOT_COUNT_ANNOTATION] ?? '';
    if (recorded !== String(group.count)) return { lease, recorded };
  }
  return undefined;
}
