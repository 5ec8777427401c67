// leasectl as a kubectl plugin, through the real kubectl: `kubectl lease ARGS` finds bin/kubectl-lease on PATH,
// and kubectl 1.26+ completes it through bin/kubectl_complete-lease.
import { spawnSync } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/connect.js';
import { formatMicroTime } from '../../src/lease/time.js';
import { LEASE_API_VERSION, LEASE_KIND } from '../../src/lease/types.js';
import { hasKubectl, KUBECTL_MISSING, LEASECTL_BIN, setupCluster, uniqueName, type TestCluster } from './harness.js';

const pathWithPlugin = `${dirname(LEASECTL_BIN)}${delimiter}${process.env.PATH ?? ''}`;

/** kubectl's client minor version, or undefined when kubectl is missing or says something unexpected. */
function kubectlMinor(): number | undefined {
  const result = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const minor = (JSON.parse(result.stdout) as { clientVersion?: { minor?: string } }).clientVersion?.minor;
  return minor ? Number.parseInt(minor, 10) : undefined;
}
const minor = hasKubectl ? kubectlMinor() : undefined;
const pluginCompletion = minor !== undefined && minor >= 26;

let cluster: TestCluster;
let ns: string;

const kubectl = (args: string[]) => cluster.kubectl(args, { env: { PATH: pathWithPlugin } });

/** The AGE column may tick over between two runs. */
const withoutAge = (table: string) => table.replace(/\b\d+[smhd]$/gm, '<age>');

/** The leases this file lists, named apart from any other file's in a shared namespace. */
const prefix = uniqueName('plugin');
const [pluginA, pluginB] = [`${prefix}-a`, `${prefix}-b`];

beforeAll(async () => {
  cluster = await setupCluster();
  ns = cluster.namespace;
  const connection = await connect({ kubeconfig: cluster.kubeconfig }, {});
  try {
    for (const name of [pluginA, pluginB]) {
      await connection.client.create(ns, {
        apiVersion: LEASE_API_VERSION,
        kind: LEASE_KIND,
        metadata: { name, namespace: ns, labels: cluster.labels },
        spec: { holderIdentity: `${name}-holder`, leaseDurationSeconds: 3600, renewTime: formatMicroTime(Date.now()) },
      });
    }
  } finally {
    connection.close();
  }
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(!hasKubectl)(`kubectl lease (${hasKubectl ? 'kubectl found' : KUBECTL_MISSING})`, () => {
  it('kubectl finds the plugin on PATH', async () => {
    const result = await kubectl(['plugin', 'list', '--name-only']);
    expect(result.stdout.split('\n')).toContain('kubectl-lease');
  });

  it('kubectl lease list prints exactly what leasectl list prints, with the same exit code', async () => {
    const selected = ['-l', cluster.selector];
    for (const args of [['list', '-n', ns, ...selected], ['list', '-n', ns, ...selected, '-o', 'name'], ['inspect', '-n', ns, pluginA, '-o', 'json'], ['list', '-n', ns, 'missing']]) {
      const theirs = await kubectl(['lease', ...args]);
      const ours = await cluster.leasectl(args);
      expect({ code: theirs.code, stdout: withoutAge(theirs.stdout), stderr: theirs.stderr }, args.join(' ')).toEqual({
        code: ours.code,
        stdout: withoutAge(ours.stdout),
        stderr: ours.stderr,
      });
    }
    expect((await kubectl(['lease', 'list', '-n', ns, ...selected, '-o', 'name'])).stdout).toBe(`lease.coordination.k8s.io/${pluginA}\nlease.coordination.k8s.io/${pluginB}\n`);
  });

  it('help names the command as it was called, in usage and in the examples', async () => {
    const root = await kubectl(['lease', '--help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^Usage: kubectl lease \[options\] \[command\]/);
    expect(root.stdout).toContain('\n  kubectl lease list -n kube-system -l apiserver.kubernetes.io/identity=kube-apiserver\n');
    expect(root.stdout).toContain('\n  kubectl lease hold example-foo -- ./job.sh\n');
    const list = await kubectl(['lease', 'list', '--help']);
    expect(list.stdout).toMatch(/^Usage: kubectl lease list\|ls /);
    expect(list.stdout).not.toMatch(/^\s*leasectl /m);
    expect(list.stdout).toMatch(/^ {2}kubectl lease list -A -o name$/m);
  });

  it('suggests the nearest command or flag and points at kubectl lease --help, exit 2', async () => {
    const command = await kubectl(['lease', 'lst']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("error: unknown command 'lst'\n(Did you mean one of list, ls?)\n(run 'kubectl lease --help' for usage)\n");
    const flag = await kubectl(['lease', 'list', '--namespce', ns]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('(Did you mean --namespace?)');
  });

  it.skipIf(!pluginCompletion)(`kubectl completes lease names through kubectl_complete-lease${pluginCompletion ? '' : ' (needs kubectl 1.26+)'}`, async () => {
    const result = await kubectl(['__complete', 'lease', 'inspect', '-n', ns, `${prefix}-`]);
    expect(result.stdout.split('\n').filter((line) => !line.startsWith('[Debug]') && !line.startsWith('Completion ended'))).toEqual([
      `${pluginA}\theld by ${pluginA}-holder`,
      `${pluginB}\theld by ${pluginB}-holder`,
      ':4',
      '',
    ]);
    const flags = await kubectl(['__complete', 'lease', 'list', '-o', '']);
    expect(flags.stdout).toMatch(/^wide\nyaml\njson\nname\njsonpath=\njsonpath-file=\ncustom-columns=\ncustom-columns-file=\n:6\n/);
  });
});
