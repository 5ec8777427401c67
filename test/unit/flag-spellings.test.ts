// Which tokens withPflagShortValues rewrites: only a short flag that takes a value, written with =.
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli.js';
import { withPflagShortValues } from '../../src/flag-spellings.js';
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
