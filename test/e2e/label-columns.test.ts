// kubectl's label columns (-L, --show-labels) and watch habits (--watch-only, --output-watch-events), beside kubectl
// get on the same leases.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/lease/types.js';
import { hasKubectl, KUBECTL_MISSING, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
const names = { tagged: '', bare: '' };
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await setupCluster();
  names.tagged = uniqueName('lc-a');
  names.bare = uniqueName('lc-b');
  const leases: Lease[] = [
    { metadata: { name: names.tagged, labels: { ...cluster.labels, tier: 'gold', 'app.kubernetes.io/name': 'web' } }, spec: { holderIdentity: 'node-1' } },
    { metadata: { name: names.bare, labels: cluster.labels }, spec: {} },
  ];
  await cluster.createLeases(cluster.namespace, leases);
});
afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cluster?.teardown();
});

/** The cells of a table's lines, cut where the header's columns start, AGE (which ticks between two runs) left out. */
function cellsWithoutAge(table: string): string[][] {
  const lines = table.split('\n').filter(Boolean);
  const header = lines[0]!;
  const starts = [...header.matchAll(/\S+/g)].map((match) => match.index);
  const age = header.split(/\s+/).indexOf('AGE');
  return lines.map((line) =>
    starts.map((start, index) => line.slice(start, starts[index + 1] ?? line.length).trim()).filter((_, index) => index !== age),
  );
}

describe.skipIf(!hasKubectl)(`label columns (${hasKubectl ? 'beside kubectl get' : KUBECTL_MISSING})`, () => {
  it.each([
    ['-L two keys', ['-L', 'tier,app.kubernetes.io/name']],
    ['-L repeated, one key missing everywhere', ['-L', 'tier', '-L', 'nope']],
    ['--show-labels', ['--show-labels']],
    ['-L with --show-labels', ['-L', 'tier', '--show-labels']],
  ])('%s prints the columns kubectl prints', async (_, flags) => {
    const args = ['-n', cluster.namespace, '-l', cluster.selector, ...flags];
    const kubectl = await cluster.kubectl(['get', 'leases', ...args]);
    const leasectl = await cluster.leasectl(['list', ...args]);
    expect(leasectl.code, leasectl.stderr).toBe(0);
    expect(leasectl.stdout.split('\n')[0]).toBe(kubectl.stdout.split('\n')[0]);
    expect(cellsWithoutAge(leasectl.stdout)).toEqual(cellsWithoutAge(kubectl.stdout));
    // Byte for byte but for AGE, trailing padding before an empty last cell included.
    const withoutAge = (text: string) => text.replace(/ \d+s( +)/g, ' Ns$1');
    expect(withoutAge(leasectl.stdout)).toBe(withoutAge(kubectl.stdout));
  });
});

describe('watch habits', () => {
  /** Lines a spawned `list` prints, until `count` have come. */
  function follow(args: string[], count: number): Promise<string[]> {
    const child = cluster.spawnLeasectl(['list', '-n', cluster.namespace, ...args]);
    spawned.push(child);
    let text = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with: ${JSON.stringify(text)}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const lines = text.split('\n').filter(Boolean);
        if (lines.length >= count) {
          clearTimeout(timer);
          child.kill('SIGINT');
          resolve(lines);
        }
      });
    });
  }

  it('--watch-only prints the change and not the listing', async () => {
    const name = uniqueName('lc-w');
    await cluster.createLeases(cluster.namespace, [{ metadata: { name, labels: cluster.labels }, spec: {} }]);
    const lines = follow([name, '--watch-only', '--no-headers'], 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await cluster.leasectl(['renew', name, '-n', cluster.namespace, '--identity', 'watcher', '--acquire'])).code).toBe(0);
    const [first] = await lines;
    expect(first).toMatch(new RegExp(`^${name}\\s+watcher\\s`));
  });

  it('--output-watch-events adds an EVENT column: the listing as ADDED, then MODIFIED', async () => {
    const name = uniqueName('lc-e');
    await cluster.createLeases(cluster.namespace, [{ metadata: { name, labels: cluster.labels }, spec: {} }]);
    const lines = follow([name, '-w', '--output-watch-events'], 3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await cluster.leasectl(['renew', name, '-n', cluster.namespace, '--identity', 'watcher', '--acquire'])).code).toBe(0);
    const [header, listed, modified] = await lines;
    expect(header).toMatch(/^EVENT\s+NAME\s+HOLDER\s+AGE$/);
    expect(listed).toMatch(new RegExp(`^ADDED\\s+${name}\\s`));
    expect(modified).toMatch(new RegExp(`^MODIFIED\\s+${name}\\s+watcher\\s`));
  });

  it('--output-watch-events -o json prints each change as {type, object}, type first as kubectl does', async () => {
    const name = uniqueName('lc-j');
    await cluster.createLeases(cluster.namespace, [{ metadata: { name, labels: cluster.labels }, spec: {} }]);
    const lines = follow([name, '-w', '--output-watch-events', '-o', 'json'], 2);
    const [open, type] = await lines;
    expect(open).toBe('{');
    expect(type).toBe('    "type": "ADDED",');
  });

  it('--output-watch-events without -w is refused, exit 2', async () => {
    const result = await cluster.leasectl(['list', '-n', cluster.namespace, '--output-watch-events']);
    expect(result).toMatchObject({ code: 2, stderr: 'error: --output-watch-events needs -w or --watch-only\n' });
  });
});
