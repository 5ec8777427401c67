// The one list-then-watch: where it resumes, and when it lists again.
import { describe, expect, it } from 'vitest';
import { KubeApiError, KubeTransportError } from '../../src/kube/errors.js';
import type { LeaseClient, WatchEvent, WatchOptions } from '../../src/kube/lease-client.js';
import { listThenWatch } from '../../src/kube/list-watch.js';
import type { Lease, LeaseList } from '../../src/lease/types.js';

function lease(name: string, resourceVersion: string): Lease {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'default', resourceVersion } };
}

type Stream = { events: WatchEvent[]; end?: Error };

/** Lists from `lists` and serves one scripted stream per watch; aborts `stop` when the script runs out. */
function scripted(lists: LeaseList[], streams: Stream[]) {
  const stop = new AbortController();
  const watchedFrom: string[] = [];
  let listings = 0;
  const client = {
    async *listPages(): AsyncGenerator<LeaseList> {
      listings++;
      const list = lists.shift();
      if (list === undefined) throw new Error('unexpected list');
      yield list;
    },
    async watch(options: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<void> {
      watchedFrom.push(options.resourceVersion);
      const stream = streams.shift();
      if (stream === undefined) {
        stop.abort();
        return;
      }
      for (const event of stream.events) onEvent(event);
      if (stream.end) throw stream.end;
    },
  } as unknown as LeaseClient;
  return { client, stop, watchedFrom, listings: () => listings };
}

const list = (resourceVersion: string, ...items: Lease[]): LeaseList => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'LeaseList', metadata: { resourceVersion }, items });

describe('listThenWatch', () => {
  it('resumes a closed stream from the last resourceVersion seen, a bookmark included', async () => {
    const { client, stop, watchedFrom } = scripted([], [
      { events: [{ type: 'MODIFIED', object: lease('a', '11') }] },
      { events: [{ type: 'BOOKMARK', object: lease('', '15') }] },
    ]);
    const changes: string[] = [];
    await listThenWatch(client, { query: { namespace: 'default' }, resourceVersion: '10', signal: stop.signal, onList: () => {}, onChange: (event) => changes.push(`${event.type} ${event.object.metadata.name}`) });
    expect(watchedFrom).toEqual(['10', '11', '15']);
    expect(changes).toEqual(['MODIFIED a']);
  });

  it('lists first without a resourceVersion, and lists again after 410 Expired', async () => {
    const expired = new KubeApiError({ code: 410, reason: 'Expired', message: 'too old resource version' }, 410);
    const { client, stop, watchedFrom, listings } = scripted([list('5', lease('a', '5')), list('9', lease('a', '9'))], [{ events: [], end: expired }]);
    const listed: string[][] = [];
    await listThenWatch(client, { query: {}, resourceVersion: undefined, signal: stop.signal, onList: (leases) => listed.push(leases.map((l) => l.metadata.resourceVersion ?? '')), onChange: () => {} });
    expect(listings()).toBe(2);
    expect(listed).toEqual([['5'], ['9']]);
    expect(watchedFrom).toEqual(['5', '9']);
  });

  it("says a broken stream was interrupted and resumes from where it was; other errors are the caller's", async () => {
    const broken = scripted([], [{ events: [{ type: 'ADDED', object: lease('b', '21') }], end: new KubeTransportError('connection reset') }]);
    const interruptions: string[] = [];
    await listThenWatch(broken.client, { query: {}, resourceVersion: '20', signal: broken.stop.signal, onList: () => {}, onChange: () => {}, onInterrupted: (error) => interruptions.push(error.message) });
    expect(interruptions).toEqual(['connection reset']);
    expect(broken.watchedFrom).toEqual(['20', '21']);

    const forbidden = scripted([], [{ events: [], end: new KubeApiError({ code: 403, reason: 'Forbidden', message: 'forbidden' }, 403) }]);
    await expect(listThenWatch(forbidden.client, { query: {}, resourceVersion: '1', signal: forbidden.stop.signal, onList: () => {}, onChange: () => {} })).rejects.toMatchObject({ code: 403 });
  });
});
