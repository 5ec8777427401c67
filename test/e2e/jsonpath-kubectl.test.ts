// -o jsonpath and -o custom-columns, byte for byte against kubectl: kubectl get and leasectl list print the same
// leases of the sandbox (or a real cluster) with the same template (one named lease bare, a selection as a List);
// stdout, the error line and the exit code must be kubectl's.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/lease/types.js';
import { formatMicroTime } from '../../src/lease/time.js';
import { hasKubectl, KUBECTL_MISSING, setupCluster, uniqueName, type RunResult, type TestCluster } from './harness.js';

let cluster: TestCluster;
const names = { held: '', free: '', hostile: '' };
const HOSTILE_NOTE = 'evil\u001b]0;pwned\u0007\r\nline2\ttab 🙂 <&>';

beforeAll(async () => {
  cluster = await setupCluster();
  names.held = uniqueName('jp-a');
  names.free = uniqueName('jp-b');
  names.hostile = uniqueName('jp-c');
  const labels = cluster.labels;
  const leases: Lease[] = [
    {
      metadata: { name: names.held, labels: { ...labels, 'example.com/tier': 'gold' } },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 15, leaseTransitions: 3, renewTime: formatMicroTime(Date.now()) },
    },
    { metadata: { name: names.free, labels }, spec: { leaseDurationSeconds: 40 } },
    { metadata: { name: names.hostile, labels, annotations: { note: HOSTILE_NOTE } }, spec: { holderIdentity: '', leaseDurationSeconds: 20 } },
  ];
  // In name order, as a list returns them.
  await cluster.createLeases(cluster.namespace, leases);
});
afterAll(async () => {
  await cluster?.teardown();
});

interface Printed {
  stdout: string;
  /** The first line of stderr: the error, as the edge prints it. */
  error: string;
  code: number;
}

/** What `leasectl list` prints for `-o OUTPUT`: one named lease, or the file's leases by selector. */
async function ours(output: string, name: string | undefined, extra: string[]): Promise<Printed> {
  const target = name ? [name] : ['-l', cluster.selector];
  const result = await cluster.leasectl(['list', ...target, '-n', cluster.namespace, '-o', output, ...extra]);
  return { stdout: result.stdout, error: result.stderr.split('\n')[0] ?? '', code: result.code ?? -1 };
}

/**
 * kubectl's stdout, exit code and error line. After an execution error kubectl goes on over several lines with
 * "Printing more information for debugging the template:" and the whole object; leasectl's errors are one line.
 */
function printed(result: RunResult): Printed {
  const error = (result.stderr.split('\n')[0] ?? '').replace(/\. Printing more information for debugging the template:$/, '');
  return { stdout: result.stdout, error, code: result.code ?? -1 };
}

async function theirs(output: string, name: string | undefined, extra: string[] = []): Promise<Printed> {
  const target = name ? ['lease', name] : ['leases', '-l', cluster.selector];
  return printed(await cluster.kubectl(['get', ...target, '-n', cluster.namespace, '-o', output, ...extra]));
}

async function expectSame(output: string, name: string | undefined, flags: { allowMissingKeys?: boolean; noHeaders?: boolean } = {}): Promise<Printed> {
  const extra = [
    ...(flags.allowMissingKeys === false ? ['--allow-missing-template-keys=false'] : []),
    ...(flags.noHeaders ? ['--no-headers'] : []),
  ];
  const kubectl = await theirs(output, name, extra);
  const leasectl = await ours(output, name, extra);
  expect(leasectl).toEqual(kubectl);
  return leasectl;
}

describe.skipIf(!hasKubectl)(`-o jsonpath (${hasKubectl ? 'kubectl prints the same leases' : KUBECTL_MISSING})`, () => {
  it('names of a list with [*], each lease once', async () => {
    const result = await expectSame('jsonpath={.items[*].metadata.name}', undefined);
    expect(result.stdout).toBe(`${names.held} ${names.free} ${names.hostile}`);
  });

  it('range/end with tab and newline literals', async () => {
    await expectSame('jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.holderIdentity}{"\\n"}{end}', undefined);
  });

  it('filters by string and by number, == != < >=', async () => {
    await expectSame('jsonpath={.items[?(@.spec.holderIdentity=="node-1")].metadata.name}', undefined);
    await expectSame('jsonpath={.items[?(@.spec.holderIdentity!="node-1")].metadata.name}|{.items[?(@.spec.leaseDurationSeconds>=20)].metadata.name}|{.items[?(@.spec.leaseDurationSeconds<20)].spec.leaseTransitions}', undefined);
  });

  it('slices with negative indices and steps, and a union', async () => {
    await expectSame('jsonpath={.items[-1:].metadata.name} {.items[0:2].metadata.name} {.items[::2].metadata.name} {.items[-2].spec.leaseDurationSeconds}', undefined);
    await expectSame("jsonpath={.items[*]['metadata.name','spec.leaseDurationSeconds']}", undefined);
  });

  it('recursive descent finds every holderIdentity and name', async () => {
    await expectSame('jsonpath={..holderIdentity}|{.items[*]..leaseDurationSeconds}', undefined);
  });

  it('a quoted key with an escaped dot reads a label such as example.com/tier', async () => {
    await expectSame("jsonpath={.metadata.labels['example\\.com/tier']}|{.metadata.labels.example\\.com/tier}", names.held);
  });

  it('maps and lists print as JSON, with HTML characters escaped as Go does', async () => {
    await expectSame('jsonpath={.metadata.labels}{"\\n"}{.spec}{"\\n"}{.metadata.annotations}', names.hostile);
    await expectSame('jsonpath={.items[*].spec}', undefined);
  });

  it('one named lease is printed bare, a selection as a List', async () => {
    const one = await expectSame('jsonpath={.kind} {.metadata.name} {.metadata.resourceVersion}', names.held);
    expect(one.stdout).toMatch(/^Lease /);
    const list = await expectSame('jsonpath={.kind} {.apiVersion} {.metadata}', undefined);
    expect(list.stdout).toBe('List v1 {"resourceVersion":""}');
  });

  it('two names given at once are printed as a List, as kubectl prints them', async () => {
    const template = 'jsonpath={.kind}:{range .items[*]}{.metadata.name},{end}';
    const kubectl = printed(await cluster.kubectl(['get', 'lease', names.held, names.free, '-n', cluster.namespace, '-o', template]));
    const leasectl = await cluster.leasectl(['list', names.held, names.free, '-n', cluster.namespace, '-o', template]);
    expect({ stdout: leasectl.stdout, error: leasectl.stderr, code: leasectl.code }).toEqual(kubectl);
    expect(leasectl.stdout).toBe(`List:${names.held},${names.free},`);
  });

  it('a missing key prints nothing by default, and is an error with --allow-missing-template-keys=false', async () => {
    await expectSame('jsonpath={.spec.nope}|{.metadata.name}', names.held);
    const refused = await expectSame('jsonpath={.spec.nope}', names.held, { allowMissingKeys: false });
    expect(refused).toEqual({ stdout: '', error: 'error: error executing jsonpath "{.spec.nope}": Error executing template: nope is not found', code: 1 });
  });

  it('an unclosed action is one line in kubectl words, exit 1, nothing printed', async () => {
    const result = await expectSame('jsonpath={.metadata.name', names.held);
    expect(result).toEqual({ stdout: '', error: 'error: error parsing jsonpath {.metadata.name, unclosed action', code: 1 });
  });

  it('an index past the end of the list is an error naming the index and the length', async () => {
    const result = await expectSame('jsonpath={.items[0].metadata.name}{.items[5]}', undefined);
    expect(result.error).toContain('array index out of bounds: index 5, length 3');
  });

  it('an index too large for int64 is refused as not a number', async () => {
    const result = await expectSame('jsonpath={.items[99999999999999999999]}', undefined);
    expect(result.error).toBe('error: error parsing jsonpath {.items[99999999999999999999]}, array index 99999999999999999999 is not a number');
  });

  it('a template that compares a number with a string fails as kubectl does', async () => {
    await expectSame('jsonpath={.items[?(@.spec.leaseDurationSeconds>"a")]}', undefined);
  });

  it('a holder or annotation with ESC, BEL, CR/LF and a tab is printed raw, exactly as kubectl prints it', async () => {
    const result = await expectSame('jsonpath={.metadata.annotations.note}', names.hostile);
    expect(result.stdout).toBe(HOSTILE_NOTE);
  });

  it('a jsonpath-file template reads as the same template given inline', async () => {
    const file = join(cluster.workDir, 'names.jsonpath');
    writeFileSync(file, '{range .items[*]}{.metadata.name}{"\\n"}{end}');
    await expectSame(`jsonpath-file=${file}`, undefined);
    await expectSame(`jsonpath-file=${join(cluster.workDir, 'missing.jsonpath')}`, undefined);
  });
});

describe.skipIf(!hasKubectl)(`-o custom-columns (${hasKubectl ? 'kubectl prints the same leases' : KUBECTL_MISSING})`, () => {
  it('columns are aligned as kubectl aligns them, an empty holder a blank cell', async () => {
    await expectSame('custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity,DURATION:.spec.leaseDurationSeconds', undefined);
  });

  it('a missing value is <none>; maps print as Go prints them', async () => {
    await expectSame('custom-columns=NAME:.metadata.name,TRANSITIONS:.spec.leaseTransitions,NOPE:.spec.nope,LABELS:.metadata.labels', undefined);
  });

  it('--no-headers leaves the header out', async () => {
    await expectSame('custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity', undefined, { noHeaders: true });
  });

  it('the relaxed path forms metadata.name, {.x} and {x} all work, and one lease prints one row', async () => {
    await expectSame('custom-columns=NAME:metadata.name,H:{.spec.holderIdentity},D:{spec.leaseDurationSeconds},MANAGERS:.metadata.managedFields[*].manager', names.held);
  });

  it('a value with ESC, CR/LF and a tab gets only ESC and CR escaped, as kubectl escapes them', async () => {
    await expectSame('custom-columns=NAME:.metadata.name,NOTE:.metadata.annotations.note,AFTER:.spec.leaseDurationSeconds', undefined);
  });

  it('a custom-columns-file of headers and paths, which prints its header even with --no-headers', async () => {
    const file = join(cluster.workDir, 'columns.txt');
    writeFileSync(file, 'NAME   HOLDER\r\n.metadata.name   {.spec.holderIdentity}\r\n');
    await expectSame(`custom-columns-file=${file}`, undefined);
    await expectSame(`custom-columns-file=${file}`, undefined, { noHeaders: true });
    const short = join(cluster.workDir, 'short.txt');
    writeFileSync(short, 'NAME HOLDER\n.metadata.name\n');
    const mismatch = await expectSame(`custom-columns-file=${short}`, undefined);
    expect(mismatch.error).toBe("error: number of headers (2) and field specifications (1) don't match");
  });

  it('a spec without a colon is refused in kubectl words', async () => {
    const result = await expectSame('custom-columns=NAME:.metadata.name,HOLDER', undefined);
    expect(result).toEqual({ stdout: '', error: 'error: unexpected custom-columns spec: HOLDER, expected <header>:<json-path-expr>', code: 1 });
    await expectSame('custom-columns=', undefined);
    await expectSame('custom-columns=A:{.a}{.b}', undefined);
  });

  it('a path that does not parse fails after the header, which kubectl has printed already', async () => {
    const result = await expectSame('custom-columns=NAME:.metadata.name,BAD:.spec[', undefined);
    expect(result).toEqual({ stdout: 'NAME   BAD\n', error: 'error: unterminated array', code: 1 });
  });
});
