// One emitter for what hold does: `--events json` writes one versioned JSON line per event to stderr; otherwise
// human one-liners go to stderr only with -v (quiet by default, like flock), except warnings, which always print.

import type { CommandContext, OutputStream } from '../context.js';
import type { ElectionEventName, EventFields } from '../election/events.js';
import { formatMicroTime } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import { describeHolding } from '../printers/lease-descriptions.js';
import { escapeTerminal } from '../printers/terminal.js';

export const EVENTS_SCHEMA_VERSION = 1;

export type HoldEventName = ElectionEventName | 'acquired' | 'child_started' | 'signal_sent' | 'signal_ignored' | 'child_exited' | 'released' | 'release_failed';

export interface HoldEvents {
  /** An event; `human` is its -v line. */
  emit(event: HoldEventName, fields: EventFields, human: string): void;
  /** An event that is also worth a line without -v (a problem the user should see). */
  warn(event: HoldEventName, fields: EventFields, human: string): void;
  /** An error in the edge's words, for an event's text. */
  describe(error: unknown): string;
  /** A lease's holder in the printers' words. */
  holding(lease: Lease, nowMs: number): string;
}

/** What the events need of the command's world: its stderr, clock, -v, name, and the edge's words for an error. */
export type HoldEventsWorld = Pick<CommandContext, 'clock' | 'verbosity' | 'programName' | 'describeError'> & { io: { stderr: OutputStream } };

export interface HoldEventsOptions {
  format: 'json' | 'human';
  /** namespace/name */
  lease: string;
  identity: string;
}

export function createHoldEvents(world: HoldEventsWorld, options: HoldEventsOptions): HoldEvents {
  const { clock, verbosity, programName } = world;
  const { stderr } = world.io;
  const json = (event: HoldEventName, fields: EventFields): void => {
    const line = { v: EVENTS_SCHEMA_VERSION, event, time: formatMicroTime(clock.now()), lease: options.lease, identity: options.identity, ...fields };
    stderr.write(`${JSON.stringify(line)}\n`);
  };
  const human = (text: string): void => {
    stderr.write(`${programName} hold: ${escapeTerminal(text)}\n`);
  };
  // A heartbeat every retry period is noise at -v; show it from -vv on.
  const minimumVerbosity = (event: HoldEventName): number => (event === 'renewed' ? 2 : 1);
  return {
    emit(event, fields, text) {
      if (options.format === 'json') json(event, fields);
      else if (verbosity >= minimumVerbosity(event)) human(text);
    },
    warn(event, fields, text) {
      if (options.format === 'json') json(event, fields);
      else human(text);
    },
    describe: (error) => world.describeError(error),
    holding: describeHolding,
  };
}

/** Events for tests and for code paths that have nowhere to report. */
export const silentEvents: HoldEvents = { emit() {}, warn() {}, describe: String, holding: describeHolding };

/** The events of one slot of hold --slots: each names the slot's lease and says which slot it is. */
export function slotEvents(events: HoldEvents, lease: string, slot: number): HoldEvents {
  return {
    emit: (event, fields, text) => events.emit(event, { ...fields, lease, slot }, text),
    warn: (event, fields, text) => events.warn(event, { ...fields, lease, slot }, text),
    describe: (error) => events.describe(error),
    holding: (held, nowMs) => events.holding(held, nowMs),
  };
}
