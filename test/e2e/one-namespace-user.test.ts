// leasectl as a user whose RBAC allows leases in one namespace only (the sandbox's tenant): what it may do works,
// and everything beyond that namespace is kube-apiserver's 403 in kubectl's words, never a crash or a hang.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { againstRealCluster, hasKubectl, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
/** The tenant's kubeconfig: its context's namespace is the file's own, the only one it may work in. */
let tenant: string;

const forbiddenList = (scope: string) =>
  `Error from server (Forbidden): leases.coordination.k8s.io is forbidden: User "tenant" cannot list resource "leases" in API group "coordination.k8s.io" ${scope}\n`;

beforeAll(async () => {
  cluster = await setupCluster();
  if (cluster.sandbox) tenant = await cluster.sandbox.writeKubeconfig(join(cluster.workDir, 'kubeconfig-tenant'), { onlyNamespace: cluster.namespace });
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(againstRealCluster)(`a user whose RBAC allows one namespace (${againstRealCluster ? SANDBOX_ONLY : 'the sandbox\'s tenant'})`, () => {
  it('holds a lease around a command and lists it in its own namespace', async () => {
    const name = uniqueName('tenant');
    const held = await cluster.leasectl(['hold', name, '--', 'true'], { kubeconfig: tenant });
    expect(held.code, held.stderr).toBe(0);
    const listed = await cluster.leasectl(['list', name, '-o', 'name'], { kubeconfig: tenant });
    expect(listed).toMatchObject({ code: 0, stdout: `lease.coordination.k8s.io/${name}\n` });
  });

  it('list -A as a user allowed one namespace is a 403 at the cluster scope, exit 1, as kubectl says it', async () => {
    const ours = await cluster.leasectl(['list', '-A'], { kubeconfig: tenant });
    expect(ours).toMatchObject({ code: 1, stdout: '', stderr: forbiddenList('at the cluster scope') });
    if (hasKubectl) expect((await cluster.kubectl(['get', 'lease', '-A'], { kubeconfig: tenant })).stderr).toBe(ours.stderr);
  });

  it('list -n in another namespace is a 403 naming that namespace, exit 1, as kubectl says it', async () => {
    const ours = await cluster.leasectl(['list', '-n', 'default'], { kubeconfig: tenant });
    expect(ours).toMatchObject({ code: 1, stdout: '', stderr: forbiddenList('in the namespace "default"') });
    if (hasKubectl) expect((await cluster.kubectl(['get', 'lease', '-n', 'default'], { kubeconfig: tenant })).stderr).toBe(ours.stderr);
  });

  it('identity, which reads kube-system by default, is a 403 naming kube-system, exit 1', async () => {
    const result = await cluster.leasectl(['identity'], { kubeconfig: tenant });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: forbiddenList('in the namespace "kube-system"') });
  });

  it('gc -A as a user allowed one namespace is a 403 at the cluster scope, exit 1', async () => {
    const result = await cluster.leasectl(['gc', '-A'], { kubeconfig: tenant });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: forbiddenList('at the cluster scope') });
  });

  it('hold of a lease in another namespace is a 403 before the command starts, exit 125', async () => {
    const result = await cluster.leasectl(['hold', '-n', 'default', 'elsewhere', '--', 'echo', 'ran'], { kubeconfig: tenant });
    expect(result).toMatchObject({
      code: 125,
      stdout: '',
      stderr: 'Error from server (Forbidden): leases.coordination.k8s.io "elsewhere" is forbidden: User "tenant" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "default"\n',
    });
  });

  it('completing -n as a user who may not list namespaces offers nothing and prints no error', async () => {
    const result = await cluster.leasectl(['__complete', 'list', '-n', ''], { env: { KUBECONFIG: tenant } });
    expect(result).toEqual({ code: 0, signal: null, stdout: ':4\n', stderr: '' });
  });
});
