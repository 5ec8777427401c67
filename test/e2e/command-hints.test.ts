// Mistakes that name another tool's verb or put hold's arguments in the wrong place get a hint that is right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await setupCluster();
});

afterAll(async () => {
  await cluster?.teardown();
});

describe('hints for misplaced commands and arguments', () => {
  it('leasectl delete points at gc NAME and release NAME, exit 2', async () => {
    const result = await cluster.leasectl(['delete', 'my-lock']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        "error: unknown command 'delete'\n(Did you mean gc NAME, which deletes a lease once it has expired, or release NAME, which frees it for the next holder?)\n(run 'leasectl --help' for usage)\n",
    });
  });

  it("hold -- -foo -- true says a lease name cannot start with '-', and runs nothing", async () => {
    const result = await cluster.leasectl(['hold', '-n', cluster.namespace, '--', '-foo', '--', 'echo', 'ran']);
    expect(result).toMatchObject({
      code: 125,
      stdout: '',
      stderr: `error: "-foo" after -- was read as the lease name, and a lease name cannot start with '-': write hold NAME -- echo ran\n`,
    });
  });

  it('hold -- NAME -- CMD says the name goes before --, and takes no lease', async () => {
    const name = uniqueName('misplaced');
    const result = await cluster.leasectl(['hold', '-n', cluster.namespace, '--', name, '--', 'echo', 'ran']);
    expect(result).toMatchObject({ code: 125, stdout: '', stderr: `error: the lease name goes before --: write hold ${name} -- echo ran\n` });
    const lookup = await cluster.leasectl(['inspect', '-n', cluster.namespace, name]);
    expect(lookup).toMatchObject({ code: 1, stderr: `Error from server (NotFound): leases.coordination.k8s.io "${name}" not found\n` });
  });
});
