// -w for list-like commands: after the listing, print each change as kubectl get -w does. The watch resumes
// from the last resourceVersion when the server closes it, and relists when that version is too old (410).
import { sleep } from '../clock.js';
import type { CommandContext } from '../context.js';
import { KubeApiError, KubeTransportError } from '../kube/errors.js';
import type { LeaseClient, ListOptions } from '../kube/lease-client.js';
import { stdoutFailure } from '../output.js';
import type { LeasePrinter } from '../printers/index.js';

const WATCH_TIMEOUT_SECONDS = 300;
const RECONNECT_DELAY_MS = 1000;

export interface WatchRequest {
  query: ListOptions;
  /** When set, only these leases are shown. */
  names: string[];
  /** Where the listing left off; undefined lists first. */
  resourceVersion: string | undefined;
  printer: LeasePrinter;
}

/** Runs until SIGINT or SIGTERM, or until writing to stdout fails, then resolves (exit 0: the user ended the watch). */
export async function watchLeases(ctx: CommandContext, client: LeaseClient, request: WatchRequest): Promise<void> {
  const interrupted = new AbortController();
  const unsubscribe = ctx.signals.subscribe(['SIGINT', 'SIGTERM'], () => interrupted.abort());
  // A watch whose output nobody can read any more (`| head -1`, a full disk) ends too.
  const stopped = AbortSignal.any([interrupted.signal, stdoutFailure(ctx.io.stdout)]);
  const wanted = new Set(request.names);
  const query: ListOptions =
    request.names.length === 1 ? { ...request.query, fieldSelector: `metadata.name=${request.names[0]}` } : request.query;
  let resourceVersion = request.resourceVersion;
  try {
    while (!stopped.aborted) {
      if (resourceVersion === undefined) {
        const list = await client.listPage({ ...query, limit: 1 });
        resourceVersion = list.metadata.resourceVersion ?? '0';
      }
      try {
        await client.watch(
          { ...query, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS },
          (event) => {
            resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
            if (event.type === 'BOOKMARK') return;
            if (wanted.size > 0 && !wanted.has(event.object.metadata.name)) return;
            request.printer.printWatched(event.object);
          },
          stopped,
        );
      } catch (error) {
        if (error instanceof KubeApiError && error.isExpired) {
          // Too old to resume: start again from the current state (changes in between are not replayed).
          resourceVersion = undefined;
          continue;
        }
        if (!(error instanceof KubeTransportError)) throw error;
        if (ctx.verbosity > 0) ctx.io.stderr.write(`watch interrupted (${error.message}); reconnecting\n`);
        await sleep(RECONNECT_DELAY_MS, stopped);
      }
    }
  } finally {
    unsubscribe();
  }
}
