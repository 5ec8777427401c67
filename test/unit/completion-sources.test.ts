import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readKubeconfigNames } from '../../src/completion/kubeconfig-names.js';
import { kubeconfigFiles } from '../../src/kube/kubeconfig-files.js';
import { createValueSource } from '../../src/completion/sources.js';
import { connect } from '../../src/kube/connect.js';
import type { ConnectionFactory, KubeConnection, KubeFlags } from '../../src/kube/connection.js';
import type { LeaseClient, ListOptions } from '../../src/kube/lease-client.js';
import { listPages } from '../../src/kube/list-pages.js';
import type { LeaseList } from '../../src/lease/types.js';

const dir = mkdtempSync(join(tmpdir(), 'leasectl-completion-'));
/** What the CLI passes: the commands' own factory, here for the environment a test gives. */
const commandsFactory = (env: NodeJS.ProcessEnv): ConnectionFactory => (flags) => connect(flags, env);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, contexts: string[], clusters: string[] = [], users: string[] = []): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [${clusters.map((c) => `{name: "${c}", cluster: {server: "https://127.0.0.1:1"}}`).join(', ')}]`,
      `users: [${users.map((u) => `{name: "${u}", user: {}}`).join(', ')}]`,
      `contexts: [${contexts.map((c) => `{name: "${c}", context: {cluster: x, user: y}}`).join(', ')}]`,
    ].join('\n'),
  );
  return path;
}

describe('kubeconfig names for --context, --cluster and --user', () => {
  const first = kubeconfig('first', ['dev', 'arn:aws:eks:eu-west-1:1:cluster/prod'], ['dev-cluster'], ['dev-user']);
  const second = kubeconfig('second', ['dev', 'staging'], ['staging-cluster'], ['staging-user']);

  it('picks the files as kubectl does: --kubeconfig, else every existing $KUBECONFIG entry, else ~/.kube/config', () => {
    expect(kubeconfigFiles('/explicit', { KUBECONFIG: first }, dir).files).toEqual(['/explicit']);
    expect(kubeconfigFiles(undefined, { KUBECONFIG: [first, join(dir, 'missing'), second].join(delimiter) }, dir).files).toEqual([first, second]);
    expect(kubeconfigFiles(undefined, {}, dir)).toEqual({ files: [], from: 'none' });
  });

  it('lists each name once, in file order, and skips files it cannot read', () => {
    writeFileSync(join(dir, 'broken'), 'contexts: [unclosed');
    expect(readKubeconfigNames([first, join(dir, 'broken'), join(dir, 'missing'), second])).toEqual({
      contexts: ['dev', 'arn:aws:eks:eu-west-1:1:cluster/prod', 'staging'],
      clusters: ['dev-cluster', 'staging-cluster'],
      users: ['dev-user', 'staging-user'],
    });
  });

  it('answers through the value source without touching a cluster', async () => {
    const env = { KUBECONFIG: second };
    const source = createValueSource(env, () => 0, commandsFactory(env));
    expect(await source.contexts({})).toEqual(['dev', 'staging']);
    expect(await source.contexts({ kubeconfig: first })).toEqual(['dev', 'arn:aws:eks:eu-west-1:1:cluster/prod']);
    expect(await source.users({})).toEqual(['staging-user']);
  });
});

describe('cluster answers', () => {
  it('are empty, silently, when there is no kubeconfig at all', async () => {
    const env = { HOME: dir };
    const source = createValueSource(env, () => 0, commandsFactory(env), 500);
    expect(await source.namespaces({})).toEqual([]);
    expect(await source.leases({})).toEqual([]);
  });

  it('are empty, silently, when the kubeconfig names a context that does not exist', async () => {
    const env = { KUBECONFIG: kubeconfig('third', ['a']) };
    const source = createValueSource(env, () => 0, commandsFactory(env), 500);
    expect(await source.leases({ context: 'nope' })).toEqual([]);
  });
});

describe('cluster answers go through the connection factory the commands use', () => {
  const NOW = Date.parse('2026-11-23T12:00:00Z');

  /** A factory that records the flags it is asked for and whether each connection was closed. */
  function recordingFactory(leases: { name: string; holder?: string }[]) {
    const asked: KubeFlags[] = [];
    let closed = 0;
    const pages: { limit?: number; continueToken?: string }[] = [];
    // Pages of `limit` leases, continued by the index of the next one, as the apiserver pages a list.
    const listPage = async (options: ListOptions): Promise<LeaseList> => {
      pages.push({ limit: options.limit, continueToken: options.continueToken });
      const start = Number(options.continueToken ?? 0);
      const end = Math.min(leases.length, start + (options.limit ?? leases.length));
      return {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'LeaseList',
        metadata: end < leases.length ? { continue: String(end) } : {},
        items: leases.slice(start, end).map(({ name, holder }) => ({
          metadata: { name, namespace: options.namespace },
          spec: { holderIdentity: holder, leaseDurationSeconds: 60, renewTime: new Date(NOW - 1_000).toISOString() },
        })),
      };
    };
    const client = { listPage, listPages: (options: ListOptions) => listPages(listPage, options) } as unknown as LeaseClient;
    const factory: ConnectionFactory = async (flags) => {
      asked.push(flags);
      const connection: KubeConnection = {
        client,
        namespace: flags.namespace ?? 'default',
        namespaceFromFlag: flags.namespace !== undefined,
        namespaceNames: async () => ['default', 'kube-system'],
        serverVersion: async () => ({}),
        close: () => void closed++,
      };
      return connection;
    };
    return { factory, asked, pages, closedCount: () => closed };
  }

  it('asks it for the flags on the command line, with the completion deadline as --request-timeout, and closes what it opened', async () => {
    const recorder = recordingFactory([{ name: 'leader', holder: 'pod-a' }, { name: 'free' }]);
    const source = createValueSource({}, () => NOW, recorder.factory, 700);
    expect(await source.leases({ namespace: 'team-a', context: 'dev' })).toEqual([
      { value: 'leader', description: 'held by pod-a' },
      { value: 'free', description: 'released' },
    ]);
    expect(await source.namespaces({ kubeconfig: '/some/config' })).toEqual(['default', 'kube-system']);
    expect(recorder.asked).toEqual([
      { namespace: 'team-a', context: 'dev', requestTimeout: 700 },
      { kubeconfig: '/some/config', requestTimeout: 700 },
    ]);
    expect(recorder.closedCount()).toBe(2);
  });

  it("offers leases past the first page, as kubectl's completion does: the word typed may match only one of those", async () => {
    const leases = Array.from({ length: 1_200 }, (_, index) => ({ name: `node-${String(index).padStart(4, '0')}`, holder: `node-${index}` }));
    const recorder = recordingFactory(leases);
    const source = createValueSource({}, () => NOW, recorder.factory, 700);
    const offered = await source.leases({ namespace: 'kube-node-lease' });
    expect(offered.map((candidate) => candidate.value)).toEqual(leases.map((lease) => lease.name));
    expect(offered.at(-1)).toEqual({ value: 'node-1199', description: 'held by node-1199' });
    expect(recorder.pages).toEqual([{ limit: 500, continueToken: undefined }, { limit: 500, continueToken: '500' }, { limit: 500, continueToken: '1000' }]);
  });

  it('gives no candidates, silently, when the factory cannot connect', async () => {
    const failing: ConnectionFactory = async () => {
      throw new Error('no cluster');
    };
    const source = createValueSource({}, () => NOW, failing, 500);
    expect(await source.namespaces({})).toEqual([]);
    expect(await source.leases({})).toEqual([]);
  });
});
