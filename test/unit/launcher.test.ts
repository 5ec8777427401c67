// Where the launcher keeps the bundle's code cache, and under what name (src/launcher.ts; the e2e side is
// test/e2e/code-cache.test.ts).
import { describe, expect, it } from 'vitest';
import { codeCacheDir, codeCacheName, commandWord } from '../../src/launcher.js';

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

describe('codeCacheName', () => {
  it('names the Node release, the architecture and the bundle by size and whole-millisecond mtime', () => {
    expect(codeCacheName({ size: 398_850, mtimeMs: 1796142735587.25 }, 'v22.23.5', 'x64')).toBe('code-v22.23.5-x64-398850-1796142735587');
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
