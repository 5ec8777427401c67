// Fault injection, in-process and over HTTP.

import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { leaseBody, leasesPath, useSandbox, waitFor } from './client.js';

const harness = useSandbox();

afterEach(async () => {
  await harness.sandbox.faults.reset();
});

/** A fresh connection each time (no keep-alive), to see what a new client would. */
function freshGet(path: string): Promise<{ status: number } | { error: string }> {
  const url = new URL(harness.sandbox.url);
  return new Promise((resolve) => {
    const req = httpsRequest({ host: url.hostname, port: url.port, path, ca: harness.sandbox.caPem, agent: false, headers: { Authorization: `Bearer ${harness.sandbox.tokens.admin}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

describe('in-process fault control', () => {
  it('delays every response by latencyMs', async () => {
    harness.sandbox.faults.latencyMs = 300;
    const started = performance.now();
    expect((await harness.api.call('GET', leasesPath('default'))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers about errorRate of requests with 500 InternalError', async () => {
    harness.sandbox.faults.errorRate = 0.5;
    const statuses = await Promise.all(Array.from({ length: 200 }, () => harness.api.call('GET', leasesPath('default'))));
    const failed = statuses.filter((r) => r.status === 500);
    expect(failed.length).toBeGreaterThan(60);
    expect(failed.length).toBeLessThan(140);
    expect(failed.length + statuses.filter((r) => r.status === 200).length).toBe(200);
    expect(failed[0]!.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Internal error occurred: sandbox: injected fault', reason: 'InternalError', details: { causes: [{ message: 'sandbox: injected fault' }] }, code: 500 });
  });

  it('answers with 429 TooManyRequests and Retry-After when errorCode is 429', async () => {
    harness.sandbox.faults.errorRate = 1;
    harness.sandbox.faults.errorCode = 429;
    const res = await harness.api.call('GET', leasesPath('default'));
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: 1 }, code: 429 });
  });

  it('rejects out-of-range settings', () => {
    expect(() => (harness.sandbox.faults.latencyMs = 120_000)).toThrow(RangeError);
    expect(() => (harness.sandbox.faults.errorRate = 1.5)).toThrow(RangeError);
    expect(() => (harness.sandbox.faults.errorCode = 503 as 500)).toThrow(RangeError);
    expect(harness.sandbox.faults.settings()).toEqual({ latencyMs: 0, errorRate: 0, errorCode: 500, clockOffsetMs: 0, paused: false, refusingConnections: false });
  });

  it('pause holds requests and watch events until resume', async () => {
    const url = new URL(harness.sandbox.url);
    const events: string[] = [];
    const watch = httpsRequest({ host: url.hostname, port: url.port, path: `${leasesPath('default')}?watch=1&resourceVersion=0`, ca: harness.sandbox.caPem, headers: { Authorization: `Bearer ${harness.sandbox.tokens.admin}` } }, (res) => {
      res.on('data', (chunk: Buffer) => events.push(...chunk.toString().trim().split('\n')));
    });
    watch.on('error', () => undefined);
    watch.end();
    await new Promise((r) => setTimeout(r, 200));

    harness.sandbox.faults.pause();
    let answered = false;
    const pending = harness.api.call('POST', leasesPath('default'), { body: leaseBody('while-paused') }).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    harness.sandbox.faults.resume();
    expect((await pending).status).toBe(201);

    // A write already past the pause gate (held by latency) lands while paused: its event must wait for resume.
    await new Promise((r) => setTimeout(r, 100));
    const seen = events.length;
    harness.sandbox.faults.latencyMs = 300;
    const write = harness.api.call('POST', leasesPath('default'), { body: leaseBody('during-pause') });
    await new Promise((r) => setTimeout(r, 100));
    harness.sandbox.faults.pause();
    expect((await write).status).toBe(201);
    await new Promise((r) => setTimeout(r, 200));
    expect(events.length).toBe(seen);
    harness.sandbox.faults.resume();
    await waitFor(() => events.length > seen, 2000);
    expect(JSON.parse(events[seen]!).object.metadata.name).toBe('during-pause');
    watch.destroy();
  });

  it('counts the requests a pause holds back, so that a test knows they have arrived, and lets them all through on resume', async () => {
    const faults = harness.sandbox.faults;
    faults.pause();
    const read = harness.api.call('GET', leasesPath('default', 'held-back'));
    await waitFor(() => faults.heldRequests === 1, 5000);
    const write = harness.api.call('POST', leasesPath('default'), { body: leaseBody('held-back') });
    await waitFor(() => faults.heldRequests === 2, 5000);
    faults.resume();
    expect(faults.heldRequests).toBe(0);
    // A read has no body to wait for: held behind nothing, it is answered before the write lands.
    expect((await read).status).toBe(404);
    expect((await write).status).toBe(201);
  });

  it('refuses connections and listens again on the same port', async () => {
    const port = new URL(harness.sandbox.url).port;
    await harness.sandbox.faults.refuseConnections(true);
    expect(await freshGet(leasesPath('default'))).toEqual({ error: 'ECONNREFUSED' });
    await harness.sandbox.faults.refuseConnections(false);
    expect(new URL(harness.sandbox.url).port).toBe(port);
    expect(await freshGet(leasesPath('default'))).toEqual({ status: 200 });
  });
});

describe('fault control over HTTP', () => {
  it('reads and changes the settings with the admin token', async () => {
    expect((await harness.api.call('GET', '/_sandbox/faults')).json).toEqual({ latencyMs: 0, errorRate: 0, errorCode: 500, clockOffsetMs: 0, paused: false, refusingConnections: false });
    const changed = await harness.api.call('PUT', '/_sandbox/faults', { body: { latencyMs: 50, errorCode: 429 } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ latencyMs: 50, errorCode: 429 });
    expect(harness.sandbox.faults.latencyMs).toBe(50);
  });

  it('refuses the viewer and bad values', async () => {
    const denied = await harness.api.call('PUT', '/_sandbox/faults', { token: harness.sandbox.tokens.readOnly, body: { latencyMs: 1 } });
    expect(denied.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'forbidden: User "viewer" cannot put path "/_sandbox/faults"', reason: 'Forbidden', details: {}, code: 403 });
    expect((await harness.api.call('GET', '/_sandbox/faults', { token: null })).status).toBe(403);
    const bad = await harness.api.call('PUT', '/_sandbox/faults', { body: { latencyMs: 10, errorRate: 2 } });
    expect(bad.status).toBe(400);
    expect(harness.sandbox.faults.latencyMs).toBe(0);
  });

  it('can pause and resume, because the control path itself is never paused', async () => {
    await harness.api.call('PUT', '/_sandbox/faults', { body: { paused: true } });
    let answered = false;
    const pending = harness.api.call('GET', leasesPath('default')).then((res) => ((answered = true), res));
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    await harness.api.call('PUT', '/_sandbox/faults', { body: { paused: false } });
    expect((await pending).status).toBe(200);
  });

  it('refuses connections for a bounded time, then listens again by itself', async () => {
    expect((await harness.api.call('PUT', '/_sandbox/faults', { body: { refuseConnectionsForMs: 500 } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 250));
    expect(await freshGet(leasesPath('default'))).toEqual({ error: 'ECONNREFUSED' });
    await new Promise((r) => setTimeout(r, 600));
    expect(await freshGet(leasesPath('default'))).toEqual({ status: 200 });
  });
});
