// Every way a request can fail ends in one line, in kubectl's words, with a documented exit code and no stack
// trace (unless -v).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { againstRealCluster, hasReadOnlyUser, READ_ONLY_MISSING, READ_ONLY_USER, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;

interface KubeconfigDocument {
  clusters: { cluster: Record<string, unknown> }[];
  users: { user: Record<string, unknown> }[];
}

/** A copy of the test kubeconfig with one thing broken, in the file's own directory (never beside a real kubeconfig). */
function brokenKubeconfig(name: string, breakIt: (document: KubeconfigDocument) => void): string {
  const document = parse(readFileSync(cluster.kubeconfig, 'utf8')) as KubeconfigDocument;
  breakIt(document);
  const path = join(cluster.workDir, `kubeconfig-${name}`);
  writeFileSync(path, stringify(document));
  return path;
}

function expectOneLine(stderr: string): void {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

beforeAll(async () => {
  cluster = await setupCluster();
});

afterAll(async () => {
  await cluster?.teardown();
});

describe('errors from the server', () => {
  it('404: a missing lease is NotFound, exit 1', async () => {
    const result = await cluster.leasectl(['inspect', '-n', cluster.namespace, 'no-such-lease']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error from server (NotFound): leases.coordination.k8s.io "no-such-lease" not found\n');
  });

  it('422: an invalid name is reported with the field and the rule, exit 1', async () => {
    const result = await cluster.leasectl(['renew', '-n', cluster.namespace, 'Bad_Name', '--identity', 'me', '--acquire']);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(
      /^The Lease "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.', and must start and end with an alphanumeric character/,
    );
  });

  it('400: a malformed selector is BadRequest with the server\'s message, exit 1', async () => {
    const result = await cluster.leasectl(['list', '-n', cluster.namespace, '-l', 'a b c']);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/^Error from server \(BadRequest\): unable to parse requirement/);
  });

  it.skipIf(!hasReadOnlyUser)(`403: a token that may only read cannot write, exit 1${hasReadOnlyUser ? '' : ` (${READ_ONLY_MISSING})`}`, async () => {
    const name = uniqueName('forbidden');
    expect((await cluster.leasectl(['renew', '-n', cluster.namespace, name, '--identity', 'me', '--acquire'])).code).toBe(0);
    const result = await cluster.leasectl(['release', '-n', cluster.namespace, name, '--force'], { kubeconfig: cluster.readOnlyKubeconfig });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^Error from server \\(Forbidden\\): leases\\.coordination\\.k8s\\.io "${name}" is forbidden: User "${READ_ONLY_USER}" cannot update resource "leases" in API group "coordination\\.k8s\\.io" in the namespace "${cluster.namespace}"\\n$`,
      ),
    );
  });

  it.skipIf(againstRealCluster)(`401: a bad token is "You must be logged in", exit 1 (${SANDBOX_ONLY})`, async () => {
    const kubeconfig = brokenKubeconfig('bad-token', (document) => (document.users[0]!.user.token = 'not-a-valid-token'));
    const result = await cluster.leasectl(['list', '-n', cluster.namespace], { kubeconfig });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'error: You must be logged in to the server (Unauthorized)\n' });
  });
});

describe('errors on the way to the server', () => {
  it('connection refused names the host and port, exit 1', async () => {
    const kubeconfig = brokenKubeconfig('refused', (document) => (document.clusters[0]!.cluster.server = 'https://127.0.0.1:1'));
    const result = await cluster.leasectl(['list'], { kubeconfig });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n',
    });
  });

  it.skipIf(againstRealCluster)(`an unknown certificate authority is a one-line TLS error that names the fix, exit 1 (${SANDBOX_ONLY})`, async () => {
    const kubeconfig = brokenKubeconfig('no-ca', (document) => delete document.clusters[0]!.cluster['certificate-authority-data']);
    const result = await cluster.leasectl(['list', '-n', cluster.namespace], { kubeconfig });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority (check certificate-authority-data in the kubeconfig, or use --insecure-skip-tls-verify)\n',
    );
    const insecure = await cluster.leasectl(['list', '-n', cluster.namespace, '--insecure-skip-tls-verify'], { kubeconfig });
    expect(insecure.code, insecure.stderr).toBe(0);
  });

  it.skipIf(againstRealCluster)(`a server that stops answering times out after --request-timeout, exit 1 (${SANDBOX_ONLY})`, async () => {
    cluster.sandbox!.faults.pause();
    try {
      // Without the timeout it would hang until the harness kills it (code null), never exit 1 with this message.
      const result = await cluster.leasectl(['list', '-n', cluster.namespace, '--request-timeout', '1s']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Unable to connect to the server: net\/http: request canceled \(Client\.Timeout exceeded while awaiting headers\); raise --request-timeout/);
      expectOneLine(result.stderr);
    } finally {
      cluster.sandbox!.faults.resume();
    }
  });

  it('kubeconfig problems say what to do, exit 1', async () => {
    const context = await cluster.leasectl(['list', '--context', 'no-such-context']);
    expect(context.code).toBe(1);
    expect(context.stderr).toMatch(/^error: context was not found for specified context: no-such-context/);
    const missing = await cluster.leasectl(['list', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: stat /nonexistent/kubeconfig: no such file or directory (from --kubeconfig)\n' });
  });

  it('-v adds the details that are otherwise left out', async () => {
    const kubeconfig = brokenKubeconfig('refused-verbose', (document) => (document.clusters[0]!.cluster.server = 'https://127.0.0.1:1'));
    const result = await cluster.leasectl(['-v', 'list'], { kubeconfig });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe('The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?');
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});
