// kubectl's connection flags over the kubeconfig (src/kube/overrides.ts): which field each flag replaces, what it
// leaves alone, and the combinations refused before any file is read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeFlags } from '../../src/kube/connection.js';
import { KubeconfigError, KubeInputError } from '../../src/kube/errors.js';
import { resolveKubeconfig } from '../../src/kube/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'leasectl-overrides-'));

function kubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx',
      clusters: [{ name: 'c', cluster: { server: 'https://kubeconfig.example:6443', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'team-a' } }],
    }),
  );
  return path;
}

const full = kubeconfig(
  'full.json',
  { 'certificate-authority-data': 'Q0E=', 'tls-server-name': 'kubeconfig.internal' },
  {
    token: 'kubeconfig-token',
    'client-certificate-data': 'Q0VSVA==',
    'client-key-data': 'S0VZ',
    exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'get-token' },
    as: 'kubeconfig-user',
    'as-groups': ['kubeconfig-group'],
  },
);

const resolveWith = (flags: KubeFlags, KUBECONFIG = full) => resolveKubeconfig(flags, { env: { KUBECONFIG }, homeDir: join(dir, 'no-home') });

describe('connection flags over the kubeconfig', () => {
  it('with no flags the kubeconfig is used as it is', () => {
    const resolved = resolveWith({});
    expect(resolved.server).toBe('https://kubeconfig.example:6443');
    expect(resolved.user).toMatchObject({ token: 'kubeconfig-token', as: 'kubeconfig-user', 'as-groups': ['kubeconfig-group'] });
    expect(resolved.fileFlags).toEqual({});
  });

  it("--server replaces the cluster's server and keeps its CA", () => {
    const resolved = resolveWith({ server: 'https://flag.example:443' });
    expect(resolved.server).toBe('https://flag.example:443');
    expect(resolved.cluster['certificate-authority-data']).toBe('Q0E=');
  });

  it('a --server without a scheme is https, as client-go reads it', () => {
    expect(resolveWith({ server: '10.0.0.1:6443' }).server).toBe('https://10.0.0.1:6443');
  });

  it("--token replaces the user's token and exec plugin, and keeps the client certificate and impersonation", () => {
    const { user } = resolveWith({ token: 'flag-token' });
    expect(user.token).toBe('flag-token');
    expect(user.exec).toBeUndefined();
    expect(user).toMatchObject({ 'client-certificate-data': 'Q0VSVA==', as: 'kubeconfig-user' });
  });

  it('--token also replaces a token file, basic auth and an auth provider', () => {
    const path = kubeconfig('other-auth.json', {}, { tokenFile: '/t', username: 'a', password: 'b', 'auth-provider': { name: 'oidc' } });
    const { user } = resolveWith({ token: 'flag-token' }, path);
    expect(user).toEqual({ token: 'flag-token' });
  });

  it('--certificate-authority replaces the CA data, made absolute from the working directory', () => {
    const resolved = resolveWith({ certificateAuthority: 'ca.crt' });
    expect(resolved.cluster['certificate-authority']).toBe(resolve('ca.crt'));
    expect(resolved.cluster['certificate-authority-data']).toBeUndefined();
    expect(resolved.fileFlags).toEqual({ 'certificate-authority': '--certificate-authority' });
  });

  it("--certificate-authority turns off the kubeconfig's insecure-skip-tls-verify", () => {
    const path = kubeconfig('insecure.json', { 'insecure-skip-tls-verify': true }, {});
    expect(resolveWith({ certificateAuthority: '/ca.crt' }, path).cluster['insecure-skip-tls-verify']).toBeUndefined();
  });

  it("--insecure-skip-tls-verify alone clears the kubeconfig's CA instead of conflicting with it", () => {
    const { cluster } = resolveWith({ insecureSkipTlsVerify: true });
    expect(cluster['insecure-skip-tls-verify']).toBe(true);
    expect(cluster['certificate-authority-data']).toBeUndefined();
  });

  it("--insecure-skip-tls-verify with --certificate-authority is refused in kubectl's words", () => {
    expect(() => resolveWith({ insecureSkipTlsVerify: true, certificateAuthority: '/ca.crt' })).toThrow(
      new KubeInputError(
        'specifying a root certificates file with the insecure flag is not allowed: give --certificate-authority or --insecure-skip-tls-verify, not both',
      ),
    );
  });

  it("--tls-server-name replaces the kubeconfig's", () => {
    expect(resolveWith({ tlsServerName: 'flag.internal' }).cluster['tls-server-name']).toBe('flag.internal');
  });

  it('--client-certificate and --client-key replace the data fields, each alone', () => {
    const onlyCert = resolveWith({ clientCertificate: '/c.crt' }).user;
    expect(onlyCert).toMatchObject({ 'client-certificate': '/c.crt', 'client-key-data': 'S0VZ' });
    expect(onlyCert['client-certificate-data']).toBeUndefined();
    const both = resolveWith({ clientCertificate: '/c.crt', clientKey: '/c.key' });
    expect(both.user).toMatchObject({ 'client-certificate': '/c.crt', 'client-key': '/c.key' });
    expect(both.fileFlags).toEqual({ 'client-certificate': '--client-certificate', 'client-key': '--client-key' });
  });

  it("--as, --as-group and --as-uid replace the kubeconfig's as, as-groups and as-uid", () => {
    const { user } = resolveWith({ as: 'flag-user', asGroup: ['g1', 'g2'], asUid: 'uid-1' });
    expect(user).toMatchObject({ as: 'flag-user', 'as-groups': ['g1', 'g2'], 'as-uid': 'uid-1' });
  });

  it("--as-group with the kubeconfig's as impersonates that user", () => {
    expect(resolveWith({ asGroup: ['g'] }).user).toMatchObject({ as: 'kubeconfig-user', 'as-groups': ['g'] });
  });

  it('--as-group or --as-uid without any user to impersonate is refused as a usage error', () => {
    const path = kubeconfig('plain.json', {}, { token: 't' });
    const expected = new KubeInputError('requesting uid, groups or user-extra without impersonating a user: --as-group and --as-uid need --as USER too');
    expect(() => resolveWith({ asGroup: ['g'] }, path)).toThrow(expected);
    expect(() => resolveWith({ asUid: 'u' }, path)).toThrow(expected);
  });

  it('a kubeconfig user with as-groups but no as is refused, naming the user and the file', () => {
    const path = kubeconfig('groups-only.json', {}, { token: 't', 'as-groups': ['g'] });
    expect(() => resolveWith({}, path)).toThrow(
      new KubeconfigError(`requesting uid, groups or user-extra for user "u" in ${path} without impersonating a user: add as: USER to it, or give --as USER`),
    );
    expect(resolveWith({ as: 'someone' }, path).user).toMatchObject({ as: 'someone', 'as-groups': ['g'] });
  });

  it('an empty flag value is refused rather than ignored', () => {
    expect(() => resolveWith({ token: '' })).toThrow(new KubeInputError('--token was given an empty value: give it a value, or leave the flag out'));
    expect(() => resolveWith({ server: '' })).toThrow(/--server was given an empty value/);
    expect(() => resolveWith({ asGroup: ['g', ''] })).toThrow(/--as-group was given an empty value/);
  });

  it('a --server that is no URL of a server is refused', () => {
    expect(() => resolveWith({ server: 'https://' })).toThrow(
      new KubeInputError('--server must be the URL of a Kubernetes API server, such as https://10.0.0.1:6443, got "https://"'),
    );
    expect(() => resolveWith({ server: 'ftp://host' })).toThrow(/--server must be the URL/);
  });
});

describe('--server without a kubeconfig', () => {
  const nowhere = join(dir, 'missing.yaml');

  it('needs no kubeconfig file, and no current-context', () => {
    const resolved = resolveWith({ server: 'https://flag.example', token: 't' }, nowhere);
    expect(resolved).toMatchObject({ server: 'https://flag.example', user: { token: 't' }, contextNamespace: undefined });
  });

  it('without --server a missing kubeconfig is still an error', () => {
    expect(() => resolveWith({ token: 't' }, nowhere)).toThrow(KubeconfigError);
  });

  it("does not use the pod's service account, as kubectl does not", () => {
    const serviceAccountDir = join(dir, 'sa');
    const resolved = resolveKubeconfig(
      { server: 'https://flag.example' },
      { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, homeDir: join(dir, 'no-home'), serviceAccountDir, fileExists: (path) => path.startsWith(serviceAccountDir) },
    );
    expect(resolved.user).toEqual({});
  });

  it('a context whose cluster is missing is fine with --server; a missing --cluster is not', () => {
    const path = join(dir, 'dangling.json');
    writeFileSync(path, JSON.stringify({ 'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'gone', user: '' } }] }));
    expect(resolveWith({ server: 'https://flag.example' }, path).server).toBe('https://flag.example');
    expect(() => resolveWith({ server: 'https://flag.example', cluster: 'gone' }, path)).toThrow(/cluster "gone" is not defined/);
  });
});
