// What every start reads: one file, dist/leasectl.cjs (through dist/launcher.cjs, which keeps its code cache), whose
// modules run only when a command uses them (esbuild wraps lazily imported ones). client-node, the one large dependency, is a file apart that only the credentials
// needing it load (scripts/build.mjs); which built-ins a start loads is pinned in startup.test.ts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = resolve(import.meta.dirname, '../../dist');
const cli = readFileSync(resolve(dist, 'leasectl.cjs'), 'utf8');
const clientNode = readFileSync(resolve(dist, 'client-node.cjs'), 'utf8');

describe('the CLI bundle', () => {
  it('loads no file of ours but client-node (only the credentials that need it: completion-startup.test.ts)', () => {
    const loads = [...cli.matchAll(/\b(require|import)\("(\.[^"]+)"\)/g)].map(([, how, file]) => `${how} ${file}`);
    expect(loads).toEqual(['require ./client-node.cjs']);
  });

  it('holds no client-node, which has its own file, and client-node holds none of ours', () => {
    expect(cli.includes('loadFromString')).toBe(false);
    expect(clientNode.includes('loadFromString')).toBe(true);
    // A copy of our code there would be a second copy at run time (errors failing instanceof at the edge).
    for (const ours of ['run a command while holding a lease', 'error loading kubeconfig']) expect(clientNode.includes(ours)).toBe(false);
  });

  it('stays small: under 450 KB', () => {
    expect(Buffer.byteLength(cli)).toBeLessThan(450_000);
  });
});
