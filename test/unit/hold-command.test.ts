// hold's command line: the `--` rule and -c (the command itself runs in test/unit/commands/hold.test.ts).
import { describe, expect, it } from 'vitest';
import { resolveCommand } from '../../src/commands/run/hold.js';
import { Failure } from '../../src/errors.js';

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
