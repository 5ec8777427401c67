import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { HoldExitCode } from '../../src/hold/exit-codes.js';

const root = resolve(import.meta.dirname, '../..');

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

// The manifests are untyped YAML; the test reads the fields it checks.
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, any>;

function manifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(resolve(root, 'examples', file), 'utf8')).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Manifest;
  });
}

/** LeaseClient method → the RBAC verb its request is authorized as. */
const VERB_OF_METHOD: Record<string, string> = {
  get: 'get',
  create: 'create',
  update: 'update',
  delete: 'delete',
  watch: 'watch',
  listPage: 'list',
  listPages: 'list',
};

/**
 * The verbs hold's code calls the Lease API with, read from its source (src/hold/, src/election/ and the command):
 * its direct calls, the writes its compare-and-swap decisions name (each compare-and-swap also reads: get), and the
 * watch of its waiter (list-then-watch, which it relists with a get). The compare-and-swap's own file serves gc too.
 */
function verbsHoldUses(): Set<string> {
  const files = [
    ...['src/hold', 'src/election'].flatMap((dir) => readdirSync(resolve(root, dir)).map((file) => resolve(root, dir, file))),
    resolve(root, 'src/commands/hold.ts'),
    // hold --slots lists and watches by label, which the example's plain hold never does (examples/README.md says so).
  ].filter((file) => !file.endsWith('compare-and-swap.ts') && !file.endsWith('election/slots.ts'));
  const verbs = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\bclient\s*\.\s*(\w+)\s*\(/g)) {
      const verb = VERB_OF_METHOD[match[1] ?? ''];
      if (verb) verbs.add(verb);
    }
    for (const match of source.matchAll(/\bverb: '(create|update|delete)'|\bverb: created \? '(create)' : '(update)'/g)) {
      for (const verb of match.slice(1)) if (verb) verbs.add(verb);
    }
    if (/\bcompareAndSwap\(/.test(source)) verbs.add('get');
    if (/\blistThenWatch\(/.test(source)) verbs.add('watch');
  }
  return verbs;
}

describe('examples/hold-cronjob.yaml', () => {
  const docs = manifests('hold-cronjob.yaml');
  const byKind = (kind: string) => {
    const found = docs.filter((doc) => doc.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0] as Manifest;
  };

  it('holds a ServiceAccount, a Role, a RoleBinding and a CronJob in one namespace', () => {
    expect(docs.map((doc) => `${doc.apiVersion} ${doc.kind}`)).toEqual([
      'v1 ServiceAccount',
      'rbac.authorization.k8s.io/v1 Role',
      'rbac.authorization.k8s.io/v1 RoleBinding',
      'batch/v1 CronJob',
    ]);
    expect(new Set(docs.map((doc) => doc.metadata.namespace))).toEqual(new Set(['batch']));
  });

  it('binds the Role to the ServiceAccount the CronJob runs as', () => {
    const serviceAccount = byKind('ServiceAccount');
    const role = byKind('Role');
    const binding = byKind('RoleBinding');
    const pod = byKind('CronJob').spec.jobTemplate.spec.template.spec;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: serviceAccount.metadata.namespace }]);
    expect(pod.serviceAccountName).toBe(serviceAccount.metadata.name);
  });

  it('runs the job under leasectl hold, on the lease the Role names', () => {
    const pod = byKind('CronJob').spec.jobTemplate.spec.template.spec;
    const command: string[] = pod.containers[0].command;
    const dash = command.indexOf('--');
    expect(command.slice(0, 2)).toEqual(['leasectl', 'hold']);
    expect(dash).toBeGreaterThan(2);
    const leaseName = command[dash - 1];
    const rules: PolicyRule[] = byKind('Role').rules;
    for (const rule of rules.filter((r) => !r.verbs.includes('create'))) expect(rule.resourceNames).toEqual([leaseName]);
  });

  it('grants exactly the verbs hold uses, each only on the one lease where RBAC allows it', () => {
    const used = verbsHoldUses();
    expect(used).toEqual(new Set(['get', 'create', 'update', 'watch']));
    const rules: PolicyRule[] = byKind('Role').rules;
    for (const rule of rules) {
      expect(rule.apiGroups).toEqual(['coordination.k8s.io']);
      expect(rule.resources).toEqual(['leases']);
    }
    expect(new Set(rules.flatMap((rule) => rule.verbs))).toEqual(used);
    // create cannot be limited by resourceNames (the apiserver does not know the name when it authorizes), so it
    // must be its own rule; everything else is limited to the lease.
    const createRules = rules.filter((rule) => rule.verbs.includes('create'));
    expect(createRules).toHaveLength(1);
    expect(createRules[0]?.verbs).toEqual(['create']);
    expect(createRules[0]?.resourceNames).toBeUndefined();
    expect(rules.filter((rule) => !rule.verbs.includes('create')).every((rule) => rule.resourceNames?.length === 1)).toBe(true);
  });

  it("fails the Job rather than retrying when the lease stays held (hold's exit code 124)", () => {
    const job = byKind('CronJob').spec.jobTemplate.spec;
    const container = job.template.spec.containers[0];
    expect(job.template.spec.restartPolicy).toBe('Never');
    expect(job.podFailurePolicy.rules).toContainEqual({
      action: 'FailJob',
      onExitCodes: { containerName: container.name, operator: 'In', values: [HoldExitCode.notAcquired] },
    });
  });

  it("leaves hold time to stop the job and release the lease before the kubelet's SIGKILL", () => {
    const pod = byKind('CronJob').spec.jobTemplate.spec.template.spec;
    // hold's default --grace-period is 10s; the pod's must exceed it.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
  });
});

describe('examples/README.md', () => {
  it('names every object in the manifest', () => {
    const readme = readFileSync(resolve(root, 'examples/README.md'), 'utf8');
    for (const doc of manifests('hold-cronjob.yaml')) expect(readme).toContain(`| ${doc.kind} | \`${doc.metadata.name}\` |`);
  });
});
