// Lists: selectors over HTTP, pagination with consistent snapshots, continue-token errors, reads at a
// resourceVersion, and scale (speed is measured by npm run bench, not asserted here).

import { beforeAll, describe, expect, it } from 'vitest';
import { againstRealCluster, leaseBody, leasesPath, useSandbox } from './client.js';

const harness = useSandbox({ namespaces: ['paged', 'big', 'other', 'versions'] });

beforeAll(async () => {
  if (againstRealCluster) return; // every test skips: SANDBOX_ONLY
  for (let i = 0; i < 1200; i++) {
    const res = await harness.api.call('POST', leasesPath('paged'), { body: leaseBody(`lease-${String(i).padStart(4, '0')}`, {}, { labels: { parity: i % 2 === 0 ? 'even' : 'odd' } }) });
    if (res.status !== 201) throw new Error(res.text);
  }
});

type Page = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string; namespace: string } }[] };

async function listAll(path: string, limit: number, between?: (page: number) => Promise<void>): Promise<{ names: string[]; pages: Page[] }> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const res = await harness.api.call('GET', `${path}${separator}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
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
    const res = await harness.api.call('GET', `${leasesPath('paged')}?limit=2`);
    const token = JSON.parse(Buffer.from(res.json.metadata.continue, 'base64url').toString());
    expect(token).toEqual({ v: 'meta.k8s.io/v1', rv: Number(res.json.metadata.resourceVersion), start: 'lease-0001\u0000' });
    expect(res.json.metadata.continue).not.toMatch(/[=+/]/);
  });

  it('serves later pages from the first page\'s snapshot even when leases change meanwhile', async () => {
    const { names, pages } = await listAll(leasesPath('paged'), 500, async (page) => {
      if (page === 1) {
        expect((await harness.api.call('POST', leasesPath('paged'), { body: leaseBody('lease-9999') })).status).toBe(201);
        expect((await harness.api.call('DELETE', leasesPath('paged', 'lease-1100'))).status).toBe(200);
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
    const res = await harness.api.call('GET', `${leasesPath('paged')}?limit=10&continue=${stale}`);
    expect(res.status).toBe(410);
    expect(res.json.reason).toBe('Expired');
    expect(res.json.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\. /);
    const next = await harness.api.call('GET', `${leasesPath('paged')}?limit=10&continue=${res.json.metadata.continue}`);
    expect(next.status).toBe(200);
    expect(next.json.items[0].metadata.name).toBe('lease-0101');
  });

  it('a garbage token is BadRequest', async () => {
    const res = await harness.api.call('GET', `${leasesPath('paged')}?limit=10&continue=not*base64`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'invalid continue token: continue key is not valid: illegal base64 data at input byte 3', reason: 'BadRequest', code: 400 });
  });
});

describe('selectors over HTTP', () => {
  it('a bad label selector is BadRequest with the parser\'s text', async () => {
    const res = await harness.api.call('GET', `${leasesPath('paged')}?labelSelector=${encodeURIComponent('a b c')}`);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt", reason: 'BadRequest', code: 400 });
  });

  it('an unsupported field selector is BadRequest', async () => {
    const res = await harness.api.call('GET', `${leasesPath('paged')}?fieldSelector=spec.holderIdentity%3Dx`);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: '"spec.holderIdentity" is not a known field selector: only "metadata.name", "metadata.namespace"', reason: 'BadRequest', code: 400 });
  });

  it('field selectors pick by name and namespace across namespaces', async () => {
    await harness.api.call('POST', leasesPath('other'), { body: leaseBody('lease-0001') });
    const byName = await harness.api.call('GET', '/apis/coordination.k8s.io/v1/leases?fieldSelector=metadata.name%3Dlease-0001');
    expect(byName.json.items.map((i: Page['items'][number]) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['other/lease-0001', 'paged/lease-0001']);
    const notPaged = await harness.api.call('GET', '/apis/coordination.k8s.io/v1/leases?fieldSelector=metadata.namespace!%3Dpaged');
    expect(notPaged.json.items.map((i: Page['items'][number]) => i.metadata.namespace)).toEqual(['other']);
  });

  it('deletecollection removes what the selector matches', async () => {
    const res = await harness.api.call('DELETE', `${leasesPath('paged')}?labelSelector=parity%3Dodd`);
    expect(res.status).toBe(200);
    expect(res.json.kind).toBe('LeaseList');
    expect(res.json.items.length).toBe(600);
    const left = await harness.api.call('GET', `${leasesPath('paged')}?labelSelector=parity%3Dodd`);
    expect(left.json.items).toEqual([]);
  });
});

describe('resourceVersion and resourceVersionMatch', () => {
  const path = leasesPath('versions');
  const names = (res: { json: Page }) => res.json.items.map((item) => item.metadata.name);
  let before: string;
  let current: string;

  beforeAll(async () => {
    if (againstRealCluster) return; // every test skips: SANDBOX_ONLY
    await harness.api.call('POST', path, { body: leaseBody('kept') });
    await harness.api.call('POST', path, { body: leaseBody('removed-later') });
    before = (await harness.api.call('GET', path)).json.metadata.resourceVersion;
    await harness.api.call('DELETE', leasesPath('versions', 'removed-later'));
    await harness.api.call('POST', path, { body: leaseBody('added-later') });
    current = (await harness.api.call('GET', path)).json.metadata.resourceVersion;
  });

  it('"0" and an old version without a match are served from the current state', async () => {
    for (const query of ['resourceVersion=0', `resourceVersion=${before}`, `resourceVersion=${before}&resourceVersionMatch=NotOlderThan`, 'resourceVersion=0&resourceVersionMatch=NotOlderThan']) {
      const res = await harness.api.call('GET', `${path}?${query}`);
      expect(res.status, query).toBe(200);
      expect(names(res), query).toEqual(['added-later', 'kept']);
      expect(res.json.metadata.resourceVersion, query).toBe(current);
    }
  });

  it('Exact, or a limit with no match (the legacy rule), reads the list as it was at that version', async () => {
    for (const query of [`resourceVersion=${before}&resourceVersionMatch=Exact`, `resourceVersion=${before}&limit=10`]) {
      const res = await harness.api.call('GET', `${path}?${query}`);
      expect(res.status, query).toBe(200);
      expect(names(res), query).toEqual(['kept', 'removed-later']);
      expect(res.json.metadata.resourceVersion, query).toBe(before);
    }
  });

  it('an Exact version older than the retained history is Expired', async () => {
    const res = await harness.api.call('GET', `${leasesPath('paged')}?resourceVersion=3&resourceVersionMatch=Exact`);
    expect(res.status).toBe(410);
    expect(res.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'The resourceVersion for the provided list is too old.', reason: 'Expired', code: 410 });
  });

  it('a version the store has not reached is a 504 Timeout after the watch cache\'s 3 s wait', async () => {
    const ahead = Number(current) + 1000;
    const started = performance.now();
    const res = await harness.api.call('GET', `${path}?resourceVersion=${ahead}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2900);
    expect(res.status).toBe(504);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Timeout: Too large resource version: ${ahead}, current: ${current}`, reason: 'Timeout',
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }, code: 504,
    });
  });

  it('a version reached while waiting is served', async () => {
    const next = Number(current) + 1;
    const pending = harness.api.call('GET', `${path}?resourceVersion=${next}&resourceVersionMatch=NotOlderThan`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await harness.api.call('POST', path, { body: leaseBody('arrived') });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(names(res)).toContain('arrived');
  });

  it('ValidateListOptions errors are a 422 on ListOptions, all reported together', async () => {
    const token = (await harness.api.call('GET', `${path}?limit=1`)).json.metadata.continue;
    const cases: [string, string][] = [
      ['resourceVersionMatch=Exact', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
      ['resourceVersion=0&resourceVersionMatch=Exact', 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
      ['resourceVersion=1&resourceVersionMatch=Newest', 'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'],
      [`resourceVersionMatch=Newest&continue=${token}`, '[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided, resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""]'],
    ];
    for (const [query, detail] of cases) {
      const res = await harness.api.call('GET', `${path}?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.json.message, query).toBe(`ListOptions.meta.k8s.io "" is invalid: ${detail}`);
      expect(res.json.details.group, query).toBe('meta.k8s.io');
      expect(res.json.details.kind, query).toBe('ListOptions');
    }
  });

  it('a continue token with a resourceVersion other than "0" is a BadRequest', async () => {
    const token = (await harness.api.call('GET', `${path}?limit=1`)).json.metadata.continue;
    const res = await harness.api.call('GET', `${path}?limit=1&resourceVersion=${current}&continue=${token}`);
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('specifying resource version is not allowed when using continue');
    expect((await harness.api.call('GET', `${path}?limit=1&resourceVersion=0&continue=${token}`)).status).toBe(200);
  });
});

describe('scale', () => {
  const names = (res: { json: Page }) => res.json.items.map((item) => item.metadata.name);

  // How fast is npm run bench's business: this pins only that every lease is listed once and every delete lands.
  it('lists 10,000 leases, each once, and deletes 2,000 of them one by one and eight at a time', async () => {
    const created: Promise<unknown>[] = [];
    for (let i = 0; i < 10_000; i++) {
      created.push(harness.api.call('POST', leasesPath('big'), { body: leaseBody(`big-${i}`, { holderIdentity: 'h', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' }) }));
      if (created.length === 32) await Promise.all(created.splice(0));
    }
    await Promise.all(created);
    const all = names(await harness.api.call('GET', leasesPath('big')));
    expect(all).toHaveLength(10_000);
    expect(new Set(all).size).toBe(10_000);

    for (let i = 0; i < 1000; i++) expect((await harness.api.call('DELETE', leasesPath('big', `big-${i}`))).status).toBe(200);
    const concurrent: Promise<{ status: number }>[] = [];
    for (let i = 1000; i < 2000; i++) {
      concurrent.push(harness.api.call('DELETE', leasesPath('big', `big-${i}`)));
      if (concurrent.length === 8) for (const res of await Promise.all(concurrent.splice(0))) expect(res.status).toBe(200);
    }
    for (const res of await Promise.all(concurrent)) expect(res.status).toBe(200);
    const left = names(await harness.api.call('GET', leasesPath('big')));
    expect(left).toHaveLength(8000);
    expect(left.filter((name) => Number(name.slice('big-'.length)) < 2000)).toEqual([]);
  }, 180_000); // 12,000 requests: a bound against a hang on a loaded machine, not a speed target
});
