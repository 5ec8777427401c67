// "Startup is a feature": --help, completion and static __complete answers must not load the Kubernetes client,
// and cluster commands with static credentials must not load client-node. The CLI is one file whose modules run
// only when used (scripts/build.mjs), so what shows that the client was loaded is what it loads: Node's HTTPS and
// TLS modules, and for client-node its own file, dist/client-node.cjs.
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { againstRealCluster, loadedByLeasectl, SANDBOX_ONLY, setupCluster, type TestCluster } from './harness.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await setupCluster();
});

afterAll(async () => {
  await cluster?.teardown();
});

const CLIENT_BUILTINS = ['NativeModule https', 'NativeModule http', 'NativeModule tls'];

async function loaded(args: string[]): Promise<{ client: string[]; files: string[] }> {
  const { builtins, files } = await loadedByLeasectl(args, { kubeconfig: cluster.kubeconfig });
  return { client: builtins.filter((name) => CLIENT_BUILTINS.includes(name)), files: files.map((file) => basename(file)) };
}

describe('what loads at startup', () => {
  it.each([
    [['--help']],
    [['list', '--help']],
    [['--version']],
    [['completion', 'bash']],
    [['__complete', '']],
    [['__complete', 'list', '-o', '']],
    [['__complete', 'list', '--context', '']],
  ])('leasectl %j never loads the Kubernetes client', async (args) => {
    const { client, files } = await loaded(args);
    expect(files).toContain('launcher.cjs');
    expect(client).toEqual([]);
    expect(files).not.toContain('client-node.cjs');
  });

  it('a command that talks to the cluster does load it (so the check above can see it)', async () => {
    expect((await loaded(['list', '-n', cluster.namespace])).client).toContain('NativeModule https');
    expect((await loaded(['__complete', 'inspect', '-n', cluster.namespace, ''])).client).toContain('NativeModule https');
  });

  it.skipIf(againstRealCluster)(`a cluster command with a token in the kubeconfig never loads client-node (${SANDBOX_ONLY})`, async () => {
    expect((await loaded(['list', '-n', cluster.namespace])).files).not.toContain('client-node.cjs');
  });
});
