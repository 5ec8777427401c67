import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { credentialsFor, needsClientNode } from '../../src/kube/credentials.js';
import { resolveKubeconfig } from '../../src/kube/kubeconfig.js';

const pemOptions = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;
const caPem = (await generate([{ name: 'commonName', value: 'test-ca' }], pemOptions)).cert;
const client = await generate([{ name: 'commonName', value: 'test-client' }], pemOptions);

const dir = mkdtempSync(join(tmpdir(), 'leasectl-credentials-'));
mkdirSync(join(dir, 'certs'));
writeFileSync(join(dir, 'certs', 'ca.crt'), caPem);
writeFileSync(join(dir, 'certs', 'client.crt'), client.cert);
writeFileSync(join(dir, 'token'), 'first-token\n');

function kubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: 'https://k.example:6443/', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    }),
  );
  return path;
}

const resolve = (path: string, flags = {}) => resolveKubeconfig({ kubeconfig: path, ...flags }, { env: {}, homeDir: undefined });

describe('credentials without client-node', () => {
  it('reads certificate files relative to the kubeconfig, and data fields as base64', async () => {
    const path = kubeconfig('files.yaml', { 'certificate-authority': 'certs/ca.crt' }, {
      'client-certificate': 'certs/client.crt',
      'client-key-data': Buffer.from(client.private).toString('base64'),
    });
    const config = resolve(path);
    expect(config.server).toBe('https://k.example:6443');
    expect(needsClientNode(config)).toBe(false);
    const { tls } = await credentialsFor(config);
    expect(tls.ca?.toString()).toBe(caPem);
    expect(tls.cert?.toString()).toBe(client.cert);
    expect(tls.key?.toString()).toBe(client.private);
    expect(tls.rejectUnauthorized).toBe(true);
  });

  it('re-reads a token file for every request, as rotated service-account tokens need', async () => {
    const credentials = await credentialsFor(resolve(kubeconfig('token-file.yaml', {}, { tokenFile: 'token' })));
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer first-token' });
    writeFileSync(join(dir, 'token'), 'rotated-token');
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer rotated-token' });
  });

  it('sends basic auth and impersonation headers', async () => {
    const credentials = await credentialsFor(
      resolve(kubeconfig('basic.yaml', {}, { username: 'admin', password: 's3cret', as: 'jane', 'as-groups': ['ops', 'dev'], 'as-user-extra': { scopes: ['a'] } })),
    );
    expect(await credentials.headers()).toEqual({
      Authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
      'Impersonate-User': 'jane',
      'Impersonate-Group': ['ops', 'dev'],
      'Impersonate-Extra-scopes': ['a'],
    });
  });

  it('--insecure-skip-tls-verify drops the CA and turns verification off', async () => {
    const config = resolve(kubeconfig('insecure.yaml', { 'certificate-authority': 'certs/ca.crt' }, { token: 't' }), { insecureSkipTlsVerify: true });
    const { tls } = await credentialsFor(config);
    expect(tls).toMatchObject({ rejectUnauthorized: false, ca: undefined });
  });

  it('hands auth providers and proxies to client-node, and keeps exec plugins', () => {
    expect(needsClientNode(resolve(kubeconfig('exec.yaml', {}, { exec: { command: 'x', apiVersion: 'client.authentication.k8s.io/v1' } })))).toBe(false);
    expect(needsClientNode(resolve(kubeconfig('oidc.yaml', {}, { 'auth-provider': { name: 'oidc' } })))).toBe(true);
    expect(needsClientNode(resolve(kubeconfig('proxy.yaml', { 'proxy-url': 'http://proxy:3128' }, {})))).toBe(true);
  });

  it('reads the in-cluster service account when there is no kubeconfig', async () => {
    const serviceAccountDir = join(dir, 'sa');
    mkdirSync(serviceAccountDir);
    writeFileSync(join(serviceAccountDir, 'token'), 'sa-token');
    writeFileSync(join(serviceAccountDir, 'ca.crt'), caPem);
    writeFileSync(join(serviceAccountDir, 'namespace'), 'team-a\n');
    const config = resolveKubeconfig({}, {
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      homeDir: join(dir, 'nowhere'),
      serviceAccountDir,
    });
    expect(config.server).toBe('https://[fd00::1]:443');
    expect(config.contextNamespace).toBe('team-a');
    const credentials = await credentialsFor(config);
    expect(credentials.tls.ca?.toString()).toBe(caPem);
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer sa-token' });
  });
});
