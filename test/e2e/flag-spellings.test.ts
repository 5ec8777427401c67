// kubectl's (pflag's) spellings of short flags with a value, `-o=json`, `-n=NS`, `-l=k=v`, `-c='STRING'`, mean
// what they mean to kubectl; values and the command after `--` are never rewritten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEYOND_ONE_NAMESPACE, oneNamespace, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
let ns: string;
let label: string;
let web: string;
let db: string;

beforeAll(async () => {
  cluster = await setupCluster();
  ns = cluster.namespace;
  label = uniqueName('spelling');
  web = uniqueName('web');
  db = uniqueName('db');
  await cluster.createLeases(ns, [
    { metadata: { name: web, labels: { 'leasectl-test': label, app: 'web' } }, spec: { holderIdentity: 'a' } },
    { metadata: { name: db, labels: { 'leasectl-test': label, app: 'db' } }, spec: { holderIdentity: 'b' } },
  ]);
});

afterAll(async () => {
  await cluster?.teardown();
});

describe('short flags written with =', () => {
  it('-o=json prints JSON, as -o json does', async () => {
    const result = await cluster.leasectl(['inspect', '-n', ns, web, '-o=json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).metadata.name).toBe(web);
  });

  it('-n=NAMESPACE and -l=app=web select as -n NAMESPACE -l app=web do', async () => {
    const result = await cluster.leasectl(['list', `-n=${ns}`, `-l=leasectl-test=${label},app=web`, '-o', 'name']);
    expect(result).toMatchObject({ code: 0, stdout: `lease.coordination.k8s.io/${web}\n` });
  });

  it.skipIf(oneNamespace)(`-o=name at the end of a group of flags (-Ao=name) is -A -o name${oneNamespace ? ` (${BEYOND_ONE_NAMESPACE})` : ''}`, async () => {
    const result = await cluster.leasectl(['list', '-Ao=name', '-l', `leasectl-test=${label}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual([`lease.coordination.k8s.io/${db}`, `lease.coordination.k8s.io/${web}`].sort());
  });

  it("hold -c='echo hi' runs echo hi, not =echo hi", async () => {
    const result = await cluster.leasectl(['hold', '-n', ns, uniqueName('spelled'), "-c=echo hi"]);
    expect(result).toMatchObject({ code: 0, stdout: 'hi\n' });
  });

  it('a value that looks like -o=x stays the value of the flag before it', async () => {
    const result = await cluster.leasectl(['hold', '-n', ns, uniqueName('value'), '--shell', '/bin/echo', '-c', '-o=x']);
    expect(result).toMatchObject({ code: 0, stdout: '-c -o=x\n' });
  });

  it('the command after -- keeps its -o=x as written', async () => {
    const result = await cluster.leasectl(['hold', '-n', ns, uniqueName('after'), '--', 'echo', '-o=x', '-c=y']);
    expect(result).toMatchObject({ code: 0, stdout: '-o=x -c=y\n' });
  });

  it('-o= is an empty output format, refused with the choices', async () => {
    const result = await cluster.leasectl(['list', '-n', ns, '-o=']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: option '-o, --output <format>' argument '' is invalid\. Allowed choices are wide, yaml, json, name, jsonpath=\.\.\., jsonpath-file=\.\.\., custom-columns=\.\.\., custom-columns-file=\.\.\.\./);
  });
});
