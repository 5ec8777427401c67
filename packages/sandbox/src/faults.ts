// Fault injection for exercising clients against a misbehaving apiserver. Every knob is bounded so that a
// mistaken setting cannot wedge a test run for long.

import { StatusError, internalError, tooManyRequests } from './status.js';

export interface FaultSettings {
  /** Added before every API response, 0..60000 ms. */
  latencyMs: number;
  /** Share of API requests answered with `errorCode` instead, 0..1. */
  errorRate: number;
  errorCode: 500 | 429;
  /** The server's clock runs this far from the real one (creationTimestamp, AGE), within ±10 years. */
  clockOffsetMs: number;
  /** Requests hang and watches go quiet until resumed. */
  paused: boolean;
  /** Nothing listens: clients get ECONNREFUSED. */
  refusingConnections: boolean;
}

export interface FaultControl {
  latencyMs: number;
  errorRate: number;
  errorCode: 500 | 429;
  clockOffsetMs: number;
  readonly paused: boolean;
  /** How many API requests a pause is holding back now, so that a test can tell that a request has arrived. */
  readonly heldRequests: number;
  pause(): void;
  resume(): void;
  readonly refusingConnections: boolean;
  /** On: stop listening and drop every open connection. Off: listen again on the same port. */
  refuseConnections(on: boolean): Promise<void>;
  /** Back to a healthy server (listening, not paused, no latency, errors or clock offset). */
  reset(): Promise<void>;
  settings(): FaultSettings;
}

/** What the faults need from the server to refuse connections. */
export interface ListenerControl {
  stopListening(): Promise<void>;
  startListening(): Promise<void>;
}

const maxLatencyMs = 60_000;
const maxClockOffsetMs = 10 * 365 * 24 * 3600_000;

function checkedNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export class Faults implements FaultControl {
  private latency = 0;
  private rate = 0;
  private code: 500 | 429 = 500;
  private offset = 0;
  private isPaused = false;
  private held = 0;
  private refusing = false;
  private readonly resumeListeners = new Set<() => void>();
  private listener: ListenerControl | undefined;

  /** Connects the server once it exists (the server needs the faults first). */
  attach(listener: ListenerControl): void {
    this.listener = listener;
  }

  get latencyMs(): number {
    return this.latency;
  }
  set latencyMs(value: number) {
    this.latency = checkedNumber('latencyMs', value, 0, maxLatencyMs);
  }

  get errorRate(): number {
    return this.rate;
  }
  set errorRate(value: number) {
    this.rate = checkedNumber('errorRate', value, 0, 1);
  }

  get errorCode(): 500 | 429 {
    return this.code;
  }
  set errorCode(value: 500 | 429) {
    if (value !== 500 && value !== 429) throw new RangeError(`errorCode must be 500 or 429, got ${JSON.stringify(value)}`);
    this.code = value;
  }

  get clockOffsetMs(): number {
    return this.offset;
  }
  set clockOffsetMs(value: number) {
    this.offset = checkedNumber('clockOffsetMs', value, -maxClockOffsetMs, maxClockOffsetMs);
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get heldRequests(): number {
    return this.held;
  }

  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    for (const listener of [...this.resumeListeners]) listener();
  }

  /** Calls `listener` at every resume; returns the unsubscribe function. */
  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => this.resumeListeners.delete(listener);
  }

  /** Resolves once the sandbox is not paused (at once when it is not). */
  untilResumed(): Promise<void> {
    if (!this.isPaused) return Promise.resolve();
    this.held += 1;
    return new Promise((resolve) => {
      const stop = this.onResume(() => {
        stop();
        this.held -= 1;
        resolve();
      });
    });
  }

  get refusingConnections(): boolean {
    return this.refusing;
  }

  async refuseConnections(on: boolean): Promise<void> {
    if (on === this.refusing) return;
    this.refusing = on;
    if (on) await this.listener?.stopListening();
    else await this.listener?.startListening();
  }

  async reset(): Promise<void> {
    this.latency = 0;
    this.rate = 0;
    this.code = 500;
    this.offset = 0;
    this.resume();
    await this.refuseConnections(false);
  }

  settings(): FaultSettings {
    return {
      latencyMs: this.latency,
      errorRate: this.rate,
      errorCode: this.code,
      clockOffsetMs: this.offset,
      paused: this.isPaused,
      refusingConnections: this.refusing,
    };
  }

  /** The injected error for this request, if the dice say so. */
  injectedError(): StatusError | undefined {
    if (this.rate === 0 || Math.random() >= this.rate) return undefined;
    return this.code === 429 ? tooManyRequests(1) : internalError('sandbox: injected fault');
  }

  /**
   * Applies a settings change sent over HTTP. `refuseConnectionsForMs` refuses for a while and then listens again
   * by itself: over HTTP there would be no way to switch it back off.
   */
  async applyRemote(change: Record<string, unknown>): Promise<void> {
    const known = ['latencyMs', 'errorRate', 'errorCode', 'clockOffsetMs', 'paused', 'refuseConnectionsForMs'];
    const unknown = Object.keys(change).filter((key) => !known.includes(key));
    if (unknown.length > 0) throw new RangeError(`unknown fault setting(s): ${unknown.join(', ')} (known: ${known.join(', ')})`);
    // Validate everything before changing anything.
    if (change.latencyMs !== undefined) checkedNumber('latencyMs', change.latencyMs, 0, maxLatencyMs);
    if (change.errorRate !== undefined) checkedNumber('errorRate', change.errorRate, 0, 1);
    if (change.errorCode !== undefined && change.errorCode !== 500 && change.errorCode !== 429) throw new RangeError('errorCode must be 500 or 429');
    if (change.clockOffsetMs !== undefined) checkedNumber('clockOffsetMs', change.clockOffsetMs, -maxClockOffsetMs, maxClockOffsetMs);
    if (change.paused !== undefined && typeof change.paused !== 'boolean') throw new RangeError('paused must be a boolean');
    const refuseFor = change.refuseConnectionsForMs === undefined ? undefined : checkedNumber('refuseConnectionsForMs', change.refuseConnectionsForMs, 1, maxLatencyMs);

    if (change.latencyMs !== undefined) this.latencyMs = change.latencyMs as number;
    if (change.errorRate !== undefined) this.errorRate = change.errorRate as number;
    if (change.errorCode !== undefined) this.errorCode = change.errorCode as 500 | 429;
    if (change.clockOffsetMs !== undefined) this.clockOffsetMs = change.clockOffsetMs as number;
    if (change.paused === true) this.pause();
    if (change.paused === false) this.resume();
    if (refuseFor !== undefined) {
      // Refuse after this reply has gone out, so that the caller hears that it worked.
      setTimeout(() => {
        void this.refuseConnections(true).then(() => setTimeout(() => void this.refuseConnections(false), refuseFor));
      }, 50);
    }
  }
}
