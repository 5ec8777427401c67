import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chooseOutput, createLeasePrinter, escapeCell, TableWriter, toKubectlJson, type OutputFormat } from '../../src/printers/index.js';
import { toKubectlYaml } from '../../src/printers/yaml.js';
import { describeLease } from '../../src/printers/describe.js';
import type { Lease } from '../../src/lease/types.js';
import { textCapture } from '../support/streams.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function lease(name: string, spec: Lease['spec'], extra: Partial<Lease['metadata']> = {}): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'default', creationTimestamp: '2026-11-23T11:55:00Z', resourceVersion: '7', uid: 'u-1', ...extra },
    spec,
  };
}

const held = lease('kube-scheduler', {
  holderIdentity: 'node-1_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21',
  leaseDurationSeconds: 15,
  acquireTime: '2026-11-23T09:00:00.000000Z',
  renewTime: '2026-11-23T11:59:58.000000Z',
  leaseTransitions: 4,
});
const released = lease('x', { holderIdentity: '', leaseDurationSeconds: 1, renewTime: '2026-11-23T11:00:00.000000Z' });

async function print(leases: Lease[], format: OutputFormat | undefined, options: { withNamespace?: boolean; noHeaders?: boolean; singleObject?: boolean; streaming?: boolean } = {}) {
  const out = textCapture();
  const printer = await createLeasePrinter({
    out,
    output: await chooseOutput(format, { showManagedFields: false }),
    withNamespace: options.withNamespace ?? false,
    noHeaders: options.noHeaders ?? false,
    chalk: undefined,
    singleObject: options.singleObject ?? false,
    streaming: options.streaming ?? false,
    now: () => NOW,
  });
  printer.print(leases);
  const count = printer.finish();
  return { text: out.text, count };
}

describe('table printer (kubectl get lease layout)', () => {
  it('prints NAME HOLDER AGE with three-space gaps, a blank cell for an empty holder, no trailing blanks', async () => {
    expect((await print([held, released], undefined)).text).toBe(
      'NAME             HOLDER                                        AGE\n' +
        'kube-scheduler   node-1_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21   5m\n' +
        'x                                                              5m\n',
    );
  });

  it('pads a narrow column to tabwriter\'s minimum width of six', async () => {
    expect((await print([lease('a', { holderIdentity: 'b' })], undefined)).text).toBe('NAME   HOLDER   AGE\na      b        5m\n');
  });

  it('prepends NAMESPACE with -A and drops the header with --no-headers', async () => {
    expect((await print([held], undefined, { withNamespace: true, noHeaders: true })).text).toBe(
      'default   kube-scheduler   node-1_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21   5m\n',
    );
  });

  it('-o wide adds renewal, duration, expiry, transitions and tenure', async () => {
    const lines = (await print([held, released], 'wide')).text.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+HOLDER\s+AGE\s+RENEWED\s+DURATION\s+EXPIRES\s+TRANSITIONS\s+ACQUIRED$/);
    expect(lines[1]!.split(/\s{3,}/)).toEqual(['kube-scheduler', 'node-1_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21', '5m', '2s', '15s', 'in 13s', '4', '3h']);
    expect(lines[2]!.trim().split(/\s{3,}/)).toEqual(['x', '5m', '60m', '1s', 'released', '<none>', '<none>']);
  });

  it('keeps columns aligned across batches: widths only grow, as with tabwriter RememberWidths', () => {
    const out = textCapture();
    const table = new TableWriter(out, ['NAME', 'AGE'], true);
    table.write([['a-much-longer-name', '1s']]);
    table.write([['b', '2s']]);
    expect(out.text).toBe('NAME                 AGE\na-much-longer-name   1s\nb                    2s\n');
  });

  it('does not count colour codes toward column width', () => {
    const out = textCapture();
    new TableWriter(out, ['NAME', 'AGE'], true).write([['\u001b[31mred-name\u001b[39m', '1s'], ['plain', '2s']]);
    expect(out.text.replace(/\u001b\[\d+m/g, '')).toBe('NAME       AGE\nred-name   1s\nplain      2s\n');
  });

  it('escapes terminal control characters and cuts a cell at its first line break', () => {
    expect(escapeCell('evil\u001b[2Jname')).toBe('evil^[[2Jname');
    expect(escapeCell('first\nsecond')).toBe('first...');
    expect(escapeCell('bell\u0007')).toBe('bell^G');
    // A tab would push the following columns out of line.
    expect(escapeCell('a\tb')).toBe('a^Ib');
  });
});

describe('-o name, yaml, json', () => {
  it('prints lease.coordination.k8s.io/NAME', async () => {
    expect((await print([held, released], 'name')).text).toBe('lease.coordination.k8s.io/kube-scheduler\nlease.coordination.k8s.io/x\n');
  });

  it('wraps several objects (or none) in a v1 List, and prints a single named object bare', async () => {
    expect((await print([], 'yaml')).text).toBe('apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
    expect((await print([held], 'yaml', { singleObject: true })).text).toMatch(/^apiVersion: coordination.k8s.io\/v1\nkind: Lease\n/);
    const list = JSON.parse((await print([held, released], 'json')).text);
    expect(list.kind).toBe('List');
    expect(list.items.map((item: Lease) => item.metadata.name)).toEqual(['kube-scheduler', 'x']);
  });

  it('with -w, prints each object as it comes, yaml separated by ---, and nothing for an empty listing (as kubectl get -w)', async () => {
    expect((await print([], 'yaml', { streaming: true })).text).toBe('');
    const text = (await print([held, released], 'yaml', { streaming: true })).text;
    expect(text.split('\n---\n')).toHaveLength(2);
    expect(text).toMatch(/^apiVersion: coordination.k8s.io\/v1\nkind: Lease\n/);
    expect(text).not.toContain('kind: List');
  });

  it('hides managedFields unless asked', async () => {
    const withFields = lease('m', {}, { managedFields: [{ manager: 'kubectl' }] });
    expect((await print([withFields], 'json', { singleObject: true })).text).not.toContain('managedFields');
  });

  const sample = JSON.parse(
    '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"probe-a","namespace":"default","uid":"902f4860-ba3f-466b-a58e-914a6ffd4ae4","resourceVersion":"223","creationTimestamp":"2026-11-23T00:26:34Z","annotations":{"x":"y"},"labels":{"app":"x","a10":"yes","a2":"0123","on":"off"}},"spec":{"holderIdentity":"me","leaseDurationSeconds":15,"acquireTime":"2026-11-22T10:00:00.000000Z","renewTime":"2026-11-22T10:00:00.000000Z","leaseTransitions":0}}',
  );
  const kubectl = (format: string) =>
    spawnSync('kubectl', ['annotate', '--local', '-f', '-', 'x=y', '--overwrite', '-o', format], { input: JSON.stringify(sample), encoding: 'utf8' });
  const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

  it.skipIf(!hasKubectl)('yaml is byte-for-byte what kubectl prints (needs kubectl)', () => {
    const expected = kubectl('yaml');
    expect(expected.status, expected.stderr).toBe(0);
    expect(toKubectlYaml(sample)).toBe(expected.stdout);
  });

  it.skipIf(!hasKubectl)('json is byte-for-byte what kubectl prints (needs kubectl)', () => {
    const expected = kubectl('json');
    expect(expected.status, expected.stderr).toBe(0);
    expect(toKubectlJson(sample)).toBe(expected.stdout);
  });
});

describe('inspect view', () => {
  it('shows absent fields as <unset>, empty ones as "", and the holder split into host and id', () => {
    const text = describeLease(held, NOW);
    expect(text).toContain('Holder Identity:    node-1_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21\n  Host:             node-1\n  ID:               4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21\n');
    expect(text).toContain('Strategy:           <unset>\n');
    expect(text).toContain('Renew Time:         2026-11-23T11:59:58.000000Z (2s ago)\n');
    expect(text).toContain('  Status:           held\n');
    expect(text).toContain('  Expires:          in 13s\n');
    expect(text).toContain('  Tenure:           3h\n');
    const releasedText = describeLease(released, NOW);
    expect(releasedText).toContain('Holder Identity:    ""\n');
    expect(releasedText).toContain('  Status:           released\n');
    expect(releasedText).toContain('Acquire Time:       <unset>\n');
  });

  it('marks a coordinated lease whose term is over', () => {
    const coordinated = lease('kube-controller-manager', {
      holderIdentity: 'cp-1_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21',
      leaseDurationSeconds: 5,
      renewTime: '2026-11-23T11:59:59.000000Z',
      strategy: 'OldestEmulationVersion',
      preferredHolder: 'cp-2_5f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21',
    });
    const text = describeLease(coordinated, NOW);
    expect(text).toContain('held, end of term: the apiserver prefers cp-2_');
    expect(text).toContain('Coordinated:');
  });
});
