import { describe, expect, it, vi } from 'vitest';
import { runCli, type World } from '../../src/cli.js';
import { KubeApiError } from '../../src/kube/errors.js';
import type { LeaseClient, ListOptions } from '../../src/kube/lease-client.js';
import { formatMicroTime } from '../../src/lease/time.js';
import type { Lease } from '../../src/lease/types.js';
import { dryRunSummary, gcSummary } from '../../src/printers/gc.js';
import { textCapture } from '../support/streams.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;

function expiredLease(name: string, renewedAgoMs = 2 * HOUR): Lease {
  return {
    metadata: { name, namespace: 'apps', uid: `uid-${name}`, resourceVersion: '1' },
    spec: { holderIdentity: 'h', leaseDurationSeconds: 15, renewTime: formatMicroTime(NOW - renewedAgoMs) },
  };
}

/** Runs `gc` in-process against a list of leases; `forbidden` names answer 403 to delete. */
async function runGc(args: string[], leases: Lease[], options: { tty?: boolean; forbidden?: string[] } = {}) {
  const stdout = textCapture();
  const stderr = textCapture(options.tty ?? false);
  const stored = new Map(leases.map((lease) => [lease.metadata.name, lease]));
  const client: Partial<LeaseClient> = {
    async *listPages(query: ListOptions) {
      yield { metadata: { resourceVersion: '1' }, items: [...stored.values()].filter((lease) => !query.fieldSelector || query.fieldSelector === `metadata.name=${lease.metadata.name}`) };
    },
    async delete(ref) {
      if (options.forbidden?.includes(ref.name)) {
        throw new KubeApiError({ code: 403, reason: 'Forbidden', message: `leases.coordination.k8s.io "${ref.name}" is forbidden: User "viewer" cannot delete resource "leases"` }, 403);
      }
      stored.delete(ref.name);
    },
    // Nothing changes while gc watches: every candidate is confirmed after its lease duration.
    watch: (_options, _onEvent, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
  };
  vi.useFakeTimers({ now: 0 }); // gc watches each candidate for its lease duration before deleting it
  const world: World = {
    io: { stdin: process.stdin, stdout, stderr },
    clock: { now: () => NOW, monotonic: () => Date.now() },
    env: {},
    connect: async () => ({ client: client as LeaseClient, namespace: 'apps', namespaceFromFlag: true, namespaceNames: async () => [], serverVersion: async () => ({}), close: () => {} }),
    signals: { subscribe: () => () => {} },
    programName: 'leasectl',
  };
  let exitCode = 0;
  let done = false;
  const run = runCli(['gc', ...args], world)
    .then((code) => (exitCode = code))
    .finally(() => (done = true));
  try {
    while (!done) await vi.advanceTimersByTimeAsync(1_000);
    await run;
  } finally {
    vi.useRealTimers();
  }
  return { stdout: stdout.text, stderr: stderr.text, exitCode, remaining: [...stored.keys()] };
}

describe('gc summaries', () => {
  it('groups thousands and names what was skipped or interrupted', () => {
    const execution = { deleted: Array(1204).fill(expiredLease('x')), kept: Array(3).fill({}), failed: [], notAttempted: [] };
    expect(gcSummary(execution, 0, false)).toBe('deleted 1,204, kept 3, failed 0');
    expect(gcSummary(execution, 2, false)).toBe('deleted 1,204, kept 3, failed 0; 2 expired leases skipped as protected (-v lists them)');
    expect(gcSummary({ ...execution, notAttempted: [expiredLease('y')] }, 1, true)).toBe(
      'deleted 1,204, kept 3, failed 0; interrupted: 1 lease not attempted; 1 expired lease skipped as protected',
    );
  });

  it('says a dry run deleted nothing', () => {
    expect(dryRunSummary({ candidates: [{ lease: expiredLease('a'), expiredForMs: 1 }], skipped: [], notExpiredCount: 4 }, false)).toBe(
      'dry run: would delete 1 lease, nothing deleted; it is unconfirmed: a real run first watches each for its lease duration (up to 15s) and keeps any that change',
    );
  });
});

describe('leasectl gc (in-process)', () => {
  it('prints each deleted lease like kubectl delete and the summary on stderr', async () => {
    const result = await runGc([], [expiredLease('old'), expiredLease('new', 1_000)]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('lease.coordination.k8s.io "old" deleted from apps namespace\n');
    expect(result.stderr).toBe('deleted 1, kept 0, failed 0\n');
    expect(result.remaining).toEqual(['new']);
  });

  it('--dry-run prints NAMESPACE NAME HOLDER EXPIRED-FOR and deletes nothing', async () => {
    const result = await runGc(['--dry-run'], [expiredLease('old'), { ...expiredLease('never-renewed'), spec: { holderIdentity: '' } }]);
    expect(result.stdout).toBe(
      'NAMESPACE   NAME            HOLDER   EXPIRED-FOR\n' + 'apps        old             h        119m\n' + 'apps        never-renewed            <never renewed>\n',
    );
    expect(result.stderr).toBe(
      'dry run: would delete 2 leases, nothing deleted; all 2 are unconfirmed: a real run first watches each for its lease duration (up to 15s) and keeps any that change\n',
    );
    expect(result.remaining).toEqual(['old', 'never-renewed']);
  });

  it('-o json reports deleted, kept, failed and skipped leases as data, and a 403 exits 1', async () => {
    const owned = { ...expiredLease('owned'), metadata: { ...expiredLease('owned').metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u' }] } };
    const result = await runGc(['-o', 'json'], [expiredLease('a'), expiredLease('locked'), owned], { forbidden: ['locked'] });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      dryRun: false,
      deleted: [{ namespace: 'apps', name: 'a' }],
      kept: [],
      failed: [
        {
          namespace: 'apps',
          name: 'locked',
          error: 'Error from server (Forbidden): leases.coordination.k8s.io "locked" is forbidden: User "viewer" cannot delete resource "leases"',
        },
      ],
      notAttempted: [],
      skipped: [
        {
          namespace: 'apps',
          name: 'owned',
          holder: 'h',
          expiredFor: '1h59m45s',
          reason: 'owned',
          explanation: 'owned by Node/n1: Kubernetes deletes it with its owner (--include-owned to collect anyway)',
        },
      ],
    });
    expect(result.stderr).toContain('Error from server (Forbidden): leases.coordination.k8s.io "locked" is forbidden');
    expect(result.stderr).toContain('deleted 1, kept 0, failed 1; 1 expired lease skipped as protected (-v lists them)\n');
  });

  it('-v lists each skipped lease with its reason', async () => {
    const coordinated = { ...expiredLease('sched'), spec: { ...expiredLease('sched').spec, strategy: 'OldestEmulationVersion' } };
    const result = await runGc(['--dry-run', '-v'], [coordinated]);
    expect(result.stderr).toContain('lease.coordination.k8s.io "sched" skipped in apps namespace: coordinated lease (spec.strategy=OldestEmulationVersion)');
  });

  it('shows progress on a terminal for a large set, and clears it before the summary', async () => {
    const leases = Array.from({ length: 60 }, (_, i) => expiredLease(`l-${i}`));
    const onTerminal = await runGc(['-o', 'json'], leases, { tty: true });
    expect(onTerminal.stderr).toContain('\rdeleting leases: 60/60');
    expect(onTerminal.stderr.endsWith('\r\u001b[Kdeleted 60, kept 0, failed 0\n')).toBe(true);
    const piped = await runGc(['-o', 'json'], leases.map((lease) => ({ ...lease })), { tty: false });
    expect(piped.stderr).toBe('deleted 60, kept 0, failed 0\n');
  });

  it('rejects --concurrency 0 and names with -A as usage errors', async () => {
    expect((await runGc(['--concurrency', '0'], [])).exitCode).toBe(2);
    expect((await runGc(['-A', 'x'], [])).exitCode).toBe(2);
  });

  it('reports a named lease that does not exist like kubectl, and exits 1', async () => {
    const result = await runGc(['missing'], [expiredLease('other')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Error from server (NotFound): leases.coordination.k8s.io "missing" not found');
    expect(result.remaining).toEqual(['other']);
  });
});
