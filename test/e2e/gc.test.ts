// leasectl gc against the sandbox or a real cluster; kubectl is the independent witness of what was deleted.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/connect.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import {
  againstRealCluster, BEYOND_ONE_NAMESPACE, hasKubectl, hasReadOnlyUser, KUBECTL_MISSING, oneNamespace, READ_ONLY_MISSING, SANDBOX_ONLY, setupCluster, uniqueName,
  type Scope, type TestCluster,
} from './harness.js';

const HOUR = 3_600_000;
const HOLDER = 'worker-1_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21';
const STRATEGY_DROPPED =
  'skipped: the cluster dropped spec.strategy on create (its CoordinatedLeaderElection feature gate is off, the kube-apiserver default), so it has no coordinated lease to protect';

let cluster: TestCluster;

interface ManifestOptions {
  holder?: string;
  durationSeconds?: number;
  labels?: Record<string, string>;
  ownerReferences?: object[];
  strategy?: string;
}

function leaseManifest(name: string, renewedAgoMs: number, options: ManifestOptions = {}): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, ...(options.labels ? { labels: options.labels } : {}), ...(options.ownerReferences ? { ownerReferences: options.ownerReferences as Lease['metadata']['ownerReferences'] } : {}) },
    spec: {
      holderIdentity: options.holder ?? HOLDER,
      // Short, because gc watches each lease for its duration before deleting it.
      leaseDurationSeconds: options.durationSeconds ?? 2,
      renewTime: formatMicroTime(Date.now() - renewedAgoMs),
      ...(options.strategy ? { strategy: options.strategy } : {}),
    },
  };
}

async function createLeases(namespace: string, leases: object[]): Promise<void> {
  const result = await cluster.kubectl(['create', '--validate=false', '-n', namespace, '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: leases }),
    timeoutMs: 120_000,
  });
  expect(result.code, result.stderr).toBe(0);
}

/** Lease names in a namespace (those a label selector picks, where given), as kubectl sees them. */
async function kubectlNames(namespace: string, selector?: string): Promise<string[]> {
  const result = await cluster.kubectl(['get', 'lease', '-n', namespace, ...(selector ? ['-l', selector] : []), '-o', 'name'], { timeoutMs: 60_000 });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace('lease.coordination.k8s.io/', ''))
    .sort();
}

/** A leasectl client of our own, for what kubectl cannot do quickly (thousands of creates, a single renewal). */
function testClient() {
  return connect({ kubeconfig: cluster.kubeconfig }, { ...process.env, KUBECONFIG: cluster.kubeconfig });
}

/**
 * Node leases are owned by their Node. On a real cluster an owner that does not exist gets the lease deleted by
 * the garbage collector mid-test, so there the owner is the test's namespace (which exists).
 */
async function ownerReference(namespace: string): Promise<object> {
  if (!againstRealCluster) return { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: '6b3e1f2a-9c1d-4e5f-8a7b-1c2d3e4f5a6b' };
  const uid = await cluster.kubectl(['get', 'namespace', namespace, '-o', 'jsonpath={.metadata.uid}']);
  return { apiVersion: 'v1', kind: 'Namespace', name: namespace, uid: uid.stdout };
}

beforeAll(async () => {
  cluster = await setupCluster();
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(!hasKubectl)(`gc on a mixed set (${hasKubectl ? 'kubectl checks the result' : KUBECTL_MISSING})`, () => {
  let ns: string;
  /** gc selects this file's leases only: in a shared namespace every other file's are there too. */
  let selector: string;
  const prefix = uniqueName('gc');
  const [expired, fresh, released, recentlyExpired, nodeStyle] = ['expired', 'fresh', 'released', 'recently-expired', 'node-style'].map(
    (name) => `${prefix}-${name}`,
  ) as [string, string, string, string, string];
  const expectedDeleted = [expired, released];
  const expectedRemaining = [fresh, nodeStyle, recentlyExpired];

  beforeAll(async () => {
    ns = cluster.namespace;
    selector = cluster.selector;
    const labels = cluster.labels;
    // Looked up first (kubectl, against a real cluster): the manifests' renew times are taken just before creation.
    const owner = await ownerReference(ns);
    await createLeases(ns, [
      leaseManifest(expired, 2 * HOUR, { labels }),
      leaseManifest(fresh, 1_000, { labels }),
      leaseManifest(released, 2 * HOUR, { holder: '', durationSeconds: 1, labels }),
      leaseManifest(recentlyExpired, 10 * 60_000, { labels }),
      leaseManifest(nodeStyle, 2 * HOUR, { durationSeconds: 4, ownerReferences: [owner], labels }),
    ]);
  });

  it('--dry-run lists what it would delete and deletes nothing', async () => {
    const before = await kubectlNames(ns, selector);
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+HOLDER\s+EXPIRED-FOR$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[1]).sort()).toEqual(expectedDeleted);
    // Expired 2 s short of 2 h ago when created: 119m, or 120m where creating and listing took longer than 2 s.
    expect(result.stdout).toMatch(new RegExp(`${ns}\\s+${expired}\\s+${HOLDER}\\s+1(19|20)m\\n`));
    expect(result.stderr).toMatch(new RegExp(`^dry run: would delete ${expectedDeleted.length} leases, nothing deleted; all ${expectedDeleted.length} are unconfirmed: [^;]*; \\d expired leases? skipped as protected \\(-v lists them\\)\\n$`));
    expect(await kubectlNames(ns, selector)).toEqual(before);
  });

  it('--dry-run -o json gives the plan as data, with the reason for each skipped lease', async () => {
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--dry-run', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { dryRun: boolean; wouldDelete: { name: string }[]; skipped: { name: string; reason: string }[] };
    expect(report.dryRun).toBe(true);
    expect(report.wouldDelete.map((entry) => entry.name).sort()).toEqual(expectedDeleted);
    const skipped = Object.fromEntries(report.skipped.map((entry) => [entry.name, entry.reason]));
    expect(skipped[nodeStyle]).toBe('owned');
  });

  it('-v explains each skipped lease on stderr', async () => {
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--dry-run', '-v']);
    expect(result.stderr).toContain(`lease.coordination.k8s.io "${nodeStyle}" skipped in ${ns} namespace: owned by `);
  });

  it('deletes exactly the expected set, printing each like kubectl delete', async () => {
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n').sort()).toEqual(expectedDeleted.map((name) => `lease.coordination.k8s.io "${name}" deleted from ${ns} namespace`));
    expect(result.stderr).toMatch(new RegExp(`^deleted ${expectedDeleted.length}, kept 0, failed 0; \\d expired leases? skipped as protected`));
    expect(await kubectlNames(ns, selector)).toEqual(expectedRemaining);
  });

  it('--include-owned also deletes the owned lease', async () => {
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--include-owned', '-o', 'name']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`lease.coordination.k8s.io/${nodeStyle}\n`);
    expect(await kubectlNames(ns, selector)).toEqual(expectedRemaining.filter((name) => name !== nodeStyle));
  });

  it('--expired-for shortens the threshold', async () => {
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--expired-for', '5m', '--dry-run', '-o', 'name']);
    expect(result.stdout).toBe(`lease.coordination.k8s.io/${recentlyExpired}\n`);
  });

  it.skipIf(oneNamespace)(`never proposes a lease in kube-node-lease without --include-owned${oneNamespace ? ` (${BEYOND_ONE_NAMESPACE})` : ''}`, async () => {
    if (cluster.sandbox) {
      // The sandbox has kube-node-lease with no nodes; give it a dead node's heartbeat.
      await createLeases('kube-node-lease', [leaseManifest('dead-node', 2 * HOUR, { durationSeconds: 40 })]);
      const withOwned = await cluster.leasectl(['gc', '-n', 'kube-node-lease', '--dry-run', '--include-owned', '-o', 'name']);
      expect(withOwned.stdout).toBe('lease.coordination.k8s.io/dead-node\n');
    }
    const result = await cluster.leasectl(['gc', '-n', 'kube-node-lease', '--dry-run', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).wouldDelete).toEqual([]);
  });
});

describe.skipIf(!hasKubectl)('gc and coordinated leases', () => {
  let scope: Scope;
  let coordinated: string;
  let plain: string;
  /** Whether the cluster stored spec.strategy; with CoordinatedLeaderElection off it drops it on create. */
  let strategyStored: boolean;

  beforeAll(async () => {
    scope = await cluster.scope('gc-coordinated');
    [coordinated, plain] = [`${scope.prefix}-coordinated`, `${scope.prefix}-plain`];
    await createLeases(scope.namespace, [
      leaseManifest(coordinated, 2 * HOUR, { durationSeconds: 5, strategy: 'OldestEmulationVersion', labels: scope.labels }),
      leaseManifest(plain, 2 * HOUR, { labels: scope.labels }),
    ]);
    const strategy = await cluster.kubectl(['get', 'lease', '-n', scope.namespace, coordinated, '-o', 'jsonpath={.spec.strategy}']);
    expect(strategy.code, strategy.stderr).toBe(0);
    strategyStored = strategy.stdout === 'OldestEmulationVersion';
  });

  it('never deletes an expired coordinated lease, even with --include-owned, and says why', async (context) => {
    context.skip(!strategyStored, STRATEGY_DROPPED);
    const { namespace: ns, selector } = scope;
    const plan = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--dry-run', '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    const report = JSON.parse(plan.stdout) as { wouldDelete: { name: string }[]; skipped: { name: string; reason: string }[] };
    expect(report.wouldDelete.map((entry) => entry.name)).toEqual([plain]);
    expect(report.skipped).toContainEqual(expect.objectContaining({ name: coordinated, reason: 'coordinated' }));
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--include-owned', '-o', 'name']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`lease.coordination.k8s.io/${plain}\n`);
    expect(await kubectlNames(ns, selector)).toEqual([coordinated]);
  });
});

describe.skipIf(!hasKubectl)('gc by name and selector', () => {
  it('deletes only named, matching leases, and reports a missing name like kubectl', async () => {
    const { namespace: ns, prefix, labels, selector } = await cluster.scope('gc-names');
    const [web1, web2, db1] = ['web-1', 'web-2', 'db-1'].map((name) => `${prefix}-${name}`) as [string, string, string];
    await createLeases(ns, [
      leaseManifest(web1, 2 * HOUR, { labels: { app: 'web', ...labels } }),
      leaseManifest(web2, 2 * HOUR, { labels: { app: 'web', ...labels } }),
      leaseManifest(db1, 2 * HOUR, { labels: { app: 'db', ...labels } }),
    ]);
    const bySelector = await cluster.leasectl(['gc', '-n', ns, '-l', `app=web,${selector}`, '--dry-run', '-o', 'name']);
    expect(bySelector.stdout).toBe(`lease.coordination.k8s.io/${web1}\nlease.coordination.k8s.io/${web2}\n`);

    const byName = await cluster.leasectl(['gc', '-n', ns, web2, db1, '-o', 'name']);
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout.split('\n').filter(Boolean).sort()).toEqual([`lease.coordination.k8s.io/${db1}`, `lease.coordination.k8s.io/${web2}`]);
    expect(await kubectlNames(ns, selector)).toEqual([web1]);

    const nope = `${prefix}-nope`;
    const missing = await cluster.leasectl(['gc', '-n', ns, nope]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Error from server (NotFound): leases.coordination.k8s.io "${nope}" not found`);
  });

  it('-A with names is a usage error (exit 2)', async () => {
    expect((await cluster.leasectl(['gc', '-A', 'x'])).code).toBe(2);
  });
});

describe.skipIf(!hasKubectl)('gc at scale', () => {
  const count = againstRealCluster ? 200 : 2_000;

  it(`deletes ${count} expired leases with bounded concurrency and accounts for every one`, { timeout: 180_000 }, async () => {
    const { namespace: ns, prefix, labels, selector } = await cluster.scope('gc-bulk');
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
    await cluster.createLeases(ns, names.map((name) => leaseManifest(name, 2 * HOUR, { labels })));
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--concurrency', '8', '-o', 'json'], { timeoutMs: 150_000 });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { deleted: unknown[]; kept: unknown[]; failed: unknown[]; notAttempted: unknown[] };
    expect(report.deleted).toHaveLength(count);
    expect(report.kept.length + report.failed.length + report.notAttempted.length).toBe(0);
    expect(result.stderr).toBe(`deleted ${count.toLocaleString('en-US')}, kept 0, failed 0\n`);
    expect(await kubectlNames(ns, selector)).toEqual([]);
  });
});

describe('gc with many deletes in flight', () => {
  it('--concurrency 32 waits on 32 confirmations at once with nothing on stderr but its summary', { timeout: 60_000 }, async () => {
    const { namespace: ns, prefix, labels, selector } = await cluster.scope('gc-wide');
    const names = Array.from({ length: 40 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
    await cluster.createLeases(ns, names.map((name) => leaseManifest(name, 2 * HOUR, { labels, durationSeconds: 1 })));
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector, '--concurrency', '32', '-o', 'name']);
    expect(result).toMatchObject({ code: 0, stderr: 'deleted 40, kept 0, failed 0\n' });
    expect(result.stdout.trim().split('\n')).toHaveLength(40);
  });
});

describe.skipIf(!hasKubectl || againstRealCluster)(`gc against an apiserver that changes underneath (${againstRealCluster ? SANDBOX_ONLY : 'sandbox'})`, () => {
  it('keeps a lease renewed after the listing (the delete precondition fails)', { timeout: 60_000 }, async () => {
    const ns = await cluster.newNamespace('gc-race');
    const doomed = Array.from({ length: 7 }, (_, i) => `a-expired-${i + 1}`);
    await createLeases(ns, [...doomed.map((name) => leaseManifest(name, 2 * HOUR)), leaseManifest('z-target', 2 * HOUR)]);
    const sandbox = cluster.sandbox!;
    // Every request now takes 700 ms, and with --concurrency 1 gc deletes one lease at a time in name order: once the
    // first deletion is printed the listing is done, and z-target's delete is six round trips away.
    sandbox.faults.latencyMs = 700;
    const connection = await testClient();
    try {
      const child = cluster.spawnLeasectl(['gc', '-n', ns, '--concurrency', '1']);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = once(child, 'exit');
      for (let i = 0; i < 1_200 && !stdout.includes('"a-expired-1" deleted'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(stdout).toContain('"a-expired-1" deleted');

      const target = await connection.client.get({ namespace: ns, name: 'z-target' });
      await connection.client.update({ ...target, spec: { ...target.spec, renewTime: formatMicroTime(Date.now()) } });

      const [code] = (await exited) as [number | null];
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`lease.coordination.k8s.io "z-target" kept in ${ns} namespace: renewed since listing`);
      expect(stderr).toContain('deleted 7, kept 1, failed 0');
    } finally {
      sandbox.faults.latencyMs = 0;
      connection.close();
    }
    expect(await kubectlNames(ns)).toEqual(['z-target']);
  });
});

describe.skipIf(!hasKubectl || !hasReadOnlyUser)(`gc as a user that may only read (${hasReadOnlyUser ? 'kubectl checks the result' : READ_ONLY_MISSING})`, () => {
  it('reports each forbidden delete in kubectl\'s words and exits 1', async () => {
    const ns = cluster.namespace;
    const names = [uniqueName('old'), uniqueName('old')].sort();
    // This test's own label: gc must see these two and nothing else in the namespace.
    const labels = { ...cluster.labels, 'leasectl-e2e-case': uniqueName('forbidden') };
    const selector = Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(',');
    await createLeases(ns, names.map((name) => leaseManifest(name, 2 * HOUR, { labels })));
    const result = await cluster.leasectl(['gc', '-n', ns, '-l', selector], { kubeconfig: cluster.readOnlyKubeconfig! });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    for (const name of names) {
      expect(result.stderr).toMatch(new RegExp(`Error from server \\(Forbidden\\): leases.coordination.k8s.io "${name}" is forbidden: User ".+" cannot delete resource "leases"`));
    }
    expect(result.stderr).toContain('deleted 0, kept 0, failed 2');
    expect(await kubectlNames(ns, selector)).toEqual(names);
  });
});
