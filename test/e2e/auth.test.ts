// Authentication paths against the sandbox: a static token file and an exec credential plugin (both leasectl's
// own; exec-credentials.test.ts pins the plugin's semantics in detail).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { againstRealCluster, SANDBOX_ONLY, setupCluster, type TestCluster } from './harness.js';

let cluster: TestCluster;

interface KubeconfigDocument {
  users: { user: Record<string, unknown> }[];
}

function kubeconfigWithUser(name: string, user: Record<string, unknown>): string {
  const document = parse(readFileSync(cluster.kubeconfig, 'utf8')) as KubeconfigDocument;
  document.users[0]!.user = user;
  const path = join(cluster.kubeconfig, '..', `kubeconfig-${name}`);
  writeFileSync(path, stringify(document));
  return path;
}

beforeAll(async () => {
  cluster = await setupCluster();
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(againstRealCluster)(`authentication (${SANDBOX_ONLY})`, () => {
  it('a token file named relative to the kubeconfig', async () => {
    writeFileSync(join(cluster.kubeconfig, '..', 'admin.token'), `${cluster.sandbox!.tokens.admin}\n`);
    const kubeconfig = kubeconfigWithUser('token-file', { tokenFile: 'admin.token' });
    const result = await cluster.leasectl(['list', '-n', cluster.namespace], { kubeconfig });
    expect(result.code, result.stderr).toBe(0);
  });

  it('an exec credential plugin', async () => {
    const plugin = join(cluster.kubeconfig, '..', 'credential-plugin.sh');
    const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: cluster.sandbox!.tokens.admin } };
    writeFileSync(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`);
    chmodSync(plugin, 0o755);
    const kubeconfig = kubeconfigWithUser('exec', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } });
    const result = await cluster.leasectl(['list', '-n', cluster.namespace], { kubeconfig });
    expect(result.code, result.stderr).toBe(0);
    const denied = kubeconfigWithUser('exec-bad', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/false', interactiveMode: 'Never' } });
    const failed = await cluster.leasectl(['list', '-n', cluster.namespace], { kubeconfig: denied });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: could not get credentials for user "\S+" from the kubeconfig \(.+\): .+\n$/);
    const missing = kubeconfigWithUser('exec-missing', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/nonexistent/plugin', interactiveMode: 'Never' } });
    const notFound = await cluster.leasectl(['list', '-n', cluster.namespace], { kubeconfig: missing });
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toMatch(/could not get credentials for user .*: exec: executable \/nonexistent\/plugin not found/);
  });
});
