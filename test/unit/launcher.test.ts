// Where the launcher keeps the bundle's code cache, and under what name (src/launcher.ts; the e2e side is
// test/e2e/code-cache.test.ts).
import { describe, expect, it } from 'vitest';
import { codeCacheDir, codeCacheNames, commandWord, helpRequest } from '../../src/launcher.js';

describe('codeCacheDir', () => {
  it('is $XDG_CACHE_HOME/leasectl, else ~/.cache/leasectl', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/leasectl');
    expect(codeCacheDir({ HOME: '/h' })).toBe('/h/.cache/leasectl');
    expect(codeCacheDir({ XDG_CACHE_HOME: '', HOME: '/h' })).toBe('/h/.cache/leasectl');
  });

  it('is none without a home, for a relative XDG_CACHE_HOME (the XDG spec ignores it), or when disabled', () => {
    expect(codeCacheDir({})).toBeUndefined();
    expect(codeCacheDir({ XDG_CACHE_HOME: 'relative' })).toBeUndefined();
    expect(codeCacheDir({ HOME: '/h', NODE_DISABLE_COMPILE_CACHE: '1' })).toBeUndefined();
  });
});

describe('codeCacheNames', () => {
  const bundle = { path: '/usr/lib/node_modules/leasectl/dist/leasectl.cjs', size: 398_850, mtimeMs: 1796142735587.25 };

  it('names the install by Node release, architecture and path, and its build by size and whole-millisecond mtime', () => {
    const { install, build } = codeCacheNames(bundle, 'v22.23.5', 'x64');
    expect(install).toMatch(/^code-v22\.23\.5-x64-[0-9a-f]{8}$/);
    expect(build).toBe(`${install}-398850-1796142735587`);
  });

  it('gives another install another name, and a rebuild in place the same install', () => {
    const { install } = codeCacheNames(bundle, 'v22.23.5', 'x64');
    expect(codeCacheNames({ ...bundle, path: '/home/me/project/node_modules/leasectl/dist/leasectl.cjs' }, 'v22.23.5', 'x64').install).not.toBe(install);
    expect(codeCacheNames({ ...bundle, size: 1, mtimeMs: 2 }, 'v22.23.5', 'x64').install).toBe(install);
  });
});

describe('commandWord', () => {
  it('is the first word that is neither a flag nor the value after one, when it could be a command', () => {
    expect(commandWord(['list', '-o', 'name'])).toBe('list');
    expect(commandWord(['-n', 'kube-system', 'list'])).toBe('list');
    expect(commandWord(['--kubeconfig', '/k', '--context', 'prod', 'inspect', 'x'])).toBe('inspect');
    expect(commandWord(['--namespace=ns', '-nns', '__complete', 'inspect', ''])).toBe('__complete');
    expect(commandWord(['--help'])).toBe('');
    expect(commandWord(['../x'])).toBe('');
    expect(commandWord(['--', 'list'])).toBe('');
  });
});

describe('helpRequest', () => {
  it("is the program's for no words or a lone --help/-h, a command word's for WORD --help", () => {
    expect(helpRequest([])).toBe('');
    expect(helpRequest(['--help'])).toBe('');
    expect(helpRequest(['-h'])).toBe('');
    expect(helpRequest(['list', '--help'])).toBe('list');
    expect(helpRequest(['__complete', '-h'])).toBe('__complete');
  });

  it('is none for anything more, which the CLI answers', () => {
    expect(helpRequest(['list'])).toBeUndefined();
    expect(helpRequest(['--help', 'list'])).toBeUndefined();
    expect(helpRequest(['-n', '--help'])).toBeUndefined();
    expect(helpRequest(['list', 'x', '--help'])).toBeUndefined();
    expect(helpRequest(['../x', '--help'])).toBeUndefined();
  });
});
