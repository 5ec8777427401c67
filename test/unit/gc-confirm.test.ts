// gc's confirmation by observation, with fake timers and a watch the test drives.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExpiryConfirmation, type Confirmation } from '../../src/gc/confirm.js';
import type { WatchEvent, WatchOptions } from '../../src/kube/lease-client.js';
import type { Lease } from '../../src/lease/types.js';

function lease(name: string, durationSeconds: number | undefined, rv = '10'): Lease {
  return {
    metadata: { name, namespace: 'apps', uid: `uid-${name}`, resourceVersion: rv },
    spec: { holderIdentity: 'h_1', renewTime: '2026-01-01T00:00:00.000000Z', ...(durationSeconds === undefined ? {} : { leaseDurationSeconds: durationSeconds }) },
  };
}

let emit: (event: WatchEvent) => void;
let watched: WatchOptions[];
let watchSignal: AbortSignal;
const client = {
  watch(options: WatchOptions, onEvent: (event: WatchEvent) => void, signal: AbortSignal) {
    watched.push(options);
    emit = onEvent;
    watchSignal = signal;
    return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
  },
};

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  watched = [];
});
afterEach(() => vi.useRealTimers());

function confirmation(leases: Lease[], signal = new AbortController().signal) {
  return new ExpiryConfirmation(
    { client, clock: { now: () => Date.now(), monotonic: () => Date.now() }, namespace: 'apps', resourceVersion: '10', listedAt: 0, signal },
    leases,
  );
}

describe('ExpiryConfirmation', () => {
  it('stops watching once the last candidate has been watched for its lease duration, rather than stream back the deletes', async () => {
    const run = confirmation([lease('short', 5), lease('long', 15)]);
    await vi.advanceTimersByTimeAsync(14_900);
    expect(watchSignal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(watchSignal.aborted).toBe(true);
    expect(await run.confirm(lease('long', 15))).toEqual({ kind: 'confirmed', lease: lease('long', 15) });
    run.close();
  });

  it('confirms a lease only once it has been watched unchanged for its leaseDurationSeconds, from the listing on', async () => {
    const listed = lease('dead', 15);
    const run = confirmation([listed]);
    let outcome: Confirmation | undefined;
    void run.confirm(listed).then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(14_900);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(outcome).toEqual({ kind: 'confirmed', lease: listed });
    expect(watched).toEqual([{ namespace: 'apps', resourceVersion: '10', allowWatchBookmarks: true }]);
    run.close();
  });

  it('a renewal seen on the watch settles it as changed at once, however old its renewTime still looks', async () => {
    const listed = lease('lagging', 15);
    const run = confirmation([listed]);
    let outcome: Confirmation | undefined;
    void run.confirm(listed).then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(2_000);
    const renewed = { ...listed, metadata: { ...listed.metadata, resourceVersion: '11' }, spec: { ...listed.spec, renewTime: '2026-01-01T00:00:02.000000Z' } };
    emit({ type: 'MODIFIED', object: renewed });
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toEqual({ kind: 'changed', lease: renewed });
    run.close();
  });

  it('a deletion on the watch settles it as changed with no lease; events for other leases are ignored', async () => {
    const listed = lease('gone', 15);
    const run = confirmation([listed]);
    let outcome: Confirmation | undefined;
    void run.confirm(listed).then((o) => (outcome = o));
    emit({ type: 'MODIFIED', object: lease('someone-else', 15, '12') });
    emit({ type: 'BOOKMARK', object: { metadata: { name: '', resourceVersion: '13' } } });
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeUndefined();
    emit({ type: 'DELETED', object: listed });
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toEqual({ kind: 'changed', lease: undefined });
    run.close();
  });

  it('a lease whose wait is already over is confirmed at once, with no timer to fire', async () => {
    const listed = lease('long-dead', 1);
    const run = confirmation([listed]);
    vi.setSystemTime(5_000);
    // No timers are advanced: a large run confirms most of its candidates after their wait has passed.
    await expect(run.confirm(listed)).resolves.toEqual({ kind: 'confirmed', lease: listed });
    run.close();
  });

  it('a change seen while a lease waited its turn keeps it, even once its wait is over', async () => {
    const listed = lease('renewed-meanwhile', 1);
    const run = confirmation([listed]);
    const renewed = { ...listed, metadata: { ...listed.metadata, resourceVersion: '11' } };
    emit({ type: 'MODIFIED', object: renewed });
    vi.setSystemTime(5_000);
    await expect(run.confirm(listed)).resolves.toEqual({ kind: 'changed', lease: renewed });
    run.close();
  });

  it('an interruption stops the wait', async () => {
    const stop = new AbortController();
    const listed = lease('waiting', 3600);
    const run = confirmation([listed], stop.signal);
    let outcome: Confirmation | undefined;
    void run.confirm(listed).then((o) => (outcome = o));
    stop.abort();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toEqual({ kind: 'aborted' });
    run.close();
  });

  it('orders candidates by when they are confirmed; one without leaseDurationSeconds is watched for 15s', () => {
    const run = confirmation([lease('identity', 3600), lease('no-duration', undefined), lease('short', 5)]);
    expect(run.inConfirmationOrder([lease('identity', 3600), lease('no-duration', undefined), lease('short', 5)]).map((l) => l.metadata.name)).toEqual([
      'short',
      'no-duration',
      'identity',
    ]);
    expect(run.longestWaitMs).toBe(3_600_000);
    run.close();
  });
});
