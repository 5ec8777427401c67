// Watches: event order, replay from a resourceVersion, bookmarks, 410 in-stream, selector exits, server-side tables.

import { randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '@leasectl/sandbox';
import { apiClient, leaseBody, leasesPath, sandboxAccess, useSandbox, waitFor } from './client.js';

const harness = useSandbox({ namespaces: ['watched', 'quiet'], bookmarkIntervalMs: 200, orRealCluster: true });
const watched = () => harness.namespace('watched');
const quiet = () => harness.namespace('quiet');

interface WatchEvent {
  type: string;
  /** Untyped: tests probe leases, Statuses and Tables alike. */
  object: any;
}

/** Opens a watch and collects its events until closed. */
function openWatch(path: string, headers: Record<string, string> = {}, connection = harness.api.connection) {
  const events: WatchEvent[] = [];
  let statusCode = 0;
  let contentType = '';
  let ended = false;
  const req = httpsRequest({ ...connection, path, agent: false, headers: { ...connection.headers, ...headers } }, (res) => {
    statusCode = res.statusCode ?? 0;
    contentType = String(res.headers['content-type']);
    let buffer = '';
    res.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
    });
    res.on('end', () => (ended = true));
    res.on('error', () => (ended = true));
  });
  req.on('error', () => (ended = true));
  req.end();
  return {
    events,
    get statusCode() { return statusCode; },
    get contentType() { return contentType; },
    get ended() { return ended; },
    close: () => req.destroy(),
  };
}


const summary = (events: WatchEvent[]) => events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`);

describe('watch', () => {
  it('starts with ADDED for existing leases, then streams changes in order', async () => {
    await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('w-1') });
    const watch = openWatch(`${leasesPath(watched())}?watch=1`);
    await waitFor(() => watch.events.length === 1);
    expect(watch.statusCode).toBe(200);
    expect(watch.contentType).toBe('application/json');
    const created = (await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('w-2') })).json;
    await harness.api.call('PATCH', leasesPath(watched(), 'w-2'), { contentType: 'application/merge-patch+json', body: { spec: { holderIdentity: 'h' } } });
    await harness.api.call('DELETE', leasesPath(watched(), 'w-1'));
    await harness.api.call('POST', leasesPath(quiet()), { body: leaseBody('elsewhere') });
    await waitFor(() => watch.events.length === 4);
    watch.close();
    expect(summary(watch.events)).toEqual(['ADDED w-1', 'ADDED w-2', 'MODIFIED w-2', 'DELETED w-1']);
    expect(watch.events[1]!.object).toEqual(created);
    expect(watch.events[2]!.object.spec.holderIdentity).toBe('h');
    const rvs = watch.events.slice(1).map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(3);
  });

  it('replays the history after a resourceVersion', async () => {
    const start = (await harness.api.call('GET', leasesPath(watched()))).json.metadata.resourceVersion;
    await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('w-3') });
    await harness.api.call('DELETE', leasesPath(watched(), 'w-3'));
    const watch = openWatch(`${leasesPath(watched())}?watch=true&resourceVersion=${start}`);
    await waitFor(() => watch.events.length === 2);
    watch.close();
    expect(summary(watch.events)).toEqual(['ADDED w-3', 'DELETED w-3']);
  });

  // The sandbox sends a bookmark every 200 ms here; kube-apiserver about once a minute.
  it.skipIf(harness.againstRealCluster)('sends bookmarks carrying only the resourceVersion when allowed', async () => {
    const rv = (await harness.api.call('GET', leasesPath(watched()))).json.metadata.resourceVersion;
    const watch = openWatch(`${leasesPath(watched())}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`);
    await waitFor(() => watch.events.some((e) => e.type === 'BOOKMARK'));
    watch.close();
    const bookmark = watch.events.find((e) => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toEqual({ kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { resourceVersion: rv, creationTimestamp: null }, spec: {} });
    const plain = openWatch(`${leasesPath(watched())}?watch=1&resourceVersion=${rv}`);
    await new Promise((r) => setTimeout(r, 500));
    plain.close();
    expect(plain.events).toEqual([]);
  });

  it('answers a too old resourceVersion with a 200 stream holding one 410 ERROR event', async () => {
    for (let i = 0; i < 1005; i++) await harness.api.call('POST', leasesPath(quiet()), { body: leaseBody(`filler-${i}`) });
    const watch = openWatch(`${leasesPath(watched())}?watch=1&resourceVersion=1`);
    await waitFor(() => watch.ended);
    expect(watch.statusCode).toBe(200);
    expect(watch.events).toHaveLength(1);
    expect(watch.events[0]!.type).toBe('ERROR');
    expect(watch.events[0]!.object).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: expect.stringMatching(/^too old resource version: 1 \(\d+\)$/), reason: 'Expired', code: 410 });
  });

  it.skipIf(harness.againstRealCluster)('answers a watch from resourceVersion 1 with 410 even while the history is short: it starts with the server', async () => {
    const fresh = await startSandbox();
    const client = apiClient(sandboxAccess(fresh));
    try {
      await client.call('POST', leasesPath('default'), { body: leaseBody('early') });
      const watch = openWatch(`${leasesPath('default')}?watch=1&resourceVersion=1`, {}, client.connection);
      await waitFor(() => watch.ended);
      expect(watch.events.map((event) => [event.type, event.object.code])).toEqual([['ERROR', 410]]);
    } finally {
      client.close();
      await fresh.stop();
    }
  });

  it.skipIf(harness.againstRealCluster)('a write that is not a lease (a namespace) after a compaction leaves a watch from the current version valid', async () => {
    harness.sandbox.compact();
    const current = (await harness.api.call('GET', leasesPath(watched()))).json.metadata.resourceVersion;
    harness.sandbox.createNamespace(`after-compaction-${randomBytes(4).toString('hex')}`);
    const watch = openWatch(`${leasesPath(watched())}?watch=1&resourceVersion=${current}`);
    await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('after-compaction') });
    await waitFor(() => watch.events.length > 0 || watch.ended);
    watch.close();
    expect(summary(watch.events)).toEqual(['ADDED after-compaction']);
  });

  it('sends DELETED when a change takes a lease out of the selector, ADDED when one comes in', async () => {
    await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('sel', {}, { labels: { role: 'leader' } }) });
    const watch = openWatch(`${leasesPath(watched())}?watch=1&labelSelector=role%3Dleader`);
    await waitFor(() => watch.events.length === 1);
    const demoted = (await harness.api.call('PATCH', leasesPath(watched(), 'sel'), { contentType: 'application/merge-patch+json', body: { metadata: { labels: { role: 'follower' } } } })).json;
    await harness.api.call('PATCH', leasesPath(watched(), 'sel'), { contentType: 'application/merge-patch+json', body: { metadata: { labels: { role: 'leader' } } } });
    await waitFor(() => watch.events.length === 3);
    watch.close();
    expect(summary(watch.events)).toEqual(['ADDED sel', 'DELETED sel', 'ADDED sel']);
    expect(watch.events[1]!.object.metadata.labels).toEqual({ role: 'leader' });
    expect(watch.events[1]!.object.metadata.resourceVersion).toBe(demoted.metadata.resourceVersion);
  });

  it('watches all namespaces and honours field selectors', async () => {
    // A name of this run's own: on a real cluster the watch sees every namespace.
    const across = `across-${randomBytes(4).toString('hex')}`;
    const watch = openWatch(`/apis/coordination.k8s.io/v1/leases?watch=1&resourceVersion=0&fieldSelector=metadata.name%3D${across}`);
    await waitFor(() => watch.statusCode === 200);
    await harness.api.call('POST', leasesPath(watched()), { body: leaseBody(across) });
    await harness.api.call('POST', leasesPath(quiet()), { body: leaseBody(across) });
    await harness.api.call('POST', leasesPath(quiet()), { body: leaseBody(`not-${across}`) });
    await waitFor(() => watch.events.length === 2);
    watch.close();
    expect(watch.events.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual([`ADDED ${watched()}/${across}`, `ADDED ${quiet()}/${across}`]);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const watch = openWatch(`${leasesPath(watched())}?watch=1&timeoutSeconds=1&resourceVersion=${(await harness.api.call('GET', leasesPath(watched()))).json.metadata.resourceVersion}`);
    await waitFor(() => watch.ended, 3000);
    expect(watch.statusCode).toBe(200);
  });
});

const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
/** AGE of a lease made in this file: some seconds, however loaded the machine (a loaded run crossed into 1s). */
const SECONDS_OLD = expect.stringMatching(/^\d+s$/);

describe('server-side tables', () => {
  it('lists as a Table with Name/Holder/Age and PartialObjectMetadata rows', async () => {
    await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('tabled', { holderIdentity: 'me' }) });
    await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('unheld') });
    const res = await harness.api.call('GET', `${leasesPath(watched())}?fieldSelector=metadata.name!%3Dsel`, { headers: { Accept: tableAccept } });
    expect(res.json.kind).toBe('Table');
    expect(res.json.apiVersion).toBe('meta.k8s.io/v1');
    expect(res.json.columnDefinitions.map((c: { name: string; format: string; priority: number; type: string }) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0], ['Holder', 'string', '', 0], ['Age', 'string', '', 0],
    ]);
    expect(res.json.columnDefinitions[1].description).toBe('holderIdentity contains the identity of the holder of a current lease.');
    const rows = Object.fromEntries(res.json.rows.map((r: { cells: string[] }) => [r.cells[0], r]));
    expect(rows.tabled.cells).toEqual(['tabled', 'me', SECONDS_OLD]);
    expect(rows.unheld.cells).toEqual(['unheld', '', SECONDS_OLD]);
    expect(rows.tabled.object.kind).toBe('PartialObjectMetadata');
    expect(rows.tabled.object.apiVersion).toBe('meta.k8s.io/v1');
    expect(rows.tabled.object.metadata).toMatchObject({ name: 'tabled', namespace: watched(), uid: expect.any(String), resourceVersion: expect.any(String), creationTimestamp: expect.any(String) });
  });

  it('includeObject=None and Object', async () => {
    const none = await harness.api.call('GET', `${leasesPath(watched(), 'tabled')}?includeObject=None`, { headers: { Accept: tableAccept } });
    expect(none.json.rows).toEqual([{ cells: ['tabled', 'me', SECONDS_OLD], object: null }]);
    const full = await harness.api.call('GET', `${leasesPath(watched(), 'tabled')}?includeObject=Object`, { headers: { Accept: tableAccept } });
    expect(full.json.rows[0].object.kind).toBe('Lease');
    expect(full.json.rows[0].object.spec.holderIdentity).toBe('me');
  });

  it.skipIf(harness.againstRealCluster)('computes AGE with the server clock, including its offset', async () => {
    harness.sandbox.faults.clockOffsetMs = 3 * 3600_000 + 5 * 60_000;
    try {
      const res = await harness.api.call('GET', leasesPath(watched(), 'tabled'), { headers: { Accept: tableAccept } });
      expect(res.json.rows[0].cells[2]).toBe('3h5m');
      const created = (await harness.api.call('POST', leasesPath(watched()), { body: leaseBody('from-the-future') })).json;
      expect(Date.parse(created.metadata.creationTimestamp) - Date.now()).toBeGreaterThan(3 * 3600_000);
    } finally {
      harness.sandbox.faults.clockOffsetMs = 0;
    }
    const res = await harness.api.call('GET', leasesPath(watched(), 'from-the-future'), { headers: { Accept: tableAccept } });
    expect(res.json.rows[0].cells[2]).toBe('<invalid>');
  });

  it('v1beta1 only gives a v1beta1 Table; an unacceptable Accept is 406', async () => {
    const beta = await harness.api.call('GET', leasesPath(watched(), 'tabled'), { headers: { Accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' } });
    expect(beta.json.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(beta.json.rows[0].object.apiVersion).toBe('meta.k8s.io/v1beta1');
    const refused = await harness.api.call('GET', leasesPath(watched(), 'tabled'), { headers: { Accept: 'application/json;as=Table;v=v2;g=meta.k8s.io' } });
    expect(refused.status).toBe(406);
  });

  it('watch events carry one-row Tables', async () => {
    const watch = openWatch(`${leasesPath(watched())}?watch=1&fieldSelector=metadata.name%3Dtabled`, { Accept: tableAccept });
    await waitFor(() => watch.events.length === 1);
    watch.close();
    expect(watch.events[0]!.type).toBe('ADDED');
    expect(watch.events[0]!.object.kind).toBe('Table');
    expect(watch.events[0]!.object.rows.map((r: { cells: string[] }) => r.cells)).toEqual([['tabled', 'me', SECONDS_OLD]]);
  });
});
