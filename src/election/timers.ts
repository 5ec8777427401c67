// Abortable waiting with the global timers, so the loops run under vi.useFakeTimers in unit tests.

import { sleep } from '../clock.js';
import { KubeTransportError } from '../kube/errors.js';

/** No answer in time: a transport failure like any other (retried, and described as such). */
export class AttemptTimeoutError extends KubeTransportError {
  constructor(ms: number) {
    super(`no answer from the API server within ${ms} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortedError';
  }
}

/**
 * Runs one API call with its own AbortSignal and gives up after `ms` even if the call ignores the signal, so a
 * hung request can never hold a loop past its deadline. Rejects with AbortedError when `parent` aborts.
 */
export async function withTimeout<T>(call: (signal: AbortSignal) => Promise<T>, ms: number, parent?: AbortSignal): Promise<T> {
  if (parent?.aborted) throw new AbortedError();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onParentAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new AttemptTimeoutError(ms));
      controller.abort();
    }, Math.max(0, ms));
    onParentAbort = () => {
      reject(new AbortedError());
      controller.abort();
    };
    parent?.addEventListener('abort', onParentAbort, { once: true });
  });
  const result = call(controller.signal);
  result.catch(() => undefined); // a call that loses the race may still reject later
  try {
    return await Promise.race([result, stop]);
  } finally {
    clearTimeout(timer);
    if (onParentAbort) parent?.removeEventListener('abort', onParentAbort);
  }
}

/** A wake-up call for a loop that sleeps: wait() resolves on wake(), after `ms`, or on abort. */
export class Wakeup {
  private pending = false;
  private resolveWait: (() => void) | undefined;

  wake(): void {
    this.pending = true;
    this.resolveWait?.();
  }

  /** True when woken (now or earlier and not yet consumed), false on timeout or abort. */
  async wait(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.pending) {
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.resolveWait = () => controller.abort();
      await sleep(ms, signal?.aborted ? AbortSignal.abort() : controller.signal);
      this.resolveWait = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
    const woken = this.pending;
    this.pending = false;
    return woken;
  }
}
