// Commands run in-process with buffer streams and an injected clock, against the sandbox: the clock decides
// AGE, so the exact text can be asserted.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type World } from '../../src/cli.js';
import type { Clock } from '../../src/clock.js';
import { parseKubeTime } from '../../src/lease/time.js';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';
import { textCapture } from '../support/streams.js';

let cluster: TestCluster;

function world(clock: Clock) {
  const stdout = textCapture();
  const stderr = textCapture();
  const value: World = {
    io: { stdin: new PassThrough(), stdout, stderr },
    clock,
    env: { KUBECONFIG: cluster.kubeconfig, HOME: '/nonexistent' },
    signals: { subscribe: () => () => {} },
    programName: 'leasectl',
  };
  return { world: value, stdout, stderr };
}

beforeAll(async () => {
  cluster = await setupCluster();
});

afterAll(async () => {
  await cluster?.teardown();
});

describe('in-process commands with an injected clock', () => {
  it('list computes AGE from the injected clock with kubectl\'s HumanDuration', async () => {
    const name = uniqueName('in-process');
    const realClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
    const renew = world(realClock);
    const code = await runCli(['renew', name, '-n', cluster.namespace, '--identity', 'me', '--acquire', '-o', 'json'], renew.world);
    expect(code, renew.stderr.text).toBe(0);
    const created = parseKubeTime(JSON.parse(renew.stdout.text).metadata.creationTimestamp)!;

    const later = world({ now: () => created + (3 * 3600 + 59 * 60 + 30) * 1000, monotonic: () => 0 });
    expect(await runCli(['list', '-n', cluster.namespace, name], later.world)).toBe(0);
    expect(later.stdout.text).toBe(`${'NAME'.padEnd(name.length + 3)}HOLDER   AGE\n${name}   me       3h59m\n`);

    // creationTimestamp has whole seconds, renewTime microseconds: two seconds more keeps every column at 8d.
    const muchLater = world({ now: () => created + (8 * 24 * 3600 + 2) * 1000, monotonic: () => 0 });
    expect(await runCli(['list', '-n', cluster.namespace, name, '-o', 'wide'], muchLater.world)).toBe(0);
    expect(muchLater.stdout.text).toMatch(new RegExp(`\\n${name}\\s+me\\s+8d\\s+8d\\s+15s\\s+expired 7d23h ago\\s+0\\s+8d\\n$`));
  });

  it('no arguments prints the help on stdout and exits 0, as kubectl does', async () => {
    const run = world({ now: () => 0, monotonic: () => 0 });
    expect(await runCli([], run.world)).toBe(0);
    expect(run.stdout.text).toMatch(/^Usage: leasectl \[options\] \[command\]\n/);
    expect(run.stdout.text).toContain('leasectl hold example-foo -- ./job.sh');
    expect(run.stderr.text).toBe('');
  });

  it('usage errors come back as exit code 2 with one line on stderr and nothing thrown', async () => {
    const run = world({ now: () => 0, monotonic: () => 0 });
    expect(await runCli(['list', '--chunk-size', 'many'], run.world)).toBe(2);
    expect(run.stderr.text.split('\n')[0]).toBe("error: option '--chunk-size <n>' argument 'many' is invalid. expected a whole number from 0 (no chunking: all at once) to 1000000, got \"many\"");
    expect(run.stdout.text).toBe('');
  });
});
