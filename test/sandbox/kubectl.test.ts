// Real kubectl against the sandbox: the point of the sandbox is that kubectl cannot tell it from an apiserver. With
// LEASECTL_TEST_KUBECONFIG the same assertions run against that cluster, in namespaces made for this file.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl, useSandbox, waitFor } from './client.js';

let kubeconfig: string;
let readOnlyKubeconfig: string;
const dir = mkdtempSync(join(tmpdir(), 'sandbox-kubectl-'));

const harness = useSandbox({ namespaces: ['empty'], orRealCluster: true });
/** The namespace every command works in unless it names another; the kubeconfig's own on the sandbox. */
const ns = () => harness.namespace('default');
/** Names of namespaces the tests create, their own to this run: a real cluster is shared. */
const suffix = randomBytes(4).toString('hex');

beforeAll(async () => {
  if (harness.againstRealCluster) {
    kubeconfig = process.env.LEASECTL_TEST_KUBECONFIG!;
    return;
  }
  kubeconfig = await harness.sandbox.writeKubeconfig(join(dir, 'kubeconfig'));
  readOnlyKubeconfig = await harness.sandbox.writeKubeconfig(join(dir, 'kubeconfig-readonly'), { readOnly: true });
});

/** Runs kubectl asynchronously: the sandbox shares this process, so a synchronous spawn would starve it. */
function kubectl(args: string[], config = kubeconfig, input = ''): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    // A later -n in args wins over this one.
    const child = execFile('kubectl', ['--kubeconfig', config, '--namespace', ns(), ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, HOME: dir } }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, status: error ? (typeof error.code === 'number' ? error.code : null) : 0 });
    });
    child.stdin!.end(input);
  });
}

function manifest(name: string, holder: string): string {
  const path = join(dir, `${name}-${holder}.yaml`);
  writeFileSync(path, `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: ${name}
  labels:
    app: demo
spec:
  holderIdentity: ${holder}
  leaseDurationSeconds: 15
  renewTime: "2026-11-22T10:00:00.000000Z"
`);
  return path;
}

describe.skipIf(!hasKubectl)('kubectl against the sandbox (skipped: kubectl is not on PATH)', async () => {
  it('get on an empty namespace says "No resources found" on stderr and exits 0', async () => {
    const empty = harness.namespace('empty');
    const result = await kubectl(['get', 'lease', '-n', empty]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`No resources found in ${empty} namespace.`);
  });

  it('create -f creates and get prints the server-side table', async () => {
    const before = Date.now();
    const created = await kubectl(['create', '-f', manifest('probe-a', 'me')]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('lease.coordination.k8s.io/probe-a created\n');
    const table = await kubectl(['get', 'lease']);
    const after = Date.now();
    expect(table.status).toBe(0);
    // The cells come from the server's own Table (its HumanDuration too), so each is held to what this test knows:
    // the manifest's name and holder, and an age no older than the time since the create was sent. Under two
    // minutes HumanDuration is whole seconds; creationTimestamp is truncated to the second, hence the one more.
    const [header, row, ...rest] = table.stdout.split('\n');
    expect([header, rest]).toEqual(['NAME      HOLDER   AGE', ['']]);
    const [name, holder, age, ...extra] = row!.split(/ +/);
    expect([name, holder, extra]).toEqual(['probe-a', 'me', []]);
    const seconds = Number(/^(\d+)s$/.exec(age!)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(seconds).toBeLessThanOrEqual(Math.ceil((after - before) / 1000) + 1);
    expect(row).toBe(`probe-a   me       ${age}`);
  });

  it('-o name and -o yaml', async () => {
    expect((await kubectl(['get', 'lease', '-o', 'name'])).stdout).toBe('lease.coordination.k8s.io/probe-a\n');
    const yaml = (await kubectl(['get', 'lease', 'probe-a', '-o', 'yaml'])).stdout;
    expect(yaml).toContain('apiVersion: coordination.k8s.io/v1\nkind: Lease\n');
    expect(yaml).toContain('  renewTime: "2026-11-22T10:00:00.000000Z"');
    expect(yaml).not.toContain('managedFields');
  });

  it('apply -f (client-side) updates an existing lease and creates a new one', async () => {
    const applied = await kubectl(['apply', '-f', manifest('probe-a', 'you')]);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toBe('lease.coordination.k8s.io/probe-a configured\n');
    expect((await kubectl(['get', 'lease', 'probe-a', '-o', 'jsonpath={.spec.holderIdentity}'])).stdout).toBe('you');
    expect((await kubectl(['apply', '-f', manifest('probe-b', 'them')])).stdout).toBe('lease.coordination.k8s.io/probe-b created\n');
    expect((await kubectl(['apply', '-f', manifest('probe-b', 'them')])).stdout).toBe('lease.coordination.k8s.io/probe-b unchanged\n');
  });

  it('annotate and label patch the lease', async () => {
    expect((await kubectl(['annotate', 'lease', 'probe-a', 'note=hello'])).stdout).toBe('lease.coordination.k8s.io/probe-a annotated\n');
    expect((await kubectl(['label', 'lease', 'probe-a', 'tier=db'])).stdout).toBe('lease.coordination.k8s.io/probe-a labeled\n');
    const lease = JSON.parse((await kubectl(['get', 'lease', 'probe-a', '-o', 'json'])).stdout);
    expect(lease.metadata.annotations.note).toBe('hello');
    expect(lease.metadata.labels).toEqual({ app: 'demo', tier: 'db' });
    expect((await kubectl(['get', 'lease', '-l', 'tier=db', '-o', 'name'])).stdout).toBe('lease.coordination.k8s.io/probe-a\n');
  });

  it('delete removes the lease', async () => {
    const deleted = await kubectl(['delete', 'lease', 'probe-b']);
    expect(deleted.status).toBe(0);
    expect(deleted.stdout).toBe('lease.coordination.k8s.io "probe-b" deleted\n');
    const missing = await kubectl(['get', 'lease', 'probe-b']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): leases.coordination.k8s.io "probe-b" not found\n');
  });

  it('create namespace (protobuf body), use it, delete it with its leases', async () => {
    const team = `team-${suffix}`;
    expect((await kubectl(['create', 'namespace', team])).stdout).toBe(`namespace/${team} created\n`);
    expect((await kubectl(['get', 'namespace', team, '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Active');
    expect((await kubectl(['create', '-n', team, '-f', manifest('in-team', 'me')])).status).toBe(0);
    expect((await kubectl(['delete', 'namespace', team])).stdout).toBe(`namespace "${team}" deleted\n`);
    const everywhere = await kubectl(['get', 'lease', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}']);
    expect(everywhere.status).toBe(0);
    expect(everywhere.stdout).not.toContain(`${team}/in-team`);
  });

  it.skipIf(harness.againstRealCluster)('the viewer can read but gets RBAC errors for writes', async () => {
    expect((await kubectl(['get', 'lease', '-o', 'name'], readOnlyKubeconfig)).stdout).toContain('probe-a');
    const denied = await kubectl(['delete', 'lease', 'probe-a'], readOnlyKubeconfig);
    expect(denied.status).toBe(1);
    expect(denied.stderr).toBe(`Error from server (Forbidden): leases.coordination.k8s.io "probe-a" is forbidden: User "viewer" cannot delete resource "leases" in API group "coordination.k8s.io" in the namespace "${ns()}"\n`);
  });

  it('get -w prints the change it sees', async () => {
    const watcher = spawn('kubectl', ['--kubeconfig', kubeconfig, '--namespace', ns(), 'get', 'lease', 'probe-a', '-w', '-o', 'jsonpath={.spec.holderIdentity}{"\\n"}'], { env: { ...process.env, HOME: dir } });
    let output = '';
    watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('you\n'));
      expect((await kubectl(['patch', 'lease', 'probe-a', '--type=merge', '-p', '{"spec":{"holderIdentity":"watched"}}'])).status).toBe(0);
      await waitFor(() => output.includes('watched\n'));
      expect(output).toBe('you\nwatched\n');
    } finally {
      watcher.kill();
    }
  });

  it('create -f of a v1 List validates it against /openapi/v2 on the client, then creates each lease', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: ['listed-1', 'listed-2'].map((name) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } })) };
    const created = await kubectl(['create', '-f', '-'], kubeconfig, JSON.stringify(list));
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('lease.coordination.k8s.io/listed-1 created\nlease.coordination.k8s.io/listed-2 created\n');
  });

  it('an unknown field in a v1 List fails client-side validation with kube-openapi\'s message', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'listed-bad' }, spec: { holderIdentity: 'me', holder: 'typo' } }] };
    const rejected = await kubectl(['create', '-f', '-'], kubeconfig, JSON.stringify(list));
    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toBe('error: error validating "STDIN": error validating data: ValidationError(Lease.spec): unknown field "holder" in io.k8s.api.coordination.v1.LeaseSpec; if you choose to ignore these errors, turn validation off with --validate=false\n');
    expect((await kubectl(['get', 'lease', 'listed-bad'])).status).toBe(1);
  });

  it('create --validate=strict of a Lease with an unknown field is refused by the server, as kube-apiserver refuses it', async () => {
    const lease = 'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: strict-probe\nspec:\n  holderIdentity: me\n  holder: typo\n';
    const rejected = await kubectl(['create', '--validate=strict', '-f', '-'], kubeconfig, lease);
    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": Lease in version "v1" cannot be handled as a Lease: strict decoding error: unknown field "spec.holder"\n');
    const warned = await kubectl(['create', '--validate=warn', '-f', '-'], kubeconfig, lease);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toBe('Warning: unknown field "spec.holder"\n');
  });

  it('explain lease.spec prints the LeaseSpec fields from /openapi/v3', async () => {
    const explained = await kubectl(['explain', 'lease.spec']);
    expect(explained.stderr).toBe('');
    expect(explained.stdout).toMatch(/^GROUP: +coordination\.k8s\.io\nKIND: +Lease\nVERSION: +v1\n\nFIELD: spec <LeaseSpec>\n/);
    for (const field of ['acquireTime\t<string>', 'holderIdentity\t<string>', 'leaseDurationSeconds\t<integer>', 'leaseTransitions\t<integer>', 'preferredHolder\t<string>', 'renewTime\t<string>', 'strategy\t<string>']) {
      expect(explained.stdout).toContain(`  ${field}\n`);
    }
  });

  it('create -f of a Namespace manifest is validated against /openapi/v2 and created', async () => {
    const name = `from-manifest-${suffix}`;
    const created = await kubectl(['create', '-f', '-'], kubeconfig, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe(`namespace/${name} created\n`);
    expect((await kubectl(['delete', 'namespace', name, '--wait=false'])).status).toBe(0);
  });
});
