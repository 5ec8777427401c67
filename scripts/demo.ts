// npm run demo: a short tour of leasectl against a fresh sandbox seeded like a small cluster (three
// control-plane hosts, three nodes, a few leftovers), then the main job: a lock around a script.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiserverLeaseName, APISERVER_IDENTITY_LABEL, HOSTNAME_LABEL } from '../src/lease/apiserver-identity.js';
import { formatMicroTime } from '../src/lease/time.js';
import type { Lease } from '../src/lease/types.js';
import { allowsColor } from '../src/printers/colour.js';
import { startSandbox } from '@leasectl/sandbox';
import { seedLeases } from './seed-leases.js';

const LEASECTL = resolve(import.meta.dirname, '..', 'bin', 'leasectl');
const bold = (text: string) => (allowsColor(process.stdout, process.env) ? `\u001b[1m${text}\u001b[22m` : text);

function ago(ms: number): string {
  return formatMicroTime(Date.now() - ms);
}

function uuid(seed: number): string {
  return `${seed.toString(16).padStart(8, '0')}-6a49-4b0e-9a3b-0c1f6b5d8e21`;
}

function lease(name: string, spec: Lease['spec'], labels?: Record<string, string>): Lease {
  return { metadata: { name, ...(labels ? { labels } : {}) }, spec };
}

function identityLease(hostname: string, renewedAgoMs: number, seed: number): Lease {
  const name = apiserverLeaseName(hostname);
  return lease(
    name,
    { holderIdentity: `${name}_${uuid(seed)}`, leaseDurationSeconds: 3600, renewTime: ago(renewedAgoMs) },
    { [APISERVER_IDENTITY_LABEL]: 'kube-apiserver', [HOSTNAME_LABEL]: hostname },
  );
}

function electedLease(name: string, holder: string, tenureMs: number, transitions: number): Lease {
  return lease(name, { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: ago(tenureMs), renewTime: ago(1500), leaseTransitions: transitions });
}

function nodeLease(node: string, renewedAgoMs: number): Lease {
  return lease(node, { holderIdentity: node, leaseDurationSeconds: 40, renewTime: ago(renewedAgoMs) });
}

/** Runs leasectl as a user would, echoing the command line; resolves with its exit code. */
function leasectl(env: NodeJS.ProcessEnv, args: string[], options: { background?: boolean } = {}): Promise<number | null> & { started: Promise<void> } {
  process.stdout.write(`\n${bold(`$ leasectl ${args.map((arg) => (/[\s'"$]/.test(arg) ? `'${arg}'` : arg)).join(' ')}${options.background ? ' &' : ''}`)}\n`);
  const child = spawn(LEASECTL, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code))) as Promise<number | null> & { started: Promise<void> };
  exited.started = new Promise((resolveStart) => child.on('spawn', () => resolveStart()));
  return exited;
}

function say(text: string): void {
  process.stdout.write(`\n# ${text}\n`);
}

const pause = (ms: number) => new Promise((resolvePause) => setTimeout(resolvePause, ms));

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'leasectl-demo-'));
  const sandbox = await startSandbox({ namespaces: ['batch'] });
  const kubeconfig = await sandbox.writeKubeconfig(join(work, 'kubeconfig'));
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  try {
    await seedLeases(sandbox, 'kube-system', [
      identityLease('cp-1', 4000, 1),
      identityLease('cp-2', 7000, 2),
      identityLease('cp-3', 74 * 60_000, 3),
      electedLease('kube-controller-manager', `cp-1_${uuid(11)}`, 3 * 3600_000, 3),
      electedLease('kube-scheduler', `cp-2_${uuid(12)}`, 26 * 60_000, 5),
    ]);
    await seedLeases(sandbox, 'kube-node-lease', [nodeLease('node-1', 3000), nodeLease('node-2', 8000), nodeLease('node-3', 95_000)]);
    await seedLeases(sandbox, 'batch', [
      lease('nightly-report', { holderIdentity: `job-7f9c_${uuid(21)}`, leaseDurationSeconds: 15, renewTime: ago(5 * 3600_000), leaseTransitions: 12 }),
      lease('reindex', { holderIdentity: '', leaseDurationSeconds: 1, renewTime: ago(2 * 3600_000), leaseTransitions: 4 }),
    ]);
    process.stdout.write(`A sandbox Lease API server is running at ${sandbox.url} (KUBECONFIG=${kubeconfig}).\n`);

    say('Every lease in the cluster, as kubectl get lease -A would show it');
    await leasectl(env, ['list', '-A']);

    say('Which node heartbeats are stale? -o wide adds what kubectl cannot show');
    await leasectl(env, ['list', '-n', 'kube-node-lease', '-o', 'wide', '--sort-by', '.spec.renewTime']);

    say('Which kube-apiservers are alive?');
    await leasectl(env, ['identity']);

    say('Who leads the scheduler, and since when?');
    await leasectl(env, ['inspect', '-n', 'kube-system', 'kube-scheduler']);

    say('The main job: a cluster-wide lock around a script');
    const job = leasectl(
      env,
      ['hold', '-n', 'batch', 'example-foo', '--', 'sh', '-c', 'echo "job: running as $LEASECTL_IDENTITY, fencing token $LEASECTL_TRANSITIONS"; sleep 3; echo "job: done"'],
      { background: true },
    );
    await job.started;
    await pause(1500);
    say('While it runs, a second copy (say, cron on another host) finds the lock taken');
    const second = await leasectl(env, ['hold', '-n', 'batch', 'example-foo', '--no-wait', '--', 'echo', 'never runs']);
    process.stdout.write(`(exit code ${second}: the lease is held)\n`);
    await leasectl(env, ['list', '-n', 'batch', 'example-foo', '-o', 'wide']);
    const first = await job;
    process.stdout.write(`(the job exited ${first}; hold released the lease after the job's whole process group was gone)\n`);
    await leasectl(env, ['list', '-n', 'batch', 'example-foo', '-o', 'wide']);

    say('Leftovers from holders that are gone: what would gc delete?');
    await leasectl(env, ['gc', '-A', '--dry-run']);
    await leasectl(env, ['gc', '-n', 'batch']);

    process.stdout.write('\nTry it yourself: `npm run sandbox` starts a sandbox and prints a KUBECONFIG to use with leasectl and kubectl.\n');
  } finally {
    await sandbox.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
