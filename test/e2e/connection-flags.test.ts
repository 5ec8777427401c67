// kubectl's global connection flags (-s/--server, --token, --certificate-authority, --client-certificate,
// --client-key, --tls-server-name, --as, --as-group, --as-uid) on the built binary against the sandbox, which
// authorizes impersonation as kube-apiserver does; beside kubectl, given the same flags, where it helps.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { againstRealCluster, hasKubectl, KUBECTL_MISSING, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
/** The sandbox's CA as a file, for --certificate-authority. */
let caFile: string;
/** A kubeconfig that names neither a CA nor any credentials: everything comes from the flags. */
let bareKubeconfig: string;
/** An environment where kubectl and leasectl find no kubeconfig at all. */
let noKubeconfigEnv: NodeJS.ProcessEnv;

const forbiddenList = (user: string, namespace: string) =>
  `Error from server (Forbidden): leases.coordination.k8s.io is forbidden: User "${user}" cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "${namespace}"\n`;

function writeKubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const path = join(workDir(), name);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx',
      clusters: [{ name: 'c', cluster }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
    }),
  );
  return path;
}

const workDir = () => cluster.workDir;
const sandbox = () => cluster.sandbox!;

beforeAll(async () => {
  cluster = await setupCluster();
  if (!cluster.sandbox) return;
  caFile = join(cluster.workDir, 'ca.crt');
  writeFileSync(caFile, cluster.sandbox.caPem);
  bareKubeconfig = writeKubeconfig('bare.json', { server: cluster.sandbox.url }, {});
  const home = join(cluster.workDir, 'empty-home');
  mkdirSync(home);
  noKubeconfigEnv = { KUBECONFIG: join(cluster.workDir, 'no-such-kubeconfig'), HOME: home };
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(againstRealCluster)(`--server, --token and TLS flags (${againstRealCluster ? SANDBOX_ONLY : 'the sandbox'})`, () => {
  it('-s and --token work with no kubeconfig at all, as with kubectl', async () => {
    const args = ['-s', sandbox().url, '--token', sandbox().tokens.admin, '--certificate-authority', caFile];
    const ours = await cluster.leasectl([...args, 'list', '-n', 'kube-system', '-o', 'name'], { env: noKubeconfigEnv });
    expect(ours.code, ours.stderr).toBe(0);
    if (hasKubectl) {
      const theirs = await cluster.kubectl([...args, 'get', 'leases', '-n', 'kube-system', '-o', 'name'], { env: noKubeconfigEnv });
      expect(theirs).toMatchObject({ code: 0, stdout: ours.stdout });
    }
  });

  it('a --server without a scheme is https', async () => {
    const result = await cluster.leasectl(['-s', sandbox().url.replace('https://', ''), '--token', sandbox().tokens.admin, '--certificate-authority', caFile, 'list'], {
      env: noKubeconfigEnv,
    });
    expect(result).toMatchObject({ code: 0, stderr: 'No resources found in default namespace.\n' });
  });

  it('--server replaces the server of the kubeconfig cluster and keeps its CA', async () => {
    const deadServer = writeKubeconfig('dead-server.json', { server: 'https://127.0.0.1:1', 'certificate-authority-data': Buffer.from(sandbox().caPem).toString('base64') }, { token: sandbox().tokens.admin });
    expect((await cluster.leasectl(['list'], { kubeconfig: deadServer })).code).toBe(1);
    const result = await cluster.leasectl(['--server', sandbox().url, 'list'], { kubeconfig: deadServer });
    expect(result).toMatchObject({ code: 0, stderr: 'No resources found in default namespace.\n' });
  });

  it("--token replaces the kubeconfig user's token", async () => {
    const wrongToken = writeKubeconfig('wrong-token.json', { server: sandbox().url }, { token: 'not-a-token' });
    const result = await cluster.leasectl(['--token', sandbox().tokens.admin, '--certificate-authority', caFile, 'list'], { kubeconfig: wrongToken });
    expect(result).toMatchObject({ code: 0, stderr: 'No resources found in default namespace.\n' });
  });

  it('--token replaces an exec plugin, which is then not run', async () => {
    const marker = join(workDir(), 'plugin-ran');
    const plugin = join(workDir(), 'plugin.sh');
    writeFileSync(plugin, `#!/bin/sh\ntouch ${marker}\nexit 1\n`);
    chmodSync(plugin, 0o755);
    const withPlugin = writeKubeconfig('exec.json', { server: sandbox().url }, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } });
    const result = await cluster.leasectl(['--token', sandbox().tokens.admin, '--certificate-authority', caFile, 'list'], { kubeconfig: withPlugin });
    expect(result).toMatchObject({ code: 0, stderr: 'No resources found in default namespace.\n' });
    expect(existsSync(marker)).toBe(false);
  });

  it("a wrong --token is a 401 even when the kubeconfig's credentials are good, exit 1", async () => {
    const result = await cluster.leasectl(['--token', 'not-a-token', 'list']);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'error: You must be logged in to the server (Unauthorized)\n' });
    // kubectl words the 401 of its discovery request, before it asks for leases at all.
    if (hasKubectl) expect(await cluster.kubectl(['--token', 'not-a-token', 'get', 'leases'])).toMatchObject({ code: 1, stderr: expect.stringContaining('error: You must be logged in to the server (') });
  });

  it('--certificate-authority verifies a server the kubeconfig names no CA for', async () => {
    const withoutCa = await cluster.leasectl(['--token', sandbox().tokens.admin, 'list'], { kubeconfig: bareKubeconfig });
    expect(withoutCa).toMatchObject({ code: 1, stderr: expect.stringContaining('x509: certificate signed by unknown authority') });
    const withCa = await cluster.leasectl(['--token', sandbox().tokens.admin, '--certificate-authority', caFile, 'list'], { kubeconfig: bareKubeconfig });
    expect(withCa).toMatchObject({ code: 0, stderr: 'No resources found in default namespace.\n' });
  });

  it('--certificate-authority naming a missing file is refused naming the flag, exit 1', async () => {
    const missing = join(workDir(), 'missing-ca.crt');
    const result = await cluster.leasectl(['--certificate-authority', missing, 'list']);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `error: unable to read --certificate-authority ${missing} due to open ${missing}: no such file or directory; fix the path given to --certificate-authority\n`,
    });
  });

  it("--insecure-skip-tls-verify with --certificate-authority is refused in kubectl's words, exit 2", async () => {
    const result = await cluster.leasectl(['--insecure-skip-tls-verify', '--certificate-authority', caFile, 'list']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: specifying a root certificates file with the insecure flag is not allowed: give --certificate-authority or --insecure-skip-tls-verify, not both\n',
    });
    if (hasKubectl) {
      const theirs = await cluster.kubectl(['--insecure-skip-tls-verify', '--certificate-authority', caFile, 'get', 'leases']);
      expect(theirs).toMatchObject({ code: 1, stderr: 'error: specifying a root certificates file with the insecure flag is not allowed\n' });
    }
  });

  it("--tls-server-name is the name the server's certificate is checked against", async () => {
    const wrongName = await cluster.leasectl(['--tls-server-name', 'other.example', 'list']);
    expect(wrongName).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Unable to connect to the server: tls: failed to verify certificate: x509: certificate is not valid for other.example\n',
    });
    if (hasKubectl) {
      expect((await cluster.kubectl(['--tls-server-name', 'other.example', 'get', 'leases'])).stderr).toContain('x509: certificate is valid for localhost, not other.example');
    }
    const rightName = await cluster.leasectl(['--tls-server-name', 'localhost', 'list']);
    expect(rightName).toMatchObject({ code: 0, stderr: 'No resources found in default namespace.\n' });
  });

  it('--client-certificate naming a missing file is refused naming the flag, exit 1', async () => {
    const missing = join(workDir(), 'missing.crt');
    const result = await cluster.leasectl(['--client-certificate', missing, '--client-key', caFile, 'list']);
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: unable to read --client-certificate ${missing} due to open ${missing}: no such file or directory; fix the path given to --client-certificate\n`,
    });
  });

  it('--client-key holding a certificate instead of a key is refused naming the flag, exit 1', async () => {
    const result = await cluster.leasectl(['--client-certificate', caFile, '--client-key', caFile, 'list']);
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: --client-key ${caFile} is not usable: tls: failed to find any PEM data in key input; the file must hold a PEM private key\n`,
    });
  });
});

describe('connection flags refused before anything is sent', () => {
  it('--token with an empty value is refused rather than ignored, exit 2', async () => {
    const result = await cluster.leasectl(['--token', '', 'list']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'error: --token was given an empty value: give it a value, or leave the flag out\n' });
  });

  it('-s with an empty value is refused, exit 2', async () => {
    const result = await cluster.leasectl(['-s', '', 'list']);
    expect(result).toMatchObject({ code: 2, stderr: 'error: --server was given an empty value: give it a value, or leave the flag out\n' });
  });

  it('--server that is no URL of a server is refused, exit 2', async () => {
    const result = await cluster.leasectl(['--server', 'https://', 'list']);
    expect(result).toMatchObject({ code: 2, stderr: 'error: --server must be the URL of a Kubernetes API server, such as https://10.0.0.1:6443, got "https://"\n' });
  });

  it('--as-group without --as is refused as kubectl refuses it, exit 2', async () => {
    const result = await cluster.leasectl(['--as-group', 'developers', 'list']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: requesting uid, groups or user-extra without impersonating a user: --as-group and --as-uid need --as USER too\n',
    });
    if (hasKubectl) expect((await cluster.kubectl(['--as-group', 'developers', 'get', 'leases'])).stderr).toMatch(/^error: requesting uid, groups or user-extra for .* without impersonating a user\n$/);
  });

  it('--as-uid without --as is refused, exit 2', async () => {
    const result = await cluster.leasectl(['--as-uid', '1234', 'list']);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('without impersonating a user') });
  });
});

describe.skipIf(againstRealCluster)(`impersonation (${againstRealCluster ? SANDBOX_ONLY : 'the sandbox authorizes it as kube-apiserver does'})`, () => {
  it.skipIf(!hasKubectl)(`--as a service account works with leases in its namespace and is a 403 elsewhere, as with kubectl${hasKubectl ? '' : ` (${KUBECTL_MISSING})`}`, async () => {
    const namespace = await cluster.newNamespace('as-sa');
    const serviceAccount = `system:serviceaccount:${namespace}:controller`;
    const name = uniqueName('as-sa');
    const held = await cluster.leasectl(['--as', serviceAccount, 'hold', '-n', namespace, name, '--', 'true']);
    expect(held.code, held.stderr).toBe(0);
    const listed = await cluster.leasectl(['--as', serviceAccount, 'list', '-n', namespace, '-o', 'name']);
    expect(listed).toMatchObject({ code: 0, stdout: `lease.coordination.k8s.io/${name}\n` });
    const elsewhere = await cluster.leasectl(['--as', serviceAccount, 'list', '-n', 'default']);
    expect(elsewhere).toMatchObject({ code: 1, stdout: '', stderr: forbiddenList(serviceAccount, 'default') });
    expect(await cluster.kubectl(['--as', serviceAccount, 'get', 'leases', '-n', 'default'])).toMatchObject({ code: 1, stderr: elsewhere.stderr });
  });

  it("--as a user the RBAC grants nothing is the apiserver's 403 naming that user, exit 1", async () => {
    const result = await cluster.leasectl(['--as', 'nobody', 'list', '-n', 'default']);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: forbiddenList('nobody', 'default') });
    if (hasKubectl) expect((await cluster.kubectl(['--as', 'nobody', 'get', 'leases', '-n', 'default'])).stderr).toBe(result.stderr);
  });

  it('--as-group is sent for every time it is given', async () => {
    // system:masters may do anything; given first, it only counts if more than the last --as-group is sent.
    const result = await cluster.leasectl(['--as', 'nobody', '--as-group', 'system:masters', '--as-group', 'developers', '--as-uid', '1234', 'list', '-n', 'default']);
    expect(result).toMatchObject({ code: 0, stderr: 'No resources found in default namespace.\n' });
  });

  it("a user without the impersonate permission gets the apiserver's 403 for impersonating, exit 1, as with kubectl", async () => {
    const viewer = cluster.readOnlyKubeconfig!;
    const result = await cluster.leasectl(['--as', 'tenant', 'list'], { kubeconfig: viewer });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error from server (Forbidden): users "tenant" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope\n',
    });
    if (hasKubectl) expect((await cluster.kubectl(['--as', 'tenant', 'get', 'leases'], { kubeconfig: viewer })).stderr).toBe(result.stderr);
  });

  it('impersonating a service account without the permission is a 403 naming its namespace', async () => {
    const result = await cluster.leasectl(['--as', 'system:serviceaccount:team-x:builder', 'list'], { kubeconfig: cluster.readOnlyKubeconfig! });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'Error from server (Forbidden): serviceaccounts "builder" is forbidden: User "viewer" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "team-x"\n',
    });
  });

  it("the kubeconfig user's as field impersonates, and --as replaces it", async () => {
    const asNobody = writeKubeconfig('as-nobody.json', { server: sandbox().url, 'certificate-authority-data': Buffer.from(sandbox().caPem).toString('base64') }, { token: sandbox().tokens.admin, as: 'nobody' });
    expect(await cluster.leasectl(['list', '-n', 'default'], { kubeconfig: asNobody })).toMatchObject({ code: 1, stderr: forbiddenList('nobody', 'default') });
    expect(await cluster.leasectl(['--as', 'admin', 'list', '-n', 'default'], { kubeconfig: asNobody })).toMatchObject({ code: 0 });
  });

  it('a kubeconfig user with as-groups but no as is refused, naming the user, exit 1', async () => {
    const groupsOnly = writeKubeconfig('groups-only.json', { server: sandbox().url }, { token: sandbox().tokens.admin, 'as-groups': ['developers'] });
    const result = await cluster.leasectl(['list'], { kubeconfig: groupsOnly });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `error: requesting uid, groups or user-extra for user "u" in ${groupsOnly} without impersonating a user: add as: USER to it, or give --as USER\n`,
    });
  });
});
