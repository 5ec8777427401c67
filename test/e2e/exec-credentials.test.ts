// Exec credential plugins with kubectl's semantics (client-go plugin/pkg/client/auth/exec), driven by small
// plugin scripts against the sandbox: the plugin must print the sandbox's token, so these skip on a real cluster.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { againstRealCluster, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
let dir: string;

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

interface KubeconfigDocument {
  clusters: { cluster: Record<string, unknown> }[];
  users: { user: Record<string, unknown> }[];
}

/** A kubeconfig like the sandbox's, with its user replaced by `exec` (and the cluster changed by `clusterFields`). */
function kubeconfigWithExec(exec: Record<string, unknown>, clusterFields: Record<string, unknown> = {}): string {
  const document = parse(readFileSync(cluster.kubeconfig, 'utf8')) as KubeconfigDocument;
  document.users[0]!.user = { exec };
  Object.assign(document.clusters[0]!.cluster, clusterFields);
  const path = join(dir, uniqueName('kubeconfig'));
  writeFileSync(path, stringify(document));
  return path;
}

/** A plugin script; `body` runs before it prints `credential` (a shell word list may use $token and $expires). */
function plugin(body: string, credential = `{"apiVersion":"${V1}","kind":"ExecCredential","status":{"token":"$token"}}`): string {
  const path = join(dir, uniqueName('plugin'));
  writeFileSync(path, `#!/bin/sh\ntoken='${cluster.sandbox!.tokens.admin}'\n${body}\necho "${credential.replaceAll('"', '\\"')}"\n`);
  chmodSync(path, 0o755);
  return path;
}

async function listWith(kubeconfig: string) {
  return cluster.leasectl(['list', '-n', cluster.namespace, '-o', 'name'], { kubeconfig });
}

beforeAll(async () => {
  cluster = await setupCluster();
  dir = join(cluster.kubeconfig, '..');
  // A lease, so that a successful list writes nothing at all to stderr.
  await cluster.createLeases(cluster.namespace, [{ metadata: { name: uniqueName('exec') }, spec: { holderIdentity: 'someone' } }]);
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(againstRealCluster)(`exec credential plugins (${SANDBOX_ONLY})`, () => {
  it('a v1 plugin gets its args, its env and KUBERNETES_EXEC_INFO, and its token is used', async () => {
    const seen = join(dir, uniqueName('seen'));
    const command = plugin(`printf '%s\\n' "$@" "$GREETING" "$KUBERNETES_EXEC_INFO" > ${seen}`);
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command, args: ['get-token', '--cluster', 'a b'], env: [{ name: 'GREETING', value: 'hello' }], interactiveMode: 'Never' });
    const result = await listWith(kubeconfig);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^lease\.coordination\.k8s\.io\/exec-/);
    const [arg1, arg2, arg3, greeting, execInfo] = readFileSync(seen, 'utf8').trimEnd().split('\n');
    expect([arg1, arg2, arg3, greeting]).toEqual(['get-token', '--cluster', 'a b', 'hello']);
    expect(JSON.parse(execInfo!)).toEqual({ kind: 'ExecCredential', apiVersion: V1, spec: { interactive: false } });
  });

  it('provideClusterInfo hands the plugin the server, its CA and the exec extension', async () => {
    const seen = join(dir, uniqueName('seen'));
    const command = plugin(`printf '%s' "$KUBERNETES_EXEC_INFO" > ${seen}`);
    const extensions = [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'leases' } }];
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command, interactiveMode: 'Never', provideClusterInfo: true }, { extensions });
    const result = await listWith(kubeconfig);
    expect(result.code, result.stderr).toBe(0);
    const { spec } = JSON.parse(readFileSync(seen, 'utf8')) as { spec: { interactive: boolean; cluster: Record<string, unknown> } };
    expect(spec.interactive).toBe(false);
    expect(spec.cluster).toEqual({
      server: cluster.sandbox!.url,
      'certificate-authority-data': Buffer.from(cluster.sandbox!.caPem).toString('base64'),
      config: { audience: 'leases' },
    });
  });

  it('a v1beta1 plugin without interactiveMode runs as IfAvailable, without our stdin when it is not a terminal', async () => {
    const seen = join(dir, uniqueName('seen'));
    const command = plugin(`printf '%s' "$KUBERNETES_EXEC_INFO" > ${seen}; cat > ${seen}.stdin`, `{"apiVersion":"${V1BETA1}","kind":"ExecCredential","status":{"token":"$token"}}`);
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1BETA1, command });
    const result = await cluster.leasectl(['list', '-n', cluster.namespace, '-o', 'name'], { kubeconfig, input: 'typed by the user\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({ kind: 'ExecCredential', apiVersion: V1BETA1, spec: { interactive: false } });
    expect(readFileSync(`${seen}.stdin`, 'utf8')).toBe('');
  });

  it('interactiveMode Always without a terminal fails before the plugin runs, naming the fix', async () => {
    const ran = join(dir, uniqueName('ran'));
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command: plugin(`touch ${ran}`), interactiveMode: 'Always' });
    const result = await listWith(kubeconfig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: could not get credentials for user "\S+" from the kubeconfig \(.+\): exec plugin cannot support interactive mode: standard input is not a terminal; set interactiveMode: IfAvailable or run from a terminal\n$/);
    expect(existsSync(ran)).toBe(false);
  });

  it('a v1 exec block without interactiveMode is refused, as kubectl refuses it', async () => {
    const ran = join(dir, uniqueName('ran'));
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command: plugin(`touch ${ran}`) });
    const result = await listWith(kubeconfig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/: interactiveMode must be specified for \S+ to use exec authentication plugin \(Never, IfAvailable or Always\)\n$/);
    expect(existsSync(ran)).toBe(false);
  });

  it('an exec apiVersion other than v1 and v1beta1 is refused', async () => {
    const kubeconfig = kubeconfigWithExec({ apiVersion: 'client.authentication.k8s.io/v1alpha1', command: plugin(''), interactiveMode: 'Never' });
    const result = await listWith(kubeconfig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/: exec plugin: invalid apiVersion "client\.authentication\.k8s\.io\/v1alpha1"; use client\.authentication\.k8s\.io\/v1 or client\.authentication\.k8s\.io\/v1beta1\n$/);
  });

  it('a plugin that is not installed is named, with its installHint on the same line', async () => {
    const installHint = 'kubelogin is not installed.\n  Install it with: brew install kubelogin';
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command: 'leasectl-test-no-such-plugin', interactiveMode: 'Never', installHint });
    const result = await listWith(kubeconfig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*: exec: executable leasectl-test-no-such-plugin not found: kubelogin is not installed\. Install it with: brew install kubelogin\n$/);
  });

  it('a plugin that fails is named with its exit code, and what it printed on stderr reaches ours', async () => {
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command: plugin('echo "login expired: run my-login" >&2; exit 3'), interactiveMode: 'Never' });
    const result = await listWith(kubeconfig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^login expired: run my-login\nerror: .*: exec: executable \S+ failed with exit code 3\n$/);
  });

  it.each([
    ['an ExecCredential of another apiVersion', `{"apiVersion":"${V1BETA1}","kind":"ExecCredential","status":{"token":"$token"}}`, 'exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1'],
    ['no status', `{"apiVersion":"${V1}","kind":"ExecCredential"}`, "exec plugin didn't return a status field"],
    ['neither token nor certificate', `{"apiVersion":"${V1}","kind":"ExecCredential","status":{}}`, "exec plugin didn't return a token or cert/key pair"],
    ['a certificate without its key', `{"apiVersion":"${V1}","kind":"ExecCredential","status":{"clientCertificateData":"x"}}`, 'exec plugin returned only certificate or key, not both'],
    ['text that is not JSON', 'token: $token', 'decoding stdout: '],
  ])('a plugin answering %s is refused with client-go\'s reason', async (_, credential, reason) => {
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command: plugin('', credential), interactiveMode: 'Never' });
    const result = await listWith(kubeconfig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: could not get credentials for user "\S+" from the kubeconfig \(.+\): .+\n$/);
    expect(result.stderr).toContain(`: ${reason}`);
  });

  it('a 401 runs the plugin again and the request is retried once with the new token', async () => {
    const runs = join(dir, uniqueName('runs'));
    // The first run hands out a token the server rejects; later runs the right one.
    const command = plugin(`echo run >> ${runs}; [ "$(wc -l < ${runs})" -eq 1 ] && token=revoked`);
    const result = await listWith(kubeconfigWithExec({ apiVersion: V1, command, interactiveMode: 'Never' }));
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(runs, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);

    const alwaysRevoked = plugin(`echo run >> ${runs}.2; token=revoked`);
    const denied = await listWith(kubeconfigWithExec({ apiVersion: V1, command: alwaysRevoked, interactiveMode: 'Never' }));
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/Unauthorized/);
    expect(readFileSync(`${runs}.2`, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('hold runs the plugin again once its token expires, and keeps renewing', async () => {
    const runs = join(dir, uniqueName('runs'));
    const command = plugin(
      `echo run >> ${runs}; expires=$(date -u -d @$(( $(date +%s) + 1 )) +%Y-%m-%dT%H:%M:%SZ)`,
      `{"apiVersion":"${V1}","kind":"ExecCredential","status":{"token":"$token","expirationTimestamp":"$expires"}}`,
    );
    const kubeconfig = kubeconfigWithExec({ apiVersion: V1, command, interactiveMode: 'Never' });
    const timing = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '500ms'];
    const result = await cluster.leasectl(['hold', '-n', cluster.namespace, uniqueName('exec-hold'), ...timing, '--', 'sleep', '4'], { kubeconfig });
    expect(result.code, result.stderr).toBe(0);
    // Tokens valid for about a second across a 4 s hold: the plugin ran again several times.
    expect(readFileSync(runs, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(3);
  });
});
