/** Time as commands see it; injected so that tests can move it. */
export interface Clock {
  /** Wall-clock time in epoch milliseconds (what is written into renewTime/acquireTime). */
  now(): number;
  /** Monotonic milliseconds, for measuring elapsed time immune to wall-clock steps (lease expiry by observation). */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // The global, not node:perf_hooks: importing that module loads its observers and histograms on every start.
  monotonic: () => performance.now(),
};

/**
 * Resolves after `ms`, or at once when `signal` aborts (never rejects). Global timers, so that loops using it run
 * under vi.useFakeTimers in unit tests.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
