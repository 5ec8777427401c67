// Request paths are built from segments that cannot change their shape, and are sent exactly as built.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpLeaseClient } from '../../src/kube/client.js';
import { KubeInputError } from '../../src/kube/errors.js';
import { HttpTransport } from '../../src/kube/http.js';
import { nameSegmentProblem, namespaceSegmentProblem } from '../../src/kube/path-segments.js';

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.url ?? '');
    response.setHeader('Content-Type', 'application/json');
    // A collection gets an empty list, an item a Lease by that name: the client checks the answer's shape.
    const path = (request.url ?? '').split('?')[0] ?? '';
    const last = path.split('/').at(-1) ?? '';
    const body = last === 'leases' ? { kind: 'LeaseList', metadata: {}, items: [] } : { kind: 'Lease', metadata: { name: decodeURIComponent(last) }, spec: {} };
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

function clientFor(serverUrl: string): { client: HttpLeaseClient; close: () => void } {
  const transport = new HttpTransport({ server: serverUrl, credentials: { tls: { rejectUnauthorized: true }, headers: async () => ({}) }, userAgent: 'test' });
  return { client: new HttpLeaseClient(transport), close: () => transport.close() };
}

/** The request paths one call sends. */
async function pathsOf(call: (client: HttpLeaseClient) => Promise<unknown>, serverUrl = base): Promise<string[]> {
  const { client, close } = clientFor(serverUrl);
  seen.length = 0;
  try {
    await call(client);
  } finally {
    close();
  }
  return [...seen];
}

describe('path segments, in client-go\'s words', () => {
  it('refuses . and .., a slash, a percent sign, and an empty namespace or name', () => {
    expect(namespaceSegmentProblem('..')).toBe(`invalid namespace "..": [may not be '..']`);
    expect(namespaceSegmentProblem('')).toBe('invalid namespace "": [may not be empty]');
    expect(nameSegmentProblem('.')).toBe(`invalid resource name ".": [may not be '.']`);
    expect(nameSegmentProblem('a/%')).toBe(`invalid resource name "a/%": [may not contain '/' may not contain '%']`);
    expect(nameSegmentProblem('')).toBe('resource name may not be empty');
    expect(nameSegmentProblem('...')).toBeUndefined();
    expect(namespaceSegmentProblem('kube-system')).toBeUndefined();
  });
});

describe('HttpLeaseClient request paths', () => {
  it("sends a namespace's list to that namespace and an item to its own path", async () => {
    expect(await pathsOf((client) => client.listPage({ namespace: 'team-a', limit: 5 }))).toEqual([
      '/apis/coordination.k8s.io/v1/namespaces/team-a/leases?limit=5',
    ]);
    expect(await pathsOf((client) => client.get({ namespace: 'team-a', name: 'a b?c#d' }))).toEqual([
      '/apis/coordination.k8s.io/v1/namespaces/team-a/leases/a%20b%3Fc%23d',
    ]);
  });

  it('refuses a namespace of .. before sending anything, rather than listing the whole cluster', async () => {
    await expect(pathsOf((client) => client.listPage({ namespace: '..' }))).rejects.toThrow(new KubeInputError(`invalid namespace "..": [may not be '..']`));
    expect(seen).toEqual([]);
  });

  it('refuses names of ., .. and "" before sending anything, rather than reaching the collection', async () => {
    for (const name of ['.', '..', '']) {
      await expect(pathsOf((client) => client.delete({ namespace: 'team-a', name }))).rejects.toThrow(KubeInputError);
      expect(seen).toEqual([]);
    }
  });

  it('keeps the path of a server URL with a prefix, and never resolves dot segments in it', async () => {
    expect(await pathsOf((client) => client.get({ namespace: 'team-a', name: '...' }), `${base}/k8s/clusters/c-1/`)).toEqual([
      '/k8s/clusters/c-1/apis/coordination.k8s.io/v1/namespaces/team-a/leases/...',
    ]);
  });

  it('HttpTransport sends a path exactly as built: dot segments, even spelled %2e, are not resolved away', async () => {
    const transport = new HttpTransport({ server: base, credentials: { tls: { rejectUnauthorized: true }, headers: async () => ({}) }, userAgent: 'test' });
    seen.length = 0;
    try {
      await transport.request({ method: 'GET', path: '/apis/x/namespaces/%2e%2e/leases/./y', query: { limit: 1 } });
    } finally {
      transport.close();
    }
    expect(seen).toEqual(['/apis/x/namespaces/%2e%2e/leases/./y?limit=1']);
  });
});
