// -o jsonpath and custom-columns on every command that prints leases (inspect, renew, release, identity), the
// printer chosen once for all of them; list's are pinned byte for byte against kubectl in jsonpath-kubectl.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl, KUBECTL_MISSING, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

describe('-o templates beyond list', () => {
  it('renew --acquire -o jsonpath prints the template over the lease it wrote', async () => {
    const name = uniqueName('tpl-renew');
    const result = await cluster.leasectl(['renew', name, '-n', cluster.namespace, '--identity', 'me', '--acquire', '-o', 'jsonpath={.spec.holderIdentity}/{.spec.leaseDurationSeconds}']);
    expect(result).toMatchObject({ code: 0, stdout: 'me/15', stderr: '' });
  });

  it('release -o custom-columns prints the released lease as one row', async () => {
    const name = uniqueName('tpl-release');
    expect((await cluster.leasectl(['renew', name, '-n', cluster.namespace, '--identity', 'me', '--acquire'])).code).toBe(0);
    const result = await cluster.leasectl(['release', name, '-n', cluster.namespace, '--identity', 'me', '-o', 'custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`NAME${' '.repeat(name.length - 1)}HOLDER\n${name}   \n`);
  });

  it('a bad template is refused before anything is written: renew leaves the lease untouched', async () => {
    const name = uniqueName('tpl-bad');
    const result = await cluster.leasectl(['renew', name, '-n', cluster.namespace, '--identity', 'me', '--acquire', '-o', 'jsonpath={.spec']);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'error: error parsing jsonpath {.spec, unclosed action\n' });
    expect((await cluster.leasectl(['inspect', name, '-n', cluster.namespace])).stderr).toContain('not found');
  });

  it('an -o that is no format lists the formats, templates included, exit 2', async () => {
    const result = await cluster.leasectl(['inspect', 'x', '-o', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("argument 'xml' is invalid. Allowed choices are yaml, json, jsonpath=..., jsonpath-file=..., custom-columns=..., custom-columns-file=....");
  });

  it.skipIf(!hasKubectl)(`inspect -o jsonpath prints what kubectl get -o jsonpath prints (${hasKubectl ? 'kubectl' : KUBECTL_MISSING})`, async () => {
    const name = uniqueName('tpl-inspect');
    expect((await cluster.leasectl(['renew', name, '-n', cluster.namespace, '--identity', 'me', '--acquire'])).code).toBe(0);
    const template = 'jsonpath={.kind} {.metadata.name} {.spec}{"\\n"}';
    const kubectl = await cluster.kubectl(['get', 'lease', name, '-n', cluster.namespace, '-o', template]);
    const leasectl = await cluster.leasectl(['inspect', name, '-n', cluster.namespace, '-o', template]);
    expect(leasectl.stdout).toBe(kubectl.stdout);
    expect(leasectl.code).toBe(0);
  });
});
