// One test context for running commands in-process through runCli, like kubectl's NewTestIOStreams with a fake
// client: buffered streams, a clock whose wall time and monotonic time can be moved apart, an environment, signals
// a test delivers, and the in-memory Lease API as the cluster.
import { PassThrough } from 'node:stream';
import { vi } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { runCli, type World } from '../../src/cli.js';
import type { Clock } from '../../src/clock.js';
import type { SignalSource } from '../../src/context.js';
import type { KubeConnection, KubeFlags } from '../../src/kube/connection.js';
import { validateNamespace } from '../../src/kube/kubeconfig.js';
import { MemoryLeaseClient, type MemoryLeaseClientOptions } from './lease-client.js';
import { textCapture, type TextCapture } from './streams.js';

/** 2026-03-01T12:00:00Z: tests that print times assert them exactly. */
export const TEST_START = Date.parse('2026-03-01T12:00:00.000Z');

/**
 * Time as a command sees it. `advance` moves both clocks, as time passing does; `stepWall` moves only the wall clock
 * (NTP stepping it, a clock set wrong), which the monotonic clock never sees. Under fake timers, time also passes as
 * the timers run (vi.advanceTimersByTimeAsync).
 */
export class TestClock implements Clock {
  private wallStepMs = 0;
  private elapsedMs = 0;
  constructor(
    private readonly startMs: number,
    private readonly fakeTimers: boolean,
  ) {}

  /** Milliseconds since the start, by the monotonic clock. */
  private get elapsed(): number {
    return this.fakeTimers ? Date.now() - this.startMs : this.elapsedMs;
  }
  now(): number {
    return this.startMs + this.elapsed + this.wallStepMs;
  }
  monotonic(): number {
    return this.elapsed;
  }
  /** Time passes: both clocks move, and under fake timers every timer due meanwhile fires. */
  async advance(ms: number): Promise<void> {
    if (this.fakeTimers) await vi.advanceTimersByTimeAsync(ms);
    else this.elapsedMs += ms;
  }
  /** Only the wall clock moves (negative: stepped back). */
  stepWall(ms: number): void {
    this.wallStepMs += ms;
  }
}

/** Signals a test sends to "leasectl"; one that no command subscribed to would take its default action, so it is recorded. */
export class TestSignals implements SignalSource {
  private readonly subscriptions = new Set<{ signals: readonly NodeJS.Signals[]; handler: (signal: NodeJS.Signals) => void }>();
  /** Signals sent while nothing handled them (they would have killed or stopped the process). */
  readonly defaultAction: NodeJS.Signals[] = [];

  subscribe(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void {
    const subscription = { signals, handler };
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }
  /** Whether any command is listening for `signal` now. */
  handles(signal: NodeJS.Signals): boolean {
    return [...this.subscriptions].some((subscription) => subscription.signals.includes(signal));
  }
  send(signal: NodeJS.Signals): void {
    const listening = [...this.subscriptions].filter((subscription) => subscription.signals.includes(signal));
    if (listening.length === 0) this.defaultAction.push(signal);
    for (const subscription of listening) subscription.handler(signal);
  }
}

export interface TestContextOptions {
  /** Wall-clock start (default TEST_START). */
  now?: number;
  /** Installs vi fake timers, for commands that wait on timers (gc, renew --acquire, -w, hold); undone by `done()`. */
  fakeTimers?: boolean;
  env?: NodeJS.ProcessEnv;
  /** stdout (and stderr) pose as a terminal. */
  tty?: boolean;
  /** The kubeconfig context's namespace, used when there is no -n (default: default). */
  contextNamespace?: string;
  programName?: string;
  client?: MemoryLeaseClientOptions;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestContext {
  stdout: TextCapture;
  stderr: TextCapture;
  stdin: PassThrough;
  clock: TestClock;
  env: NodeJS.ProcessEnv;
  signals: TestSignals;
  client: MemoryLeaseClient;
  /** What runCli is given: these streams, clock, env and signals, and connections to `client`. */
  world: World;
  /** The kube flags of every connection a command made, in order. */
  connections: KubeFlags[];
  /**
   * Runs `leasectl ARGV...` in-process; resolves with the exit code and what this run wrote. Under fake timers, time
   * is moved on (`stepMs` at a time) until the command ends: a command still running after `maxMs` fails the test.
   */
  run(argv: string[], options?: { stepMs?: number; maxMs?: number }): Promise<CliResult>;
  /** Starts `leasectl ARGV...` and returns at once: the test moves time and sends signals, then awaits the result. */
  start(argv: string[]): Promise<CliResult>;
  /** Restores real timers (call in afterEach when fakeTimers was set). */
  done(): void;
}

export function testContext(options: TestContextOptions = {}): TestContext {
  const start = options.now ?? TEST_START;
  const fakeTimers = Boolean(options.fakeTimers);
  if (fakeTimers) vi.useFakeTimers({ now: start });
  const clock = new TestClock(start, fakeTimers);
  const stdout = textCapture(Boolean(options.tty));
  const stderr = textCapture(Boolean(options.tty));
  const stdin = new PassThrough();
  const env: NodeJS.ProcessEnv = { ...options.env };
  const signals = new TestSignals();
  const client = new MemoryLeaseClient({ now: () => clock.now(), ...options.client });
  const connections: KubeFlags[] = [];

  const connect = async (flags: KubeFlags): Promise<KubeConnection> => {
    // As src/kube/connect.ts does before anything else.
    if (flags.namespace !== undefined) validateNamespace(flags.namespace);
    connections.push({ ...flags });
    return {
      client,
      namespace: flags.namespace ?? options.contextNamespace ?? 'default',
      namespaceFromFlag: flags.namespace !== undefined,
      namespaceNames: async () => client.namespaceNames(),
      serverVersion: async () => ({ major: '1', minor: '26', gitVersion: 'v1.26.1' }),
      close: () => undefined,
    };
  };
  const world: World = { io: { stdin, stdout, stderr }, clock, env, signals, programName: options.programName ?? 'leasectl', connect };

  const startCli = (argv: string[]): Promise<CliResult> => {
    const outFrom = stdout.text.length;
    const errFrom = stderr.text.length;
    return runCli(argv, world).then((code) => ({ code, stdout: stdout.text.slice(outFrom), stderr: stderr.text.slice(errFrom) }));
  };

  return {
    stdout,
    stderr,
    stdin,
    clock,
    env,
    signals,
    client,
    world,
    connections,
    start: startCli,
    async run(argv, { stepMs = 1_000, maxMs = 3_600_000 } = {}) {
      if (!fakeTimers) return startCli(argv);
      // Fake time steps on while the command awaits anything, a first import of its body too: loaded beforehand, a
      // cold module load cannot pass for an hour of the command's time.
      await Promise.all(COMMANDS.map((command) => command.load()));
      let result: CliResult | undefined;
      let failure: unknown;
      const running = startCli(argv).then(
        (value) => (result = value),
        (error: unknown) => (failure = error ?? new Error('rejected')),
      );
      for (let waited = 0; result === undefined && failure === undefined; waited += stepMs) {
        if (waited > maxMs) throw new Error(`leasectl ${argv.join(' ')} was still running after ${maxMs} ms of fake time`);
        await vi.advanceTimersByTimeAsync(stepMs);
      }
      await running;
      if (failure !== undefined) throw failure;
      return result!;
    },
    done() {
      if (fakeTimers) vi.useRealTimers();
    },
  };
}
