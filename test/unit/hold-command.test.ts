// hold's command line: the `--` rule, -c, and bad flags as leasectl's own error (125).
import { describe, expect, it } from 'vitest';
import { runCli, type World } from '../../src/cli.js';
import { resolveCommand } from '../../src/commands/run/hold.js';
import { Failure } from '../../src/errors.js';
import { systemClock } from '../../src/clock.js';
import { PassThrough } from 'node:stream';
import { textCapture } from '../support/streams.js';

const shell = { command: undefined, shell: '/bin/sh' };

describe('resolveCommand', () => {
  it('takes the command after --, byte for byte, flags included', () => {
    expect(resolveCommand('job', ['./run', '-n', '--identity', ''], shell, ['-n', 'ns', 'hold', 'job', '--', './run', '-n', '--identity', ''])).toEqual([
      './run',
      '-n',
      '--identity',
      '',
    ]);
  });
  it('refuses a command without --, telling the user to write hold NAME -- COMMAND', () => {
    expect(() => resolveCommand('job', ['./run', 'x'], shell, ['hold', 'job', './run', 'x'])).toThrow(
      /the command must follow --.*write hold job -- \.\/run x/,
    );
  });
  it('refuses a lease name after -- (hold -- NAME COMMAND)', () => {
    expect(() => resolveCommand('job', ['./run'], shell, ['hold', '--', 'job', './run'])).toThrow(Failure);
  });
  it('-c runs the string with the shell', () => {
    expect(resolveCommand('job', [], { command: 'echo hi | wc', shell: '/bin/bash' }, ['hold', 'job', '-c', 'echo hi | wc'])).toEqual(['/bin/bash', '-c', 'echo hi | wc']);
  });
  it('-c and a command together, or neither, are errors (125)', () => {
    expect(() => resolveCommand('job', ['x'], { command: 'y', shell: '/bin/sh' }, ['hold', 'job', '-c', 'y', '--', 'x'])).toThrow(/either -c STRING or a command after --/);
    expect(() => resolveCommand('job', [], shell, ['hold', 'job'])).toThrow(expect.objectContaining({ exitCode: 125, message: expect.stringContaining('no command to run') }));
  });

  it('an empty command or --shell is refused (125) before anything is acquired', () => {
    expect(() => resolveCommand('job', [''], shell, ['hold', 'job', '--', ''])).toThrow(
      expect.objectContaining({ exitCode: 125, message: expect.stringContaining('the command must not be empty') }),
    );
    expect(() => resolveCommand('job', [], { command: 'x', shell: '' }, ['hold', 'job', '-c', 'x', '--shell', ''])).toThrow(
      expect.objectContaining({ exitCode: 125, message: expect.stringContaining('--shell must not be empty') }),
    );
  });
});

describe('hold flags', () => {
  /** Runs leasectl in-process; hold must fail before it would connect. */
  async function run(argv: string[]) {
    const stdout = textCapture();
    const stderr = textCapture();
    const world: World = {
      io: { stdin: new PassThrough(), stdout, stderr },
      clock: systemClock,
      env: {},
      connect: () => Promise.reject(new Error('must not connect')),
      programName: 'leasectl',
      signals: { subscribe: () => () => undefined },
    };
    const exitCode = await runCli(argv, world);
    return { exitCode, stdout: stdout.text, stderr: stderr.text };
  }

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
  ])('%j exits 125', async (argv, message) => {
    const result = await run(argv);
    expect(result.exitCode).toBe(125);
    expect(result.stderr).toMatch(message);
  });

  it('--help documents every exit code and exits 0', async () => {
    const { exitCode, stdout: help } = await run(['hold', '--help']);
    expect(exitCode).toBe(0);
    expect(help).toContain('Exit codes:');
    for (const code of ['0-255', '75', '124', '125', '126', '127', '128+N']) expect(help).toMatch(new RegExp(`^  ${code.replace('+', '\\+')}\\s`, 'm'));
    expect(help).toContain('--no-wait');
  });

  it('--help states what "at most one holder" assumes, and that COMMAND has its own session without a terminal', async () => {
    const { stdout: help } = await run(['hold', '--help']);
    const text = help.replace(/\s+/g, ' ');
    expect(text).toContain('At most one holder runs at a time');
    expect(text).toContain("clocks run at the same rate");
    expect(text).toMatch(/even by SIGKILL.*a watchdog process kills COMMAND's process group/);
    expect(text).toContain('A machine that freezes');
    expect(text).toContain('in its own session and process group. It has no controlling terminal, so it cannot open /dev/tty');
    expect(text).not.toContain('in its own process group,');
  });

  it('--help warns that --reentrant holds share the lease and the first to finish releases it', async () => {
    const { stdout: help } = await run(['hold', '--help']);
    const reentrant = help.slice(help.indexOf('--reentrant'), help.indexOf('\n  -', help.indexOf('--reentrant'))).replace(/\s+/g, ' ');
    expect(reentrant).toContain('the first of them to finish releases the lease; use it only when one process re-enters its own lock');
  });
});
