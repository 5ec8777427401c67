// hold --label / --annotation: the lease hold creates or takes carries them, so that list -l and gc -l find it; bad
// keys and values are refused by the apiserver's rules before anything is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/lease/types.js';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

const FAST = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '500ms'];

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

const hold = (name: string, flags: string[], command = ['true']) => cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, ...flags, name, '--', ...command]);

async function leaseOf(name: string): Promise<Lease> {
  const result = await cluster.leasectl(['inspect', '-n', cluster.namespace, name, '-o', 'json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Lease;
}

describe('hold --label and --annotation', () => {
  it('the lease hold creates carries the labels and annotations, next to managed-by, and list -l finds it after the release', async () => {
    const name = uniqueName('labels');
    const team = uniqueName('team');
    const result = await hold(name, ['--label', `team=${team}`, '--label', 'example.com/tier=batch', '--annotation', 'owner=Data Platform <data@example.com>']);
    expect(result.code).toBe(0);
    const lease = await leaseOf(name);
    expect(lease.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'leasectl', team, 'example.com/tier': 'batch' });
    expect(lease.metadata.annotations).toMatchObject({ owner: 'Data Platform <data@example.com>' });
    expect(lease.spec?.holderIdentity).toBe(''); // released, labels kept
    const listed = await cluster.leasectl(['list', '-n', cluster.namespace, '-l', `team=${team}`, '-o', 'name']);
    expect(listed.stdout).toBe(`lease.coordination.k8s.io/${name}\n`);
  });

  it('a lease that already exists gets them when hold takes it, and keeps the labels it had', async () => {
    const name = uniqueName('labels-take');
    const created = await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'other_1', '--acquire', '--lease-duration', '60s']);
    expect(created.code).toBe(0);
    expect((await cluster.leasectl(['release', '-n', cluster.namespace, name, '--identity', 'other_1'])).code).toBe(0);
    const job = uniqueName('job');
    expect((await hold(name, ['--label', `job=${job}`, '--annotation', 'note=a=b c'])).code).toBe(0);
    const lease = await leaseOf(name);
    expect(lease.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'leasectl', job });
    expect(lease.metadata.annotations?.note).toBe('a=b c');
  });

  it('an empty label value is allowed, as kube allows it', async () => {
    const name = uniqueName('labels-empty');
    expect((await hold(name, ['--label', 'flag='])).code).toBe(0);
    expect((await leaseOf(name)).metadata.labels?.flag).toBe('');
  });

  it.each([
    ['--label', 'team', 'expected KEY=VALUE, such as --label team=payments'],
    ['--label', 'bad key=x', `invalid label "bad key=x": key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`],
    ['--label', '=x', 'invalid label "=x": key: name part must be non-empty'],
    ['--label', 'Example.com/x=1', 'invalid label "Example.com/x=1": key: prefix part a lowercase RFC 1123 subdomain'],
    ['--label', 'a/b/c=1', 'invalid label "a/b/c=1": key: a qualified name must consist of'],
    ['--label', `${'k'.repeat(64)}=1`, 'key: name part must be no more than 63 characters'],
    ['--label', `team=${'v'.repeat(64)}`, 'value: must be no more than 63 characters'],
    ['--label', 'team=-x', `invalid label "team=-x": value: a valid label must consist of alphanumeric characters`],
    ['--label', 'team=a b', `invalid label "team=a b": value: a valid label must consist of alphanumeric characters`],
    ['--label', 'app.kubernetes.io/managed-by=me', 'app.kubernetes.io/managed-by is set by hold itself (to leasectl); choose another key'],
    ['--label', 'leasectl.io/slot-of=x', "keys under leasectl.io/ are hold's own (they record --slots); choose another key"],
    ['--annotation', 'leasectl.io/slots=9', "keys under leasectl.io/ are hold's own (they record --slots); choose another key"],
    ['--annotation', 'bad key=x', 'invalid annotation "bad key=x": key: name part must consist of'],
  ])('%s %j is refused with 125 and one error line, before anything is sent', async (flag, value, message) => {
    const name = uniqueName('labels-bad');
    const result = await hold(name, [flag, value]);
    expect(result.code).toBe(125);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect((await cluster.leasectl(['inspect', '-n', cluster.namespace, name])).code).toBe(1);
  });

  it('a label given twice with different values is refused; the same value twice is fine', async () => {
    const name = uniqueName('labels-twice');
    const twice = await hold(name, ['--label', 'team=a', '--label', 'team=b']);
    expect(twice.code).toBe(125);
    expect(twice.stderr).toContain('team is given twice, as "a" and "b"; give it once');
    expect((await hold(name, ['--label', 'team=a', '--label', 'team=a'])).code).toBe(0);
  });

  it('annotations larger than 256 KiB in all are refused before anything is sent', async () => {
    const name = uniqueName('labels-large');
    const big = 'x'.repeat(100 * 1024); // one argument may hold at most 128 KiB
    const result = await hold(name, ['--annotation', `a=${big}`, '--annotation', `b=${big}`, '--annotation', `c=${big}`]);
    expect(result.code).toBe(125);
    expect(result.stderr).toContain('annotations may not be more than 262144 bytes');
    expect((await cluster.leasectl(['inspect', '-n', cluster.namespace, name])).code).toBe(1);
  });
});
