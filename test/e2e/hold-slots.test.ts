// hold --slots N NAME: a counting semaphore of N leases (NAME-0 … NAME-(N-1)), the built binary against the sandbox
// (or a real cluster): at most N commands at once, takeover of a crashed holder's slot only after its lease
// duration, and groups that disagree about N refused before anything is touched.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/lease/types.js';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';
import { holdEventsOf, type HoldEvent, type HoldEvents } from './hold-events.js';

const FAST = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '500ms'];
const LEASE_DURATION_MS = 3_000;
// For the 36 holds of the counting test, which never wait for an expiry (a release is seen through the watch): a
// renew deadline that a loaded machine does not miss, and fewer requests.
const RELAXED = ['--lease-duration', '10s', '--renew-deadline', '6s', '--retry-period', '1s', '--grace-period', '1s'];

let cluster: TestCluster;
let dir: string;
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await setupCluster();
  dir = mkdtempSync(join(tmpdir(), 'leasectl-slots-'));
});
afterEach(() => {
  for (const child of spawned.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await cluster?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

interface Holder extends HoldEvents {
  child: ChildProcess;
}

function startHold(name: string, args: string[], timings = FAST): Holder {
  const child = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...timings, '--events', 'json', name, ...args]);
  spawned.push(child);
  return { child, ...holdEventsOf(child) };
}

const hold = (name: string, args: string[]) => cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, ...args, name, '--', 'sh', '-c', 'echo "ran $LEASECTL_SLOT"']);
const at = (event: HoldEvent) => Date.parse(event.time);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function leaseOf(name: string): Promise<Lease | undefined> {
  const result = await cluster.leasectl(['inspect', '-n', cluster.namespace, name, '-o', 'json']);
  return result.code === 0 ? (JSON.parse(result.stdout) as Lease) : undefined;
}

describe('hold --slots: a counting semaphore', () => {
  it('12 holds with --slots 3, 3 rounds: never more than 3 commands at once, at least once 3, each in a slot of its own, every hold exits 0', async () => {
    const name = uniqueName('slots');
    const log = join(dir, `${name}.log`);
    for (let round = 0; round < 3; round++) {
      const holds = Array.from({ length: 12 }, (_, i) =>
        startHold(name, ['--slots', '3', '-c', `echo "start $LEASECTL_SLOT ${round}-${i}" >> ${log}; sleep 0.4; echo "end $LEASECTL_SLOT ${round}-${i}" >> ${log}`], RELAXED),
      );
      expect(await Promise.all(holds.map((h) => h.exit))).toEqual(Array(12).fill(0));
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(72);
    const running = new Map<string, string>(); // slot → run
    let most = 0;
    for (const line of lines) {
      const [what, slot, id] = line.split(' ') as [string, string, string];
      expect(['0', '1', '2']).toContain(slot);
      if (what === 'start') {
        expect(running.has(slot), `slot ${slot} started twice at once`).toBe(false);
        running.set(slot, id);
      } else {
        expect(running.get(slot)).toBe(id);
        running.delete(slot);
      }
      most = Math.max(most, running.size);
    }
    expect(most).toBe(3);
  }, 90_000);

  it("after SIGKILL of a holder and its command, a waiter takes that holder's slot after the lease duration, not before", async () => {
    const name = uniqueName('slots-crash');
    const first = startHold(name, ['--slots', '2', '--', 'sleep', '30']);
    const firstChild = await first.next('child_started');
    const other = startHold(name, ['--slots', '2', '--', 'sleep', '30']);
    await other.next('child_started');
    const waiter = startHold(name, ['--slots', '2', '--', 'true']);
    await waiter.next('waiting');
    await sleep(700); // let the holders renew while the waiter watches
    const lastRenewBeforeKill = [...first.all].reverse().find((e) => e.event === 'renewed' || e.event === 'acquired') as HoldEvent;
    first.child.kill('SIGKILL');
    try {
      process.kill(-(firstChild.pid as number), 'SIGKILL');
    } catch {
      // hold's watchdog was first
    }
    const killedAt = Date.now();
    const acquired = await waiter.next('acquired');
    expect(acquired).toMatchObject({ slot: firstChild.slot, lease: firstChild.lease });
    expect(at(acquired) - killedAt).toBeGreaterThanOrEqual(LEASE_DURATION_MS - 500 - 150);
    expect(at(acquired)).toBeGreaterThanOrEqual(at(lastRenewBeforeKill) + LEASE_DURATION_MS - 150);
    expect(await waiter.exit).toBe(0);
    expect(other.child.exitCode).toBeNull(); // the other slot's holder was never disturbed
  }, 30_000);

  it('the command learns its slot and lease from LEASECTL_SLOT and LEASECTL_LEASE, and --events json says the slot', async () => {
    const name = uniqueName('slots-env');
    const holder = startHold(name, ['--slots', '2', '-c', 'echo "$LEASECTL_SLOT $LEASECTL_LEASE"']);
    let stdout = '';
    holder.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    expect(await holder.exit).toBe(0);
    const acquired = holder.all.find((e) => e.event === 'acquired') as HoldEvent;
    const slot = acquired.slot as number;
    expect([0, 1]).toContain(slot);
    expect(acquired.lease).toBe(`${cluster.namespace}/${name}-${slot}`);
    expect(stdout).toBe(`${slot} ${cluster.namespace}/${name}-${slot}\n`);
    for (const event of holder.all.filter((e) => ['child_started', 'child_exited', 'released'].includes(e.event))) expect(event).toMatchObject({ slot, lease: acquired.lease });
  });

  it('an outer hold --slots does not leak LEASECTL_SLOT into an inner plain hold', async () => {
    const name = uniqueName('slots-outer');
    const inner = uniqueName('slots-inner');
    const result = await cluster.leasectl([
      'hold', '-n', cluster.namespace, ...FAST, '--slots', '2', name, '--',
      process.execPath, join(import.meta.dirname, '../../bin/leasectl'), 'hold', '-n', cluster.namespace, ...FAST, inner, '--', 'sh', '-c', 'echo "slot=${LEASECTL_SLOT-unset}"',
    ], { env: { KUBECONFIG: cluster.kubeconfig } });
    expect(result).toMatchObject({ code: 0, stdout: 'slot=unset\n' });
  });

  it('list and inspect show the slots as the leases they are, labelled with their group and annotated with the count', async () => {
    const name = uniqueName('slots-list');
    expect((await hold(name, ['--slots', '2'])).code).toBe(0);
    const listed = await cluster.leasectl(['list', '-n', cluster.namespace, '-l', `leasectl.io/slot-of=${name}`, '-o', 'name']);
    expect(listed.stdout.split('\n').filter(Boolean).every((line) => /^lease\.coordination\.k8s\.io\/.+-[01]$/.test(line))).toBe(true);
    const lease = (await leaseOf(`${name}-0`)) ?? (await leaseOf(`${name}-1`));
    expect(lease?.metadata.labels).toMatchObject({ 'leasectl.io/slot-of': name, 'app.kubernetes.io/managed-by': 'leasectl' });
    expect(lease?.metadata.annotations).toMatchObject({ 'leasectl.io/slots': '2' });
  });

  it('--no-wait with every slot held: 124 (or --conflict-exit-code), naming the group and a holder; the command never runs', async () => {
    const name = uniqueName('slots-full');
    const holders = [startHold(name, ['--slots', '2', '--', 'sleep', '30']), startHold(name, ['--slots', '2', '--', 'sleep', '30'])];
    await Promise.all(holders.map((h) => h.next('child_started')));
    const busy = await hold(name, ['--slots', '2', '--no-wait']);
    expect(busy.code).toBe(124);
    expect(busy.stdout).toBe('');
    expect(busy.stderr).toContain(`all 2 slots of ${cluster.namespace}/${name} are held; the first: lease ${cluster.namespace}/${name}-`);
    expect((await hold(name, ['--slots', '2', '--no-wait', '--conflict-exit-code', '9'])).code).toBe(9);
  }, 30_000);
});

describe('hold --slots: groups and leases that do not agree', () => {
  it('--slots 3 on a NAME whose slots record --slots 2 is refused with 125, naming both counts, before any slot is touched', async () => {
    const name = uniqueName('slots-mix');
    expect((await hold(name, ['--slots', '2'])).code).toBe(0);
    const before = await Promise.all([0, 1, 2].map((i) => leaseOf(`${name}-${i}`)));
    const mixed = await hold(name, ['--slots', '3']);
    expect(mixed.code).toBe(125);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr).toMatch(new RegExp(`^error: lease ${cluster.namespace}/${name}-[01] is a slot of ${name} recorded with --slots 2 \\(annotation leasectl.io/slots\\), but this hold gives --slots 3: every hold on ${name} must give the same count; use --slots 2, or another NAME\\n$`));
    const after = await Promise.all([0, 1, 2].map((i) => leaseOf(`${name}-${i}`)));
    expect(after.map((lease) => lease?.metadata.resourceVersion)).toEqual(before.map((lease) => lease?.metadata.resourceVersion));
    expect(after[2]).toBeUndefined();
  });

  it('a plain hold on a slot lease is refused with 125, naming the group and how to hold it', async () => {
    const name = uniqueName('slots-plain');
    expect((await hold(name, ['--slots', '1'])).code).toBe(0);
    const plain = await hold(`${name}-0`, []);
    expect(plain.code).toBe(125);
    expect(plain.stderr).toBe(
      `error: lease ${cluster.namespace}/${name}-0 is a slot of hold --slots 1 ${name} (label leasectl.io/slot-of): a plain hold on it would not count against the group; hold it with: leasectl hold --slots 1 ${name}\n`,
    );
  });

  it('--slots on a NAME that is a plain lease is refused with 125: slots would not exclude its holders', async () => {
    const name = uniqueName('slots-on-plain');
    expect((await hold(name, [])).code).toBe(0);
    const slotted = await hold(name, ['--slots', '2']);
    expect(slotted.code).toBe(125);
    expect(slotted.stderr).toContain(`lease ${cluster.namespace}/${name} exists: plain holds on ${name} use it, and slots would not exclude them`);
    expect(await leaseOf(`${name}-0`)).toBeUndefined();
    expect(await leaseOf(`${name}-1`)).toBeUndefined();
  });

  it('--slots where a lease of a slot name is no slot (a plain lease named NAME-1) is refused with 125, and no slot is left held', async () => {
    const name = uniqueName('slots-foreign');
    expect((await hold(`${name}-1`, [])).code).toBe(0);
    const slotted = await hold(name, ['--slots', '2']);
    expect(slotted.code).toBe(125);
    expect(slotted.stderr).toContain(`lease ${cluster.namespace}/${name}-1 exists but is no slot of ${name} (it lacks the label leasectl.io/slot-of=${name})`);
    expect((await leaseOf(`${name}-0`))?.spec?.holderIdentity ?? '').toBe('');
  });

  it.each([['0'], ['101'], ['abc'], ['-1'], ['']])('--slots %j is refused with 125 and one error line, before anything is sent', async (count) => {
    const name = uniqueName('slots-bad');
    const result = await hold(name, ['--slots', count]);
    expect(result.code).toBe(125);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toEqual([
      `error: option '--slots <n>' argument '${count}' is invalid. expected a number of slots from 1 to 100, got "${count}"`,
    ]);
    expect(await leaseOf(`${name}-0`)).toBeUndefined();
  });

  it('--slots with a NAME too long for the group label (64 characters) is refused with 125 before anything is sent', async () => {
    const name = `${uniqueName('slots-long')}-`.padEnd(64, 'x');
    expect(name).toHaveLength(64);
    const result = await hold(name, ['--slots', '2']);
    expect(result.code).toBe(125);
    expect(result.stderr).toContain('--slots needs a NAME of at most 63 characters');
    expect(await leaseOf(`${name}-0`)).toBeUndefined();
  });
});
