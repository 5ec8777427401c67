// The child supervisor with real processes: process groups, exec failures, grace and SIGKILL, leftovers.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { nodeProcessLauncher, type LaunchedChild } from '../../src/hold/child.js';
import { silentEvents } from '../../src/hold/events.js';
import { supervise } from '../../src/hold/supervisor.js';
import { systemClock } from '../../src/clock.js';

const dir = mkdtempSync(join(tmpdir(), 'leasectl-supervisor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// As hold does once it is done with a child: the watchdog is dismissed, or kills what is left.
const launched: LaunchedChild[] = [];
afterEach(() => {
  for (const child of launched.splice(0)) child.endWatchdog();
});

async function launch(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<LaunchedChild> {
  const resolved = nodeProcessLauncher.resolve(command, env);
  if (!resolved.ok) throw new Error(resolved.message);
  const result = await nodeProcessLauncher.launch(resolved.executable, args, env);
  if (!result.ok) throw new Error(result.message);
  launched.push(result.child);
  return result.child;
}

/** Running, not a zombie (an init that does not reap, as in many containers, leaves those behind). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    try {
      const text = readFileSync(path, 'utf8');
      if (text.endsWith('\n')) return text;
    } catch {
      // not yet
    }
    await sleep(10);
  }
  throw new Error(`${path} never appeared`);
}

describe('nodeProcessLauncher', () => {
  it('finds a bare name on PATH, or on /usr/bin:/bin when PATH is unset', () => {
    const tool = join(dir, 'leasectl-tool');
    writeFileSync(tool, '#!/bin/sh\nexit 0\n');
    chmodSync(tool, 0o755);
    expect(nodeProcessLauncher.resolve('leasectl-tool', { PATH: `/no/such/dir::${dir}` })).toEqual({ ok: true, executable: { command: 'leasectl-tool', path: `${dir}/leasectl-tool` } });
    expect(nodeProcessLauncher.resolve('sh', {})).toMatchObject({ ok: true, executable: { command: 'sh', path: expect.stringMatching(/^\/(usr\/)?bin\/sh$/) } });
  });


  it('127 for a command that is not found', () => {
    expect(nodeProcessLauncher.resolve('leasectl-no-such-command', process.env)).toEqual({
      ok: false,
      exitCode: 127,
      message: 'leasectl-no-such-command: command not found',
    });
    expect(nodeProcessLauncher.resolve('./no/such/file', process.env)).toMatchObject({ exitCode: 127 });
    expect(nodeProcessLauncher.resolve('', process.env)).toMatchObject({ ok: false, exitCode: 127, message: ': command not found' });
  });

  it('126 for a file that is not executable', () => {
    const path = join(dir, 'not-executable.sh');
    writeFileSync(path, '#!/bin/sh\nexit 0\n');
    chmodSync(path, 0o644);
    expect(nodeProcessLauncher.resolve(path, process.env)).toMatchObject({ ok: false, exitCode: 126, message: `${path}: cannot execute: permission denied` });
  });

  it('a command that vanished between resolving and launching: 127 from the launch', async () => {
    const path = join(dir, 'vanishing.sh');
    writeFileSync(path, '#!/bin/sh\nexit 0\n');
    chmodSync(path, 0o755);
    const resolved = nodeProcessLauncher.resolve(path, process.env);
    if (!resolved.ok) throw new Error(resolved.message);
    rmSync(path);
    expect(await nodeProcessLauncher.launch(resolved.executable, [], process.env)).toEqual({ ok: false, exitCode: 127, message: `${path}: no such file or directory` });
  });

  it('an argv Node refuses synchronously is a launch failure, not an exception: 127 for an empty command, 126 otherwise', async () => {
    expect(await nodeProcessLauncher.launch({ command: '', path: '' }, [], process.env)).toMatchObject({ ok: false, exitCode: 127, message: ': command not found' });
    expect(await nodeProcessLauncher.launch({ command: 'true', path: 'true' }, ['a\0b'], process.env)).toMatchObject({
      ok: false,
      exitCode: 126,
      message: expect.stringMatching(/^true: cannot execute: .*null bytes/),
    });
  });

  it('runs the child as the leader of its own process group, argv unchanged', async () => {
    const out = join(dir, 'argv.txt');
    const child = await launch('/bin/sh', ['-c', 'printf "%s|" "$@" > "$0"; cut -d" " -f5 /proc/$$/stat > "$0.pgid"', out, 'a b', '', "it's", '--identity', '-v']);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(out, 'utf8')).toBe("a b||it's|--identity|-v|");
    const pgid = readFileSync(`${out}.pgid`, 'utf8');
    expect(Number(pgid)).toBe(child.pid);
  });
});

describe('the watchdog', () => {
  it('SIGKILLs the whole group when its pipe closes while the group lives (as when leasectl dies)', async () => {
    const pids = join(dir, 'watchdog-pids.txt');
    const child = await launch('/bin/sh', ['-c', `trap '' TERM INT HUP; sleep 30 & echo $! > ${pids}; wait`]);
    const grandchild = Number(await waitForFile(pids));
    child.endWatchdog();
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
    for (let i = 0; i < 100 && alive(grandchild); i++) await sleep(10);
    expect(alive(grandchild)).toBe(false);
  });

  it('is dismissed with "done" once the group is gone, and never outlives the command', async () => {
    const child = await launch('/bin/sh', ['-c', 'exit 0']);
    await supervise(child, 1_000, silentEvents, systemClock).done;
    const watchdogs = () => watchdogPids().length;
    expect(watchdogs()).toBeGreaterThan(0);
    child.endWatchdog();
    for (let i = 0; i < 100 && watchdogs() > 0; i++) await sleep(10);
    expect(watchdogs()).toBe(0);
  });
});

/** Live watchdog shells started by this test process. */
function watchdogPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]) === process.pid && fields[0] !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('read pgid');
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('supervise', () => {
  it('returns the exit status once the whole group is gone', async () => {
    const child = await launch('/bin/sh', ['-c', 'exit 7']);
    const result = await supervise(child, 1_000, silentEvents, systemClock).done;
    expect(result).toEqual({ exit: { code: 7, signal: null }, groupGone: true });
  });

  it('forwards a shutdown signal to the whole group, grandchildren included', async () => {
    const pids = join(dir, 'pids-1.txt');
    const child = await launch('/bin/sh', ['-c', `sleep 30 & echo $! > ${pids}; wait`]);
    const grandchild = Number(await waitForFile(pids));
    const running = supervise(child, 5_000, silentEvents, systemClock);
    running.onSignal('SIGTERM');
    const result = await running.done;
    expect(result.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(alive(grandchild)).toBe(false);
  });

  it('SIGKILLs a group that ignores SIGTERM when the grace period is over', async () => {
    const ready = join(dir, 'ready-2.txt');
    const child = await launch('/bin/sh', ['-c', `trap '' TERM; echo ok > ${ready}; while :; do sleep 0.05; done`]);
    await waitForFile(ready);
    const running = supervise(child, 300, silentEvents, systemClock);
    const started = Date.now();
    running.onLost();
    const result = await running.done;
    expect(result.exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a second shutdown signal kills at once', async () => {
    const ready = join(dir, 'ready-3.txt');
    const child = await launch('/bin/sh', ['-c', `trap '' INT; echo ok > ${ready}; while :; do sleep 0.05; done`]);
    await waitForFile(ready);
    const running = supervise(child, 60_000, silentEvents, systemClock);
    running.onSignal('SIGINT');
    await sleep(50);
    running.onSignal('SIGINT');
    expect((await running.done).exit.signal).toBe('SIGKILL');
  });

  it('stops what the command left running in its group before reporting it done', async () => {
    const pids = join(dir, 'pids-4.txt');
    const child = await launch('/bin/sh', ['-c', `sleep 30 & echo $! > ${pids}; exit 3`]);
    const result = await supervise(child, 2_000, silentEvents, systemClock).done;
    const leftover = Number(readFileSync(pids, 'utf8'));
    expect(result).toMatchObject({ exit: { code: 3 }, groupGone: true });
    expect(alive(leftover)).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('a lost lease stops a descendant that left the group (setsid), SIGKILL after the grace period', async () => {
    const pids = join(dir, 'pids-escaped.txt');
    const ready = join(dir, 'ready-escaped.txt');
    const child = await launch('/bin/sh', ['-c', `setsid sh -c 'trap "" TERM; echo ok > ${ready}; while :; do sleep 0.05; done' & echo $! > ${pids}; wait`]);
    const escaped = Number(await waitForFile(pids));
    await waitForFile(ready);
    const running = supervise(child, 300, silentEvents, systemClock);
    running.onLost();
    const result = await running.done;
    expect(result.groupGone).toBe(true);
    expect(alive(escaped)).toBe(false);
  });

  it('passes SIGUSR1 through without stopping anything', async () => {
    const out = join(dir, 'usr1.txt');
    const ready = join(dir, 'ready-5.txt');
    const child = await launch('/bin/sh', ['-c', `trap 'echo got-usr1 > ${out}; exit 0' USR1; echo ok > ${ready}; while :; do sleep 0.05; done`]);
    await waitForFile(ready);
    const running = supervise(child, 60_000, silentEvents, systemClock);
    running.onSignal('SIGUSR1');
    const result = await running.done;
    expect(result).toMatchObject({ exit: { code: 0 } });
    expect(readFileSync(out, 'utf8')).toBe('got-usr1\n');
  });
});
