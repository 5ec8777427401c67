// Lease watches: newline-delimited JSON events, each flushed as it happens. Behaves like the apiserver's watch
// cache: replays history from a resourceVersion (410 in-stream when it is too old), turns selector transitions into
// ADDED/DELETED, and sends BOOKMARKs when the client allows them.

import type { ServerResponse } from 'node:http';
import { goJson } from './json.js';
import { type LeaseRecord, type LeaseStore, type StoredEvent, makeRecord } from './store.js';
import { unclassifiedError } from './status.js';

/** Holds events back while the sandbox is paused (fault injection) and releases them on resume. */
export interface DeliveryGate {
  readonly paused: boolean;
  onResume(listener: () => void): () => void;
}

export interface WatchRequest {
  response: ServerResponse;
  headers: Record<string, string>;
  /** `resourceVersion` query parameter: empty or "0" starts with ADDED events for the current state. */
  resourceVersion: string | null;
  namespace: string | undefined;
  matches: (record: LeaseRecord) => boolean;
  bookmarks: boolean;
  timeoutSeconds: number | undefined;
  /** Renders an event's object; the full Lease JSON unless the client asked for a Table. */
  renderObject: (record: LeaseRecord) => string;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export class WatchHub {
  constructor(
    private readonly store: LeaseStore,
    private readonly gate: DeliveryGate,
    private readonly bookmarkIntervalMs: number,
  ) {}

  serve(watch: WatchRequest): void {
    const { response } = watch;
    let replay: StoredEvent[] | undefined;
    let initial: LeaseRecord[] = [];
    if (!watch.resourceVersion || watch.resourceVersion === '0') {
      initial = this.store.list(watch.namespace).filter(watch.matches);
    } else {
      if (!/^\d+$/.test(watch.resourceVersion)) {
        throw unclassifiedError(`resourceVersion: Invalid value: "${watch.resourceVersion}": strconv.ParseUint: parsing "${watch.resourceVersion}": invalid syntax`);
      }
      replay = this.store.eventsSince(Number(watch.resourceVersion));
    }

    response.writeHead(200, { ...watch.headers, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    response.flushHeaders(); // clients wait for the headers before they consider the watch started
    response.socket?.setNoDelay(true);
    const held: string[] = [];
    // Once the response has ended, nothing may write to it: a late write is an error event that kills the process.
    const open = () => !response.writableEnded && !response.destroyed;
    const send = (line: string) => {
      if (!open()) return;
      if (this.gate.paused) held.push(line);
      else response.write(line);
    };

    if (replay === undefined && watch.resourceVersion && watch.resourceVersion !== '0') {
      const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${watch.resourceVersion} (${this.store.oldestAvailable})`, reason: 'Expired', code: 410 };
      send(`{"type":"ERROR","object":${goJson(status)}}\n`);
      response.end();
      return;
    }

    const line = (type: WatchEventType, record: LeaseRecord) => `{"type":"${type}","object":${watch.renderObject(record)}}\n`;
    const deliver = (event: StoredEvent) => {
      const translated = translateEvent(event, watch.matches);
      if (translated) send(line(translated.type, translated.record));
    };
    for (const record of initial) send(line('ADDED', record));
    for (const event of replay ?? []) deliver(event);

    const unsubscribe = this.store.subscribe(deliver);
    const stopResumeListener = this.gate.onResume(() => {
      for (const text of held.splice(0)) if (open()) response.write(text);
    });
    // A bookmark that falls due as a timeout ends the watch is not sent: the timeout wins, as on kube-apiserver,
    // whose watch of 10 s with bookmarks sends one (recording 123), never one racing the end.
    const endsAt = watch.timeoutSeconds === undefined ? undefined : Date.now() + watch.timeoutSeconds * 1000;
    const bookmarkTimer = watch.bookmarks
      ? setInterval(() => endsAt !== undefined && endsAt - Date.now() < this.bookmarkIntervalMs / 2 ? undefined : send(`{"type":"BOOKMARK","object":{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"resourceVersion":"${this.store.resourceVersion}","creationTimestamp":null},"spec":{}}}\n`), this.bookmarkIntervalMs)
      : undefined;
    // Everything the watch holds is let go the moment it ends, whichever way: its timeout, the client going away,
    // or a failed write. 'close' alone comes too late: it waits for the end to be flushed.
    const stop = () => {
      unsubscribe();
      stopResumeListener();
      clearInterval(bookmarkTimer);
      clearTimeout(timeoutTimer);
    };
    const timeoutTimer = watch.timeoutSeconds !== undefined
      ? setTimeout(() => {
        stop();
        response.end();
      }, watch.timeoutSeconds * 1000)
      : undefined;
    response.once('finish', stop);
    response.once('close', stop);
    response.once('error', stop);
  }
}

/**
 * What one watcher sees of a change: an object entering its selector is ADDED, one leaving it is DELETED (with its
 * previous content at the event's resourceVersion), as the watch cache's cacheWatcher does.
 */
function translateEvent(event: StoredEvent, matches: (record: LeaseRecord) => boolean): { type: WatchEventType; record: LeaseRecord } | undefined {
  const matchesNow = event.type !== 'DELETED' && matches(event.record);
  const matchedBefore = event.previous !== undefined && matches(event.previous);
  if (matchesNow) return { type: matchedBefore ? 'MODIFIED' : 'ADDED', record: event.record };
  if (!matchedBefore) return undefined;
  if (event.type === 'DELETED') return { type: 'DELETED', record: event.record };
  const previous = event.previous!;
  return {
    type: 'DELETED',
    record: makeRecord({ ...previous.lease, metadata: { ...previous.lease.metadata, resourceVersion: String(event.resourceVersion) } }, event.resourceVersion),
  };
}

