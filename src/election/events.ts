// What the election loops report as they go. hold's emitter (src/hold/events.ts) is one; the loops know only this.
import type { Lease } from '../lease/types.js';

/** The events the acquire and renew loops emit; hold adds its child's. */
export type ElectionEventName = 'waiting' | 'confirming_expiry' | 'not_acquired' | 'acquire_failed' | 'renewed' | 'renew_failed' | 'lost' | 'api_error';

export type EventFields = Record<string, string | number | boolean | null | undefined>;

export interface ElectionEvents {
  /** An event; `human` is its -v line. */
  emit(event: ElectionEventName, fields: EventFields, human: string): void;
  /** An event that is also worth a line without -v (a problem the user should see). */
  warn(event: ElectionEventName, fields: EventFields, human: string): void;
  /** An error in the edge's words, for an event's text: the loops hand errors on and never word them. */
  describe(error: unknown): string;
  /** `held by X (renewed 3s ago, expires in 12s by this machine's clock)`: a holder in the printers' words. */
  holding(lease: Lease, nowMs: number): string;
}
