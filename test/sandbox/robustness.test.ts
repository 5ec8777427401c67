// A server survives any request: a watch's timers and streams end with its response, and one request's failure
// never takes down the process that serves all the others.

import { request as httpsRequest } from 'node:https';
import { describe, expect, it } from 'vitest';
import { leasesPath, useSandbox } from './client.js';

const bookmarkIntervalMs = 250;
const harness = useSandbox({ namespaces: ['robust'], bookmarkIntervalMs });

/** Opens a watch and resolves with how it ended and how many lines it received. */
function watchUntilEnd(path: string): Promise<{ status: number; lines: number; end: 'server' | 'error' }> {
  const url = new URL(harness.sandbox.url);
  return new Promise((resolve) => {
    let status = 0;
    let text = '';
    const req = httpsRequest({ host: url.hostname, port: url.port, path, ca: harness.sandbox.caPem, agent: false, headers: { Authorization: `Bearer ${harness.sandbox.tokens.admin}` } }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status, lines: text.split('\n').filter(Boolean).length, end: 'server' }));
      res.on('error', () => resolve({ status, lines: 0, end: 'error' }));
    });
    req.on('error', () => resolve({ status, lines: 0, end: 'error' }));
    req.end();
  });
}

describe('the sandbox survives', () => {
  it('watches whose timeout ends them on the tick of a bookmark', async () => {
    // timeoutSeconds is a whole multiple of the bookmark interval, so the two timers fall due together.
    for (let round = 0; round < 3; round++) {
      const ends = await Promise.all(Array.from({ length: 30 }, () =>
        watchUntilEnd(`${leasesPath('robust')}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1`)));
      expect(ends.every((end) => end.status === 200 && end.end === 'server')).toBe(true);
    }
    const after = await harness.api.call('GET', leasesPath('robust'));
    expect(after.status).toBe(200);
  });

  it('watches that their clients abandon between two bookmarks', async () => {
    const url = new URL(harness.sandbox.url);
    const abandoned = Array.from({ length: 30 }, () => new Promise<void>((resolve) => {
      const req = httpsRequest({ host: url.hostname, port: url.port, path: `${leasesPath('robust')}?watch=1&allowWatchBookmarks=true`, ca: harness.sandbox.caPem, agent: false, headers: { Authorization: `Bearer ${harness.sandbox.tokens.admin}` } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    }));
    await Promise.all(abandoned);
    // Long enough for every abandoned watch's next bookmark to fall due.
    await new Promise((resolve) => setTimeout(resolve, 2 * bookmarkIntervalMs));
    const after = await watchUntilEnd(`${leasesPath('robust')}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1`);
    expect(after).toEqual({ status: 200, lines: expect.any(Number), end: 'server' });
    expect(after.lines).toBeGreaterThan(0);
  });
});
