// What hold refuses before it touches the lease: a command that cannot run (127/126), an empty -c string, a retry
// period that would hammer the API server. Each leaves the lease exactly as it was: not created, not taken, and its
// fencing token (leaseTransitions) not bumped.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCluster, uniqueName, type TestCluster } from './harness.js';

const FAST = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--grace-period', '500ms'];

let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  cluster = await setupCluster();
  dir = mkdtempSync(join(tmpdir(), 'leasectl-preflight-'));
});
afterAll(async () => {
  await cluster?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const hold = (name: string, args: string[], env?: NodeJS.ProcessEnv) =>
  cluster.leasectl(['hold', '-n', cluster.namespace, ...FAST, name, ...args], { env, timeoutMs: 10_000 });

/** The lease as the API server has it, or undefined when it does not exist. */
async function leaseSpec(name: string): Promise<{ holderIdentity?: string; leaseTransitions?: number } | undefined> {
  const result = await cluster.leasectl(['inspect', '-n', cluster.namespace, name, '-o', 'json']);
  if (result.code !== 0) {
    expect(result.stderr).toContain('NotFound');
    return undefined;
  }
  return (JSON.parse(result.stdout) as { spec: { holderIdentity?: string; leaseTransitions?: number } }).spec;
}

/** A lease that exists and is free, with transitions 0: what a command that cannot run must leave as it is. */
async function releasedLease(): Promise<string> {
  const name = uniqueName('pre');
  expect((await hold(name, ['--', 'true'])).code).toBe(0);
  expect(await leaseSpec(name)).toMatchObject({ holderIdentity: '', leaseTransitions: 0 });
  return name;
}

describe('hold: a command that cannot run never takes the lease', () => {
  it("a command not on PATH: 127 with sh's message, and the lease is never created", async () => {
    const name = uniqueName('nocmd');
    const result = await hold(name, ['--', 'leasectl-no-such-command', 'arg']);
    expect(result.code).toBe(127);
    expect(result.stderr).toBe('error: leasectl-no-such-command: command not found\n');
    expect(await leaseSpec(name)).toBeUndefined();
  });

  it('a missing path: 127, no such file or directory, the lease never created', async () => {
    const name = uniqueName('nofile');
    const result = await hold(name, ['--', join(dir, 'missing.sh')]);
    expect(result.code).toBe(127);
    expect(result.stderr).toBe(`error: ${join(dir, 'missing.sh')}: no such file or directory\n`);
    expect(await leaseSpec(name)).toBeUndefined();
  });

  it('a file without execute permission: 126, and a free lease keeps its holder and fencing token', async () => {
    const name = await releasedLease();
    const script = join(dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o644);
    const result = await hold(name, ['--', script]);
    expect(result.code).toBe(126);
    expect(result.stderr).toBe(`error: ${script}: cannot execute: permission denied\n`);
    expect(await leaseSpec(name)).toMatchObject({ holderIdentity: '', leaseTransitions: 0 });
  });

  it('a directory: 126, is a directory, the lease untouched', async () => {
    const name = await releasedLease();
    const result = await hold(name, ['--', dir]);
    expect(result.code).toBe(126);
    expect(result.stderr).toBe(`error: ${dir}: cannot execute: is a directory\n`);
    expect(await leaseSpec(name)).toMatchObject({ holderIdentity: '', leaseTransitions: 0 });
  });

  it('a missing --shell for -c: 127 before acquiring', async () => {
    const name = uniqueName('noshell');
    const result = await hold(name, ['--shell', join(dir, 'no-shell'), '-c', 'true']);
    expect(result.code).toBe(127);
    expect(await leaseSpec(name)).toBeUndefined();
  });

  it('PATH is searched as exec does: a non-executable file or a directory of that name earlier on PATH is passed over', async () => {
    const early = join(dir, 'early');
    const late = join(dir, 'late');
    mkdirSync(join(early, 'leasectl-test-tool'), { recursive: true });
    mkdirSync(late, { recursive: true });
    writeFileSync(join(early, 'leasectl-test-tool2'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(early, 'leasectl-test-tool2'), 0o644);
    for (const tool of ['leasectl-test-tool', 'leasectl-test-tool2']) {
      writeFileSync(join(late, tool), '#!/bin/sh\necho "$0 ran"\nexit 3\n');
      chmodSync(join(late, tool), 0o755);
    }
    const env = { PATH: `${early}:${late}:${process.env.PATH ?? ''}` };
    const found = await hold(uniqueName('path'), ['--', 'leasectl-test-tool'], env);
    expect(found.code).toBe(3);
    expect(found.stdout).toBe(`${join(late, 'leasectl-test-tool')} ran\n`);
    const second = await hold(uniqueName('path'), ['--', 'leasectl-test-tool2'], env);
    expect(second.code).toBe(3);
    // Only one that cannot be executed: 126, as exec reports EACCES.
    writeFileSync(join(early, 'leasectl-test-tool3'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(early, 'leasectl-test-tool3'), 0o644);
    const onlyDenied = await hold(uniqueName('path'), ['--', 'leasectl-test-tool3'], env);
    expect(onlyDenied.code).toBe(126);
    expect(onlyDenied.stderr).toBe('error: leasectl-test-tool3: cannot execute: permission denied\n');
  });

  it('the command keeps the argv[0] it was given, not the path found on PATH', async () => {
    const result = await hold(uniqueName('argv0'), ['--', 'sh', '-c', 'echo "$0"']);
    expect(result.stdout).toBe('sh\n');
    expect(result.code).toBe(0);
  });
});

describe('hold: refused flags', () => {
  it("-c '' is refused like -- '': 125 with one line, nothing acquired", async () => {
    const name = uniqueName('emptyc');
    const result = await hold(name, ['-c', '']);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^error: [^\n]*-c STRING must not be empty[^\n]*\n$/);
    expect(await leaseSpec(name)).toBeUndefined();
  });

  it("a retry period below 200ms is refused with the reason (client-go's 5 requests a second)", async () => {
    const name = uniqueName('retry');
    for (const period of ['1ms', '199ms']) {
      const result = await cluster.leasectl(['hold', '-n', cluster.namespace, '--retry-period', period, name, '--', 'true']);
      expect(result.code).toBe(125);
      expect(result.stderr).toBe(
        `error: --retry-period must be at least 200ms (shorter would write to the API server more than 5 times a second, client-go's default client limit), got ${period}\n`,
      );
    }
    expect(await leaseSpec(name)).toBeUndefined();
    const atFloor = await cluster.leasectl(['hold', '-n', cluster.namespace, '--retry-period', '200ms', name, '--', 'true']);
    expect(atFloor.code).toBe(0);
  });
});
