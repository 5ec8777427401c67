// A namespace or a lease name never leaves its path segment, wherever it comes from: each is refused in kubectl's
// words before any request, and nothing outside what the user named is read or changed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
let ns: string;
/** KUBECONFIG for a context like the cluster's own, but whose namespace is "..". */
let dotDotContext: string;
let contextName: string;

const HOUR = 3_600_000;

function expiredLease(name: string, labels: Record<string, string>): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, labels },
    spec: { holderIdentity: 'gone_1', leaseDurationSeconds: 15, renewTime: formatMicroTime(Date.now() - 2 * HOUR) },
  };
}

/**
 * A file holding only the current context, with namespace "..", listed before the cluster's kubeconfig: its context
 * wins (first file wins), the cluster and user still come from the original with their relative paths intact.
 */
function kubeconfigWithContextNamespace(namespace: string): { env: string; context: string } {
  const original = parse(readFileSync(cluster.kubeconfig, 'utf8')) as { 'current-context': string; contexts: { name: string; context: object }[] };
  const context = original.contexts.find((entry) => entry.name === original['current-context'])!;
  const file = join(mkdtempSync(join(tmpdir(), 'leasectl-paths-')), 'context.json');
  writeFileSync(
    file,
    JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': context.name, contexts: [{ name: context.name, context: { ...context.context, namespace } }] }),
  );
  return { env: `${file}${delimiter}${cluster.kubeconfig}`, context: context.name };
}

beforeAll(async () => {
  cluster = await setupCluster();
  ns = cluster.namespace;
  ({ env: dotDotContext, context: contextName } = kubeconfigWithContextNamespace('..'));
});

afterAll(async () => {
  await cluster?.teardown();
});

const fromDotDotContext = () => ({ env: { KUBECONFIG: dotDotContext } });
const contextRefusal = () =>
  `error: invalid namespace "..": [may not be '..'] (the namespace of context "${contextName}" in ${dotDotContext}): correct it there, or give -n NAMESPACE\n`;

describe('a namespace that would leave its path segment', () => {
  it("-n .. is refused in kubectl's words, exit 2", async () => {
    const result = await cluster.leasectl(['list', '-n', '..']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: `error: invalid namespace "..": [may not be '..']; give -n a namespace such as kube-system\n` });
  });

  it('-n with a slash or a percent sign is refused, naming each problem', async () => {
    const result = await cluster.leasectl(['list', '-n', 'a/%2e']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `error: invalid namespace "a/%2e": [may not contain '/' may not contain '%']; give -n a namespace such as kube-system\n`,
    });
  });

  it('a kubeconfig context with namespace ".." makes list refuse instead of listing every namespace', async () => {
    const result = await cluster.leasectl(['list'], fromDotDotContext());
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: contextRefusal() });
  });

  it('a kubeconfig context with namespace ".." makes gc -l delete nothing, in any namespace', async () => {
    const label = uniqueName('paths-gc');
    const name = uniqueName('expired');
    await cluster.createLeases(ns, [expiredLease(name, { 'leasectl-test': label })]);
    const dryRun = await cluster.leasectl(['gc', '-l', `leasectl-test=${label}`, '--dry-run'], fromDotDotContext());
    expect(dryRun).toMatchObject({ code: 1, stdout: '', stderr: contextRefusal() });
    const gc = await cluster.leasectl(['gc', '-l', `leasectl-test=${label}`], fromDotDotContext());
    expect(gc).toMatchObject({ code: 1, stdout: '', stderr: contextRefusal() });
    const still = await cluster.leasectl(['list', '-n', ns, name, '-o', 'name']);
    expect(still).toMatchObject({ code: 0, stdout: `lease.coordination.k8s.io/${name}\n` });
  });

  it('a kubeconfig context with namespace ".." makes hold exit 125 before taking anything', async () => {
    const result = await cluster.leasectl(['hold', uniqueName('never'), '--', 'true'], fromDotDotContext());
    expect(result).toMatchObject({ code: 125, stdout: '', stderr: contextRefusal() });
  });

  it('-n overrides a context namespace of "..", which then does not matter', async () => {
    const name = uniqueName('override');
    const renew = await cluster.leasectl(['renew', name, '-n', ns, '--identity', 'me', '--acquire'], fromDotDotContext());
    expect(renew.code, renew.stderr).toBe(0);
    expect(renew.stdout).toMatch(new RegExp(`^lease.coordination.k8s.io/${name} acquired \\(created; holder me`));
  });
});

describe('a lease name that would leave its path segment', () => {
  const refusal = (shown: string, problem: string) => `error: invalid resource name ${shown}: [${problem}]; give the name of a lease, such as example-foo\n`;

  it('inspect .. and inspect . are refused before any request, exit 2', async () => {
    expect(await cluster.leasectl(['inspect', '-n', ns, '..'])).toMatchObject({ code: 2, stdout: '', stderr: refusal('".."', "may not be '..'") });
    expect(await cluster.leasectl(['inspect', '-n', ns, '.'])).toMatchObject({ code: 2, stdout: '', stderr: refusal('"."', "may not be '.'") });
  });

  it("inspect '' says the resource name may not be empty", async () => {
    const result = await cluster.leasectl(['inspect', '-n', ns, '']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'error: resource name may not be empty; give the name of a lease, such as example-foo\n' });
  });

  it('a bad name among good ones stops the command before the good ones are read', async () => {
    const name = uniqueName('good');
    await cluster.createLeases(ns, [expiredLease(name, {})]);
    const result = await cluster.leasectl(['inspect', '-n', ns, name, '..']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: refusal('".."', "may not be '..'") });
  });

  it('release .. --force is refused and releases nothing', async () => {
    const result = await cluster.leasectl(['release', '-n', ns, '..', '--force']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: refusal('".."', "may not be '..'") });
  });

  it('renew, list and gc refuse a name with a slash or a percent sign', async () => {
    expect(await cluster.leasectl(['renew', '-n', ns, 'a/b', '--identity', 'me', '--acquire'])).toMatchObject({
      code: 2,
      stderr: refusal('"a/b"', "may not contain '/'"),
    });
    expect(await cluster.leasectl(['list', '-n', ns, '%2e%2e'])).toMatchObject({ code: 2, stderr: refusal('"%2e%2e"', "may not contain '%'") });
    expect(await cluster.leasectl(['gc', '-n', ns, '..', '--dry-run'])).toMatchObject({ code: 2, stderr: refusal('".."', "may not be '..'") });
  });

  it('hold .. exits 125 without running the command', async () => {
    const result = await cluster.leasectl(['hold', '-n', ns, '..', '--', 'echo', 'ran']);
    expect(result).toMatchObject({ code: 125, stdout: '', stderr: refusal('".."', "may not be '..'") });
  });
});
