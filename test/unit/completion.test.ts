import { describe, expect, it, vi } from 'vitest';
import { createProgram } from '../../src/cli.js';
import { complete, Directive, formatCompletion, type ValueSource } from '../../src/completion/complete.js';
import type { KubeFlags } from '../../src/kube/connection.js';
import { testContext } from '../support/test-context.js';

/** A source that records the flags it was asked with and answers from fixed lists. */
function fakeSource() {
  const asked: { what: string; flags: KubeFlags }[] = [];
  const answer = <T>(what: string, values: T) => async (flags: KubeFlags) => (asked.push({ what, flags }), values);
  const source: ValueSource = {
    contexts: answer('contexts', ['kind-a', 'prod:eu']),
    clusters: answer('clusters', ['kind-a']),
    users: answer('users', ['admin']),
    namespaces: answer('namespaces', ['default', 'kube-node-lease', 'kube-system']),
    leases: answer('leases', [
      { value: 'example-foo', description: 'held by me' },
      { value: 'example-bar', description: 'released' },
      { value: 'other', description: 'released' },
    ]),
    labelKeys: answer('labelKeys', ['app.kubernetes.io/name', 'team']),
  };
  const load = vi.fn(async () => source);
  return { asked, load };
}

async function candidates(...args: string[]) {
  const { program } = createProgram(testContext().world);
  const { load, asked } = fakeSource();
  const result = await complete(program, args, load);
  return { values: result.candidates.map((candidate) => candidate.value), result, asked, loaded: load.mock.calls.length > 0 };
}

describe('__complete', () => {
  it('offers every visible command, with its summary, and hides __complete', async () => {
    const { values, result, loaded } = await candidates('');
    expect(values).toEqual(expect.arrayContaining(['list', 'inspect', 'completion']));
    expect(values).not.toContain('__complete');
    expect(result.candidates.find((candidate) => candidate.value === 'list')?.description).toMatch(/list leases/);
    expect(result.directive).toBe(Directive.noFileComp);
    expect(loaded).toBe(false);
  });

  it('completes a command prefix', async () => {
    expect((await candidates('ins')).values).toEqual(['inspect']);
  });

  it("offers the command's flags and the global ones", async () => {
    const { values, loaded } = await candidates('list', '--');
    expect(values).toEqual(expect.arrayContaining(['--output', '--selector', '--all-namespaces', '--namespace', '--context', '--help']));
    expect(values.every((value) => value.startsWith('--'))).toBe(true);
    expect(loaded).toBe(false);
    expect((await candidates('list', '-')).values).toEqual(expect.arrayContaining(['-o', '-n', '-A', '--watch']));
  });

  it('completes -o from the choices declared on the option, per command', async () => {
    expect((await candidates('list', '-o', '')).values).toEqual(['wide', 'yaml', 'json', 'name', 'jsonpath=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file=']);
    expect((await candidates('inspect', '--output', '')).values).toEqual(['yaml', 'json', 'jsonpath=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file=']);
    expect((await candidates('gc', '-o', '')).values).toEqual(['name', 'json', 'yaml']);
    expect((await candidates('list', '-o', 'y')).values).toEqual(['yaml']);
  });

  it('completes --flag=value and -oVALUE with the flag kept in the candidate', async () => {
    expect((await candidates('list', '--output=j')).values).toEqual(['--output=json', '--output=jsonpath=', '--output=jsonpath-file=']);
    expect((await candidates('list', '-oj')).values).toEqual(['-ojson', '-ojsonpath=', '-ojsonpath-file=']);
  });

  it('completes --context, --cluster and --user from the kubeconfig named on the line', async () => {
    const { values, asked } = await candidates('--kubeconfig', '/tmp/k', 'list', '--context', '');
    expect(values).toEqual(['kind-a', 'prod:eu']);
    expect(asked).toEqual([{ what: 'contexts', flags: expect.objectContaining({ kubeconfig: '/tmp/k' }) }]);
    expect((await candidates('list', '--user', '')).values).toEqual(['admin']);
  });

  it('completes -L with the label keys of the leases in the namespace on the line', async () => {
    const { values, asked } = await candidates('list', '-n', 'apps', '-L', '');
    expect(values).toEqual(['app.kubernetes.io/name', 'team']);
    expect(asked).toEqual([{ what: 'labelKeys', flags: expect.objectContaining({ namespace: 'apps' }) }]);
  });

  it('completes -n from the cluster of the --context given earlier', async () => {
    const { values, asked } = await candidates('--context', 'kind-a', 'list', '-n', 'kube-');
    expect(values).toEqual(['kube-node-lease', 'kube-system']);
    expect(asked[0]?.flags.context).toBe('kind-a');
  });

  it('completes lease names in the namespace typed on the line, for every command that takes lease names', async () => {
    for (const command of ['list', 'inspect']) {
      const { values, asked } = await candidates(command, '-n', 'kube-system', 'example-');
      expect(values).toEqual(['example-foo', 'example-bar']);
      expect(asked[0]).toEqual({ what: 'leases', flags: expect.objectContaining({ namespace: 'kube-system' }) });
    }
    expect((await candidates('inspect', '--namespace=kube-system', '')).asked[0]?.flags.namespace).toBe('kube-system');
    expect((await candidates('inspect', '-nkube-system', '')).asked[0]?.flags.namespace).toBe('kube-system');
  });

  it('does not offer a lease that is already on the line', async () => {
    expect((await candidates('inspect', 'example-foo', '')).values).toEqual(['example-bar', 'other']);
  });

  it('offers no lease names across all namespaces (names need one namespace)', async () => {
    const { values, loaded } = await candidates('list', '-A', '');
    expect(values).toEqual([]);
    expect(loaded).toBe(false);
  });

  it('lets the shell complete files for --kubeconfig and after --', async () => {
    expect((await candidates('list', '--kubeconfig', '')).result.directive).toBe(Directive.default);
    expect((await candidates('list', '--', '')).result.directive).toBe(Directive.default);
  });

  it('offers nothing, and no files, for a free-form value', async () => {
    const { result } = await candidates('list', '--sort-by', '');
    expect(result).toEqual({ candidates: [], directive: Directive.noFileComp });
  });

  it('completes the shells of `completion` from the argument choices', async () => {
    expect((await candidates('completion', '')).values).toEqual(['bash', 'zsh', 'fish']);
  });

  it('takes a command alias as the command', async () => {
    expect((await candidates('ls', '-o', 'n')).values).toEqual(['name']);
  });

  it('prints cobra wire format through runCli', async () => {
    // jsonpath= takes its template right after the `=`: no space (2) as well as no files (4).
    expect(await testContext().run(['__complete', 'list', '-o', 'js'])).toEqual({ code: 0, stdout: 'json\njsonpath=\njsonpath-file=\n:6\n', stderr: '' });
    expect(await testContext().run(['__complete', 'gc', '-o', 'js'])).toEqual({ code: 0, stdout: 'json\n:4\n', stderr: '' });
  });

  it('formats descriptions on one line after a tab', () => {
    expect(formatCompletion({ candidates: [{ value: 'a', description: 'two\nlines' }, { value: 'b' }], directive: 4 })).toBe('a\ttwo lines\nb\n:4\n');
  });
});

describe('help under the name it was called by', () => {
  it('shows kubectl lease in usage and examples when run as the plugin', async () => {
    const { code, stdout } = await testContext({ programName: 'kubectl lease' }).run(['list', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: kubectl lease list/m);
    expect(stdout).toMatch(/^ {2}kubectl lease list -n kube-node-lease/m);
    expect(stdout).not.toMatch(/^\s*leasectl /m);
  });
});
