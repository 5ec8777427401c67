// leasectl identity against the sandbox or a real cluster. Fixture identity leases of both releases' shapes are
// created in the test's own namespace (a real kube-system is not ours to write) and found there with -n.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiserverLeaseName, legacyApiserverLeaseName } from '../../src/lease/apiserver-identity.js';
import { formatMicroTime } from '../../src/lease/time.js';
import { BEYOND_ONE_NAMESPACE, hasKubectl, KUBECTL_MISSING, oneNamespace, setupCluster, type TestCluster } from './harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const UUID = '0c8914f7-0f35-440e-8676-7844977d3a05';

let cluster: TestCluster;
let ns: string;

/** An identity lease as kube-apiserver writes it: 1.27+ (`current`) or 1.26 (`legacy`) name and label. */
function identityManifest(hostname: string, renewedAgoMs: number, scheme: 'current' | 'legacy') {
  const name = scheme === 'current' ? apiserverLeaseName(hostname) : legacyApiserverLeaseName(hostname);
  const schemeLabel = scheme === 'current' ? { 'apiserver.kubernetes.io/identity': 'kube-apiserver' } : { 'k8s.io/component': 'kube-apiserver' };
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    // The file's label too, so that teardown finds them in a shared namespace.
    metadata: { name, labels: { ...schemeLabel, 'kubernetes.io/hostname': hostname, ...cluster.labels } },
    spec: { holderIdentity: `${name}_${UUID}`, leaseDurationSeconds: 3600, renewTime: formatMicroTime(Date.now() - renewedAgoMs) },
  };
}

async function createLeases(namespace: string, leases: object[]): Promise<void> {
  const result = await cluster.kubectl(['create', '--validate=false', '-n', namespace, '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: leases }) });
  expect(result.code, result.stderr).toBe(0);
}

/** Table rows as arrays of cells (cells are separated by at least three spaces; HOLDER is never blank here). */
function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{3,}/));
}

beforeAll(async () => {
  cluster = await setupCluster();
  ns = cluster.namespace;
  if (!hasKubectl) return;
  await createLeases(ns, [
    identityManifest('master-1', 2_000, 'current'),
    identityManifest('master-2', HOUR + 14 * MINUTE, 'current'), // expired 14 minutes ago
    identityManifest('kind-control-plane', 3_000, 'legacy'),
    // Carries the 1.26 label but is not named like an identity lease: not an apiserver.
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'not-an-apiserver', labels: { 'k8s.io/component': 'kube-apiserver', ...cluster.labels } }, spec: {} },
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'unrelated', labels: cluster.labels }, spec: { holderIdentity: 'x' } },
  ]);
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(!hasKubectl)(`leasectl identity (${hasKubectl ? 'kubectl creates the fixtures' : KUBECTL_MISSING})`, () => {
  it('lists 1.27+ and 1.26 identity leases together, with live and expired status and a census on stderr', async () => {
    const result = await cluster.leasectl(['identity', '-n', ns]);
    expect(result.code, result.stderr).toBe(0);
    const table = rows(result.stdout);
    expect(table[0]).toEqual(['NAME', 'HOSTNAME', 'HOLDER', 'RENEWED', 'STATUS']);
    // Sorted by name: master-2's lease (apiserver-vdmj…) comes before master-1's (apiserver-wj46…).
    expect(table.slice(1).map(([name, hostname, , , status]) => [name, hostname, status])).toEqual([
      ['apiserver-vdmjwd3ahrcl55g4iherbo7wye', 'master-2', 'expired'],
      ['apiserver-wj467rbl25eeviqacfhvg2yvnm', 'master-1', 'live'],
      ['kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a', 'kind-control-plane', 'live'],
    ]);
    expect(result.stderr).toBe('3 kube-apiservers, 2 live, 1 expired 14m ago (garbage-collected about 1h after expiry)\n');
  });

  it('-o wide shows the expected name for each hostname under its own scheme, and that it matches', async () => {
    const result = await cluster.leasectl(['identity', '-n', ns, '-o', 'wide']);
    expect(result.code, result.stderr).toBe(0);
    const table = rows(result.stdout);
    expect(table[0]).toEqual(['NAME', 'HOSTNAME', 'HOLDER', 'RENEWED', 'STATUS', 'EXPECTED-NAME', 'MATCH', 'PEER-ADDRESS']);
    for (const row of table.slice(1)) {
      expect(row[5]).toBe(row[0]);
      expect(row[6]).toBe('yes');
    }
  });

  it('-o name and -o json print the same three leases', async () => {
    const names = await cluster.leasectl(['identity', '-n', ns, '-o', 'name']);
    expect(names.stdout).toBe(
      [apiserverLeaseName('master-2'), apiserverLeaseName('master-1'), legacyApiserverLeaseName('kind-control-plane')].map((name) => `lease.coordination.k8s.io/${name}\n`).join(''),
    );
    const json = await cluster.leasectl(['identity', '-n', ns, '-o', 'json']);
    const list = JSON.parse(json.stdout) as { kind: string; items: { metadata: { name: string } }[] };
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(3);
  });

  it('--hostname prints the name under each scheme and marks the one that exists', async () => {
    const current = await cluster.leasectl(['identity', '-n', ns, '--hostname', 'master-1']);
    expect(current.code, current.stderr).toBe(0);
    expect(rows(current.stdout)).toEqual([
      ['RELEASES', 'NAME', 'IN-CLUSTER'],
      ['1.27+', 'apiserver-wj467rbl25eeviqacfhvg2yvnm', 'yes, live'],
      ['1.26', legacyApiserverLeaseName('master-1'), 'no'],
    ]);
    const legacy = await cluster.leasectl(['identity', '-n', ns, '--hostname', 'kind-control-plane', '-o', 'json']);
    expect(JSON.parse(legacy.stdout).names.map((entry: { name: string; exists: boolean }) => [entry.name, entry.exists])).toEqual([
      ['apiserver-c7uylvfxlbqccnk6myfkwetzze', false],
      ['kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a', true],
    ]);
  });

  it('--hostname still prints the names when the cluster cannot be reached', async () => {
    const result = await cluster.leasectl(['identity', '--hostname', 'master-1', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(result.code).toBe(0);
    expect(rows(result.stdout).map((row) => row.join('|'))).toEqual([
      'RELEASES|NAME|IN-CLUSTER',
      '1.27+|apiserver-wj467rbl25eeviqacfhvg2yvnm|<unknown>',
      `1.26|${legacyApiserverLeaseName('master-1')}|<unknown>`,
    ]);
    expect(result.stderr).toMatch(/^could not check which of these exists in the cluster: /);
  });

  // identity reads every identity lease in a namespace (it has no -l): one with none live, or none at all, cannot
  // be the shared namespace, where this file's live fixtures are.
  it.skipIf(oneNamespace)(`exits 1 with a clear message when no apiserver is live${oneNamespace ? ` (${BEYOND_ONE_NAMESPACE})` : ''}`, async () => {
    const allExpired = await cluster.newNamespace('identity-dead');
    await createLeases(allExpired, [identityManifest('master-9', 2 * HOUR, 'current')]);
    const result = await cluster.leasectl(['identity', '-n', allExpired]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/expired\n$/);
    expect(result.stderr).toContain(`error: no live kube-apiserver: all 1 identity leases in ${allExpired} namespace have expired`);

    const empty = await cluster.newNamespace('identity-none');
    const none = await cluster.leasectl(['identity', '-n', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`error: no kube-apiserver identity leases in ${empty} namespace`);
  });

  it('-w prints a row when an identity lease is renewed, and ends with 0 on SIGINT', async () => {
    const child = cluster.spawnLeasectl(['identity', '-n', ns, '-w', '--no-headers']);
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 100 && !pattern.test(stdout); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stdout).toMatch(pattern);
    };
    await waitFor(/kube-apiserver-c4vwjftbvpc5os2vvzle4qg27a/);
    const revived = apiserverLeaseName('master-2');
    const patch = JSON.stringify({ spec: { renewTime: formatMicroTime(Date.now()) } });
    const patched = await cluster.kubectl(['patch', 'lease', '-n', ns, revived, '--type', 'merge', '-p', patch]);
    expect(patched.code, patched.stderr).toBe(0);
    await waitFor(new RegExp(`${revived}\\s+master-2\\s+\\S+\\s+\\d+s\\s+live\\n`));
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    // Put it back as it was for the other tests.
    const expiredAgain = JSON.stringify({ spec: { renewTime: formatMicroTime(Date.now() - HOUR - 14 * MINUTE) } });
    expect((await cluster.kubectl(['patch', 'lease', '-n', ns, revived, '--type', 'merge', '-p', expiredAgain])).code).toBe(0);
  });
});
