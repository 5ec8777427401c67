// Server strings on the terminal: a holderIdentity (or anything else a lease's writer controls) reaches the person
// only escaped, on the lines it belongs to, wherever leasectl prints it (tables, inspect, messages, -v, completion).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../src/lease/time.js';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await setupCluster();
});
afterAll(async () => {
  await cluster?.teardown();
});

const leasectl = (args: string[]) => cluster.leasectl([...args, '-n', cluster.namespace]);

/** Retitles the terminal (OSC), rings it, clears the screen, forges a second line, and sends an 8-bit CSI. */
const HOSTILE_HOLDER = 'evil\u001b]0;pwned\u0007\u001b[2J\r\nforged line\t\u009b31m🙂';
const ESCAPED_HOLDER = 'evil^[]0;pwned^G^[[2J^M^Jforged line^I\\u009b31m🙂';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Lines of output, each free of control characters (the newline that ends a line is the only one allowed). */
function safeLines(text: string): string[] {
  expect(text).not.toMatch(CONTROL_CHARACTER);
  return text.split('\n').slice(0, -1);
}

async function leaseHeldBy(holderIdentity: string, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await cluster.createLeases(cluster.namespace, [
    { metadata: { name }, spec: { holderIdentity, leaseDurationSeconds: 3600, renewTime: formatMicroTime(Date.now()) } },
  ]);
  return name;
}

describe('server strings on the terminal', () => {
  it('inspect shows a multi-line holder whole, every control character escaped', async () => {
    const name = await leaseHeldBy(`${HOSTILE_HOLDER}${'x'.repeat(980)}`, 'inspect');
    const result = await leasectl(['inspect', name]);
    expect(result.code).toBe(0);
    const holderLines = safeLines(result.stdout).filter((line) => line.startsWith('Holder Identity:'));
    expect(holderLines).toEqual([`Holder Identity:    ${ESCAPED_HOLDER}${'x'.repeat(980)}`]);
  });

  it('renew refusing a lease held by a hostile holder says so on one escaped line', async () => {
    const name = await leaseHeldBy(HOSTILE_HOLDER, 'renew');
    const result = await leasectl(['renew', name, '--identity', 'me_1']);
    expect(result.code).toBe(1);
    const lines = safeLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`is held by ${ESCAPED_HOLDER} (renewed`);
  });

  it('release --force names the hostile holder it displaced on one escaped line', async () => {
    const name = await leaseHeldBy(HOSTILE_HOLDER, 'release');
    const result = await leasectl(['release', name, '--force']);
    expect(result.code).toBe(0);
    expect(safeLines(result.stdout)).toEqual([`lease.coordination.k8s.io/${name} released (was held by ${ESCAPED_HOLDER})`]);
  });

  it('hold -v lines and its not-acquired error escape a hostile holder', async () => {
    const name = await leaseHeldBy(HOSTILE_HOLDER, 'hold');
    const result = await cluster.leasectl(['hold', '-n', cluster.namespace, '-v', '--wait', '1s', name, '--', 'true']);
    expect(result.code).toBe(124);
    const lines = safeLines(result.stderr);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.find((line) => line.startsWith('leasectl hold: waiting: '))).toContain(`held by ${ESCAPED_HOLDER} (renewed`);
    expect(lines.at(-1)).toMatch(/^error: lease .* is held by .*; gave up waiting \(--wait 1s\); if its holder is known to be dead, .*$/);
    expect(lines.at(-1)).toContain(ESCAPED_HOLDER);
  });

  it('completion describes a lease of a hostile holder on its own escaped line', async () => {
    const name = await leaseHeldBy(HOSTILE_HOLDER, 'complete');
    const result = await cluster.leasectl(['__complete', 'inspect', '-n', cluster.namespace, '']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').slice(0, -1);
    const ours = lines.filter((line) => line.startsWith(`${name}\t`));
    // The protocol is a line per candidate: whitespace in a description (our help text's, or a holder's CR/LF) folds to spaces.
    expect(ours).toEqual([`${name}\theld by evil^[]0;pwned^G^[[2J forged line \\u009b31m🙂`]);
    expect(ours[0]!.split('\t')[1]).not.toMatch(CONTROL_CHARACTER);
  });

  it('an API error echoing a name with control characters is one escaped line, and so is its -v stack head', async () => {
    const name = 'x\u001b]0;pwned\u0007';
    const plain = await leasectl(['inspect', name]);
    expect(plain.code).toBe(1);
    expect(safeLines(plain.stderr)).toEqual(['Error from server (NotFound): leases.coordination.k8s.io "x^[]0;pwned^G" not found']);
    const verbose = await leasectl(['inspect', name, '-v']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).not.toMatch(CONTROL_CHARACTER);
    expect(verbose.stderr).toContain('"x^[]0;pwned^G" not found\n');
  });
});
