// The process edge: real streams, clock and signals in; the exit code out. The only place that touches
// process.exitCode.
import { basename } from 'node:path';
import { systemClock } from './clock.js';
import { runCli } from './cli.js';
import type { SignalSource } from './context.js';

const processSignals: SignalSource = {
  subscribe(signals, handler) {
    for (const signal of signals) process.on(signal, handler);
    return () => {
      for (const signal of signals) process.off(signal, handler);
    };
  },
};

/**
 * process.stderr, built on first use: Node builds each stdio stream when it is first read (for a pipe, a socket), and
 * a run that writes no error has no use for it (docs/performance.md). A failed write to stderr has nowhere left to be
 * reported: it is dropped rather than crashing with a stack trace, which could cut short a hold that still has to
 * stop its child and release the lease. (stdout's failures end the command: see runCli.)
 */
let stderr: NodeJS.WriteStream | undefined;
function processStderr(): NodeJS.WriteStream {
  if (stderr === undefined) {
    stderr = process.stderr;
    stderr.on('error', () => {});
  }
  return stderr;
}

const invokedAs = basename(process.argv[1] ?? 'leasectl');
// No top-level await: the bundle is CommonJS (scripts/build.mjs).
void runCli(process.argv.slice(2), {
  io: {
    // Node builds process.stdin on first use (a file stream loads fs streams and fs/promises; a terminal, tty and
    // net): only a command that reads it pays for that (docs/performance.md).
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    get stderr() {
      return processStderr();
    },
  },
  clock: systemClock,
  env: process.env,
  signals: processSignals,
  programName: invokedAs === 'kubectl-lease' ? 'kubectl lease' : 'leasectl',
  ownsProcess: true,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
