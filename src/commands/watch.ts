// -w for list-like commands: after the listing, print each change as kubectl get -w does. The watch resumes
// from the last resourceVersion when the server closes it. When that version is too old (410 Expired: the client
// was cut off for longer than the server keeps history), it relists and prints what changed in the gap, so that
// the stream stays true.
import { sleep } from '../clock.js';
import type { CommandContext } from '../context.js';
import { isExpired, KubeTransportError } from '../kube/errors.js';
import type { LeaseClient, ListOptions } from '../kube/lease-client.js';
import type { Lease } from '../lease/types.js';
import { stdoutFailure } from '../output.js';
import { escapeTerminal, type LeasePrinter } from '../printers/index.js';

const WATCH_TIMEOUT_SECONDS = 300;
const RECONNECT_DELAY_MS = 1000;
const RELIST_PAGE_SIZE = 500;

export interface WatchRequest {
  /** What to watch; `limit` is the page size of a relist (default 500, 0 for one request). */
  query: ListOptions;
  /** When set, only these leases are shown. */
  names: string[];
  /** Where the listing left off; undefined lists first (printing what differs from `listed`). */
  resourceVersion: string | undefined;
  /** What the listing printed: a relist prints only what differs from what has been shown. */
  listed: readonly Lease[];
  printer: LeasePrinter;
}

const keyOf = (lease: Lease) => `${lease.metadata.namespace ?? ''}/${lease.metadata.name}`;

/**
 * Lists every page at one resourceVersion. A continue token that expired midway (the pages after it come from a
 * newer state) would miss changes to the earlier pages, so such a listing starts over.
 */
async function consistentList(client: LeaseClient, query: ListOptions, signal: AbortSignal): Promise<{ leases: Lease[]; resourceVersion: string }> {
  for (;;) {
    const leases: Lease[] = [];
    const versions = new Set<string>();
    for await (const page of client.listPages({ ...query, limit: query.limit ?? RELIST_PAGE_SIZE })) {
      versions.add(page.metadata.resourceVersion ?? '0');
      leases.push(...page.items);
    }
    if (versions.size <= 1 || signal.aborted) return { leases, resourceVersion: [...versions].at(-1) ?? '0' };
  }
}

/** Runs until SIGINT or SIGTERM, or until writing to stdout fails, then resolves (exit 0: the user ended the watch). */
export async function watchLeases(ctx: CommandContext, client: LeaseClient, request: WatchRequest): Promise<void> {
  const interrupted = new AbortController();
  const unsubscribe = ctx.signals.subscribe(['SIGINT', 'SIGTERM'], () => interrupted.abort());
  // A watch whose output nobody can read any more (`| head -1`, a full disk) ends too.
  const stopped = AbortSignal.any([interrupted.signal, stdoutFailure(ctx.io.stdout)]);
  const wanted = (lease: Lease) => request.names.length === 0 || request.names.includes(lease.metadata.name);
  const query: ListOptions =
    request.names.length === 1 ? { ...request.query, fieldSelector: `metadata.name=${request.names[0]}` } : request.query;
  /** What the stream has shown so far, by namespace/name. */
  const shown = new Map(request.listed.map((lease) => [keyOf(lease), lease]));

  /** After a relist: what was added or modified in the gap, then what was deleted (its last state, as kubectl prints a deleted lease). */
  const printChanges = (current: Lease[]) => {
    const present = new Set<string>();
    for (const lease of current) {
      const key = keyOf(lease);
      present.add(key);
      if (shown.get(key)?.metadata.resourceVersion === lease.metadata.resourceVersion) continue;
      shown.set(key, lease);
      request.printer.printWatched(lease);
    }
    for (const [key, lease] of shown) {
      if (present.has(key)) continue;
      shown.delete(key);
      request.printer.printWatched(lease);
    }
  };

  let resourceVersion = request.resourceVersion;
  try {
    while (!stopped.aborted) {
      try {
        if (resourceVersion === undefined) {
          const list = await consistentList(client, query, stopped);
          if (stopped.aborted) break;
          printChanges(list.leases.filter(wanted));
          resourceVersion = list.resourceVersion;
        }
        await client.watch(
          { ...query, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS },
          (event) => {
            resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
            if (event.type === 'BOOKMARK' || !wanted(event.object)) return;
            if (event.type === 'DELETED') shown.delete(keyOf(event.object));
            else shown.set(keyOf(event.object), event.object);
            request.printer.printWatched(event.object);
          },
          stopped,
        );
      } catch (error) {
        if (isExpired(error)) {
          // Too old to resume: relist, and print what changed meanwhile.
          resourceVersion = undefined;
          continue;
        }
        if (!(error instanceof KubeTransportError)) throw error;
        if (ctx.verbosity > 0) ctx.io.stderr.write(`watch interrupted (${escapeTerminal(error.message)}); reconnecting\n`);
        await sleep(RECONNECT_DELAY_MS, stopped);
      }
    }
  } finally {
    unsubscribe();
  }
}
