// leasectl hold, the built binary against the sandbox (or a real cluster): exit codes, the child's argv and
// environment, signals, process groups.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasReadOnlyUser, READ_ONLY_MISSING, setupCluster, uniqueName, type TestCluster } from './harness.js';
import { holdEventsOf } from './hold-events.js';

// Short but realistic timings; renew-deadline + grace-period < lease-duration.
const FAST = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '500ms'];

let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  cluster = await setupCluster();
  dir = mkdtempSync(join(tmpdir(), 'leasectl-hold-'));
});
afterAll(async () => {
  await cluster?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const hold = (name: string, args: string[], timeoutMs = 20_000) =>
  cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, name, ...args], { timeoutMs });

async function holderOf(name: string): Promise<string> {
  const result = await cluster.leasectl(['inspect', '-n', cluster.namespace, name, '-o', 'json']);
  return (JSON.parse(result.stdout) as { spec?: { holderIdentity?: string } }).spec?.holderIdentity ?? '';
}

describe('hold: exit codes', () => {
  it("exits with the command's own code and releases the lease", async () => {
    const name = uniqueName('code');
    const result = await hold(name, ['--', 'sh', '-c', 'exit 7']);
    expect(result.code).toBe(7);
    expect(result.stderr).toBe(''); // quiet by default
    expect(await holderOf(name)).toBe('');
  });

  it('128+N when the command dies of signal N (143 for SIGTERM)', async () => {
    const result = await hold(uniqueName('sig'), ['--', 'sh', '-c', 'kill -TERM $$']);
    expect(result.code).toBe(143);
  });

  it('127 for a command that is not found, 126 for one that cannot be executed; the lease is never created', async () => {
    const name = uniqueName('exec');
    const notFound = await hold(name, ['--', 'leasectl-no-such-command']);
    expect(notFound.code).toBe(127);
    expect(notFound.stderr).toContain('leasectl-no-such-command: command not found');
    const script = join(dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o644);
    const notExecutable = await hold(name, ['--', script]);
    expect(notExecutable.code).toBe(126);
    expect((await cluster.leasectl(['inspect', '-n', cluster.namespace, name])).code).not.toBe(0);
  });

  it('an empty command or shell: 125 at once with one line, and nothing is acquired', async () => {
    const name = uniqueName('empty');
    for (const args of [['--', ''], ['-c', 'true', '--shell', '']]) {
      const result = await hold(name, args, 5_000);
      expect(result.code).toBe(125);
      expect(result.stderr).toMatch(/^error: [^\n]*must not be empty[^\n]*\n$/);
    }
    const inspect = await cluster.leasectl(['inspect', '-n', cluster.namespace, name]);
    expect(inspect.code).not.toBe(0); // never created
  });

  it("API errors are 125 with one line in kubectl's words, not error: Error from server", async () => {
    const invalid = await hold('Foo', ['--', 'true']);
    expect(invalid.code).toBe(125);
    expect(invalid.stderr).toMatch(/^The Lease "Foo" is invalid: metadata\.name: Invalid value: "Foo"[^\n]*\n$/);
  });

  it.skipIf(!hasReadOnlyUser)(`with a read-only token: 125 and kubectl's Forbidden line${hasReadOnlyUser ? '' : ` (${READ_ONLY_MISSING})`}`, async () => {
    const forbidden = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, uniqueName('ro'), '--', 'true'], {
      kubeconfig: cluster.readOnlyKubeconfig as string,
    });
    expect(forbidden.code).toBe(125);
    expect(forbidden.stderr).toMatch(/^Error from server \(Forbidden\): [^\n]*\n$/);
  });

  it('124 with --no-wait or an expired --wait, naming the holder; 125 for bad flags', async () => {
    const name = uniqueName('busy');
    const holder = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...FAST, '--identity', 'busy-host_1', '--events', 'json', name, '--', 'sleep', '30']);
    const events = holdEventsOf(holder);
    await events.next('child_started');

    const noWait = await hold(name, ['--no-wait', '--', 'true']);
    expect(noWait.code).toBe(124);
    expect(noWait.stderr).toMatch(
      new RegExp(`^error: lease ${cluster.namespace}/${name} is held by busy-host_1 \\(renewed .* ago, expires in .* by this machine's clock\\); not waiting \\(--no-wait\\); if its holder is known to be dead, [^\\n]*\\n$`),
    );
    const noWaitEvents = await hold(name, ['--no-wait', '--events', 'json', '--', 'true']);
    expect(noWaitEvents.code).toBe(124);
    const notAcquired = noWaitEvents.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(notAcquired).toEqual([
      expect.objectContaining({ v: 1, event: 'not_acquired', holder: 'busy-host_1', renew_time: expect.any(String), expires_in_ms: expect.any(Number) }),
    ]);
    const started = Date.now();
    const wait = await hold(name, ['--wait', '1s', '--', 'true']);
    expect(wait.code).toBe(124);
    expect(wait.stderr).toContain('gave up waiting (--wait 1s)');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

    const bad = await hold(name, ['--lease-duration', '3x', '--', 'true']);
    expect(bad.code).toBe(125);
    const unsafe = await cluster.leasectl(['hold', '-n', cluster.namespace, '--grace-period', '6s', name, '--', 'true']);
    expect(unsafe.code).toBe(125);
    expect(unsafe.stderr).toMatch(/^error: unsafe timings: .*\n$/);
    const noSeparator = await hold(name, ['true']);
    expect(noSeparator.code).toBe(125);
    expect(noSeparator.stderr).toContain(`write hold ${name} -- true`);

    holder.kill('SIGTERM');
    expect(await events.exit).toBe(143);
  });
});

describe('hold: what the command sees', () => {
  it('argv with spaces, empty and quote characters reaches the command unchanged; flags after -- are its own', async () => {
    const out = join(dir, 'argv.txt');
    const args = ['a b', '', "it's", '"quoted"', '--identity', '-n', '$HOME', '*'];
    const result = await hold(uniqueName('argv'), ['--', 'sh', '-c', 'for a in "$@"; do printf "[%s]" "$a"; done > "$0"', out, ...args]);
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(args.map((a) => `[${a}]`).join(''));
  });

  it('LEASECTL_LEASE, LEASECTL_IDENTITY, LEASECTL_ACQUIRED_AT and LEASECTL_TRANSITIONS, overriding inherited ones', async () => {
    const name = uniqueName('env');
    const out = join(dir, 'env.txt');
    const script = 'printf "%s\\n" "$LEASECTL_LEASE" "$LEASECTL_IDENTITY" "$LEASECTL_ACQUIRED_AT" "$LEASECTL_TRANSITIONS" > "$0"';
    const first = await cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, '--identity', 'me_1', name, '--', 'sh', '-c', script, out], {
      env: { LEASECTL_LEASE: 'outer/lease', LEASECTL_IDENTITY: 'outer' },
    });
    expect(first.code).toBe(0);
    const [lease, identity, acquiredAt, transitions] = readFileSync(out, 'utf8').split('\n');
    expect(lease).toBe(`${cluster.namespace}/${name}`);
    expect(identity).toBe('me_1');
    expect(acquiredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(transitions).toBe('0');
    // The fencing token grows with every change of holder.
    expect((await hold(name, ['--', 'sh', '-c', script, out])).code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[3]).toBe('1');
  });

  it('-c runs a shell string', async () => {
    const out = join(dir, 'shell.txt');
    const result = await hold(uniqueName('shell'), ['-c', `echo one two | wc -w > ${out}`]);
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8').trim()).toBe('2');
  });

  it('marks a lease it creates with app.kubernetes.io/managed-by=leasectl', async () => {
    const name = uniqueName('label');
    await hold(name, ['--', 'true']);
    const result = await cluster.leasectl(['inspect', '-n', cluster.namespace, name, '-o', 'json']);
    expect(JSON.parse(result.stdout).metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'leasectl' });
  });
});

describe('hold: signals', () => {
  it('SIGTERM to hold is forwarded to the whole group (grandchildren too); the lease is released after the group is gone', async () => {
    const name = uniqueName('term');
    const log = join(dir, 'term.log');
    // The grandchild notes its SIGTERM; the child ignores it (set after the grandchild started, which would
    // otherwise inherit the ignore) and waits for the grandchild.
    const script = `sh -c 'trap "echo grandchild-term >> ${log}; exit 0" TERM; echo ready >> ${log}; while :; do sleep 0.05; done' & trap "" TERM; echo parent-ready >> ${log}; wait; echo child-done >> ${log}`;
    const child = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...FAST, '--events', 'json', name, '-c', script]);
    const events = holdEventsOf(child);
    await events.next('child_started');
    for (let i = 0; i < 200 && !(/^ready$/m.test(safeRead(log)) && safeRead(log).includes('parent-ready')); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const code = await events.exit;
    expect(safeRead(log)).toContain('grandchild-term');
    expect(safeRead(log)).toContain('child-done');
    expect(code).toBe(0); // the child's own status: it exited 0 after its grandchild did
    const names = events.all.map((e) => e.event);
    expect(names.indexOf('signal_sent')).toBeGreaterThan(names.indexOf('child_started'));
    expect(names.indexOf('released')).toBeGreaterThan(names.indexOf('child_exited'));
    expect(events.all.find((e) => e.event === 'signal_sent')).toMatchObject({ v: 1, signal: 'SIGTERM', lease: `${cluster.namespace}/${name}` });
    expect(await holderOf(name)).toBe('');
  });

  it('processes the command leaves behind in its group are stopped before the release', async () => {
    const pidFile = join(dir, 'leftover.pid');
    const result = await hold(uniqueName('leftover'), ['-c', `sleep 30 & echo $! > ${pidFile}`]);
    expect(result.code).toBe(0);
    expect(running(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('Ctrl-Z (SIGTSTP), SIGTTIN and SIGTTOU do not stop hold: it keeps renewing past the lease duration and nobody else acquires', async () => {
    const name = uniqueName('tstp');
    const holder = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...FAST, '--events', 'json', name, '--', 'sleep', '20']);
    const events = holdEventsOf(holder);
    try {
      await events.next('child_started');
      for (const signal of ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) holder.kill(signal);
      const signalledAt = Date.now();
      await new Promise((r) => setTimeout(r, 3_500)); // past --lease-duration 3s
      const renewals = events.all.filter((e) => e.event === 'renewed' && Date.parse(e.time) > signalledAt);
      expect(renewals.length).toBeGreaterThanOrEqual(4);
      // Signals pending together are delivered in no particular order.
      expect(events.all.filter((e) => e.event === 'signal_ignored').map((e) => e.signal).sort()).toEqual(['SIGTSTP', 'SIGTTIN', 'SIGTTOU']);
      expect((await hold(name, ['--no-wait', '--', 'true'])).code).toBe(124);
      holder.kill('SIGTERM');
      expect(await events.exit).toBe(143);
    } finally {
      holder.kill('SIGCONT');
      holder.kill('SIGKILL');
    }
  }, 20_000);

  it('kill -9 of hold alone: its watchdog SIGKILLs the whole group within 2s, so no orphan outlives the lease', async () => {
    const pidFile = join(dir, 'orphan.pid');
    const holder = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...FAST, '--events', 'json', uniqueName('kill9'), '-c', `echo $$ > ${pidFile}; sleep 30 & sleep 30`]);
    const events = holdEventsOf(holder);
    await events.next('child_started');
    for (let i = 0; i < 200 && !safeRead(pidFile).endsWith('\n'); i++) await new Promise((r) => setTimeout(r, 10));
    const pgid = Number(safeRead(pidFile));
    for (let i = 0; i < 200 && groupMembers(pgid).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(groupMembers(pgid)).toHaveLength(3); // the shell and its two sleeps
    const exited = new Promise((resolve) => holder.once('exit', resolve)); // not 'close': an orphan would keep stderr open
    holder.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    while (groupMembers(pgid).length > 0 && Date.now() - killedAt < 2_000) await new Promise((r) => setTimeout(r, 20));
    const survivors = groupMembers(pgid);
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    expect(survivors).toEqual([]);
  });

  it('a signal while waiting exits 128+N at once and never starts the command', async () => {
    const name = uniqueName('wait-sig');
    const marker = join(dir, 'never.txt');
    const holder = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...FAST, '--events', 'json', name, '--', 'sleep', '30']);
    const holderEvents = holdEventsOf(holder);
    await holderEvents.next('child_started');
    const waiter = cluster.spawnLeasectl(['hold', '-n', cluster.namespace, ...FAST, '--events', 'json', name, '--', 'touch', marker]);
    const waiterEvents = holdEventsOf(waiter);
    await waiterEvents.next('waiting');
    waiter.kill('SIGINT');
    expect(await waiterEvents.exit).toBe(130);
    // At once: while the holder still holds the lease (its command sleeps 30 s), and without ever acquiring it.
    expect(holder.exitCode).toBeNull();
    expect(waiterEvents.all.map((e) => e.event)).not.toContain('acquired');
    expect(safeRead(marker)).toBe('');
    holder.kill('SIGTERM');
    await holderEvents.exit;
  });
});

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Live (non-zombie) processes whose process group is `pgid`. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && !/^[ZX]/.test(fields[0] ?? '')) members.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return members;
}

/** Running and not a zombie (a container init may never reap). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}
