import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveKubeconfig, validateNamespace } from '../../src/kube/kubeconfig.js';
import { KubeconfigError, KubeInputError } from '../../src/kube/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'leasectl-kubeconfig-'));

function kubeconfigFile(name: string, body: {
  current?: string;
  clusters?: [string, string][];
  users?: [string, string][];
  contexts?: [string, string, string, string?][];
}): string {
  const path = join(dir, name);
  const lines = ['apiVersion: v1', 'kind: Config'];
  if (body.current) lines.push(`current-context: ${body.current}`);
  lines.push('clusters:');
  for (const [cluster, server] of body.clusters ?? []) lines.push(`- name: ${cluster}`, '  cluster:', `    server: ${server}`);
  lines.push('users:');
  for (const [user, token] of body.users ?? []) lines.push(`- name: ${user}`, '  user:', `    token: ${token}`);
  lines.push('contexts:');
  for (const [context, cluster, user, namespace] of body.contexts ?? []) {
    lines.push(`- name: ${context}`, '  context:', `    cluster: ${cluster}`, `    user: ${user}`);
    if (namespace) lines.push(`    namespace: ${namespace}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const a = kubeconfigFile('a.yaml', {
  current: 'ctx-a',
  clusters: [['c1', 'https://a.example:6443']],
  users: [['u1', 'token-a']],
  contexts: [['ctx-a', 'c1', 'u1', 'team-a']],
});
const b = kubeconfigFile('b.yaml', {
  current: 'ctx-b',
  clusters: [['c1', 'https://b.example:6443'], ['c2', 'https://c2.example:6443']],
  users: [['u2', 'token-b']],
  contexts: [['ctx-b', 'c2', 'u2']],
});
const noCurrent = kubeconfigFile('nocur.yaml', { clusters: [['c3', 'https://c3.example']], users: [['u3', 't']], contexts: [['ctx-3', 'c3', 'u3']] });

const environment = (KUBECONFIG?: string) => ({ env: { KUBECONFIG }, homeDir: join(dir, 'no-home') });

describe('kubeconfig loading follows kubectl, not client-node', () => {
  it('the first KUBECONFIG file to set current-context wins', () => {
    const resolved = resolveKubeconfig({}, environment(`${a}:${b}`));
    expect(resolved.contextName).toBe('ctx-a');
    expect(resolved.contextNamespace).toBe('team-a');
    expect(resolved.server).toBe('https://a.example:6443');
  });

  it('a file without current-context defers to the next one', () => {
    expect(resolveKubeconfig({}, environment(`${noCurrent}:${b}`)).contextName).toBe('ctx-b');
  });

  it('the first file to define a cluster name wins, silently (client-node throws "Duplicate cluster")', () => {
    const resolved = resolveKubeconfig({ context: 'ctx-a' }, environment(`${a}:${b}`));
    expect(resolved.server).toBe('https://a.example:6443');
  });

  it('missing KUBECONFIG entries and empty entries are skipped', () => {
    const resolved = resolveKubeconfig({}, environment(`${join(dir, 'missing.yaml')}::${b}`));
    expect(resolved.contextName).toBe('ctx-b');
  });

  it('says so when no KUBECONFIG entry exists', () => {
    expect(() => resolveKubeconfig({}, environment(join(dir, 'missing.yaml')))).toThrow(/none of the files in KUBECONFIG exist/);
  });

  it('--kubeconfig reads only that file and must exist', () => {
    expect(resolveKubeconfig({ kubeconfig: b }, environment(a)).contextName).toBe('ctx-b');
    expect(() => resolveKubeconfig({ kubeconfig: join(dir, 'nope') }, environment())).toThrow(KubeconfigError);
  });

  it('--context picks another context and rejects an unknown one', () => {
    const resolved = resolveKubeconfig({ context: 'ctx-b' }, environment(`${a}:${b}`));
    expect(resolved.server).toBe('https://c2.example:6443');
    expect(resolved.contextNamespace).toBeUndefined();
    expect(() => resolveKubeconfig({ context: 'nope' }, environment(a))).toThrow(/context was not found for specified context: nope/);
  });

  it('--cluster and --user override the context', () => {
    const resolved = resolveKubeconfig({ cluster: 'c2', user: 'u2' }, environment(`${a}:${b}`));
    expect(resolved.server).toBe('https://c2.example:6443');
    expect(resolved.user.token).toBe('token-b');
  });

  it('says which cluster has a server that is not a URL', () => {
    const broken = kubeconfigFile('bad-server.yaml', { current: 'x', clusters: [['bad', 'not a url']], users: [['u', 't']], contexts: [['x', 'bad', 'u']] });
    expect(() => resolveKubeconfig({}, environment(broken))).toThrow(/the server of cluster "bad" in .* is not an https:\/\/ URL: "not a url"/);
  });

  it('--insecure-skip-tls-verify turns verification off for the chosen cluster', () => {
    const resolved = resolveKubeconfig({ insecureSkipTlsVerify: true }, environment(a));
    expect(resolved.cluster['insecure-skip-tls-verify']).toBe(true);
  });

  it('falls back to ~/.kube/config, and says what to do when there is nothing', () => {
    const home = join(dir, 'home');
    const kubeDir = join(home, '.kube');
    mkdirSync(kubeDir, { recursive: true });
    writeFileSync(join(kubeDir, 'config'), readFileSync(b));
    expect(resolveKubeconfig({}, { env: {}, homeDir: home }).contextName).toBe('ctx-b');
    expect(() => resolveKubeconfig({}, { env: {}, homeDir: join(dir, 'empty-home') })).toThrow(/no kubeconfig found/);
  });
});

describe('namespace flag', () => {
  it('accepts DNS-1123 labels and rejects what commander lets through from -n=foo', () => {
    expect(() => validateNamespace('kube-system')).not.toThrow();
    expect(() => validateNamespace('=foo')).toThrow(KubeInputError);
    expect(() => validateNamespace('Team')).toThrow(/lowercase RFC 1123 label/);
    expect(() => validateNamespace('a'.repeat(64))).toThrow(KubeInputError);
  });
});
