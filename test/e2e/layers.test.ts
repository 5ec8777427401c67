// The kube layer refuses what it cannot send with its own typed error, and the edge words it as a usage error;
// completion reaches the cluster through the commands' own connection factory. Both seen from the built binary.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
let ns: string;

const DOT_DOT_REFUSAL = `error: invalid namespace "..": [may not be '..']; give -n a namespace such as kube-system\n`;

beforeAll(async () => {
  cluster = await setupCluster();
  ns = cluster.namespace;
});

afterAll(async () => {
  await cluster?.teardown();
});

describe('a namespace the kube layer refuses, worded at the edge', () => {
  it('renew -n .. is refused before any request in the same words and exit 2 as any usage error', async () => {
    const result = await cluster.leasectl(['renew', '-n', '..', uniqueName('layers'), '--identity', 'me', '--acquire']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(DOT_DOT_REFUSAL);
    expect(result.stdout).toBe('');
  });

  it('hold -n .. exits 125 with that message and never runs its command', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'leasectl-layers-')), 'ran');
    const result = await cluster.leasectl(['hold', '-n', '..', uniqueName('layers'), '--', 'touch', marker]);
    expect(result.code).toBe(125);
    expect(result.stderr).toBe(DOT_DOT_REFUSAL);
    expect(existsSync(marker)).toBe(false);
  });

  it('identity --hostname -n .. refuses the namespace, exit 2, rather than printing names as if the cluster could not be asked', async () => {
    const result = await cluster.leasectl(['identity', '--hostname', 'cp-1', '-n', '..']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(DOT_DOT_REFUSAL);
    expect(result.stdout).toBe('');
  });
});

describe('completion through the commands\' connection factory', () => {
  it('completes lease names in -n NAMESPACE, each described by its holder, as the commands see them', async () => {
    const prefix = uniqueName('layers');
    for (const [suffix, identity] of [['a', 'holder-a'], ['b', 'holder-b']]) {
      const renew = await cluster.leasectl(['renew', '-n', ns, `${prefix}-${suffix}`, '--identity', identity!, '--acquire']);
      expect(renew.code, renew.stderr).toBe(0);
    }
    const result = await cluster.leasectl(['__complete', 'inspect', '-n', ns, `${prefix}-`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${prefix}-a\theld by holder-a\n${prefix}-b\theld by holder-b\n:4\n`);
  });

  it('-n .. while completing a lease name offers nothing and says nothing: the factory refuses it as a command would', async () => {
    const result = await cluster.leasectl(['__complete', 'inspect', '-n', '..', '']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(':4\n');
    expect(result.stderr).toBe('');
  });
});
