// Server-side apply (PATCH with application/apply-patch+yaml) as kube-apiserver v1.26 does it: who owns which
// field (managedFields with operation Apply beside Update), conflicts and force, fieldManager required, create on
// apply, resourceVersion as a precondition, dry runs, bodies the field manager refuses, and kubectl apply
// --server-side end to end. Recordings 048-052 pin the exact answers for the cases they cover.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureStatus, hasKubectl, leaseBody, leasesPath, useSandbox } from './client.js';

const harness = useSandbox();
const ns = 'default';

const applyType = 'application/apply-patch+yaml';
const lease = (name: string) => leasesPath(ns, name);

/** An apply of `body` (YAML text, or an object sent as JSON, which is YAML too) with the given query. */
function apply(name: string, body: unknown, query = 'fieldManager=test') {
  return harness.api.call('PATCH', `${lease(name)}?${query}`, { contentType: applyType, body });
}

const yamlLease = (name: string, spec: string, labels = '') =>
  `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: ${name}\n${labels ? `  labels:\n${labels}` : ''}spec:\n${spec}`;

/** The managedFields entries as manager/operation → fieldsV1, which is what ownership tests compare. */
const owners = (object: { metadata: { managedFields?: { manager: string; operation: string; fieldsV1: unknown }[] } }) =>
  (object.metadata.managedFields ?? []).map(({ manager, operation, fieldsV1 }) => ({ manager, operation, fieldsV1 }));

const conflictCause = (manager: string, field: string) => ({ reason: 'FieldManagerConflict', message: `conflict with ${manager}`, field });

describe('server-side apply', () => {
  it('creates a missing lease and owns exactly the applied fields, labels without the map itself', async () => {
    const res = await apply('apply-new', yamlLease('apply-new', '  holderIdentity: a\n  leaseDurationSeconds: 15\n', '    team: x\n'));
    expect(res.status).toBe(201);
    expect(res.json.spec).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 15 });
    expect(owners(res.json)).toEqual([
      { manager: 'test', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } }, 'f:spec': { 'f:holderIdentity': {}, 'f:leaseDurationSeconds': {} } } },
    ]);
  });

  it('applying the same configuration again changes nothing, not even the resourceVersion', async () => {
    const first = await apply('apply-same', yamlLease('apply-same', '  holderIdentity: a\n'));
    const again = await apply('apply-same', yamlLease('apply-same', '  holderIdentity: a\n'));
    expect(again.status).toBe(200);
    expect(again.json.metadata.resourceVersion).toBe(first.json.metadata.resourceVersion);
  });

  it('a field last written by an Update manager is a conflict naming that manager and its API version', async () => {
    await harness.api.call('POST', leasesPath(ns), { body: leaseBody('apply-upd', { holderIdentity: 'put', leaseDurationSeconds: 30 }) });
    const res = await apply('apply-upd', yamlLease('apply-upd', '  holderIdentity: mine\n'));
    expect(res.status).toBe(409);
    expect(res.json).toEqual(failureStatus(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "sandbox-test" using coordination.k8s.io/v1: .spec.holderIdentity', {
      causes: [conflictCause('"sandbox-test" using coordination.k8s.io/v1', '.spec.holderIdentity')],
    }));
    expect((await harness.api.call('GET', lease('apply-upd'))).json.spec.holderIdentity).toBe('put');
  });

  it('force=true takes the conflicting fields over; the Update manager keeps the rest', async () => {
    const res = await apply('apply-upd', yamlLease('apply-upd', '  holderIdentity: mine\n'), 'fieldManager=test&force=true');
    expect(res.status).toBe(200);
    expect(res.json.spec).toEqual({ holderIdentity: 'mine', leaseDurationSeconds: 30 });
    expect(owners(res.json)).toEqual([
      { manager: 'test', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:holderIdentity': {} } } },
      { manager: 'sandbox-test', operation: 'Update', fieldsV1: { 'f:spec': { 'f:leaseDurationSeconds': {} } } },
    ]);
  });

  it('conflicts with several managers are listed manager by manager, sorted', async () => {
    await apply('apply-many', yamlLease('apply-many', '  holderIdentity: a\n'), 'fieldManager=zeta');
    await apply('apply-many', yamlLease('apply-many', '  leaseDurationSeconds: 10\n  leaseTransitions: 1\n'), 'fieldManager=alpha');
    const res = await apply('apply-many', yamlLease('apply-many', '  holderIdentity: b\n  leaseDurationSeconds: 20\n  leaseTransitions: 2\n'), 'fieldManager=mid');
    expect(res.status).toBe(409);
    expect(res.json.message).toBe('Apply failed with 3 conflicts: conflicts with "alpha":\n- .spec.leaseDurationSeconds\n- .spec.leaseTransitions\nconflicts with "zeta":\n- .spec.holderIdentity');
    expect(res.json.details.causes).toEqual([
      conflictCause('"alpha"', '.spec.leaseDurationSeconds'), conflictCause('"alpha"', '.spec.leaseTransitions'), conflictCause('"zeta"', '.spec.holderIdentity'),
    ]);
    expect((await harness.api.call('GET', lease('apply-many'))).json.spec).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 10, leaseTransitions: 1 });
  });

  it('applying the value another applier set is no conflict: both own the field', async () => {
    await apply('apply-share', yamlLease('apply-share', '  holderIdentity: same\n'), 'fieldManager=one');
    const res = await apply('apply-share', yamlLease('apply-share', '  holderIdentity: same\n'), 'fieldManager=two');
    expect(res.status).toBe(200);
    expect(owners(res.json).map(({ manager }) => manager).sort()).toEqual(['one', 'two']);
  });

  it('a field the applier leaves out is removed, unless another manager owns it too', async () => {
    await apply('apply-prune', yamlLease('apply-prune', '  holderIdentity: a\n  leaseDurationSeconds: 15\n  leaseTransitions: 3\n', '    keep: x\n    drop: y\n'));
    await apply('apply-prune', yamlLease('apply-prune', '  leaseTransitions: 3\n'), 'fieldManager=other');
    const res = await apply('apply-prune', yamlLease('apply-prune', '  holderIdentity: a\n', '    keep: x\n'));
    expect(res.status).toBe(200);
    expect(res.json.metadata.labels).toEqual({ keep: 'x' });
    expect(res.json.spec).toEqual({ holderIdentity: 'a', leaseTransitions: 3 });
  });

  it('an Update after an apply takes the fields it changes; the applier keeps its Apply entry for the rest', async () => {
    const applied = await apply('apply-then-put', yamlLease('apply-then-put', '  holderIdentity: a\n  leaseDurationSeconds: 15\n'));
    const put = await harness.api.call('PUT', lease('apply-then-put'), { body: { ...applied.json, spec: { ...applied.json.spec, holderIdentity: 'b' } } });
    expect(put.status).toBe(200);
    expect(owners(put.json)).toEqual([
      { manager: 'test', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:leaseDurationSeconds': {} } } },
      { manager: 'sandbox-test', operation: 'Update', fieldsV1: { 'f:spec': { 'f:holderIdentity': {} } } },
    ]);
  });

  it('the same name applying and updating is two managers, and the one conflicts with the other', async () => {
    await apply('apply-self', yamlLease('apply-self', '  holderIdentity: a\n'), 'fieldManager=sandbox-test');
    await harness.api.call('PATCH', lease('apply-self'), { contentType: 'application/merge-patch+json', body: { spec: { leaseDurationSeconds: 9 } } });
    const res = await apply('apply-self', yamlLease('apply-self', '  holderIdentity: a\n  leaseDurationSeconds: 10\n'), 'fieldManager=sandbox-test');
    expect(res.status).toBe(409);
    expect(res.json.message).toBe('Apply failed with 1 conflict: conflict with "sandbox-test" using coordination.k8s.io/v1: .spec.leaseDurationSeconds');
  });

  it('a resourceVersion in the configuration is a precondition: a stale one is a 409, the current one applies', async () => {
    const created = await apply('apply-rv', yamlLease('apply-rv', '  holderIdentity: a\n'));
    await apply('apply-rv', yamlLease('apply-rv', '  holderIdentity: b\n'));
    const stale = await apply('apply-rv', { ...leaseBody('apply-rv', { holderIdentity: 'c' }, { resourceVersion: created.json.metadata.resourceVersion }) });
    expect(stale.json).toEqual(failureStatus(409, 'Conflict', 'Operation cannot be fulfilled on leases.coordination.k8s.io "apply-rv": the object has been modified; please apply your changes to the latest version and try again', {
      name: 'apply-rv', group: 'coordination.k8s.io', kind: 'leases',
    }));
    expect((await harness.api.call('GET', lease('apply-rv'))).json.spec.holderIdentity).toBe('b');
    const current = (await harness.api.call('GET', lease('apply-rv'))).json.metadata.resourceVersion;
    const fresh = await apply('apply-rv', leaseBody('apply-rv', { holderIdentity: 'c' }, { resourceVersion: current }));
    expect(fresh.status).toBe(200);
    expect(fresh.json.spec.holderIdentity).toBe('c');
  });

  it('dryRun=All answers with the applied lease and stores nothing', async () => {
    const res = await apply('apply-dry', yamlLease('apply-dry', '  holderIdentity: a\n'), 'fieldManager=test&dryRun=All');
    expect(res.status).toBe(201);
    expect(res.json.spec.holderIdentity).toBe('a');
    expect((await harness.api.call('GET', lease('apply-dry'))).status).toBe(404);
  });

  it('an apply without fieldManager is refused even though the User-Agent would name one', async () => {
    const res = await apply('apply-nofm', yamlLease('apply-nofm', '  holderIdentity: a\n'), '');
    expect(res.json).toEqual(failureStatus(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
      group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    }));
  });

  it('force on a patch that is not an apply is refused', async () => {
    await apply('apply-force-merge', yamlLease('apply-force-merge', '  holderIdentity: a\n'));
    const res = await harness.api.call('PATCH', `${lease('apply-force-merge')}?force=true`, { contentType: 'application/merge-patch+json', body: { spec: { holderIdentity: 'b' } } });
    expect(res.json).toEqual(failureStatus(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', {
      group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }],
    }));
    expect((await harness.api.call('GET', lease('apply-force-merge'))).json.spec.holderIdentity).toBe('a');
  });
});

describe('the move from client-side kubectl apply to server-side', () => {
  const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
  /** A lease as client-side `kubectl apply` leaves it: its fields and the annotation recording them, one Update manager. */
  async function clientSideApplied(name: string, spec: Record<string, unknown>) {
    const annotation = `${JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { annotations: {}, name, namespace: ns }, spec })}\n`;
    const created = await harness.api.call('POST', `${leasesPath(ns)}?fieldManager=kubectl-client-side-apply`, { body: leaseBody(name, spec, { annotations: { [lastApplied]: annotation } }) });
    expect(created.status).toBe(201);
  }

  it('kubectl takes the fields its last-applied annotation still holds without a conflict, and the annotation follows the apply', async () => {
    await clientSideApplied('csa-upgrade', { holderIdentity: 'a', leaseDurationSeconds: 15 });
    const res = await apply('csa-upgrade', leaseBody('csa-upgrade', { holderIdentity: 'b', leaseDurationSeconds: 15 }, { namespace: ns }), 'fieldManager=kubectl');
    expect(res.status).toBe(200);
    expect(res.json.spec).toEqual({ holderIdentity: 'b', leaseDurationSeconds: 15 });
    expect(res.json.metadata.annotations[lastApplied]).toBe(`{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"csa-upgrade","namespace":"${ns}"},"spec":{"holderIdentity":"b","leaseDurationSeconds":15}}\n`);
    expect(owners(res.json).map(({ manager, operation }) => `${manager}/${operation}`)).toEqual(['kubectl/Apply', 'kubectl-client-side-apply/Update']);
  });

  it('a field changed since the last client-side apply still conflicts, and any other manager conflicts as usual', async () => {
    await clientSideApplied('csa-moved', { holderIdentity: 'a', leaseDurationSeconds: 15 });
    await harness.api.call('PATCH', `${lease('csa-moved')}?fieldManager=kubectl-edit`, { contentType: 'application/merge-patch+json', body: { spec: { leaseDurationSeconds: 20 } } });
    const changed = await apply('csa-moved', leaseBody('csa-moved', { holderIdentity: 'b', leaseDurationSeconds: 30 }), 'fieldManager=kubectl');
    expect(changed.json.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using coordination.k8s.io/v1: .spec.leaseDurationSeconds');
    const other = await apply('csa-moved', leaseBody('csa-moved', { holderIdentity: 'b' }), 'fieldManager=not-kubectl');
    expect(other.json.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using coordination.k8s.io/v1: .spec.holderIdentity');
  });
});

describe('configurations the field manager refuses', () => {
  const badRequest = (message: string) => failureStatus(400, 'BadRequest', message);

  it('an apply body that is not YAML is a 400', async () => {
    const res = await apply('apply-bad', 'metadata: [unclosed');
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/^error decoding YAML: error converting YAML to JSON: yaml: /);
  });

  it('an apply body that is a list is a 400 naming the map it must be', async () => {
    expect((await apply('apply-bad', '- a\n- b\n')).json).toEqual(badRequest('error decoding YAML: json: cannot unmarshal array into Go value of type map[string]interface {}'));
  });

  it('an apply body without apiVersion and kind, or of another kind, is an invalid object type', async () => {
    expect((await apply('apply-bad', 'metadata:\n  name: apply-bad\n')).json).toEqual(badRequest('invalid object type: /, Kind='));
    expect((await apply('apply-bad', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: apply-bad\n')).json).toEqual(badRequest('invalid object type: /v1, Kind=ConfigMap'));
    expect((await harness.api.call('GET', lease('apply-bad'))).status).toBe(404);
  });

  it('an apply body that sets managedFields is a 400', async () => {
    const body = leaseBody('apply-bad', { holderIdentity: 'a' }, { managedFields: [] });
    expect((await apply('apply-bad', body)).json).toEqual(badRequest('metadata.managedFields must be nil'));
  });

  it('an apply body with a field a Lease does not have fails as a typed patch object, a 500 without a reason', async () => {
    const res = await apply('apply-bad', leaseBody('apply-bad', { holderIdentity: 'a', owner: 'x' }));
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'failed to create typed patch object (/apply-bad; coordination.k8s.io/v1, Kind=Lease): .spec.owner: field not declared in schema', code: 500,
    });
  });

  it('an apply body naming another lease than the URL is a 400', async () => {
    expect((await apply('apply-bad', yamlLease('someone-else', '  holderIdentity: a\n'))).json)
      .toEqual(badRequest('the name of the object (someone-else) does not match the name on the URL (apply-bad)'));
  });
});

describe.skipIf(!hasKubectl)('kubectl apply --server-side against the sandbox (skipped: kubectl is not on PATH)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-apply-'));

  /** Runs kubectl asynchronously: the sandbox shares this process, so a synchronous spawn would starve it. */
  async function kubectl(args: string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
    const kubeconfig = await harness.sandbox.writeKubeconfig(join(dir, 'kubeconfig'));
    return new Promise((resolve) => {
      execFile('kubectl', ['--kubeconfig', kubeconfig, '--namespace', ns, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, HOME: dir } }, (error, stdout, stderr) => {
        resolve({ stdout, stderr, status: error ? (typeof error.code === 'number' ? error.code : null) : 0 });
      });
    });
  }

  const manifest = (holder: string) => {
    const path = join(dir, `kubectl-ssa-${holder}.yaml`);
    writeFileSync(path, yamlLease('kubectl-ssa', `  holderIdentity: ${holder}\n  leaseDurationSeconds: 15\n`, '    app: demo\n'));
    return path;
  };

  it('apply --server-side creates, then reapplies, the lease as field manager kubectl', async () => {
    const created = await kubectl(['apply', '--server-side', '-f', manifest('me')]);
    expect(created).toEqual({ stdout: 'lease.coordination.k8s.io/kubectl-ssa serverside-applied\n', stderr: '', status: 0 });
    expect((await kubectl(['apply', '--server-side', '-f', manifest('me')])).stdout).toBe('lease.coordination.k8s.io/kubectl-ssa serverside-applied\n');
    const stored = JSON.parse((await kubectl(['get', 'lease', 'kubectl-ssa', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(stored.spec).toEqual({ holderIdentity: 'me', leaseDurationSeconds: 15 });
    expect(owners(stored).map(({ manager, operation }) => `${manager}/${operation}`)).toEqual(['kubectl/Apply']);
  });

  it('apply --server-side after a client-side apply takes the lease over without a conflict', async () => {
    const path = join(dir, 'kubectl-csa.yaml');
    writeFileSync(path, yamlLease('kubectl-csa', '  holderIdentity: a\n'));
    expect((await kubectl(['apply', '-f', path])).stdout).toBe('lease.coordination.k8s.io/kubectl-csa created\n');
    writeFileSync(path, yamlLease('kubectl-csa', '  holderIdentity: b\n'));
    expect(await kubectl(['apply', '--server-side', '-f', path])).toEqual({ stdout: 'lease.coordination.k8s.io/kubectl-csa serverside-applied\n', stderr: '', status: 0 });
    expect((await kubectl(['get', 'lease', 'kubectl-csa', '-o', 'jsonpath={.spec.holderIdentity}'])).stdout).toBe('b');
  });

  it('another field manager conflicts, and --force-conflicts takes the field', async () => {
    const refused = await kubectl(['apply', '--server-side', '--field-manager', 'rival', '-f', manifest('rival')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.holderIdentity');
    const forced = await kubectl(['apply', '--server-side', '--field-manager', 'rival', '--force-conflicts', '-f', manifest('rival')]);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toBe('lease.coordination.k8s.io/kubectl-ssa serverside-applied\n');
    expect((await kubectl(['get', 'lease', 'kubectl-ssa', '-o', 'jsonpath={.spec.holderIdentity}'])).stdout).toBe('rival');
  });
});
