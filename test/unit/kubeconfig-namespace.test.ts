// The namespace a kubeconfig or the pod's service account gives is checked like -n, naming where it came from.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeconfigError } from '../../src/kube/errors.js';
import { resolveKubeconfig } from '../../src/kube/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'leasectl-namespace-'));

function serviceAccount(namespace: string): string {
  const account = mkdtempSync(join(dir, 'sa-'));
  writeFileSync(join(account, 'token'), 'token\n');
  writeFileSync(join(account, 'namespace'), namespace);
  return account;
}

function inCluster(serviceAccountDir: string, flags: { namespace?: string } = {}) {
  return resolveKubeconfig(flags, { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, homeDir: undefined, serviceAccountDir });
}

function kubeconfigWithNamespace(namespace: string): string {
  const file = join(mkdtempSync(join(dir, 'kc-')), 'config');
  writeFileSync(
    file,
    JSON.stringify({
      'current-context': 'team',
      clusters: [{ name: 'c', cluster: { server: 'https://c.example:6443' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'team', context: { cluster: 'c', user: 'u', namespace } }],
    }),
  );
  return file;
}

describe('the namespace from the in-cluster service account', () => {
  it('refuses a namespace file that says "..", naming the file', () => {
    const account = serviceAccount('..\n');
    expect(() => inCluster(account)).toThrow(
      new KubeconfigError(`invalid namespace "..": [may not be '..'] (read from ${join(account, 'namespace')}): correct it there, or give -n NAMESPACE`),
    );
  });

  it('uses a good namespace file, and lets -n stand in for a bad one', () => {
    expect(inCluster(serviceAccount('batch\n')).contextNamespace).toBe('batch');
    expect(inCluster(serviceAccount('a/b'), { namespace: 'batch' }).contextName).toBe('in-cluster');
  });
});

describe('the namespace of the kubeconfig context', () => {
  it('refuses one that would leave its path segment, naming the context and the file', () => {
    const file = kubeconfigWithNamespace('%2e%2e');
    expect(() => resolveKubeconfig({ kubeconfig: file }, { env: {}, homeDir: undefined })).toThrow(
      new KubeconfigError(`invalid namespace "%2e%2e": [may not contain '%'] (the namespace of context "team" in ${file}): correct it there, or give -n NAMESPACE`),
    );
  });

  it('refuses one that cannot be a namespace at all', () => {
    const file = kubeconfigWithNamespace('Team A');
    expect(() => resolveKubeconfig({ kubeconfig: file }, { env: {}, homeDir: undefined })).toThrow(/^invalid namespace "Team A": a namespace is a lowercase RFC 1123 label/);
  });
});
