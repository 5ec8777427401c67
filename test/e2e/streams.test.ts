// Output that nobody can read any more: the built binary with its stdout into `head -1` (the reader goes away) or
// /dev/full (every write fails), against the sandbox or a real cluster. Nothing hangs, nothing prints a stack.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import { againstRealCluster, LEASECTL_BIN, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

const HOUR = 3_600_000;
const NO_DEV_FULL = 'this system has no /dev/full to write into';

let cluster: TestCluster;
const spawned: ChildProcess[] = [];
/** One label for every lease this file creates, so that its listings see only them in a shared namespace. */
const RUN_LABEL = uniqueName('streams');

beforeAll(async () => {
  cluster = await setupCluster();
});
afterEach(async () => {
  for (const child of spawned.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cluster.sandbox?.faults.reset();
});
afterAll(async () => {
  if (againstRealCluster) await cluster?.kubectl(['delete', 'lease', '-n', cluster.namespace, '-l', `run=${RUN_LABEL}`, '--wait=false'], { timeoutMs: 120_000 });
  await cluster?.teardown();
});

function lease(name: string, group: string, renewedAgoMs = 0): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, labels: { run: RUN_LABEL, group } },
    spec: { holderIdentity: `holder-${name}`, leaseDurationSeconds: 1, renewTime: formatMicroTime(Date.now() - renewedAgoMs) },
  };
}

/** `count` leases labelled group=GROUP; returns the selector for them. */
async function createGroup(count: number, renewedAgoMs = 0): Promise<{ selector: string; names: string[] }> {
  const group = uniqueName('g');
  const names = Array.from({ length: count }, (_, index) => `${group}-${String(index).padStart(4, '0')}`);
  await cluster.createLeases(cluster.namespace, names.map((name) => lease(name, group, renewedAgoMs)));
  return { selector: `run=${RUN_LABEL},group=${group}`, names };
}

interface ShellRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stderr contains `text`. */
  seen(text: string): Promise<void>;
  exit: Promise<number | null>;
}

/**
 * Runs leasectl ARGS inside a shell `script`, where "$0" "$@" is the leasectl command line, so that its stdout can be
 * a real pipe into head or a redirection to /dev/full.
 */
function shell(script: string, args: string[]): ShellRun {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: cluster.kubeconfig, NO_COLOR: '1' };
  delete env.LEASECTL_TEST_KUBECONFIG;
  const child = spawn('sh', ['-c', script, LEASECTL_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async seen(text) {
      while (!stderr.includes(text)) await new Promise<void>((wake) => waiters.push(wake));
    },
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
}

/** leasectl's stdout into `head -1`; its exit code and head's end are written to stderr. */
const INTO_HEAD = '{ "$0" "$@"; echo "leasectl exited $?" >&2; } | { head -n 1; echo "head exited" >&2; }';
const INTO_DEV_FULL = 'exec "$0" "$@" >/dev/full';

describe('stdout whose reader goes away', () => {
  it('list -w piped into head -1 on 1,500 leases exits 0 at its next write, with nothing on stderr', { timeout: 120_000 }, async () => {
    const { selector, names } = await createGroup(1500);
    const run = shell(INTO_HEAD, ['list', '-n', cluster.namespace, '-l', selector, '-w', '--no-headers']);
    await run.seen('head exited');
    expect(run.stdout()).toMatch(new RegExp(`^${names[0]}\\s`));
    // The listing may have fitted in the pipe: a change makes the watch write again.
    await cluster.createLeases(cluster.namespace, [lease(uniqueName('later'), selector.split('group=')[1]!)]);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toBe('head exited\nleasectl exited 0\n');
  });

});

describe.skipIf(againstRealCluster)(`stdout whose reader goes away, with the sandbox's latency (${SANDBOX_ONLY})`, () => {
  it('gc piped into head -1 stops starting deletes and prints its summary on stderr, exit 1', { timeout: 120_000 }, async () => {
    const { selector, names } = await createGroup(100, 2 * HOUR);
    cluster.sandbox!.faults.latencyMs = 20; // deletes slower than head's exit
    const run = shell(INTO_HEAD, ['gc', '-n', cluster.namespace, '-l', selector, '--concurrency', '1', '-o', 'name']);
    expect(await run.exit).toBe(0); // head's
    expect(run.stdout()).toBe(`lease.coordination.k8s.io/${names[0]}\n`);
    const summary = /deleted (\d+), kept 0, failed 0; interrupted: (\d+) leases not attempted\n/.exec(run.stderr());
    expect(summary, run.stderr()).not.toBeNull();
    expect(Number(summary![1]) + Number(summary![2])).toBe(100);
    expect(Number(summary![2])).toBeGreaterThan(0);
    expect(run.stderr()).toMatch(/leasectl exited 1\n$/);
    await cluster.sandbox!.faults.reset();
    const left = await cluster.leasectl(['list', '-n', cluster.namespace, '-l', selector, '-o', 'name']);
    expect(left.stdout.split('\n').filter(Boolean)).toHaveLength(Number(summary![2]));
  });
});

describe.skipIf(!existsSync('/dev/full'))(`stdout that fails to write${existsSync('/dev/full') ? '' : ` (${NO_DEV_FULL})`}`, () => {
  it('list >/dev/full says "error: write to standard output: no space left on device" in one line, exit 1', async () => {
    const { selector } = await createGroup(3);
    const run = shell(INTO_DEV_FULL, ['list', '-n', cluster.namespace, '-l', selector]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe('error: write to standard output: no space left on device\n');
  });

  it('list -w >/dev/full ends at once with the same one line, exit 1', async () => {
    const { selector } = await createGroup(3);
    const run = shell(INTO_DEV_FULL, ['list', '-n', cluster.namespace, '-l', selector, '-w']);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe('error: write to standard output: no space left on device\n');
  });

  it('gc >/dev/full stops starting deletes, prints its summary on stderr and the write error, exit 1', { timeout: 60_000 }, async () => {
    const { selector } = await createGroup(50, 2 * HOUR);
    const run = shell(INTO_DEV_FULL, ['gc', '-n', cluster.namespace, '-l', selector, '--concurrency', '1']);
    expect(await run.exit).toBe(1);
    const lines = run.stderr().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^deleted \d+, kept 0, failed 0; interrupted: \d+ leases not attempted$/);
    expect(lines[1]).toBe('error: write to standard output: no space left on device');
    const attempted = Number(/^deleted (\d+)/.exec(lines[0]!)![1]);
    expect(attempted).toBeLessThan(50);
  });
});
