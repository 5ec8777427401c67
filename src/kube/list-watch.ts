// List, then watch from the listing's resourceVersion, as client-go's reflector does. When the server closes the
// stream the watch resumes from the last resourceVersion seen (bookmarks included); when that version is too old
// (410 Expired: cut off for longer than the server keeps history), it lists again, so that no change is missed.

import { sleep } from '../clock.js';
import { isExpired, KubeApiError, KubeTransportError } from './errors.js';
import type { LeaseClient, ListOptions, WatchEvent } from './lease-client.js';
import type { Lease } from '../lease/types.js';

const WATCH_TIMEOUT_SECONDS = 300;
const RECONNECT_DELAY_MS = 1000;
const RELIST_PAGE_SIZE = 500;

export interface ListWatchOptions {
  /** What to list and watch; `limit` is the page size of a listing (default 500, 0 for one request). */
  query: ListOptions;
  /** Where a listing already made left off; undefined lists first. */
  resourceVersion: string | undefined;
  /** Ends the watch (resolves). */
  signal: AbortSignal;
  /** Every lease as listed: at the start (without a resourceVersion) and after a 410. */
  onList(leases: Lease[]): void;
  /** A change: ADDED, MODIFIED or DELETED (bookmarks only move the resourceVersion on). */
  onChange(event: WatchEvent): void;
  /** The stream broke without an answer from the server; it is resumed after a pause. */
  onInterrupted?(error: KubeTransportError): void;
  /** How to list (default: every page of `query`); one lease's watcher reads it with a get, needing no list verb. */
  list?(signal: AbortSignal): Promise<{ leases: Lease[]; resourceVersion: string }>;
}

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

/** Runs until the signal aborts; rejects with any error other than a 410 or a broken stream. */
export async function listThenWatch(client: LeaseClient, options: ListWatchOptions): Promise<void> {
  const { query, signal } = options;
  let resourceVersion = options.resourceVersion;
  while (!signal.aborted) {
    try {
      if (resourceVersion === undefined) {
        const list = await (options.list ? options.list(signal) : consistentList(client, query, signal));
        if (signal.aborted) return;
        options.onList(list.leases);
        resourceVersion = list.resourceVersion;
      }
      await client.watch(
        { ...query, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS },
        (event) => {
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type !== 'BOOKMARK') options.onChange(event);
        },
        signal,
      );
    } catch (error) {
      if (isExpired(error)) {
        resourceVersion = undefined; // too old to resume: list again
        continue;
      }
      if (!(error instanceof KubeTransportError)) throw error;
      options.onInterrupted?.(error);
      await sleep(RECONNECT_DELAY_MS, signal);
    }
  }
}
