// Expiry by observation, the built binary against the sandbox (or a real cluster): cron's `hold --no-wait`
// recovering a crashed holder's lease, a holder whose clock lags keeping its lease from hold and gc, the fencing
// token across a delete and re-create, and a lease whose transitions ran out.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/connect.js';
import { formatMicroTime as microTime } from '../../src/lease/time.js';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';
import { holdEventsOf, type HoldEvent, type HoldEvents } from './hold-events.js';

const FAST = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '500ms'];
const LEASE_DURATION_MS = 3_000;
const TWO_HOURS_MS = 2 * 3_600_000;
/** A leasectl whose wall clock is two hours behind: its renewTimes look two hours old to everyone else. */
const LAGGING_CLOCK_ENV = {
  NODE_OPTIONS: `--require=${resolve(import.meta.dirname, 'lagging-clock.cjs')}`,
  LEASECTL_TEST_CLOCK_LAG_MS: String(TWO_HOURS_MS),
};

let cluster: TestCluster;
let dir: string;
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await setupCluster();
  dir = mkdtempSync(join(tmpdir(), 'leasectl-expiry-'));
});
afterEach(() => {
  for (const child of spawned.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});
afterAll(async () => {
  await cluster?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

interface Holder extends HoldEvents {
  child: ChildProcess;
}

function startHold(name: string, args: string[], env?: NodeJS.ProcessEnv): Holder {
  const child = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...FAST, '--events', 'json', name, ...args], { env });
  spawned.push(child);
  return { child, ...holdEventsOf(child) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function eventsIn(stderr: string): HoldEvent[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as HoldEvent);
}

async function specOf(name: string): Promise<{ holderIdentity?: string; leaseTransitions?: number } | undefined> {
  const result = await cluster.leasectl(['inspect', '-n', cluster.namespace, name, '-o', 'json']);
  return result.code === 0 ? (JSON.parse(result.stdout) as { spec?: { holderIdentity?: string } }).spec : undefined;
}

function testClient() {
  return connect({ kubeconfig: cluster.kubeconfig }, { ...process.env, KUBECONFIG: cluster.kubeconfig });
}

describe('hold --no-wait from cron, after a crash', () => {
  it("takes over a SIGKILLed holder's expired lease within about one lease duration", async () => {
    const name = uniqueName('crashed');
    const first = startHold(name, ['--identity', 'crashed-host_1', '--', 'sleep', '30']);
    await first.next('child_started');
    first.child.kill('SIGKILL'); // its watchdog kills `sleep`; nothing releases the lease
    await sleep(LEASE_DURATION_MS + 2_500); // expired by its renewTime, past the clock-skew allowance

    const cron = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, '--no-wait', '--events', 'json', name, '--', 'true']);
    expect(cron.code, cron.stderr).toBe(0);
    const events = eventsIn(cron.stderr);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['confirming_expiry', 'acquired', 'released']));
    // What it set out to watch is one lease duration, no more (how long that took on this machine is not the point).
    expect(events.find((e) => e.event === 'confirming_expiry')?.confirm_in_ms).toBeLessThanOrEqual(LEASE_DURATION_MS);
  });

  it('against a live holder exits 124 at once, without watching, and says how to proceed if the holder is dead', async () => {
    const name = uniqueName('live');
    const holder = startHold(name, ['--identity', 'live-host_1', '--', 'sleep', '30']);
    await holder.next('child_started');
    const cron = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, '--no-wait', '--events', 'json', name, '--', 'true']);
    expect(cron.code).toBe(124);
    expect(eventsIn(cron.stderr).map((e) => e.event)).toEqual(['not_acquired']);
    expect(cron.stderr).toContain(
      `not waiting (--no-wait); if its holder is known to be dead, wait it out with --wait 3s or free it now with: leasectl release -n ${cluster.namespace} --force ${name}\n`,
    );
  });

  it('a holder whose clock lags two hours, renewing while --no-wait watches its old-looking lease, keeps it: 124', async () => {
    const name = uniqueName('lagging');
    const out = join(dir, `${name}.txt`);
    const holder = startHold(name, ['--identity', 'lagging-host_1', '--', 'sh', '-c', `echo running > ${out}; sleep 30`], LAGGING_CLOCK_ENV);
    await holder.next('child_started');
    const cron = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, '--no-wait', '--events', 'json', name, '--', 'true']);
    expect(cron.code).toBe(124);
    expect(eventsIn(cron.stderr).map((e) => e.event)).toEqual(expect.arrayContaining(['confirming_expiry', 'not_acquired']));
    expect(cron.stderr).toContain('it looked expired, but it changed while we watched it, so its holder is alive (its clock may be behind) (--no-wait)');
    expect((await specOf(name))?.holderIdentity).toBe('lagging-host_1');
    expect(holder.all.map((e) => e.event)).not.toContain('lost');
    expect(readFileSync(out, 'utf8')).toBe('running\n');
  });
});

async function createLease(name: string, spec: Record<string, unknown>): Promise<void> {
  const connection = await testClient();
  try {
    await connection.client.create(cluster.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec });
  } finally {
    connection.close();
  }
}

describe('renewTimes that cannot be trusted', () => {
  it('a renewTime an hour in the future (a holder clock ahead): hold --no-wait gives 124 at once, gc never proposes it', async () => {
    const name = uniqueName('ahead');
    await createLease(name, { holderIdentity: 'ahead-host_1', leaseDurationSeconds: 3, renewTime: microTime(Date.now() + 3_600_000) });
    const cron = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, '--no-wait', '--events', 'json', name, '--', 'true']);
    expect(cron.code).toBe(124);
    expect(eventsIn(cron.stderr).map((e) => e.event)).toEqual(['not_acquired']);
    const gc = await cluster.leasectl(['gc', '-n', cluster.namespace, '--expired-for', '0s', '--dry-run', '-o', 'json', name]);
    expect(gc.code, gc.stderr).toBe(0);
    expect(JSON.parse(gc.stdout).wouldDelete).toEqual([]);
  });

  it('a lease naming a holder but no renewTime or leaseDurationSeconds: hold --no-wait watches it for its own --lease-duration, then takes it', async () => {
    const name = uniqueName('ghost');
    await createLease(name, { holderIdentity: 'ghost-host_1' });
    const cron = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, '--no-wait', '--events', 'json', name, '--', 'true']);
    expect(cron.code, cron.stderr).toBe(0);
    expect(eventsIn(cron.stderr).map((e) => e.event)).toEqual(expect.arrayContaining(['confirming_expiry', 'acquired']));
    expect((await specOf(name))?.leaseTransitions).toBe(1);
  });
});

describe('gc confirms expiry by watching before it deletes', () => {
  it('gc leaves alone the lease of a holder whose clock lags two hours, however long expired it looks', async () => {
    const name = uniqueName('gc-lagging');
    const out = join(dir, `${name}.txt`);
    const holder = startHold(name, ['--identity', 'lagging-host_2', '--', 'sh', '-c', `echo running > ${out}; sleep 30`], LAGGING_CLOCK_ENV);
    await holder.next('child_started');

    const dryRun = await cluster.leasectl(['gc', '-n', cluster.namespace, name, '--dry-run', '-o', 'json']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(JSON.parse(dryRun.stdout).wouldDelete).toEqual([expect.objectContaining({ name, confirmed: false, confirmFor: '3s' })]);
    expect(dryRun.stderr).toContain('it is unconfirmed: a real run first watches each for its lease duration (up to 3s) and keeps any that change');

    const gc = await cluster.leasectl(['gc', '-n', cluster.namespace, name]);
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.stdout).toBe('');
    expect(gc.stderr).toContain(`lease.coordination.k8s.io "${name}" kept in ${cluster.namespace} namespace: renewed since listing`);
    expect((await specOf(name))?.holderIdentity).toBe('lagging-host_2');
    expect(holder.all.map((e) => e.event)).not.toContain('lost');
    expect(readFileSync(out, 'utf8')).toBe('running\n');
  });

  it("gc deletes a dead holder's lease after watching it unchanged for its lease duration, and says so with -v", async () => {
    const name = uniqueName('gc-dead');
    await createLease(name, { holderIdentity: 'dead-host_1', leaseDurationSeconds: 3, renewTime: microTime(Date.now() - TWO_HOURS_MS) });
    const started = Date.now();
    const gc = await cluster.leasectl(['gc', '-n', cluster.namespace, name, '-v']);
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.stderr).toContain('confirming 1 expired lease: watching for up to 3s that nothing renews them before deleting');
    expect(gc.stdout).toBe(`lease.coordination.k8s.io "${name}" deleted from ${cluster.namespace} namespace\n`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(await specOf(name)).toBeUndefined();
  });
});

describe('the fencing token', () => {
  it('LEASECTL_FENCING_TOKEN grows across a delete and re-create, where LEASECTL_TRANSITIONS restarts at 0', async () => {
    const name = uniqueName('fence');
    const out = join(dir, `${name}.txt`);
    const script = 'printf "%s %s\\n" "$LEASECTL_FENCING_TOKEN" "$LEASECTL_TRANSITIONS" >> "$0"';
    const holdOnce = () => cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, name, '--', 'sh', '-c', script, out]);
    expect((await holdOnce()).code).toBe(0);
    const connection = await testClient();
    try {
      await connection.client.delete({ namespace: cluster.namespace, name });
    } finally {
      connection.close();
    }
    expect(await specOf(name)).toBeUndefined();
    expect((await holdOnce()).code).toBe(0);

    const [first, second] = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => line.split(' ')) as [string[], string[]];
    expect([first[1], second[1]]).toEqual(['0', '0']);
    expect(first[0]).toMatch(/^\d+$/);
    expect(BigInt(second[0] as string)).toBeGreaterThan(BigInt(first[0] as string));
  }, 30_000);
});

describe('leaseTransitions at the int32 maximum', () => {
  it('hold exits 125 with one line saying what is wrong and how out, and an acquire_failed event', async () => {
    const name = uniqueName('exhausted');
    await createLease(name, { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 2_147_483_647 });
    const result = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, '--events', 'json', name, '--', 'true']);
    expect(result.code).toBe(125);
    expect(eventsIn(result.stderr)).toEqual([expect.objectContaining({ event: 'acquire_failed', reason: 'transitions-exhausted', transitions: 2_147_483_647 })]);
    const lines = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
    expect(lines).toEqual([
      `error: lease ${cluster.namespace}/${name} has counted 2147483647 changes of holder, the most spec.leaseTransitions (an int32) can hold, so no new holder can be recorded: once its holder is gone, delete it (kubectl delete lease -n ${cluster.namespace} ${name}) and hold creates it afresh`,
    ]);
    expect(result.stderr).not.toContain('cannot unmarshal');
  });
});
