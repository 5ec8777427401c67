// The hold loops (acquire, renew, release) and holdLease, with the in-memory Lease API and fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeHolding } from '../../src/printers/lease-descriptions.js';
import type { Clock } from '../../src/clock.js';
import { Failure } from '../../src/errors.js';
import { describeError } from '../../src/error-message.js';
import { acquire, AcquireError } from '../../src/election/acquire.js';
import type { ChildExit, LaunchedChild, ProcessLauncher, SignalDelivery } from '../../src/hold/child.js';
import type { EventFields } from '../../src/election/events.js';
import type { HoldEventName, HoldEvents } from '../../src/hold/events.js';
import { releaseLease } from '../../src/election/release.js';
import { LeaseRenewer } from '../../src/election/renew.js';
import { holdLease, type HoldRequest } from '../../src/hold/run.js';
import { validateHoldTimings, defaultGracePeriodMs } from '../../src/hold/timing.js';
import { KubeApiError, KubeTransportError } from '../../src/kube/errors.js';
import { isHeldBy, type ElectionConfig } from '../../src/lease/election.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import { jobElectionConfig as config } from '../support/election.js';
import { MemoryLeaseClient } from '../support/lease-client.js';
import { TestSignals } from '../support/test-context.js';

const refused = () => new KubeTransportError('dial tcp 127.0.0.1:6443: connect: connection refused');

class RecordingEvents implements HoldEvents {
  readonly log: { event: HoldEventName; fields: EventFields; at: number }[] = [];
  emit(event: HoldEventName, fields: EventFields): void {
    this.log.push({ event, fields, at: Date.now() });
  }
  warn(event: HoldEventName, fields: EventFields): void {
    this.emit(event, fields);
  }
  describe(error: unknown): string {
    return String(error);
  }
  holding(lease: Lease, nowMs: number): string {
    return describeHolding(lease, nowMs);
  }
  names(): HoldEventName[] {
    return this.log.map((entry) => entry.event);
  }
}

// ---------------------------------------------------------------------------------------------------------------

const START = Date.parse('2026-03-01T12:00:00.000Z');
let clock: Clock;
let api: MemoryLeaseClient;
let events: RecordingEvents;

function heldBy(holder: string, extra: Lease['spec'] = {}): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'job', namespace: 'default' },
    spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: formatMicroTime(Date.now()), leaseTransitions: 3, ...extra },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
  clock = { now: () => Date.now(), monotonic: () => Date.now() - START };
  // The gate keeps spec.strategy and preferredHolder, so that another writer can end our coordinated term.
  api = new MemoryLeaseClient({ now: () => Date.now(), featureGates: { CoordinatedLeaderElection: true } });
  events = new RecordingEvents();
});

afterEach(() => {
  vi.useRealTimers();
});

const acquireWith = (options: { waitMs?: number; abort?: AbortSignal; cfg?: ElectionConfig } = {}) =>
  acquire({
    client: api,
    clock,
    config: options.cfg ?? config,
    events,
    waitMs: options.waitMs,
    waitFlag: options.waitMs === 0 ? '--no-wait' : `--wait ${options.waitMs}`,
    abort: options.abort ?? new AbortController().signal,
  });

describe('acquire', () => {
  it('creates a missing lease with the managed-by label', async () => {
    const outcome = await acquireWith();
    expect(outcome).toMatchObject({ kind: 'acquired', created: true, lease: { spec: { holderIdentity: 'me_1', leaseTransitions: 0 } } });
    expect(api.peek('default', 'job')?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'leasectl' });
  });

  it('takes a released lease at once and counts the transition', async () => {
    api.seed(heldBy('', { leaseTransitions: 7 }));
    const outcome = await acquireWith();
    expect(outcome).toMatchObject({ kind: 'acquired', created: false, lease: { spec: { holderIdentity: 'me_1', leaseTransitions: 8 } } });
  });

  it("waits a full lease duration after first seeing a dead holder's record, even if its renewTime is an hour old", async () => {
    api.seed(heldBy('dead_2', { renewTime: formatMicroTime(START - 3_600_000) }));
    let outcome: Awaited<ReturnType<typeof acquireWith>> | undefined;
    void acquireWith().then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(14_900);
    expect(outcome).toBeUndefined();
    expect(events.names()).toContain('waiting');
    await vi.advanceTimersByTimeAsync(200);
    expect(outcome).toMatchObject({ kind: 'acquired', lease: { spec: { holderIdentity: 'me_1', leaseTransitions: 4 } } });
  });

  it('does not take over a holder that keeps renewing', async () => {
    api.seed(heldBy('alive_2'));
    let outcome: unknown;
    void acquireWith().then((o) => (outcome = o));
    for (let t = 0; t < 40_000; t += 2_000) {
      await vi.advanceTimersByTimeAsync(2_000);
      api.write('default', 'job', { renewTime: formatMicroTime(Date.now()) });
    }
    expect(outcome).toBeUndefined();
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('alive_2');
  });

  it('sees a release through the watch at once, not after a retry period', async () => {
    api.seed(heldBy('other_2'));
    let outcome: unknown;
    void acquireWith().then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(500);
    expect(api.calls).toContain('watch');
    api.write('default', 'job', { holderIdentity: '', leaseDurationSeconds: 1 });
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toMatchObject({ kind: 'acquired', lease: { spec: { holderIdentity: 'me_1' } } });
  });

  it('--no-wait: one read, and a message naming the holder, its last renew and its expiry', async () => {
    api.seed(heldBy('host_0b9d', { renewTime: formatMicroTime(START - 3_000) }));
    const outcome = await acquireWith({ waitMs: 0 });
    expect(outcome).toEqual({
      kind: 'not-acquired',
      message:
        "lease default/job is held by host_0b9d (renewed 3s ago, expires in 12s by this machine's clock); not waiting (--no-wait); if its holder is known to be dead, wait it out with --wait 15s or free it now with: leasectl release -n default --force job",
    });
    expect(api.calls).toEqual(['get']);
  });

  it('not acquired: a not_acquired event names the holder, its renewTime and when it may expire', async () => {
    const lease = api.seed(heldBy('other_2'));
    await acquireWith({ waitMs: 0 });
    expect(events.log.map((e) => [e.event, e.fields])).toEqual([
      ['not_acquired', { holder: 'other_2', renew_time: lease.spec?.renewTime, expires_in_ms: 15_000, own_identity: false, wait: '--no-wait' }],
    ]);
  });

  it('--wait gives up when the time has run out', async () => {
    api.seed(heldBy('other_2'));
    let outcome: Awaited<ReturnType<typeof acquireWith>> | undefined;
    void acquireWith({ waitMs: 5_000 }).then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(4_900);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(outcome).toMatchObject({ kind: 'not-acquired', message: expect.stringMatching(/held by other_2 .*gave up waiting \(--wait 5000\); if its holder is known to be dead, /) });
  });

  it('--no-wait on a lease that looks expired by its renewTime watches it for one lease duration, then takes it', async () => {
    api.seed(heldBy('dead_2', { renewTime: formatMicroTime(START - 3 * 3_600_000) }));
    let outcome: Awaited<ReturnType<typeof acquireWith>> | undefined;
    void acquireWith({ waitMs: 0 }).then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(14_900);
    expect(outcome).toBeUndefined();
    expect(events.names()).toEqual(['confirming_expiry', 'waiting']);
    expect(api.calls).toContain('watch');
    await vi.advanceTimersByTimeAsync(200);
    expect(outcome).toMatchObject({ kind: 'acquired', lease: { spec: { holderIdentity: 'me_1', leaseTransitions: 4 } } });
  });

  it('--wait shorter than the lease duration is stretched the same way for a lease that looks expired', async () => {
    api.seed(heldBy('dead_2', { renewTime: formatMicroTime(START - 60_000) }));
    let outcome: Awaited<ReturnType<typeof acquireWith>> | undefined;
    void acquireWith({ waitMs: 5_000 }).then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(14_900);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(outcome).toMatchObject({ kind: 'acquired' });
  });

  it('a holder whose clock lags, renewing while --no-wait watches, keeps the lease: 124, and the message says it is alive', async () => {
    const lagMs = 2 * 3_600_000;
    api.seed(heldBy('lagging_2', { renewTime: formatMicroTime(START - lagMs) }));
    let outcome: Awaited<ReturnType<typeof acquireWith>> | undefined;
    void acquireWith({ waitMs: 0 }).then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(2_000);
    api.write('default', 'job', { renewTime: formatMicroTime(Date.now() - lagMs) });
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toMatchObject({ kind: 'not-acquired', message: expect.stringContaining('it changed while we watched it, so its holder is alive') });
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('lagging_2');
  });

  it('a lease at the int32 maximum of transitions: one line saying what is wrong and how out, and an acquire_failed event', async () => {
    api.seed(heldBy('', { leaseTransitions: 2_147_483_647 }));
    const error = await acquireWith().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcquireError);
    expect((error as Error).message).toBe(
      'lease default/job has counted 2147483647 changes of holder, the most spec.leaseTransitions (an int32) can hold, so no new holder can be recorded: once its holder is gone, delete it (kubectl delete lease -n default job) and hold creates it afresh',
    );
    expect(events.log.map((e) => [e.event, e.fields])).toEqual([['acquire_failed', { reason: 'transitions-exhausted', transitions: 2_147_483_647 }]]);
    expect(api.calls).not.toContain('update');
  });

  it('a live lease under our own identity is waited for like anyone else\'s (not ours without --reentrant)', async () => {
    api.seed(heldBy('me_1'));
    const outcome = await acquireWith({ waitMs: 0 });
    expect(outcome).toMatchObject({ kind: 'not-acquired', message: expect.stringContaining('under our own --identity') });
    expect(await acquireWith({ waitMs: 0, cfg: { ...config, reentrant: true } })).toMatchObject({ kind: 'acquired' });
  });

  it('a shutdown signal while waiting stops the wait at once', async () => {
    api.seed(heldBy('other_2'));
    const abort = new AbortController();
    let outcome: unknown;
    void acquireWith({ abort: abort.signal }).then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(100);
    abort.abort();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toEqual({ kind: 'aborted', uncertain: undefined });
  });

  it('refuses a coordinated lease', async () => {
    api.seed(heldBy('', { strategy: 'OldestEmulationVersion' }));
    await expect(acquireWith()).rejects.toThrow(AcquireError);
    await expect(acquireWith()).rejects.toThrow(/coordinated leader election.*--force/);
  });

  it('retries transport errors while waiting, and reports them once', async () => {
    api.failNext('get', refused(), 3);
    let outcome: unknown;
    void acquireWith().then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(7_000);
    expect(outcome).toMatchObject({ kind: 'acquired' });
    expect(events.names().filter((e) => e === 'api_error')).toHaveLength(1);
  });

  it('--no-wait with the API unreachable is an error, not a conflict', async () => {
    api.failNext('get', refused());
    await expect(acquireWith({ waitMs: 0 })).rejects.toThrow(/connection refused/);
  });

  it('loses a race to another writer gracefully: re-reads and waits', async () => {
    api.seed(heldBy(''));
    const realUpdate = api.update.bind(api);
    api.update = async (lease, options) => {
      api.update = realUpdate;
      api.write('default', 'job', { holderIdentity: 'fast_3', renewTime: formatMicroTime(Date.now()) });
      return realUpdate(lease, options);
    };
    const outcome = await acquireWith({ waitMs: 0 });
    expect(outcome).toMatchObject({ kind: 'not-acquired', message: expect.stringContaining('held by fast_3') });
  });
});

describe('LeaseRenewer', () => {
  async function start(cfg = config) {
    const outcome = await acquireWith({ cfg });
    if (outcome.kind !== 'acquired') throw new Error('not acquired');
    const renewer = new LeaseRenewer({ client: api, clock, config: cfg, events, lease: outcome.lease, acquiredAt: outcome.writeStartedAt });
    renewer.start();
    return renewer;
  }

  it('renews every retry period, keeping acquireTime and transitions', async () => {
    const renewer = await start();
    const acquireTime = api.peek('default', 'job')?.spec?.acquireTime;
    await vi.advanceTimersByTimeAsync(6_100);
    expect(events.names().filter((e) => e === 'renewed')).toHaveLength(3);
    expect(api.peek('default', 'job')?.spec).toMatchObject({ acquireTime, leaseTransitions: 0, renewTime: formatMicroTime(START + 6_000) });
    await renewer.stop();
  });

  it('declares the lease lost renew-deadline after the start of the last successful renewal when requests hang', async () => {
    const renewer = await start();
    let lostAt: number | undefined;
    void renewer.lost.then(() => (lostAt = Date.now() - START));
    await vi.advanceTimersByTimeAsync(2_100); // renewed at t=2000
    api.hang = true;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(lostAt).toBe(12_000);
    expect(renewer.lossInfo?.reason).toBe('deadline');
    expect(events.names()).toContain('renew_failed');
  });

  it('tolerates failures shorter than the deadline', async () => {
    const renewer = await start();
    api.failNext('update', refused(), 3);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(renewer.lossInfo).toBeUndefined();
    await renewer.stop();
  });

  it('a conflict with our own lease (someone touched it) is re-read and renewed', async () => {
    const renewer = await start();
    api.write('default', 'job', {}, { annotations: { note: 'touched' } });
    await vi.advanceTimersByTimeAsync(2_100);
    expect(renewer.lossInfo).toBeUndefined();
    expect(api.peek('default', 'job')).toMatchObject({ metadata: { annotations: { note: 'touched' } }, spec: { renewTime: formatMicroTime(START + 2_000) } });
    await renewer.stop();
  });

  it.each([
    ['taken', () => api.write('default', 'job', { holderIdentity: 'thief_9' }), 'taken'],
    ['released', () => api.write('default', 'job', { holderIdentity: '' }), 'released'],
    ['deleted', () => api.remove('default', 'job'), 'deleted'],
    ['end-of-term', () => api.write('default', 'job', { strategy: 'OldestEmulationVersion', preferredHolder: 'next_1' }), 'end-of-term'],
  ])('is lost at the next renewal when the lease was %s', async (_label, change, reason) => {
    const renewer = await start();
    change();
    await vi.advanceTimersByTimeAsync(2_100);
    expect(renewer.lossInfo?.reason).toBe(reason);
  });
});

describe('releaseLease', () => {
  const options = (known?: Lease) => ({
    client: api,
    clock,
    ref: config.lease,
    known,
    mayRelease: (lease: Lease) => isHeldBy(lease, 'me_1'),
    timeoutMs: 10_000,
    attemptTimeoutMs: 5_000,
    retryDelayMs: 1_000,
  });

  it("writes client-go's release record", async () => {
    const mine = api.seed(heldBy('me_1', { leaseTransitions: 5 }));
    const outcome = await releaseLease(options(mine));
    expect(outcome).toMatchObject({ kind: 'released', previousHolder: 'me_1' });
    expect(api.peek('default', 'job')?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 5 });
  });

  it('re-reads on conflict and still releases our lease', async () => {
    const stale = api.seed(heldBy('me_1'));
    api.write('default', 'job', { renewTime: formatMicroTime(START + 1) });
    expect(await releaseLease(options(stale))).toMatchObject({ kind: 'released' });
  });

  it('leaves alone a lease someone else took meanwhile', async () => {
    const stale = api.seed(heldBy('me_1'));
    api.write('default', 'job', { holderIdentity: 'other_2' });
    expect(await releaseLease(options(stale))).toMatchObject({ kind: 'not-held' });
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('other_2');
  });
});

describe('validateHoldTimings', () => {
  const base = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
  it('the default grace period fits the defaults (15s/10s → 4s) and short test timings (3s/2s → 800ms)', () => {
    expect(defaultGracePeriodMs(15_000, 10_000)).toBe(4_000);
    expect(defaultGracePeriodMs(3_000, 2_000)).toBe(800);
    expect(defaultGracePeriodMs(60_000, 10_000)).toBe(10_000);
    expect(validateHoldTimings({ ...base, gracePeriodMs: 4_000 })).toBeUndefined();
  });
  it('refuses renew-deadline + grace-period ≥ lease-duration, naming the fix', () => {
    expect(validateHoldTimings({ ...base, gracePeriodMs: 5_000 })).toMatch(
      /^unsafe timings: --renew-deadline 10s \+ --grace-period 5s must be less than --lease-duration 15s.*lower --grace-period/,
    );
  });
  it("passes on client-go's checks first", () => {
    expect(validateHoldTimings({ ...base, retryPeriodMs: 9_000, gracePeriodMs: 0 })).toMatch(/^renewDeadline must be greater than retryPeriod\*JitterFactor/);
    expect(validateHoldTimings({ ...base, leaseDurationMs: 15_500, gracePeriodMs: 0 })).toMatch(/whole number of seconds/);
  });
  it('words a negative grace period as every other duration limit', () => {
    expect(validateHoldTimings({ ...base, gracePeriodMs: -1_000 })).toBe(
      '--grace-period must be at least 0s (how long the command gets between SIGTERM and SIGKILL), got -1s',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// holdLease with a fake child process.

class FakeChild implements LaunchedChild {
  readonly pid = 4242;
  readonly signals: { signal: NodeJS.Signals; at: number }[] = [];
  alive = true;
  private finish!: (exit: ChildExit) => void;
  readonly exited = new Promise<ChildExit>((resolve) => (this.finish = resolve));
  /** What the child does with each signal; default: dies of it. */
  onSignal: (signal: NodeJS.Signals) => void = (signal) => this.die({ code: null, signal });

  die(exit: ChildExit): void {
    if (!this.alive) return;
    this.alive = false;
    this.finish(exit);
  }
  signalAll(signal: NodeJS.Signals): SignalDelivery {
    if (!this.alive) return { group: false, escaped: 0 };
    this.signals.push({ signal, at: Date.now() - START });
    queueMicrotask(() => this.onSignal(signal));
    return { group: true, escaped: 0 };
  }
  anyAlive(): boolean {
    return this.alive;
  }
  /** What the watchdog was told: 'done' (the group is gone) or end of file while it lived (kill it). */
  watchdog: 'watching' | 'done' | 'kill' = 'watching';
  endWatchdog(): void {
    if (this.watchdog === 'watching') this.watchdog = this.alive ? 'kill' : 'done';
  }
}

describe('holdLease', () => {
  let child: FakeChild;
  let signals: TestSignals;
  let launched: { command: string; args: readonly string[]; env: NodeJS.ProcessEnv } | undefined;
  const launcher: ProcessLauncher = {
    resolve: (command) => ({ ok: true, executable: { command, path: `/bin/${command}` } }),
    async launch({ command }, args, env) {
      launched = { command, args, env };
      return { ok: true, child };
    },
  };
  const request: HoldRequest = { config, gracePeriodMs: 4_000, waitMs: undefined, waitFlag: '', command: 'job', args: ['a b', ''], keep: false, conflictExitCode: 124 };
  const hold = (overrides: Partial<HoldRequest> = {}, env: NodeJS.ProcessEnv = {}) =>
    holdLease({ client: api, clock, signals, events, launcher, env }, { ...request, ...overrides });

  beforeEach(() => {
    child = new FakeChild();
    signals = new TestSignals();
    launched = undefined;
  });

  it("runs the command with the lease variables, returns its exit code and releases after it exits", async () => {
    const result = hold({}, { LEASECTL_LEASE: 'outer/lease', PATH: '/bin' });
    await vi.advanceTimersByTimeAsync(10);
    expect(launched).toMatchObject({
      command: 'job',
      args: ['a b', ''],
      env: { PATH: '/bin', LEASECTL_LEASE: 'default/job', LEASECTL_IDENTITY: 'me_1', LEASECTL_TRANSITIONS: '0', LEASECTL_ACQUIRED_AT: formatMicroTime(START) },
    });
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('me_1');
    child.die({ code: 7, signal: null });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe(7);
    expect(api.peek('default', 'job')?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(events.names()).toEqual(['acquired', 'child_started', 'child_exited', 'released']);
    expect(child.watchdog).toBe('done');
  });

  it('an unexpected failure while the child runs: the watchdog is left to kill the group, and the lease to expire', async () => {
    const failing: HoldEvents = {
      emit(event) {
        if (event === 'child_started') throw new Error('events bug');
      },
      warn() {},
      describe: String,
      holding: describeHolding,
    };
    const result = holdLease({ client: api, clock, signals, events: failing, launcher, env: {} }, request);
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled).toMatchObject({ message: 'events bug' });
    expect(child.watchdog).toBe('kill');
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('me_1');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('128+N when the child dies of signal N', async () => {
    const result = hold();
    await vi.advanceTimersByTimeAsync(10);
    child.die({ code: null, signal: 'SIGTERM' });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe(143);
  });

  it('--keep leaves the lease held', async () => {
    const result = hold({ keep: true });
    await vi.advanceTimersByTimeAsync(10);
    child.die({ code: 0, signal: null });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe(0);
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('me_1');
  });

  it('on lease loss: SIGTERM at the renew deadline, SIGKILL after the grace period, both before the lease can expire for others; exit 75', async () => {
    child.onSignal = (signal) => {
      if (signal === 'SIGKILL') child.die({ code: null, signal });
    }; // ignores SIGTERM
    const result = hold();
    const outcome = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(2_100); // one renewal at t=2000
    api.hang = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(child.signals).toEqual([
      { signal: 'SIGTERM', at: 12_000 },
      { signal: 'SIGKILL', at: 16_000 },
    ]);
    // Others saw the t=2000 renewal no earlier than t=2000, so may take over from t=17000 on.
    expect(16_000).toBeLessThan(2_000 + config.leaseDurationMs);
    const error = await outcome;
    expect(error).toBeInstanceOf(Failure);
    expect(error).toMatchObject({ exitCode: 75, message: expect.stringContaining('lost lease default/job') });
  });

  it.each([
    [false, ''],
    [true, 'me_1'],
  ])('lost by the renew deadline with keep=%s: released only without --keep', async (keep, holderAfter) => {
    child.onSignal = () => undefined;
    const result = hold({ keep });
    const outcome = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(2_100);
    api.hang = true;
    await vi.advanceTimersByTimeAsync(10_000); // lost at t=12000
    expect(child.signals.map((s) => s.signal)).toEqual(['SIGTERM']);
    api.hang = false; // the apiserver answers again by the time the child is gone
    child.die({ code: 0, signal: null });
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toMatchObject({ exitCode: 75 });
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe(holderAfter);
  });

  it('a group that survives SIGKILL is given up on by the monotonic clock, even if the wall clock steps back; the lease is not released', async () => {
    clock = { now: () => Date.now(), monotonic: () => performance.now() }; // fake timers move it; setSystemTime does not
    child.onSignal = () => undefined;
    const result = hold();
    await vi.advanceTimersByTimeAsync(10);
    child.anyAlive = () => true; // a process in uninterruptible sleep
    child.die({ code: 0, signal: null });
    await vi.advanceTimersByTimeAsync(request.gracePeriodMs + 10); // SIGTERM to what was left, then SIGKILL
    vi.setSystemTime(Date.now() - 3_600_000); // NTP steps the wall clock back an hour
    await vi.advanceTimersByTimeAsync(3_000);
    await expect(result).resolves.toBe(0);
    expect(events.log.find((e) => e.event === 'release_failed')?.fields).toMatchObject({ reason: 'group-alive' });
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('me_1');
  });

  it('a shutdown signal is forwarded, renewals continue through the grace period, the lease is released after the child exits', async () => {
    child.onSignal = () => undefined; // takes its time
    const result = hold();
    await vi.advanceTimersByTimeAsync(10);
    signals.send('SIGTERM');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(child.signals.map((s) => s.signal)).toEqual(['SIGTERM']);
    expect(events.names()).toContain('renewed');
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('me_1');
    child.die({ code: 0, signal: null });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe(0);
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('');
  });

  it('SIGKILL after the grace period; a second SIGINT kills at once', async () => {
    child.onSignal = (signal) => {
      if (signal === 'SIGKILL') child.die({ code: null, signal });
    };
    const result = hold();
    await vi.advanceTimersByTimeAsync(10);
    signals.send('SIGINT');
    await vi.advanceTimersByTimeAsync(500);
    signals.send('SIGINT');
    await vi.advanceTimersByTimeAsync(100);
    expect(child.signals.map((s) => [s.signal, s.at])).toEqual([
      ['SIGINT', 10],
      ['SIGKILL', 510],
    ]);
    await expect(result).resolves.toBe(137);
  });

  it('SIGUSR1 passes straight through and stops nothing', async () => {
    child.onSignal = () => undefined;
    const result = hold();
    await vi.advanceTimersByTimeAsync(10);
    signals.send('SIGUSR1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(child.signals.map((s) => s.signal)).toEqual(['SIGUSR1']);
    child.die({ code: 0, signal: null });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe(0);
  });

  it('SIGTSTP, SIGTTIN and SIGTTOU are caught and ignored: the child gets nothing and the lease keeps being renewed', async () => {
    child.onSignal = () => undefined;
    const result = hold();
    await vi.advanceTimersByTimeAsync(10);
    for (const signal of ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) signals.send(signal);
    await vi.advanceTimersByTimeAsync(config.leaseDurationMs * 2);
    expect(signals.defaultAction).toEqual([]);
    expect(child.signals).toEqual([]);
    expect(events.log.filter((e) => e.event === 'signal_ignored').map((e) => e.fields.signal)).toEqual(['SIGTSTP', 'SIGTTIN', 'SIGTTOU']);
    expect(events.names().filter((e) => e === 'renewed').length).toBeGreaterThanOrEqual(14);
    expect(Date.parse(api.peek('default', 'job')?.spec?.renewTime ?? '')).toBeGreaterThanOrEqual(Date.now() - config.retryPeriodMs);
    child.die({ code: 0, signal: null });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe(0);
  });

  it('a signal while waiting exits 128+N, never starts the child and leaves nothing held', async () => {
    api.seed(heldBy('other_2'));
    const result = hold();
    await vi.advanceTimersByTimeAsync(1_000);
    signals.send('SIGTERM');
    await vi.advanceTimersByTimeAsync(10);
    await expect(result).resolves.toBe(143);
    expect(launched).toBeUndefined();
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('other_2');
  });

  it('a signal during the acquiring write: the child never starts and the lease is released', async () => {
    const realCreate = api.create.bind(api);
    api.create = async (namespace, lease, options) => {
      signals.send('SIGINT');
      return realCreate(namespace, lease, options);
    };
    const result = hold();
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe(130);
    expect(launched).toBeUndefined();
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('');
  });

  it('--no-wait on a held lease: 124', async () => {
    api.seed(heldBy('other_2'));
    await expect(hold({ waitMs: 0, waitFlag: '--no-wait' })).rejects.toMatchObject({ exitCode: 124, message: expect.stringContaining('not waiting (--no-wait)') });
  });

  it('a command that cannot be found: its 127 before any API call, and nothing launched', async () => {
    const unresolvable: ProcessLauncher = { ...launcher, resolve: () => ({ ok: false, exitCode: 127, message: 'nope: command not found' }) };
    const result = holdLease({ client: api, clock, signals, events, launcher: unresolvable, env: {} }, request);
    await expect(result).rejects.toMatchObject({ exitCode: 127, message: 'nope: command not found' });
    expect(api.calls).toEqual([]);
    expect(launched).toBeUndefined();
    expect(events.names()).toEqual([]);
  });

  it('a command found but failing to start (it changed meanwhile): its 126/127, and the lease is released', async () => {
    const failing: ProcessLauncher = { ...launcher, launch: async () => ({ ok: false, exitCode: 127, message: 'nope: command not found' }) };
    const result = holdLease({ client: api, clock, signals, events, launcher: failing, env: {} }, request);
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled).toMatchObject({ exitCode: 127, message: 'nope: command not found' });
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('');
  });

  it('a launcher that throws: renewing stops and the lease is released, the error surfaces', async () => {
    const throwing: ProcessLauncher = {
      ...launcher,
      launch: async () => {
        throw new Error('launcher bug');
      },
    };
    const result = holdLease({ client: api, clock, signals, events, launcher: throwing, env: {} }, request);
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled).toMatchObject({ message: 'launcher bug' });
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('');
    const calls = api.calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.calls.length).toBe(calls); // no renewer left behind
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    ['--no-wait', 0],
    ['--wait 1s', 1_000],
  ])('%s: an acquiring write that landed but timed out is released before exiting 125', async (waitFlag, waitMs) => {
    const realCreate = api.create.bind(api);
    api.create = async (namespace, lease, options) => {
      await realCreate(namespace, lease, options);
      if (waitMs > 0) api.failNext('any', refused(), 1_000); // and for --wait, nothing answers until the wait is over
      throw new KubeTransportError('read tcp: connection reset by peer');
    };
    const result = hold({ waitMs, waitFlag });
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(waitMs + config.retryPeriodMs + 100); // the re-read after the write fails too
    api.clearFailures();
    await vi.advanceTimersByTimeAsync(config.renewDeadlineMs);
    expect(await settled).toMatchObject({ exitCode: 125 });
    expect(launched).toBeUndefined();
    expect(api.peek('default', 'job')?.spec?.holderIdentity).toBe('');
    expect(events.names()).toContain('released');
  });

  it('API errors that retrying cannot fix are 125', async () => {
    api.create = async () => {
      throw new KubeApiError({ reason: 'Forbidden', code: 403, message: 'leases.coordination.k8s.io is forbidden' }, 403);
    };
    const error = await hold().catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 125, cause: expect.any(KubeApiError) });
    expect(describeError(error)).toEqual({ exitCode: 125, message: 'Error from server (Forbidden): leases.coordination.k8s.io is forbidden' });
  });
});
