// Descendants of the held command that leave its process group (setsid, a daemon's double fork) still count as the
// command's: they get its signals, are stopped when it exits, die with leasectl's watchdog, and the lease is
// released only once they are gone. They are found by LEASECTL_HOLD_ID in /proc/PID/environ, so Linux only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASECTL_BIN, setupCluster, uniqueName, type TestCluster } from './harness.js';
import { holdEventsOf } from './hold-events.js';

// A grace period long enough for a descendant to run leasectl in its SIGTERM trap; renew-deadline + grace < lease.
const TIMINGS = ['--lease-duration', '6s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '3s'];
const NOT_LINUX = 'descendants that leave the group are found through /proc, which only Linux has';

let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  cluster = await setupCluster();
  dir = mkdtempSync(join(tmpdir(), 'leasectl-descendants-'));
});
afterAll(async () => {
  await cluster?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const holdArgs = (name: string, args: string[]) => ['hold', '-n', cluster.namespace, ...TIMINGS, name, ...args];

describe.skipIf(process.platform !== 'linux')(`hold: descendants that leave the process group (${NOT_LINUX})`, () => {
  it('a daemon started with setsid keeps the lease held until it is gone: SIGTERM when the command exits, then the release', async () => {
    const name = uniqueName('setsid');
    const pidFile = join(dir, `${name}.pid`);
    const seen = join(dir, `${name}.json`);
    // The daemon notes, on SIGTERM, what the API server says of the lease; the command waits until it is ready.
    const daemon = `trap '"${LEASECTL_BIN}" inspect -n ${cluster.namespace} ${name} -o json > ${seen}; exit 0' TERM; echo $$ > ${pidFile}; while :; do sleep 0.05; done`;
    const holder = cluster.spawnLeasectl([...holdArgs(name, ['--events', 'json', '-c', `setsid sh -c '${daemon.replace(/'/g, `'\\''`)}' & while [ ! -s ${pidFile} ]; do sleep 0.02; done; exit 0`])]);
    const events = holdEventsOf(holder);
    expect(await events.exit).toBe(0);
    const daemonPid = Number(readFileSync(pidFile, 'utf8'));
    expect(running(daemonPid)).toBe(false);
    const identity = events.all.find((e) => e.event === 'acquired')?.identity;
    expect((JSON.parse(readFileSync(seen, 'utf8')) as { spec: { holderIdentity: string } }).spec.holderIdentity).toBe(identity);
    const names = events.all.map((e) => e.event);
    const leftBehind = events.all.find((e) => e.event === 'signal_sent');
    expect(leftBehind).toMatchObject({ signal: 'SIGTERM', reason: 'left behind by the command' });
    expect(leftBehind?.escaped).toBeGreaterThanOrEqual(1); // the daemon, and its sleep if one is running
    expect(names.indexOf('released')).toBeGreaterThan(names.indexOf('signal_sent'));
    const after = await cluster.leasectl(['inspect', '-n', cluster.namespace, name, '-o', 'json']);
    expect((JSON.parse(after.stdout) as { spec: { holderIdentity: string } }).spec.holderIdentity).toBe('');
  });

  it('a double-forked daemon, orphaned outside the group, is stopped before hold exits', async () => {
    const pidFile = join(dir, 'double-fork.pid');
    // setsid, then the session's shell backgrounds the daemon and exits: the daemon's parent is gone.
    const result = await cluster.leasectl(holdArgs(uniqueName('dfork'), ['-c', `setsid sh -c 'sleep 30 & echo $! > ${pidFile}' & wait`]));
    expect(result.code).toBe(0);
    const daemonPid = Number(readFileSync(pidFile, 'utf8'));
    expect(running(daemonPid)).toBe(false);
  });

  it('SIGTERM to hold reaches a descendant that left the group while the command runs', async () => {
    const pidFile = join(dir, 'forwarded.pid');
    const holder = cluster.spawnLeasectl(holdArgs(uniqueName('fwd'), ['--events', 'json', '-c', `setsid sleep 30 & echo $! > ${pidFile}; wait`]));
    const events = holdEventsOf(holder);
    await events.next('child_started');
    const daemonPid = await pidFrom(pidFile);
    await until(() => sessionOf(daemonPid) === daemonPid); // setsid has run
    holder.kill('SIGTERM');
    expect(await events.exit).toBe(143);
    expect(running(daemonPid)).toBe(false);
    expect(events.all.find((e) => e.event === 'signal_sent')).toMatchObject({ signal: 'SIGTERM', escaped: 1, reason: 'forwarded' });
  });

  it('kill -9 of hold: its watchdog SIGKILLs a descendant that left the group too', async () => {
    const pidFile = join(dir, 'watchdog.pid');
    const holder = cluster.spawnLeasectl(holdArgs(uniqueName('wd'), ['--events', 'json', '-c', `setsid sleep 30 & echo $! > ${pidFile}; wait`]));
    const events = holdEventsOf(holder);
    await events.next('child_started');
    const daemonPid = await pidFrom(pidFile);
    await until(() => sessionOf(daemonPid) === daemonPid);
    const exited = new Promise((resolve) => holder.once('exit', resolve)); // not 'close': the daemon may keep stderr open
    holder.kill('SIGKILL');
    await exited;
    const gone = await until(() => !running(daemonPid), 3_000);
    if (!gone) process.kill(daemonPid, 'SIGKILL');
    expect(gone).toBe(true);
  });

  it('a process outside the command that shares its --identity and LEASECTL_* variables is left alone', async () => {
    const name = uniqueName('alone');
    const identity = uniqueName('shared-identity');
    const bystander = spawn('sleep', ['30'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, LEASECTL_IDENTITY: identity, LEASECTL_LEASE: `${cluster.namespace}/${name}` },
    });
    try {
      const result = await cluster.leasectl(holdArgs(name, ['--identity', identity, '--', 'true']));
      expect(result.code).toBe(0);
      expect(running(bystander.pid as number)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it("another hold's command is left alone: each run has its own LEASECTL_HOLD_ID", async () => {
    const pidFile = join(dir, 'other-hold.pid');
    const other = cluster.spawnLeasectl(holdArgs(uniqueName('other'), ['--events', 'json', '-c', `setsid sleep 30 & echo $! > ${pidFile}; wait`]));
    const otherEvents = holdEventsOf(other);
    try {
      await otherEvents.next('child_started');
      const otherPid = await pidFrom(pidFile);
      const result = await cluster.leasectl(holdArgs(uniqueName('mine'), ['-c', 'echo "$LEASECTL_HOLD_ID"']));
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
      expect(running(otherPid)).toBe(true);
    } finally {
      other.kill('SIGTERM');
      await otherEvents.exit;
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 4_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function pidFrom(path: string): Promise<number> {
  let text = '';
  await until(() => (text = safeRead(path)).endsWith('\n'));
  return Number(text);
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The session id of a live process, or undefined. */
function sessionOf(pid: number): number | undefined {
  const stat = safeRead(`/proc/${pid}/stat`);
  if (stat === '') return undefined;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/** Running and not a zombie (a container init may never reap). */
function running(pid: number): boolean {
  const stat = safeRead(`/proc/${pid}/stat`);
  return stat !== '' && !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
}
