// Standard output is a pipe or a file that can fail under leasectl: the reader of `leasectl list -w | head -1` goes
// away (EPIPE), or the disk fills up (ENOSPC). Its first failed write becomes an abort signal, so that commands stop
// streaming into nothing (a watch, list pages, gc's deletes) and the edge can say what happened in one line.
import type { Writable } from 'node:stream';
import { OutputError } from './errors.js';

const failures = new WeakMap<Writable, AbortSignal>();

/**
 * Aborted, with an OutputError as its reason, at the first failed write to `stdout`; the same signal for every
 * caller. Listening also keeps a failed write from crashing the process as an unhandled 'error' event.
 */
export function stdoutFailure(stdout: Writable): AbortSignal {
  const known = failures.get(stdout);
  if (known) return known;
  const controller = new AbortController();
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (controller.signal.aborted) return;
    // Not an ES-module import of node:util: its namespace reads lazy getters that load Node's assertion diff and
    // worker modules on every start (docs/performance.md).
    const { getSystemErrorMap } = process.getBuiltinModule('node:util');
    const systemMessage = (error.errno !== undefined && getSystemErrorMap().get(error.errno)?.[1]) || error.message;
    controller.abort(new OutputError(error, systemMessage));
  });
  failures.set(stdout, controller.signal);
  return controller.signal;
}
