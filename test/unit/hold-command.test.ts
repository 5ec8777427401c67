// hold's command line: the `--` rule, -c, and bad flags as leasectl's own error (125).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { holdCommand, resolveCommand } from '../../src/commands/hold.js';
import type { CommandContext } from '../../src/context.js';
import { ExitError } from '../../src/errors.js';
import { systemClock } from '../../src/clock.js';
import { PassThrough } from 'node:stream';

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
    expect(() => resolveCommand('job', ['./run'], shell, ['hold', '--', 'job', './run'])).toThrow(ExitError);
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
  function program(): { root: Command; stderr: PassThrough } {
    const stderr = new PassThrough();
    const ctx: CommandContext = {
      io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr },
      clock: systemClock,
      env: {},
      connect: () => Promise.reject(new Error('must not connect')),
      color: false,
      verbosity: 0,
      programName: 'leasectl',
      signals: { subscribe: () => () => undefined },
    };
    const root = new Command('leasectl').exitOverride().configureOutput({ writeErr: (text) => stderr.write(text), writeOut: () => undefined });
    root.option('-n, --namespace <ns>');
    root.addCommand(holdCommand(ctx).copyInheritedSettings(root));
    return { root, stderr };
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
    const { root, stderr } = program();
    const error = await root.parseAsync(argv, { from: 'user' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).exitCode).toBe(125);
    expect(`${(error as ExitError).message}${stderr.read() ?? ''}`).toMatch(message);
  });

  it('--help documents every exit code and exits 0', async () => {
    const { root } = program();
    let help = '';
    root.commands[0]?.configureOutput({ writeOut: (text) => (help += text) });
    await expect(root.parseAsync(['hold', '--help'], { from: 'user' })).rejects.toMatchObject({ exitCode: 0 });
    expect(help).toContain('Exit codes:');
    for (const code of ['0-255', '75', '124', '125', '126', '127', '128+N']) expect(help).toMatch(new RegExp(`^  ${code.replace('+', '\\+')}\\s`, 'm'));
    expect(help).toContain('--no-wait');
  });

  it('--help states what "at most one holder" assumes, and that COMMAND has its own session without a terminal', async () => {
    const { root } = program();
    let help = '';
    root.commands[0]?.configureOutput({ writeOut: (text) => (help += text) });
    await root.parseAsync(['hold', '--help'], { from: 'user' }).catch(() => undefined);
    const text = help.replace(/\s+/g, ' ');
    expect(text).toContain('At most one holder runs at a time');
    expect(text).toContain("clocks run at the same rate");
    expect(text).toMatch(/even by SIGKILL.*a watchdog process kills COMMAND's process group/);
    expect(text).toContain('A machine that freezes');
    expect(text).toContain('in its own session and process group. It has no controlling terminal, so it cannot open /dev/tty');
    expect(text).not.toContain('in its own process group,');
  });

  it('--help warns that --reentrant holds share the lease and the first to finish releases it', async () => {
    const { root } = program();
    let help = '';
    root.commands[0]?.configureOutput({ writeOut: (text) => (help += text) });
    await root.parseAsync(['hold', '--help'], { from: 'user' }).catch(() => undefined);
    const reentrant = help.slice(help.indexOf('--reentrant'), help.indexOf('\n  -', help.indexOf('--reentrant'))).replace(/\s+/g, ' ');
    expect(reentrant).toContain('the first of them to finish releases the lease; use it only when one process re-enters its own lock');
  });
});
