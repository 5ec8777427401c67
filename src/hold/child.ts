// The child process: started in its own session and process group so that signals reach everything it starts,
// and the group's disappearance tells us that all guarded code has stopped; descendants that leave the group are
// found by a variable they inherit; a watchdog stops them all if leasectl dies.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { HoldExitCode } from './exit-codes.js';

export interface ChildExit {
  /** Exit status, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchedChild {
  /** The child's pid, which is also its process-group id. */
  readonly pid: number;
  /** Settles once the child itself has exited (its group may live on). */
  readonly exited: Promise<ChildExit>;
  /** Sends `signal` to every process of the command: its group, and the descendants that left it. */
  signalAll(signal: NodeJS.Signals): SignalDelivery;
  /** Whether any live (non-zombie) process of the command remains: in its group, or a descendant that left it. */
  anyAlive(): boolean;
  /**
   * Call once hold is done with the child (any number of times): dismisses the watchdog if nothing of the command
   * is left, and otherwise lets it SIGKILL what is.
   */
  endWatchdog(): void;
}

export interface SignalDelivery {
  /** Whether the child's process group still existed to receive it. */
  group: boolean;
  /** How many descendants outside the group received it. */
  escaped: number;
}

/**
 * Set, unique to this run of hold, in the command's environment. Every process that inherits it counts as the
 * command's, even one that left the group (setsid, a daemon's double fork): it is signalled with the group, and
 * the lease is released only once it is gone too. Linux only (read from /proc/PID/environ); a process that
 * clears its environment, or runs as another user, is not found.
 */
export const HOLD_ID_VARIABLE = 'LEASECTL_HOLD_ID';

/** exec failed (or would): 127 not found, 126 found but not executable, with a sh-style message; 125 no watchdog. */
export interface LaunchFailure {
  ok: false;
  exitCode: number;
  message: string;
}

export type LaunchResult = { ok: true; child: LaunchedChild } | LaunchFailure;

/** A command found as exec would find it: `path` is what runs, `command` (as given) its argv[0] and its name. */
export interface Executable {
  command: string;
  path: string;
}

export type Resolution = { ok: true; executable: Executable } | LaunchFailure;

export interface ProcessLauncher {
  /** Finds the command before anything is acquired for it, so that one that cannot run leaves the lease alone. */
  resolve(command: string, env: NodeJS.ProcessEnv): Resolution;
  launch(executable: Executable, args: readonly string[], env: NodeJS.ProcessEnv): Promise<LaunchResult>;
}

/**
 * Node has no PR_SET_PDEATHSIG: if leasectl dies (SIGKILL, OOM, a crash), the command would run on while the
 * lease, no longer renewed, expires and another holder starts beside it. So each command gets a watchdog, a shell
 * in its own session (terminal signals miss it) that ignores INT, TERM and HUP and reads a pipe from leasectl: the
 * command's process-group id and its HOLD_ID_VARIABLE entry, then "done" once everything of the command is gone.
 * End of file without "done" means leasectl died or gave up on the command, and the watchdog SIGKILLs the group
 * and (a few rounds, for what they fork meanwhile) the descendants that left it, found by that entry in
 * /proc/PID/environ with grep -z; so leasectl's death becomes the command's, and
 * an expired lease never coexists with an orphaned command. (A frozen machine stops both; the lease-duration math
 * in timing.ts covers that.)
 */
const WATCHDOG_SCRIPT = `trap '' INT TERM HUP
read pgid marker || exit 0
read line
[ "$line" = done ] && exit 0
kill -s KILL -- "-$pgid" 2>/dev/null
for round in 1 2 3; do
  for file in $(grep -lsxzF -e "$marker" /proc/[0-9]*/environ); do
    pid=\${file#/proc/}; kill -s KILL "\${pid%/environ}" 2>/dev/null
  done
done`;

/** Runs the command exactly as given: PATH lookup, no shell, stdio inherited, a new session, under a watchdog. */
export const nodeProcessLauncher: ProcessLauncher = {
  resolve: resolveExecutable,
  async launch(executable, args, env) {
    const watchdog = await startWatchdog();
    if (watchdog instanceof Error) {
      return { ok: false, exitCode: HoldExitCode.failed, message: `cannot start the watchdog (/bin/sh): ${watchdog.message}` };
    }
    const holdId = randomUUID();
    const result = await spawnCommand(executable, args, { ...env, [HOLD_ID_VARIABLE]: holdId }, `${HOLD_ID_VARIABLE}=${holdId}`, watchdog);
    if (!result.ok) watchdog.end(); // no pgid: the watchdog exits quietly
    return result;
  },
};

function startWatchdog(): Promise<Writable | Error> {
  return new Promise((resolve) => {
    let watchdog: ChildProcess;
    try {
      watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    } catch (error) {
      return resolve(error as Error);
    }
    const pipe = watchdog.stdin as Writable & { unref?: () => void };
    pipe.on('error', () => undefined); // a watchdog killed by someone else: nothing left to tell it
    watchdog.once('error', (error) => resolve(error));
    watchdog.once('spawn', () => {
      // Neither may keep leasectl alive: when it exits, the pipe closes, which is the point.
      watchdog.unref();
      pipe.unref?.();
      resolve(pipe);
    });
  });
}

/** `marker` is the `NAME=value` entry of HOLD_ID_VARIABLE in `env`. */
function spawnCommand(
  { command, path }: Executable,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  marker: string,
  watchdog: Writable,
): Promise<LaunchResult> {
  return new Promise((resolve) => {
    // detached: setsid(), so the child leads a new process group (and session) that we can signal as -pid.
    let child: ChildProcess;
    try {
      child = spawn(path, [...args], { argv0: command, detached: true, stdio: 'inherit', env });
    } catch (error) {
      // Node refuses some argv synchronously (an empty command, a NUL byte): a launch failure like any other.
      return resolve({ ok: false, ...execFailure(command, error as NodeJS.ErrnoException) });
    }
    // At once, not on 'spawn': from here on leasectl's death must take the group with it.
    if (child.pid !== undefined) watchdog.write(`${child.pid} ${marker}\n`);
    const exited = new Promise<ChildExit>((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a later error (e.g. a failed kill) is not a launch failure
      resolve({ ok: false, ...execFailure(command, error) });
    });
    child.once('spawn', () => {
      const pid = child.pid as number;
      let watching = true;
      resolve({
        ok: true,
        child: {
          pid,
          exited,
          signalAll: (signal) => signalAll(pid, marker, signal),
          anyAlive: () => anyAlive(pid, marker),
          endWatchdog() {
            if (!watching) return;
            watching = false;
            watchdog.end(anyAlive(pid, marker) ? undefined : 'done\n');
          },
        },
      });
    });
  });
}

/** Where execvp(3) looks when PATH is unset (glibc's and libuv's default). */
const DEFAULT_PATH = '/usr/bin:/bin';

/**
 * The command as execvp(3) would find it: a name with a slash as it stands, any other on PATH (an empty entry is the
 * current directory). On PATH, directories are passed over (as the shells do) and files we may not execute too,
 * which is 126 only if nothing executable comes later, as exec reports EACCES. What is found can still fail at
 * exec (it changed meanwhile, a bad binary): that is reported by launch, after the lease was taken.
 */
export function resolveExecutable(command: string, env: NodeJS.ProcessEnv): Resolution {
  const failure = (code: string): LaunchFailure => ({ ok: false, ...execFailure(command, { code } as NodeJS.ErrnoException) });
  if (command === '') return failure('ENOENT');
  if (command.includes('/')) {
    const problem = executableProblem(command);
    return problem === undefined ? { ok: true, executable: { command, path: command } } : failure(problem);
  }
  let denied = false;
  for (const dir of (env.PATH ?? DEFAULT_PATH).split(':')) {
    const path = `${dir === '' ? '.' : dir}/${command}`;
    const problem = executableProblem(path);
    if (problem === undefined) return { ok: true, executable: { command, path } };
    if (problem === 'EACCES') denied = true;
  }
  return failure(denied ? 'EACCES' : 'ENOENT');
}

function executableProblem(path: string): 'ENOENT' | 'EACCES' | 'EISDIR' | undefined {
  try {
    if (statSync(path).isDirectory()) return 'EISDIR';
    accessSync(path, constants.X_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EACCES' ? 'EACCES' : 'ENOENT';
  }
}

function execFailure(command: string, error: NodeJS.ErrnoException): { exitCode: number; message: string } {
  if (error.code === 'ENOENT' || command === '') {
    const what = command.includes('/') ? 'no such file or directory' : 'command not found';
    return { exitCode: HoldExitCode.notFound, message: `${command}: ${what}` };
  }
  // errno codes (ENOEXEC) are the clearest; Node's own ERR_* codes say less than their message.
  const reason =
    error.code === 'EACCES'
      ? 'permission denied'
      : error.code === 'EISDIR'
        ? 'is a directory'
        : error.code !== undefined && !error.code.startsWith('ERR_')
          ? error.code
          : error.message;
  return { exitCode: HoldExitCode.notExecutable, message: `${command}: cannot execute: ${reason}` };
}

function signalAll(pgid: number, marker: string, signal: NodeJS.Signals): SignalDelivery {
  let group = true;
  try {
    process.kill(-pgid, signal);
  } catch {
    group = false;
  }
  let escaped = 0;
  for (const pid of remainsOf(pgid, marker)?.escaped ?? []) {
    try {
      process.kill(pid, signal);
      escaped++;
    } catch {
      // exited meanwhile
    }
  }
  return { group, escaped };
}

function anyAlive(pgid: number, marker: string): boolean {
  const remains = remainsOf(pgid, marker);
  if (remains !== undefined) return remains.groupAlive || remains.escaped.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Remains {
  /** A live member of the group is left. (kill(2) also counts zombies, which an init that does not reap leaves.) */
  groupAlive: boolean;
  /** Live processes outside the group whose environment holds `marker`. */
  escaped: number[];
}

/** What is left of the command, from /proc; undefined where there is none (not Linux). */
function remainsOf(pgid: number, marker: string): Remains | undefined {
  if (process.platform !== 'linux') return undefined;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const remains: Remains = { groupAlive: false, escaped: [] };
  const entry = `\0${marker}\0`;
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      if (Number(fields[2]) === pgid) {
        remains.groupAlive = true;
      } else if (`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(entry)) {
        remains.escaped.push(Number(name));
      }
    } catch {
      // exited meanwhile, or another user's (whose environment we may not read, nor signal)
    }
  }
  return remains;
}
