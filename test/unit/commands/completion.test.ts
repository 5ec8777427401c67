// leasectl completion and the hidden __complete, in-process through runCli: lease names and namespaces come from the
// in-memory Lease API.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../../src/lease/time.js';
import { testLease } from '../../support/lease-client.js';
import { TEST_START, testContext } from '../../support/test-context.js';

describe('leasectl completion (in-process)', () => {
  it.each([
    ['bash', 'leasectl.bash'],
    ['zsh', '_leasectl'],
    ['fish', 'leasectl.fish'],
  ])('completion %s prints the script shipped as completions/%s, exit 0, connecting to nothing', async (shell, file) => {
    const t = testContext();
    const result = await t.run(['completion', shell]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(new URL(`../../../completions/${file}`, import.meta.url), 'utf8'));
    expect(t.connections).toEqual([]);
  });

  it('no shell, or one it has no script for, is a usage error naming the choices, exit 2', async () => {
    const t = testContext();
    expect(await t.run(['completion'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining("error: missing required argument 'shell'") });
    expect(await t.run(['completion', 'tcsh'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("error: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish."),
    });
  });

  it('__complete offers the lease names of the namespace on the line, each with its state', async () => {
    const t = testContext();
    t.client.seed(testLease('example-foo', { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: formatMicroTime(TEST_START - 2_000) }));
    t.client.seed(testLease('other', { holderIdentity: '' }, { namespace: 'apps' }));
    expect((await t.run(['__complete', 'inspect', ''])).stdout).toBe('example-foo\theld by me\n:4\n');
    expect((await t.run(['__complete', 'inspect', '-n', 'apps', ''])).stdout).toBe('other\treleased\n:4\n');
  });

  it('__complete -n offers the namespaces the server has', async () => {
    const t = testContext({ client: { namespaces: ['apps'] } });
    expect(await t.run(['__complete', 'list', '-n', ''])).toEqual({ code: 0, stdout: 'apps\ndefault\nkube-node-lease\nkube-public\nkube-system\n:4\n', stderr: '' });
  });

  it('a holder with a tab and a line break cannot break the completion protocol: they become spaces in its description', async () => {
    const t = testContext();
    t.client.seed(testLease('job', { holderIdentity: 'a\tb\nc:4', leaseDurationSeconds: 15, renewTime: formatMicroTime(TEST_START) }));
    const { stdout } = await t.run(['__complete', 'inspect', '']);
    expect(stdout.split('\n')).toEqual(['job\theld by a b c:4', ':4', '']);
  });
});
