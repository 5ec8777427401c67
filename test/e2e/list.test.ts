// leasectl list / inspect against the sandbox (or a real cluster), with kubectl as the independent reference.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../src/lease/time.js';
import { BEYOND_ONE_NAMESPACE, hasKubectl, KUBECTL_MISSING, oneNamespace, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
let ns: string;
/** The leases this file lists, named apart from any other file's in a shared namespace. */
const prefix = uniqueName('list');
const [alpha, bravo, charlie] = ['alpha', 'bravo', 'charlie'].map((name) => `${prefix}-${name}`) as [string, string, string];
const fileLeases = [alpha, bravo, charlie];

function leaseManifest(name: string, holder: string | undefined, renewedAgoMs: number, labels: Record<string, string> = {}, durationSeconds = 15) {
  const renewTime = formatMicroTime(Date.now() - renewedAgoMs);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, labels },
    spec: {
      ...(holder === undefined ? {} : { holderIdentity: holder }),
      leaseDurationSeconds: durationSeconds,
      acquireTime: renewTime,
      renewTime,
      leaseTransitions: 2,
    },
  };
}

async function createLeases(namespace: string, leases: object[]): Promise<void> {
  // A stream of JSON objects, one per lease, which `kubectl create -f` reads in turn.
  const result = await cluster.kubectl(['create', '-n', namespace, '-f', '-'], {
    input: leases.map((lease) => JSON.stringify(lease)).join('\n'),
    timeoutMs: 120_000,
  });
  expect(result.code, result.stderr).toBe(0);
}

/**
 * The cells before AGE (NAME and HOLDER, with NAMESPACE first under -A) of this file's rows, split at runs of two or
 * more spaces: kubectl aligns all rows to the widest, leasectl each page of 500 on its own, so column positions
 * differ on a busy cluster while the cells do not. AGE is last and never blank, so a blank HOLDER leaves one cell
 * fewer rather than letting AGE slide into its place.
 */
function nameAndHolder(table: string, nameColumn = 0): string[] {
  const rows = table.trimEnd().split('\n').slice(1).map((row) => row.split(/ {2,}/).slice(0, -1));
  return rows.filter((cells) => fileLeases.includes(cells[nameColumn]!)).map((cells) => cells.join('|'));
}

/** The AGE cells (the last cell) of this file's rows. */
function ageCells(table: string): string[] {
  const rows = table.trimEnd().split('\n').slice(1).map((row) => row.split(/ {2,}/));
  return rows.filter((cells) => cells.some((cell) => fileLeases.includes(cell))).map((cells) => cells.at(-1) ?? '');
}

const holders: Record<string, string> = {
  [alpha]: 'node-a_4f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21',
  [bravo]: '',
  [charlie]: 'node-c_5f3c1c3e-6a49-4b0e-9a3b-0c1f6b5d8e21',
};
/** NAME|HOLDER as this file wrote them (a blank holder is no cell): kubectl's table is the server's, so it is no reference on its own. */
const writtenRows = Object.entries(holders).map(([name, holder]) => (holder ? `${name}|${holder}` : name));
/** When the create was sent: no lease can be older. */
let createdFrom: number;

/**
 * Whether every AGE cell is an age these leases can have: whole seconds (HumanDuration under two minutes), no more
 * than the time since the create was sent, and one more for creationTimestamp's truncation to the second.
 */
function agesSinceCreate(cells: string[]): boolean {
  const oldest = Math.ceil((Date.now() - createdFrom) / 1000) + 1;
  return cells.length > 0 && cells.every((cell) => /^\d+s$/.test(cell) && parseInt(cell, 10) <= oldest);
}

beforeAll(async () => {
  cluster = await setupCluster();
  ns = cluster.namespace;
  if (!hasKubectl) return;
  createdFrom = Date.now();
  await createLeases(ns, [
    // Held for 10 minutes: still held when a slow, busy run reaches the -o wide test.
    leaseManifest(alpha, holders[alpha], 1000, { app: 'web', tier: 'front', ...cluster.labels }, 600),
    leaseManifest(bravo, holders[bravo], 60_000, { app: 'web', tier: 'back', ...cluster.labels }),
    leaseManifest(charlie, holders[charlie], 120_000, { app: 'db', ...cluster.labels }),
  ]);
});

afterAll(async () => {
  await cluster?.teardown();
});

describe.skipIf(!hasKubectl)(`list matches kubectl get lease (${hasKubectl ? 'kubectl found' : KUBECTL_MISSING})`, () => {
  it('prints the same NAME and HOLDER columns as kubectl in one namespace', async () => {
    const mine = await cluster.leasectl(['list', '-n', ns, '-l', cluster.selector]);
    const theirs = await cluster.kubectl(['get', 'lease', '-n', ns, '-l', cluster.selector]);
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout.split('\n')[0]).toMatch(new RegExp(`^NAME {${charlie.length - 1}}HOLDER {40}AGE$`));
    expect(nameAndHolder(mine.stdout)).toEqual(writtenRows);
    expect(nameAndHolder(theirs.stdout)).toEqual(writtenRows);
    expect(agesSinceCreate(ageCells(mine.stdout)), mine.stdout).toBe(true);
    expect(agesSinceCreate(ageCells(theirs.stdout)), theirs.stdout).toBe(true);
    // A blank holder is a blank cell, not <none>.
    expect(mine.stdout).toMatch(new RegExp(`\\n${bravo} {3,}\\d+s\\n`));
  });

  it('prints the same -o name as kubectl', async () => {
    const mine = await cluster.leasectl(['list', '-n', ns, '-l', cluster.selector, '-o', 'name']);
    const theirs = await cluster.kubectl(['get', 'lease', '-n', ns, '-l', cluster.selector, '-o', 'name']);
    expect(mine.stdout).toBe(theirs.stdout);
    expect(mine.stdout).toBe(fileLeases.map((name) => `lease.coordination.k8s.io/${name}\n`).join(''));
  });

  it.skipIf(oneNamespace)(`with -A prints NAMESPACE first and the same rows as kubectl for our namespace${oneNamespace ? ` (${BEYOND_ONE_NAMESPACE})` : ''}`, async () => {
    // Unselected: the whole cluster, which may be busy; only this file's rows are compared.
    const mine = await cluster.leasectl(['list', '-A'], { timeoutMs: 120_000 });
    const theirs = await cluster.kubectl(['get', 'lease', '-A'], { timeoutMs: 120_000 });
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+HOLDER\s+AGE$/);
        expect(nameAndHolder(mine.stdout, 1)).toEqual(writtenRows.map((row) => `${ns}|${row}`));
    expect(nameAndHolder(theirs.stdout, 1)).toEqual(writtenRows.map((row) => `${ns}|${row}`));
  });

  it('prints one named lease in yaml exactly as kubectl get -o yaml does', async () => {
    const ours = await cluster.leasectl(['list', '-n', ns, alpha, '-o', 'yaml']);
    const theirs = await cluster.kubectl(['get', 'lease', '-n', ns, alpha, '-o', 'yaml']);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).not.toContain('managedFields');
  });

  it('--show-managed-fields keeps metadata.managedFields, as kubectl does', async () => {
    const ours = JSON.parse((await cluster.leasectl(['list', '-n', ns, alpha, '-o', 'json', '--show-managed-fields'])).stdout);
    const theirs = JSON.parse((await cluster.kubectl(['get', 'lease', '-n', ns, alpha, '-o', 'json', '--show-managed-fields'])).stdout);
    expect(ours.metadata.managedFields.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });

  it('prints a list in json as kubectl does: a v1 List of whole objects', async () => {
    const mine = JSON.parse((await cluster.leasectl(['list', '-n', ns, '-l', cluster.selector, '-o', 'json'])).stdout);
    const theirs = JSON.parse((await cluster.kubectl(['get', 'lease', '-n', ns, '-l', cluster.selector, '-o', 'json'])).stdout);
    expect(mine.items).toHaveLength(3);
    expect(mine).toEqual(theirs);
  });

  it('inspect -o yaml matches kubectl get -o yaml, and several names print several objects', async () => {
    const ours = await cluster.leasectl(['inspect', '-n', ns, charlie, '-o', 'yaml']);
    const theirs = await cluster.kubectl(['get', 'lease', '-n', ns, charlie, '-o', 'yaml']);
    expect(ours.stdout).toBe(theirs.stdout);
    const both = JSON.parse((await cluster.leasectl(['inspect', '-n', ns, alpha, bravo, '-o', 'json'])).stdout);
    expect(both.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual([alpha, bravo]);
  });
});

describe('list flags', () => {
  it('says "No resources found in NS namespace." on stderr when nothing matches, exit 0, nothing on stdout', async () => {
    // A scope no lease has been made in: an empty namespace, or in one namespace a selector that matches nothing.
    const empty = await cluster.scope('empty');
    const ours = await cluster.leasectl(['list', '-n', empty.namespace, '-l', empty.selector]);
    expect(ours).toMatchObject({ code: 0, stdout: '', stderr: `No resources found in ${empty.namespace} namespace.\n` });
    if (hasKubectl) expect((await cluster.kubectl(['get', 'lease', '-n', empty.namespace, '-l', empty.selector])).stderr).toBe(ours.stderr);
    const yaml = await cluster.leasectl(['list', '-n', empty.namespace, '-l', empty.selector, '-o', 'yaml']);
    expect(yaml.stdout).toBe('apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
  });

  it.skipIf(!hasKubectl)('filters by label selector (full syntax) and by field selector', async () => {
    const web = await cluster.leasectl(['list', '-n', ns, '-l', `app=web,tier notin (back),${cluster.selector}`, '-o', 'name']);
    expect(web.stdout).toBe(`lease.coordination.k8s.io/${alpha}\n`);
    const notWeb = await cluster.leasectl(['list', '-n', ns, '-l', `app!=web,${cluster.selector}`, '-o', 'name']);
    expect(notWeb.stdout).toBe(`lease.coordination.k8s.io/${charlie}\n`);
    const byField = await cluster.leasectl(['list', '-n', ns, '--field-selector', `metadata.name=${bravo}`, '-o', 'name']);
    expect(byField.stdout).toBe(`lease.coordination.k8s.io/${bravo}\n`);
  });

  it('reports an unsupported field selector with the server\'s message, exit 1', async () => {
    const result = await cluster.leasectl(['list', '-n', ns, '--field-selector', 'spec.holderIdentity=x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Error from server (BadRequest): "spec.holderIdentity" is not a known field selector: only "metadata.name", "metadata.namespace"\n',
    );
  });

  it('reports a malformed label selector with the server\'s message, exit 1', async () => {
    const result = await cluster.leasectl(['list', '-n', ns, '-l', 'a b c']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error from server \(BadRequest\): unable to parse requirement: .*found 'b', expected: in, notin, =, ==, !=, gt, lt\n$/);
  });

  it.skipIf(!hasKubectl)('-o wide adds renewal, duration, expiry, transitions and tenure columns', async () => {
    const result = await cluster.leasectl(['list', '-n', ns, '-l', cluster.selector, '-o', 'wide', '--sort-by', '.metadata.name']);
    const [header, alphaRow, bravoRow, charlieRow] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+HOLDER\s+AGE\s+RENEWED\s+DURATION\s+EXPIRES\s+TRANSITIONS\s+ACQUIRED$/);
    expect(alphaRow).toMatch(new RegExp(`^${alpha}\\s+node-a_\\S+\\s+\\d+s\\s+\\d+s\\s+10m\\s+in \\dm\\d*s?\\s+2\\s+\\d+s$`));
    expect(bravoRow).toMatch(new RegExp(`^${bravo}\\s+\\d+s\\s+\\d+s\\s+15s\\s+released\\s+2\\s+\\d+s$`));
    expect(charlieRow).toMatch(new RegExp(`^${charlie}\\s+node-c_\\S+\\s+\\d+s\\s+2m\\d*s?\\s+15s\\s+expired (1\\d\\ds|2m\\d*s?) ago\\s+2\\s+2m\\d*s?$`));
  });

  it.skipIf(!hasKubectl)('--sort-by orders by any field, e.g. the last renewal', async () => {
    const result = await cluster.leasectl(['list', '-n', ns, '-l', cluster.selector, '--sort-by', '{.spec.renewTime}', '-o', 'name']);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([charlie, bravo, alpha].map((name) => `lease.coordination.k8s.io/${name}`));
    const nowhere = await cluster.leasectl(['list', '-n', ns, '-l', cluster.selector, '--sort-by', '.spec.noSuchField']);
    expect(nowhere).toMatchObject({ code: 2, stdout: '' });
    expect(nowhere.stderr).toMatch(/^error: --sort-by \.spec\.noSuchField: no lease has a field at that path/);
    const bad = await cluster.leasectl(['list', '-n', ns, '--sort-by', 'spec renewTime']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --sort-by "spec renewTime" is not a field path/);
  });

  it('NAME arguments list those leases; a missing one is NotFound after the others print, exit 1', async () => {
    if (hasKubectl) {
      const result = await cluster.leasectl(['list', '-n', ns, alpha, 'missing-one', charlie, '-o', 'name']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(`lease.coordination.k8s.io/${alpha}\nlease.coordination.k8s.io/${charlie}\n`);
      expect(result.stderr).toBe('Error from server (NotFound): leases.coordination.k8s.io "missing-one" not found\n');
    }
    const inspect = await cluster.leasectl(['inspect', '-n', ns, 'nope']);
    expect(inspect).toMatchObject({ code: 1, stdout: '', stderr: 'Error from server (NotFound): leases.coordination.k8s.io "nope" not found\n' });
  });

  it('rejects bad flags with a one-line error and exit 2', async () => {
    const badOutput = await cluster.leasectl(['list', '-o', 'xml']);
    expect(badOutput.code).toBe(2);
    expect(badOutput.stderr).toMatch(/^error: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are wide, yaml, json, name, jsonpath=\.\.\., jsonpath-file=\.\.\., custom-columns=\.\.\., custom-columns-file=\.\.\.\./);
    const badNamespace = await cluster.leasectl(['list', '-n', 'Foo']);
    expect(badNamespace.code).toBe(2);
    expect(badNamespace.stderr).toMatch(/^error: invalid namespace "Foo"/);
    const typo = await cluster.leasectl(['list', '--namespce', 'x']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('(Did you mean --namespace?)');
  });
});

describe.skipIf(!hasKubectl)(`pagination and watch (${hasKubectl ? 'kubectl found' : KUBECTL_MISSING})`, () => {
  it('lists 1,200 leases in pages of 500, each exactly once', { timeout: 180_000 }, async () => {
    const big = await cluster.scope('paged');
    const names = Array.from({ length: 1200 }, (_, index) => `${big.prefix}-${String(index).padStart(4, '0')}`);
    await cluster.createLeases(big.namespace, names.map((name) => leaseManifest(name, `holder-${name}`, 0, big.labels)));
    const result = await cluster.leasectl(['list', '-n', big.namespace, '-l', big.selector, '--chunk-size', '500', '--no-headers'], { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const listed = result.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(listed).toHaveLength(1200);
    expect(new Set(listed).size).toBe(1200);
    expect(listed).toEqual(names);
  });

  it('-w prints a change made by kubectl, and ends cleanly on SIGINT', async () => {
    const watched = await cluster.scope('watch');
    const first = `${watched.prefix}-first`;
    await createLeases(watched.namespace, [leaseManifest(first, 'me', 0, watched.labels)]);
    const child = cluster.spawnLeasectl(['list', '-n', watched.namespace, '-l', watched.selector, '-w']);
    let stdout = '';
    const waiters: (() => void)[] = [];
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk;
      waiters.splice(0).forEach((wake) => wake());
    });
    const seen = async (text: string) => {
      while (!stdout.includes(text)) await new Promise<void>((wake) => waiters.push(wake));
    };
    await seen(first);
    const name = uniqueName('second');
    await createLeases(watched.namespace, [leaseManifest(name, 'someone', 0, watched.labels)]);
    await seen(name);
    expect(stdout.split('\n')[0]).toMatch(/^NAME\s+HOLDER\s+AGE$/);
    expect(stdout).toMatch(new RegExp(`\\n${name}\\s+someone\\s+\\d+s\\n`));
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
