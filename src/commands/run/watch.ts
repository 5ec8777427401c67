// -w for list-like commands: after the listing, print each change as kubectl get -w does. The watch resumes as
// src/kube/list-watch.ts does; after a relist (410 Expired) it prints what changed in the gap, so that the stream
// stays true.
import type { CommandContext } from '../../context.js';
import type { LeaseClient, ListOptions } from '../../kube/lease-client.js';
import { listThenWatch } from '../../kube/list-watch.js';
import type { Lease } from '../../lease/types.js';
import { stdoutFailure } from '../../output.js';
import type { LeasePrinter } from '../../printers/index.js';

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
      const before = shown.get(key);
      if (before?.metadata.resourceVersion === lease.metadata.resourceVersion) continue;
      shown.set(key, lease);
      request.printer.printWatched(lease, before === undefined ? 'ADDED' : 'MODIFIED');
    }
    for (const [key, lease] of shown) {
      if (present.has(key)) continue;
      shown.delete(key);
      request.printer.printWatched(lease, 'DELETED');
    }
  };

  try {
    await listThenWatch(client, {
      query,
      resourceVersion: request.resourceVersion,
      signal: stopped,
      onList: (leases) => printChanges(leases.filter(wanted)),
      onChange: (event) => {
        if (!wanted(event.object)) return;
        if (event.type === 'DELETED') shown.delete(keyOf(event.object));
        else shown.set(keyOf(event.object), event.object);
        request.printer.printWatched(event.object, event.type);
      },
      onInterrupted: (error) => {
        ctx.warn('watch interrupted, reconnecting', error, 1);
      },
    });
  } finally {
    unsubscribe();
  }
}
