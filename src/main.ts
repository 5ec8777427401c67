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

// `leasectl list | head` closes the pipe early. Later writes are dropped rather than crashing with a stack trace:
// exiting here could cut short a hold that still has to stop its child and release the lease.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const invokedAs = basename(process.argv[1] ?? 'leasectl');
process.exitCode = await runCli(process.argv.slice(2), {
  io: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  clock: systemClock,
  env: process.env,
  signals: processSignals,
  programName: invokedAs === 'kubectl-lease' ? 'kubectl lease' : 'leasectl',
});
