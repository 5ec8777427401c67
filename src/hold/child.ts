// The child process: started in its own session and process group so that signals reach everything it starts,
// and the group's disappearance tells us that all guarded code has stopped; a watchdog stops it if leasectl dies.

import { spawn, type ChildProcess } from 'node:child_process';
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
  /** Sends `signal` to every process in the child's group; false when the group is gone. */
  signalGroup(signal: NodeJS.Signals): boolean;
  /** Whether any live (non-zombie) process remains in the child's group. */
  groupAlive(): boolean;
  /**
   * Call once hold is done with the child (any number of times): dismisses the watchdog if the group is gone, and
   * otherwise lets it SIGKILL the group.
   */
  endWatchdog(): void;
}

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
 * command's process-group id, then "done" once the whole group is gone. End of file without "done" means leasectl
 * died or gave up on the group, and the watchdog SIGKILLs the group; so leasectl's death becomes the group's, and
 * an expired lease never coexists with an orphaned command. (A frozen machine stops both; the lease-duration math
 * in timing.ts covers that.)
 */
const WATCHDOG_SCRIPT = `trap '' INT TERM HUP
read pgid || exit 0
read line
[ "$line" = done ] || kill -s KILL -- "-$pgid" 2>/dev/null`;

/** Runs the command exactly as given: PATH lookup, no shell, stdio inherited, a new session, under a watchdog. */
export const nodeProcessLauncher: ProcessLauncher = {
  resolve: resolveExecutable,
  async launch(executable, args, env) {
    const watchdog = await startWatchdog();
    if (watchdog instanceof Error) {
      return { ok: false, exitCode: HoldExitCode.failed, message: `cannot start the watchdog (/bin/sh): ${watchdog.message}` };
    }
    const result = await spawnCommand(executable, args, env, watchdog);
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

function spawnCommand({ command, path }: Executable, args: readonly string[], env: NodeJS.ProcessEnv, watchdog: Writable): Promise<LaunchResult> {
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
    if (child.pid !== undefined) watchdog.write(`${child.pid}\n`);
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
          signalGroup: (signal) => signalGroup(pid, signal),
          groupAlive: () => groupAlive(pid),
          endWatchdog() {
            if (!watching) return;
            watching = false;
            watchdog.end(groupAlive(pid) ? undefined : 'done\n');
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

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(2) also counts zombies, which an init that does not reap (common in containers) leaves forever.
  return process.platform === 'linux' ? hasLiveMember(pgid) : true;
}

/** Linux: whether /proc lists a process in group `pgid` that is not a zombie. */
function hasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}
