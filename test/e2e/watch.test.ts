// list -w as a stream that stays true: a missing name fails at once, and changes made while the watch was cut off
// and compacted away (410 Expired) are printed after the relist. The built binary against the sandbox (or a real
// cluster, where only the sandbox's powers are skipped).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/connect.js';
import type { Lease } from '../../src/lease/types.js';
import { againstRealCluster, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';
import { holdEventsOf } from './hold-events.js';

let cluster: TestCluster;
let dir: string;
const spawned: ChildProcess[] = [];
const RUN_LABEL = uniqueName('watch');

beforeAll(async () => {
  cluster = await setupCluster();
  dir = mkdtempSync(join(tmpdir(), 'leasectl-watch-'));
});
afterEach(async () => {
  for (const child of spawned.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cluster.sandbox?.faults.reset();
});
afterAll(async () => {
  await cluster?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

function lease(name: string, holder: string, group: string): Lease {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, labels: { run: RUN_LABEL, group } }, spec: { holderIdentity: holder } };
}

/** A TCP relay to the sandbox that can cut its clients off (and refuse them) while everyone else still gets through. */
async function startRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    async cut() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restore() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Follows a spawned leasectl's stdout. */
function outputOf(child: ChildProcess) {
  let stdout = '';
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    text: () => stdout,
    /** Waits until `pattern` shows up in what was printed after the first `from` characters. */
    async seen(pattern: RegExp, from = 0) {
      while (!pattern.test(stdout.slice(from))) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

const row = (name: string, holder: string) => new RegExp(`^${name}\\s+${holder}\\s+\\d+s$`, 'm');

describe('list -w', () => {
  it('list NAME -w on a missing lease fails at once with NotFound, exit 1', async () => {
    const name = uniqueName('missing');
    const result = await cluster.leasectl(['list', '-n', cluster.namespace, name, '-w'], { timeoutMs: 10_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Error from server (NotFound): leases.coordination.k8s.io "${name}" not found\n`);
  });
});

describe.skipIf(againstRealCluster)(`after 410 Expired (${SANDBOX_ONLY})`, () => {
  it('list -w cut off until its resourceVersion is compacted prints what was added, modified and deleted meanwhile', { timeout: 60_000 }, async () => {
    const group = uniqueName('g');
    const [kept, changed, removed, added] = ['kept', 'changed', 'removed', 'added'].map((role) => `${group}-${role}`) as [string, string, string, string];
    await cluster.createLeases(cluster.namespace, [lease(kept, 'k1', group), lease(changed, 'c1', group), lease(removed, 'r1', group)]);
    const sandbox = cluster.sandbox!;
    const relay = await startRelay(new URL(sandbox.url));
    try {
      const kubeconfig = join(dir, `${group}.kubeconfig`);
      writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig, 'utf8').replace(sandbox.url, relay.url), { mode: 0o600 });
      const child = cluster.spawnLeasectl(['list', '-n', cluster.namespace, '-l', `group=${group}`, '-w', '--no-headers'], { kubeconfig });
      spawned.push(child);
      const out = outputOf(child);
      await out.seen(row(removed, 'r1'));
      const before = out.text();

      await relay.cut();
      const connection = await connect({ kubeconfig: cluster.kubeconfig }, { HOME: process.env.HOME });
      try {
        const current = await connection.client.get({ namespace: cluster.namespace, name: changed });
        await connection.client.update({ ...current, spec: { ...current.spec, holderIdentity: 'c2' } });
        await connection.client.delete({ namespace: cluster.namespace, name: removed });
        await connection.client.create(cluster.namespace, lease(added, 'a1', group));
      } finally {
        connection.close();
      }
      sandbox.compact();
      await relay.restore();

      await out.seen(row(added, 'a1'), before.length);
      await out.seen(row(changed, 'c2'), before.length);
      await out.seen(row(removed, 'r1'), before.length); // deleted in the gap: shown once more, as kubectl shows a deleted lease
      expect(out.text().slice(before.length)).not.toMatch(row(kept, 'k1')); // unchanged: not repeated
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      relay.close();
    }
  });

  it('list whose continue token expires between pages goes on from the fresh token in the 410', { timeout: 60_000 }, async () => {
    const group = uniqueName('g');
    const names = ['a', 'b', 'c'].map((suffix) => `${group}-${suffix}`);
    await cluster.createLeases(cluster.namespace, names.map((name) => lease(name, 'h', group)));
    const sandbox = cluster.sandbox!;
    sandbox.faults.latencyMs = 300; // time to compact between the first page and the next
    const child = cluster.spawnLeasectl(['list', '-n', cluster.namespace, '-l', `group=${group}`, '--chunk-size', '1', '--no-headers']);
    spawned.push(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const out = outputOf(child);
    await out.seen(row(names[0]!, 'h'));
    sandbox.compact();
    const [code] = await once(child, 'exit');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(out.text().trimEnd().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(names);
  });
});

describe.skipIf(againstRealCluster)(`hold waiting through a broken watch (${SANDBOX_ONLY})`, () => {
  it('a hold waiter whose watch broke resumes it at once and sees a release long before its next poll', { timeout: 60_000 }, async () => {
    const name = uniqueName('resume');
    const done = join(dir, `${name}.done`);
    const holder = cluster.spawnLeasectl([
      'hold', '-n', cluster.namespace, '--lease-duration', '60s', '--renew-deadline', '20s', '--retry-period', '2s', '--grace-period', '1s',
      '--events', 'json', name, '-c', `while [ ! -e ${done} ]; do sleep 0.1; done`,
    ]);
    spawned.push(holder);
    const holderEvents = holdEventsOf(holder);
    await holderEvents.next('child_started');

    const sandbox = cluster.sandbox!;
    const relay = await startRelay(new URL(sandbox.url));
    try {
      const kubeconfig = join(dir, `${name}.kubeconfig`);
      writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig, 'utf8').replace(sandbox.url, relay.url), { mode: 0o600 });
      // Polls every 8s: only its watch can see the release within a few seconds.
      const waiter = cluster.spawnLeasectl(
        ['hold', '-n', cluster.namespace, '--lease-duration', '60s', '--renew-deadline', '40s', '--retry-period', '8s', '--grace-period', '1s', '--events', 'json', name, '--', 'true'],
        { kubeconfig },
      );
      spawned.push(waiter);
      const waiterEvents = holdEventsOf(waiter);
      await waiterEvents.next('waiting');
      // Past one retry period the watch may be restarted at once; then its connection breaks.
      await new Promise((resolve) => setTimeout(resolve, 8_500));
      await relay.cut();
      await relay.restore();
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      writeFileSync(done, '');
      const released = await holderEvents.next('released');
      const acquired = await waiterEvents.next('acquired');
      const handoffSeconds = (Date.parse(acquired.time) - Date.parse(released.time)) / 1000;
      expect(handoffSeconds).toBeLessThan(6); // its next poll was about 6 s away: only the resumed watch is sooner
      expect(await waiterEvents.exit).toBe(0);
      expect(await holderEvents.exit).toBe(0);
    } finally {
      relay.close();
    }
  });
});
