// Which tokens withPflagShortValues rewrites: only a short flag that takes a value, written with =.
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli.js';
import { dispatchedWord, withPflagShortValues } from '../../src/flag-spellings.js';
import { testContext } from '../support/test-context.js';

const { program } = createProgram(testContext().world);
const rewrite = (...argv: string[]) => withPflagShortValues(program, argv);

describe('kubectl spellings of short flags with a value', () => {
  it('splits -X=VALUE for global and command flags, before and after the command name', () => {
    expect(rewrite('-n=kube-system', 'list', '-o=json', '-l=app=web')).toEqual(['-n', 'kube-system', 'list', '-o', 'json', '-l', 'app=web']);
    expect(rewrite('ls', '-vAo=name')).toEqual(['ls', '-vAo', 'name']);
  });

  it('leaves option values, long flags, unknown flags and everything after -- as written', () => {
    expect(rewrite('list', '--namespace', '-o=x', '--output=json')).toEqual(['list', '--namespace', '-o=x', '--output=json']);
    expect(rewrite('hold', 'x', '-c', '-o=x', '--', 'cmd', '-o=y')).toEqual(['hold', 'x', '-c', '-o=x', '--', 'cmd', '-o=y']);
    expect(rewrite('list', '-A=true', '-z=1')).toEqual(['list', '-A=true', '-z=1']);
  });

  it('reads -o= as an empty value, as pflag does', () => {
    expect(rewrite('list', '-o=')).toEqual(['list', '-o', '']);
  });
});

describe('the word commander dispatches to, as its parser reads the global flags', () => {
  const word = (...argv: string[]) => dispatchedWord(program, argv);

  it('is the first operand; the values of global flags are none, in every spelling', () => {
    expect(word('list', '-n', 'x')).toBe('list');
    expect(word('-n', 'list', 'inspect', 'a')).toBe('inspect');
    expect(word('--namespace', 'hold', '--kubeconfig=/k', 'renew', 'a')).toBe('renew');
    expect(word('-nlist', 'gc')).toBe('gc');
    expect(word('-vn', 'list', 'release', 'a')).toBe('release');
    expect(word('-vv', '--no-color', 'ls')).toBe('ls');
    expect(word('--', 'version')).toBe('version');
  });

  it('is none when no operand comes before an unknown flag: commander then dispatches nothing', () => {
    expect(word()).toBeUndefined();
    expect(word('-n', 'list')).toBeUndefined();
    expect(word('--help', 'list')).toBeUndefined();
    expect(word('-o', 'json', 'list')).toBeUndefined();
    expect(word('--output=json', 'list')).toBeUndefined();
    expect(word('-vo', 'json', 'list')).toBeUndefined();
    expect(word('--no-color=1', 'list')).toBeUndefined();
  });
});

describe('a program built for one argv', () => {
  it('builds whole only the command the argv names, and every command when it names none', () => {
    const flagCount = (argv: string[] | undefined, name: string) => createProgram(testContext().world, argv).program.commands.find((c) => c.name() === name)!.options.length;
    const inspectFlags = flagCount(undefined, 'inspect');
    expect(inspectFlags).toBeGreaterThan(0);
    expect(flagCount(['-n', 'inspect', 'list'], 'list')).toBe(flagCount(undefined, 'list'));
    expect(flagCount(['-n', 'inspect', 'list'], 'inspect')).toBe(0);
    expect(flagCount(['-n', 'inspect'], 'inspect')).toBe(inspectFlags);
    expect(flagCount(['--help', 'list'], 'inspect')).toBe(inspectFlags);
    expect(flagCount(['nosuch', '--help'], 'inspect')).toBe(inspectFlags);
  });

  it('never runs a command built by name only: dispatching to one fails, and runCli starts again with every command', async () => {
    const { program } = createProgram(testContext().world, ['version']);
    await expect(program.parseAsync(['list'], { from: 'user' })).rejects.toThrow();
  });
});
