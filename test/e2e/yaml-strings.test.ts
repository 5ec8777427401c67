// -o yaml of a lease whose strings carry control characters, line breaks and non-BMP characters: byte for byte
// what kubectl prints for the same object from the same server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../src/lease/time.js';
import { hasKubectl, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

const HOLDERS = [
  { title: 'a holder with ESC, BEL, CR/LF, a tab and 🙂 prints as kubectl get -o yaml prints it', holderIdentity: 'evil\u001b]0;pwned\u0007\r\nline2 🙂\tend' },
  { title: 'a holder with a BOM, a no-break space and a line separator prints as kubectl prints it', holderIdentity: 'bom\ufeff nbsp\u00a0 ls\u2028' },
  { title: 'a holder with a trailing newline prints as a | block, as kubectl prints it', holderIdentity: 'first line\nsecond line\n' },
  { title: 'a long double-quoted holder folds at column 80, as kubectl folds it', holderIdentity: `\t${Array.from({ length: 40 }, () => 'word').join(' ')}` },
];

describe('-o yaml of hostile strings', () => {
  it.skipIf(!hasKubectl).each(HOLDERS)('$title', async ({ holderIdentity }) => {
    const name = uniqueName('yaml');
    await cluster.createLeases(cluster.namespace, [
      { metadata: { name, annotations: { note: holderIdentity } }, spec: { holderIdentity, leaseDurationSeconds: 15, renewTime: formatMicroTime(Date.now()) } },
    ]);
    const theirs = await cluster.kubectl(['get', 'lease', '-n', cluster.namespace, name, '-o', 'yaml']);
    expect(theirs.code, theirs.stderr).toBe(0);
    for (const command of ['list', 'inspect']) {
      const ours = await cluster.leasectl([command, '-n', cluster.namespace, name, '-o', 'yaml']);
      expect(ours.code, ours.stderr).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
    }
  });

  it("a holder with C1 controls and DEL, which kubectl refuses to print as yaml, prints in go-yaml's escapes", async () => {
    const name = uniqueName('yaml-c1');
    await cluster.createLeases(cluster.namespace, [{ metadata: { name }, spec: { holderIdentity: 'csi\u009b31m nel\u0085 del\u007f', leaseDurationSeconds: 15 } }]);
    const ours = await cluster.leasectl(['list', '-n', cluster.namespace, name, '-o', 'yaml']);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout).toContain('  holderIdentity: "csi\\x9B31m nel\\N del\\x7F"\n');
  });
});
