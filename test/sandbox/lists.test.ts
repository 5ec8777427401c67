// Lists: selectors over HTTP, pagination with consistent snapshots, continue-token errors, and speed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { apiClient, leaseBody, leasesPath } from './client.js';

let sandbox: Sandbox;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  sandbox = await startSandbox({ namespaces: ['paged', 'big', 'other'] });
  api = apiClient(sandbox);
  for (let i = 0; i < 1200; i++) {
    const res = await api.call('POST', leasesPath('paged'), { body: leaseBody(`lease-${String(i).padStart(4, '0')}`, {}, { labels: { parity: i % 2 === 0 ? 'even' : 'odd' } }) });
    if (res.status !== 201) throw new Error(res.text);
  }
});

afterAll(async () => {
  api.close();
  await sandbox.stop();
});

type Page = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string; namespace: string } }[] };

async function listAll(path: string, limit: number, between?: (page: number) => Promise<void>): Promise<{ names: string[]; pages: Page[] }> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const res = await api.call('GET', `${path}${separator}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    expect(res.status).toBe(200);
    pages.push(res.json);
    token = res.json.metadata.continue;
    if (between) await between(pages.length);
  } while (token);
  return { names: pages.flatMap((p) => p.items.map((i) => i.metadata.name)), pages };
}

describe('pagination', () => {
  it('returns every lease exactly once across pages of 500', async () => {
    const { names, pages } = await listAll(leasesPath('paged'), 500);
    expect(pages.map((p) => p.items.length)).toEqual([500, 500, 200]);
    expect(pages.map((p) => p.metadata.remainingItemCount)).toEqual([700, 200, undefined]);
    expect(pages[2]!.metadata.continue).toBeUndefined();
    expect(new Set(names).size).toBe(1200);
    expect(names).toEqual([...names].sort());
    expect(new Set(pages.map((p) => p.metadata.resourceVersion)).size).toBe(1);
  });

  it('encodes the continue token like the apiserver', async () => {
    const res = await api.call('GET', `${leasesPath('paged')}?limit=2`);
    const token = JSON.parse(Buffer.from(res.json.metadata.continue, 'base64url').toString());
    expect(token).toEqual({ v: 'meta.k8s.io/v1', rv: Number(res.json.metadata.resourceVersion), start: 'lease-0001\u0000' });
    expect(res.json.metadata.continue).not.toMatch(/[=+/]/);
  });

  it('serves later pages from the first page\'s snapshot even when leases change meanwhile', async () => {
    const { names, pages } = await listAll(leasesPath('paged'), 500, async (page) => {
      if (page === 1) {
        expect((await api.call('POST', leasesPath('paged'), { body: leaseBody('lease-9999') })).status).toBe(201);
        expect((await api.call('DELETE', leasesPath('paged', 'lease-1100'))).status).toBe(200);
      }
    });
    expect(names).toHaveLength(1200);
    expect(names).toContain('lease-1100');
    expect(names).not.toContain('lease-9999');
    expect(new Set(pages.map((p) => p.metadata.resourceVersion)).size).toBe(1);
    const fresh = await listAll(leasesPath('paged'), 500);
    expect(fresh.names).toContain('lease-9999');
    expect(fresh.names).not.toContain('lease-1100');
  });

  it('a label selector filters and leaves out remainingItemCount', async () => {
    const { names, pages } = await listAll(`${leasesPath('paged')}?labelSelector=parity%3Deven`, 250);
    expect(names.length).toBe(599); // lease-1100, even, was deleted above
    expect(pages[0]!.metadata.remainingItemCount).toBeUndefined();
    expect(pages[0]!.metadata.continue).toBeDefined();
  });

  it('a token whose snapshot is gone is Expired, with a token to continue inconsistently', async () => {
    const stale = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: 'lease-0100\u0000' })).toString('base64url');
    const res = await api.call('GET', `${leasesPath('paged')}?limit=10&continue=${stale}`);
    expect(res.status).toBe(410);
    expect(res.json.reason).toBe('Expired');
    expect(res.json.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\. /);
    const next = await api.call('GET', `${leasesPath('paged')}?limit=10&continue=${res.json.metadata.continue}`);
    expect(next.status).toBe(200);
    expect(next.json.items[0].metadata.name).toBe('lease-0101');
  });

  it('a garbage token is BadRequest', async () => {
    const res = await api.call('GET', `${leasesPath('paged')}?limit=10&continue=not*base64`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'invalid continue token: continue key is not valid: illegal base64 data at input byte 3', reason: 'BadRequest', code: 400 });
  });
});

describe('selectors over HTTP', () => {
  it('a bad label selector is BadRequest with the parser\'s text', async () => {
    const res = await api.call('GET', `${leasesPath('paged')}?labelSelector=${encodeURIComponent('a b c')}`);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt", reason: 'BadRequest', code: 400 });
  });

  it('an unsupported field selector is BadRequest', async () => {
    const res = await api.call('GET', `${leasesPath('paged')}?fieldSelector=spec.holderIdentity%3Dx`);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: '"spec.holderIdentity" is not a known field selector: only "metadata.name", "metadata.namespace"', reason: 'BadRequest', code: 400 });
  });

  it('field selectors pick by name and namespace across namespaces', async () => {
    await api.call('POST', leasesPath('other'), { body: leaseBody('lease-0001') });
    const byName = await api.call('GET', '/apis/coordination.k8s.io/v1/leases?fieldSelector=metadata.name%3Dlease-0001');
    expect(byName.json.items.map((i: Page['items'][number]) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['other/lease-0001', 'paged/lease-0001']);
    const notPaged = await api.call('GET', '/apis/coordination.k8s.io/v1/leases?fieldSelector=metadata.namespace!%3Dpaged');
    expect(notPaged.json.items.map((i: Page['items'][number]) => i.metadata.namespace)).toEqual(['other']);
  });

  it('deletecollection removes what the selector matches', async () => {
    const res = await api.call('DELETE', `${leasesPath('paged')}?labelSelector=parity%3Dodd`);
    expect(res.status).toBe(200);
    expect(res.json.kind).toBe('LeaseList');
    expect(res.json.items.length).toBe(600);
    const left = await api.call('GET', `${leasesPath('paged')}?labelSelector=parity%3Dodd`);
    expect(left.json.items).toEqual([]);
  });
});

describe('speed', () => {
  it('lists 10,000 leases in well under a second and deletes 2,000 quickly', async () => {
    const created: Promise<unknown>[] = [];
    for (let i = 0; i < 10_000; i++) {
      created.push(api.call('POST', leasesPath('big'), { body: leaseBody(`big-${i}`, { holderIdentity: 'h', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' }) }));
      if (created.length === 8) await Promise.all(created.splice(0));
    }
    await Promise.all(created);
    const started = performance.now();
    const res = await api.call('GET', leasesPath('big'));
    const listMs = performance.now() - started;
    expect(res.json.items.length).toBe(10_000);
    expect(listMs).toBeLessThan(500);

    const deleteStarted = performance.now();
    for (let i = 0; i < 1000; i++) await api.call('DELETE', leasesPath('big', `big-${i}`));
    const concurrent: Promise<unknown>[] = [];
    for (let i = 1000; i < 2000; i++) {
      concurrent.push(api.call('DELETE', leasesPath('big', `big-${i}`)));
      if (concurrent.length === 8) await Promise.all(concurrent.splice(0));
    }
    await Promise.all(concurrent);
    expect(performance.now() - deleteStarted).toBeLessThan(5000);
    expect((await api.call('GET', leasesPath('big'))).json.items.length).toBe(8000);
  }, 60_000);
});
