// The tenant: a user whose RBAC allows only leases in one namespace (and a get of it), as a Role grants, so that the
// e2e suite run in one namespace fails here as it would on a cluster where that is all the user may do.

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { failureStatus, leaseBody, leasesPath, useSandbox, waitFor } from './client.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-tenant-'));
const harness = useSandbox();

/** The tenant's token, from a kubeconfig the sandbox wrote for it. */
async function tenantToken(namespace: string): Promise<string> {
  const path = await harness.sandbox.writeKubeconfig(join(dir, `tenant-${namespace}`), { onlyNamespace: namespace });
  const config = parseYaml(readFileSync(path, 'utf8'));
  expect(config.contexts[0].context.namespace).toBe(namespace);
  return config.users[0].user.token as string;
}

describe('a user whose RBAC allows one namespace', () => {
  it('may do everything with leases in its namespace, which the sandbox makes for it', async () => {
    const token = await tenantToken('team-a');
    expect((await harness.api.call('POST', leasesPath('team-a'), { token, body: leaseBody('mine') })).status).toBe(201);
    expect((await harness.api.call('GET', leasesPath('team-a', 'mine'), { token })).status).toBe(200);
    expect((await harness.api.call('GET', `${leasesPath('team-a')}?labelSelector=a%3Db`, { token })).status).toBe(200);
    expect((await harness.api.call('DELETE', leasesPath('team-a', 'mine'), { token })).status).toBe(200);
    expect((await harness.api.call('GET', '/api/v1/namespaces/team-a', { token })).status).toBe(200);
    // Discovery is every authenticated user's (system:discovery).
    expect((await harness.api.call('GET', '/apis/coordination.k8s.io/v1', { token })).status).toBe(200);
  });

  it("gets kube-apiserver's 403 for leases in other namespaces and across all of them", async () => {
    const token = await tenantToken('team-a');
    const elsewhere = await harness.api.call('POST', leasesPath('default'), { token, body: leaseBody('theirs') });
    expect(elsewhere.json).toEqual(failureStatus(403, 'Forbidden',
      'leases.coordination.k8s.io is forbidden: User "tenant" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "default"',
      { group: 'coordination.k8s.io', kind: 'leases' }));
    const all = await harness.api.call('GET', '/apis/coordination.k8s.io/v1/leases', { token });
    expect(all.json.message).toBe('leases.coordination.k8s.io is forbidden: User "tenant" cannot list resource "leases" in API group "coordination.k8s.io" at the cluster scope');
  });

  it('may not list, create, delete or get other namespaces, worded as in the recorded 403', async () => {
    const token = await tenantToken('team-a');
    // 010-get-namespace-kube-system-viewer.json: a namespace's own name is the request's namespace.
    expect((await harness.api.call('GET', '/api/v1/namespaces/kube-system', { token })).json).toEqual(failureStatus(403, 'Forbidden',
      'namespaces "kube-system" is forbidden: User "tenant" cannot get resource "namespaces" in API group "" in the namespace "kube-system"',
      { name: 'kube-system', kind: 'namespaces' }));
    expect((await harness.api.call('GET', '/api/v1/namespaces', { token })).json.message).toBe(
      'namespaces is forbidden: User "tenant" cannot list resource "namespaces" in API group "" at the cluster scope');
    expect((await harness.api.call('POST', '/api/v1/namespaces', { token, body: { metadata: { name: 'team-b' } } })).json.message).toBe(
      'namespaces is forbidden: User "tenant" cannot create resource "namespaces" in API group "" at the cluster scope');
    expect((await harness.api.call('DELETE', '/api/v1/namespaces/team-a', { token })).json.message).toBe(
      'namespaces "team-a" is forbidden: User "tenant" cannot delete resource "namespaces" in API group "" in the namespace "team-a"');
  });

  it('may not reach the fault control', async () => {
    const token = await tenantToken('team-a');
    expect((await harness.api.call('GET', '/_sandbox/faults', { token })).json.message).toBe('forbidden: User "tenant" cannot get path "/_sandbox/faults"');
  });

  it('is confined to its own namespace when there are several', async () => {
    const other = await tenantToken('team-c');
    expect((await harness.api.call('GET', leasesPath('team-a'), { token: other })).status).toBe(403);
    expect((await harness.api.call('GET', leasesPath('team-c'), { token: other })).status).toBe(200);
  });
});

describe('sandbox --namespaced-kubeconfig', () => {
  let bundle: string;

  beforeAll(async () => {
    bundle = join(dir, 'sandbox.mjs');
    await build({
      entryPoints: ['packages/sandbox/src/cli.ts'], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent',
      banner: { js: "import{createRequire as r}from'node:module';const require=r(import.meta.url);" },
    });
  });

  it("writes the kubeconfig of a user confined to the one --namespace before it prints the admin's", async () => {
    const kubeconfig = join(dir, 'cli', 'kubeconfig');
    const tenant = join(dir, 'cli', 'kubeconfig-tenant');
    const child = spawn(process.execPath, [bundle, '--kubeconfig', kubeconfig, '--namespace', 'shared', '--namespaced-kubeconfig', tenant], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stdout.includes('\n'), 15_000);
      const config = parseYaml(readFileSync(tenant, 'utf8'));
      expect(config.contexts[0].context.namespace).toBe('shared');
      expect(config.users[0].user.token).not.toBe(parseYaml(readFileSync(kubeconfig, 'utf8')).users[0].user.token);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('refuses --namespaced-kubeconfig without exactly one --namespace', async () => {
    const refused = await promisify(execFile)(process.execPath, [bundle, '--namespaced-kubeconfig', join(dir, 'x'), '--namespace', 'a', '--namespace', 'b']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/^sandbox: --namespaced-kubeconfig needs exactly one --namespace, the one its user may work in, got 2 \(usage: /) });
  });
});
