// Lease names given in kubectl's TYPE/NAME form (what -o name prints), the built binary against the sandbox (or a
// real cluster): the name after the type is checked as any name is, before any request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
let name: string;
beforeAll(async () => {
  cluster = await setupCluster();
  name = uniqueName('typed');
  const created = await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'me_1', '--acquire']);
  if (created.code !== 0) throw new Error(created.stderr);
});
afterAll(async () => {
  await cluster?.teardown();
});

const leasectl = (args: string[]) => cluster.leasectl([...args, '-n', cluster.namespace]);

describe('TYPE/NAME', () => {
  it('what list -o name prints names the lease again, as in kubectl, and so do lease/NAME and leases/NAME', async () => {
    const printed = (await leasectl(['list', name, '-o', 'name'])).stdout.trim();
    expect(printed).toBe(`lease.coordination.k8s.io/${name}`);
    for (const argument of [printed, `lease/${name}`, `leases/${name}`, `Lease/${name}`]) {
      const result = await leasectl(['list', argument, '-o', 'name']);
      expect(result, argument).toMatchObject({ code: 0, stdout: `${printed}\n` });
    }
  });

  it("lease/.., lease/. and lease/ are refused in kubectl's words before any request, exit 2", async () => {
    for (const [argument, message] of [
      ['lease/..', `invalid resource name "..": [may not be '..']`],
      ['leases/.', `invalid resource name ".": [may not be '.']`],
      ['lease/', 'resource name may not be empty'],
      ['lease.coordination.k8s.io/a/b', `invalid resource name "a/b": [may not contain '/']`],
      ['pods/x', `invalid resource name "pods/x": [may not contain '/']`],
    ]) {
      const result = await leasectl(['inspect', argument!]);
      expect(result, argument).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr, argument).toBe(`error: ${message}; give the name of a lease, such as example-foo\n`);
    }
  });

  it('release lease/.. --force releases nothing, and hold lease/.. exits 125 without running its command', async () => {
    const release = await leasectl(['release', 'lease/..', '--force']);
    expect(release.code).toBe(2);
    const hold = await leasectl(['hold', 'lease/..', '--', 'echo', 'ran']);
    expect(hold).toMatchObject({ code: 125, stdout: '' });
    expect(hold.stderr).toMatch(/^error: invalid resource name "\.\.": \[may not be '\.\.'\]/);
    expect((await leasectl(['inspect', name, '-o', 'json'])).stdout).toContain('"holderIdentity": "me_1"');
  });
});
