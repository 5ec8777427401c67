// leasectl hold in-process, through runCli, against the in-memory Lease API: bad flags as hold's own error (125),
// help, and whole runs with real short commands (`true`, `sh -c 'exit 3'`). The hold loops with a fake child and
// fake timers are in test/unit/hold.test.ts.
import { describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../../src/lease/time.js';
import { testLease } from '../../support/lease-client.js';
import { TEST_START, testContext } from '../../support/test-context.js';

describe('hold flags', () => {
  it.each([
    [['hold', 'job', '--lease-duration', '3x', '--', 'true'], /invalid duration "3x"/],
    [['hold', 'job', '--bogus', '--', 'true'], /unknown option/],
    [['hold', 'job', '--lease-duration', '15s', '--renew-deadline', '15s', '--', 'true'], /leaseDuration must be greater than renewDeadline/],
    [['hold', 'job', '--grace-period', '5s', '--', 'true'], /unsafe timings/],
    [['hold', 'job', '--lease-duration', '2.5s', '--renew-deadline', '1s', '--retry-period', '500ms', '--', 'true'], /whole number of seconds/],
    [['hold', 'job', '--identity', '', '--', 'true'], /--identity must not be empty/],
    [['hold', 'job', 'true'], /must follow --/],
    [['hold', 'job', '--wait', '5s', '--no-wait', '--', 'true'], /option '--no-wait' cannot be used with option '--wait <duration>'/],
    [['hold', 'job', '--no-wait', '--wait', '5s', '--', 'true'], /option '--no-wait' cannot be used with option '--wait <duration>'/],
    [['hold', '..', '--', 'true'], /invalid resource name "\.\.": \[may not be '\.\.'\]/],
  ])('%j exits 125 before any request', async (argv, message) => {
    const t = testContext();
    const result = await t.run(argv);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(t.client.calls).toEqual([]);
  });

  it('--help documents every exit code and exits 0', async () => {
    const t = testContext();
    const { code, stdout: help } = await t.run(['hold', '--help']);
    expect(code).toBe(0);
    expect(help).toContain('Exit codes:');
    for (const code of ['0-255', '75', '124', '125', '126', '127', '128+N']) expect(help).toMatch(new RegExp(`^  ${code.replace('+', '\\+')}\\s`, 'm'));
    expect(help).toContain('--no-wait');
  });

  it('--help states what "at most one holder" assumes, and that COMMAND has its own session without a terminal', async () => {
    const t = testContext();
    const text = (await t.run(['hold', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('At most one holder runs at a time');
    expect(text).toContain('clocks run at the same rate');
    expect(text).toMatch(/even by SIGKILL.*a watchdog process kills COMMAND's process group/);
    expect(text).toContain('A machine that freezes');
    expect(text).toContain('in its own session and process group. It has no controlling terminal, so it cannot open /dev/tty');
    expect(text).not.toContain('in its own process group,');
  });

  it('--help warns that --reentrant holds share the lease and the first to finish releases it', async () => {
    const t = testContext();
    const help = (await t.run(['hold', '--help'])).stdout;
    const reentrant = help.slice(help.indexOf('--reentrant'), help.indexOf('\n  -', help.indexOf('--reentrant'))).replace(/\s+/g, ' ');
    expect(reentrant).toContain('the first of them to finish releases the lease; use it only when one process re-enters its own lock');
  });

  it('as kubectl lease, the examples in --help are written as kubectl lease', async () => {
    const t = testContext({ programName: 'kubectl lease' });
    expect((await t.run(['hold', '--help'])).stdout).toContain('  kubectl lease hold db-migrate -- ./migrate.sh --to latest');
  });
});

describe('leasectl hold (in-process, real short commands)', () => {
  it('creates the lease, runs the command, exits with its code and releases the lease', async () => {
    const t = testContext({ env: { PATH: process.env.PATH } });
    const result = await t.run(['hold', 'job', '--identity', 'me', '--', 'sh', '-c', 'exit 3']);
    expect(result).toEqual({ code: 3, stdout: '', stderr: '' });
    expect(t.client.peek('default', 'job')?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(t.client.calls).toEqual(['get', 'create', 'update']); // released from the copy in hand: no re-read
  });

  it('--keep leaves the lease held by the identity after the command exits 0', async () => {
    const t = testContext({ env: { PATH: process.env.PATH } });
    expect((await t.run(['hold', 'job', '--identity', 'me', '--keep', '--', 'true'])).code).toBe(0);
    expect(t.client.peek('default', 'job')?.spec).toMatchObject({ holderIdentity: 'me', renewTime: formatMicroTime(TEST_START) });
  });

  it('--no-wait on a live lease: 124, the holder named, the command never run, the lease untouched', async () => {
    const t = testContext({ env: { PATH: process.env.PATH } });
    const before = t.client.seed(testLease('job', { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: formatMicroTime(TEST_START - 3_000) }));
    const result = await t.run(['hold', 'job', '--no-wait', '--', 'sh', '-c', 'echo ran']);
    expect(result.code).toBe(124);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("lease default/job is held by other (renewed 3s ago, expires in 12s by this machine's clock); not waiting (--no-wait)");
    expect(t.client.peek('default', 'job')).toEqual(before);
  });

  it('a command that is not found: 127 before any request, the lease never created', async () => {
    const t = testContext({ env: { PATH: '/nonexistent' } });
    const result = await t.run(['hold', 'job', '--', 'no-such-command-xyz']);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('no-such-command-xyz');
    expect(t.client.calls).toEqual([]);
    expect(t.client.peek('default', 'job')).toBeUndefined();
  });

  it('a coordinated lease is refused (125) and left alone', async () => {
    const t = testContext({ env: { PATH: process.env.PATH } });
    t.client.seed(testLease('job', { holderIdentity: '', strategy: 'OldestEmulationVersion' }));
    const result = await t.run(['hold', 'job', '--', 'true']);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/coordinated leader election.*--force/);
  });
});
