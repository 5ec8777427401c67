import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readKubeconfigNames } from '../../src/completion/kubeconfig-names.js';
import { kubeconfigFiles } from '../../src/kube/kubeconfig-files.js';
import { createValueSource } from '../../src/completion/sources.js';

const dir = mkdtempSync(join(tmpdir(), 'leasectl-completion-'));
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
    const source = createValueSource({ KUBECONFIG: second }, () => 0);
    expect(await source.contexts({})).toEqual(['dev', 'staging']);
    expect(await source.contexts({ kubeconfig: first })).toEqual(['dev', 'arn:aws:eks:eu-west-1:1:cluster/prod']);
    expect(await source.users({})).toEqual(['staging-user']);
  });
});

describe('cluster answers', () => {
  it('are empty, silently, when there is no kubeconfig at all', async () => {
    const source = createValueSource({ HOME: dir }, () => 0, 500);
    expect(await source.namespaces({})).toEqual([]);
    expect(await source.leases({})).toEqual([]);
  });

  it('are empty, silently, when the kubeconfig names a context that does not exist', async () => {
    const source = createValueSource({ KUBECONFIG: kubeconfig('third', ['a']) }, () => 0, 500);
    expect(await source.leases({ context: 'nope' })).toEqual([]);
  });
});
