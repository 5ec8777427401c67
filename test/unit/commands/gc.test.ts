// leasectl gc in-process, through runCli, against the in-memory Lease API; fake timers run the watch that confirms
// each candidate before it is deleted.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../src/kube/errors.js';
import { formatMicroTime } from '../../../src/lease/time.js';
import type { Lease } from '../../../src/lease/types.js';
import { dryRunSummary, gcSummary } from '../../../src/printers/gc.js';
import { testContext, type TestContext } from '../../support/test-context.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;

function expiredLease(name: string, renewedAgoMs = 2 * HOUR): Lease {
  return {
    metadata: { name, namespace: 'apps', uid: `uid-${name}`, creationTimestamp: '2026-11-01T00:00:00Z' },
    spec: { holderIdentity: 'h', leaseDurationSeconds: 15, renewTime: formatMicroTime(NOW - renewedAgoMs) },
  };
}

let t: TestContext;
afterEach(() => t?.done());

/** Runs `gc` in-process in namespace apps; `forbidden` names answer 403 to delete, in the apiserver's words. */
async function runGc(args: string[], leases: Lease[], options: { tty?: boolean; forbidden?: string[] } = {}) {
  t = testContext({ now: NOW, fakeTimers: true, tty: options.tty, contextNamespace: 'apps' });
  for (const lease of leases) t.client.seed(lease);
  for (const name of options.forbidden ?? []) {
    const message = `leases.coordination.k8s.io "${name}" is forbidden: User "viewer" cannot delete resource "leases"`;
    t.client.refuse('delete', name, new KubeApiError({ code: 403, reason: 'Forbidden', message }, 403));
  }
  const result = await t.run(['gc', ...args]);
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.code, remaining: t.client.store.list('apps').map((record) => record.name) };
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

  it('--dry-run prints NAMESPACE NAME HOLDER EXPIRED-FOR and deletes nothing; a lease never renewed ages from its creation', async () => {
    const result = await runGc(['--dry-run'], [expiredLease('old'), { ...expiredLease('never-renewed'), spec: { holderIdentity: '' } }]);
    expect(result.stdout).toBe(
      'NAMESPACE   NAME            HOLDER   EXPIRED-FOR\n' + 'apps        never-renewed            22d\n' + 'apps        old             h        119m\n',
    );
    expect(result.stderr).toBe(
      'dry run: would delete 2 leases, nothing deleted; all 2 are unconfirmed: a real run first watches each for its lease duration (up to 15s) and keeps any that change\n',
    );
    expect(result.remaining).toEqual(['never-renewed', 'old']);
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

  it('a candidate its holder renews while gc watches it is kept, the others deleted', async () => {
    t = testContext({ now: NOW, fakeTimers: true, contextNamespace: 'apps' });
    t.client.seed(expiredLease('dead'));
    t.client.seed(expiredLease('lagging'));
    const running = t.start(['gc']);
    await t.clock.advance(5_000);
    // A holder whose clock lags two hours renews: its renewTime still looks two hours old.
    t.client.write('apps', 'lagging', { renewTime: formatMicroTime(t.clock.now() - 2 * HOUR) });
    await t.clock.advance(20_000);
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('lease.coordination.k8s.io "dead" deleted from apps namespace\n');
    expect(result.stderr).toContain('deleted 1, kept 1, failed 0');
    expect(t.client.store.list('apps').map((record) => record.name)).toEqual(['lagging']);
    expect(t.client.calls.filter((verb) => verb === 'delete')).toHaveLength(1);
  });
});
