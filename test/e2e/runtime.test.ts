// Nothing but leasectl's own output reaches stderr on any supported Node.js. Node 22 and 24 print deprecation
// warnings that Node 20 prints only with --pending-deprecation, so these runs turn that on: the suite then
// catches on the floor runtime what users of the newer ones would see (CI runs it on 22 and 24 as well).
import { createServer, type Server } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { againstRealCluster, builtinsLoaded, loadedByLeasectl, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
let proxy: Server;
let proxied = 0;

const PENDING_DEPRECATIONS = { NODE_OPTIONS: '--pending-deprecation' };

interface KubeconfigDocument {
  clusters: { cluster: Record<string, unknown> }[];
  users: { user: Record<string, unknown> }[];
}

function kubeconfigWith(change: (document: KubeconfigDocument) => void): string {
  const document = parse(readFileSync(cluster.kubeconfig, 'utf8')) as KubeconfigDocument;
  change(document);
  const path = join(cluster.kubeconfig, '..', uniqueName('kubeconfig'));
  writeFileSync(path, stringify(document));
  return path;
}

beforeAll(async () => {
  cluster = await setupCluster();
  await cluster.createLeases(cluster.namespace, [{ metadata: { name: uniqueName('runtime') }, spec: { holderIdentity: 'someone' } }]);
  // An HTTP CONNECT proxy, so that the proxy-url path (the one still served by client-node) runs for real.
  proxy = createServer();
  proxy.on('connect', (request, socket, head) => {
    proxied++;
    const [host, port] = request.url!.split(':');
    const upstream = connectTcp(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  proxy?.close();
  await cluster?.teardown();
});

describe('stderr holds only what leasectl says', () => {
  it('list, --help and completion write nothing to stderr with pending deprecations shown', async () => {
    for (const args of [['list', '-n', cluster.namespace], ['--help'], ['__complete', 'inspect', '-n', cluster.namespace, '']]) {
      const result = await cluster.leasectl(args, { env: PENDING_DEPRECATIONS });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, args.join(' ')).toBe('');
    }
  });

  it.skipIf(againstRealCluster)(`a cluster behind proxy-url, through client-node, prints no deprecation warning (${SANDBOX_ONLY})`, async () => {
    const { port } = proxy.address() as { port: number };
    const kubeconfig = kubeconfigWith((document) => (document.clusters[0]!.cluster['proxy-url'] = `http://127.0.0.1:${port}`));
    const before = proxied;
    const result = await cluster.leasectl(['list', '-n', cluster.namespace], { kubeconfig, env: PENDING_DEPRECATIONS });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(proxied).toBeGreaterThan(before);
    // This is the path that loads client-node, from its own file (the check in completion-startup can see it).
    const { files } = await loadedByLeasectl(['list', '-n', cluster.namespace], { kubeconfig });
    expect(files.some((file) => file.endsWith('/dist/client-node.cjs'))).toBe(true);
  });
});

describe('what a command loads of Node.js itself', () => {
  const builtinsOf = (args: string[]) => builtinsLoaded(args, { kubeconfig: cluster.kubeconfig });

  // On Node 22 and 24 an ES-module import of node:http read its lazy WebSocket getters and so loaded undici.
  it('list and --help do not load undici (Node.js fetch), which nothing on their path uses', async () => {
    for (const args of [['list', '-n', cluster.namespace], ['--help']]) {
      expect((await builtinsOf(args)).filter((name) => name.includes('undici')), args.join(' ')).toEqual([]);
    }
  });
});
