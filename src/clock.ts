import { performance } from 'node:perf_hooks';

/** Time as commands see it; injected so that tests can move it. */
export interface Clock {
  /** Wall-clock time in epoch milliseconds (what is written into renewTime/acquireTime). */
  now(): number;
  /** Monotonic milliseconds, for measuring elapsed time immune to wall-clock steps (lease expiry by observation). */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
