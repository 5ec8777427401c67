// End-to-end harness: runs the built bin/leasectl (and kubectl) against the sandbox, or against a real cluster
// when LEASECTL_TEST_KUBECONFIG names one. Each test file gets its own namespace, or, when LEASECTL_TEST_NAMESPACE
// names one namespace for all files at once, its own lease names (uniqueName) and its own label (cluster.selector),
// and nothing beyond that namespace (a test that would make one takes cluster.scope instead); either way files can
// run in parallel and a real cluster is left as it was.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '../../src/kube/connect.js';
import { isNotFound } from '../../src/kube/errors.js';
import type { Lease } from '../../src/lease/types.js';
import { startSandbox, type Sandbox } from '@leasectl/sandbox';

export const LEASECTL_BIN = resolve(import.meta.dirname, '../../bin/leasectl');

export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
export const KUBECTL_MISSING = 'kubectl is not on PATH: this test compares leasectl with kubectl and cannot run without it';

const realKubeconfig = process.env.LEASECTL_TEST_KUBECONFIG;
const realReadOnlyKubeconfig = process.env.LEASECTL_TEST_READONLY_KUBECONFIG;
const sharedNamespace = process.env.LEASECTL_TEST_NAMESPACE;
export const againstRealCluster = Boolean(realKubeconfig);
export const SANDBOX_ONLY = 'needs the sandbox (fault injection or its second token); skipped against a real cluster';
/** LEASECTL_TEST_NAMESPACE: every file runs in that one namespace, as a user whose RBAC allows no other. */
export const oneNamespace = Boolean(sharedNamespace);
export const BEYOND_ONE_NAMESPACE =
  'needs rights beyond one namespace (namespaces of its own, or -A); skipped when LEASECTL_TEST_NAMESPACE confines the suite to one';
/** The sandbox has a user that may only read; a real cluster has one when LEASECTL_TEST_READONLY_KUBECONFIG names it. */
export const hasReadOnlyUser = !againstRealCluster || Boolean(realReadOnlyKubeconfig);
export const READ_ONLY_MISSING =
  'needs a user that may only read leases: the sandbox has one; against a real cluster set LEASECTL_TEST_READONLY_KUBECONFIG to its kubeconfig';
/** The user the read-only kubeconfig authenticates as, as a server names it in a Forbidden message. */
export const READ_ONLY_USER = realReadOnlyKubeconfig ? '[^"]+' : 'viewer';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Stdin from /dev/null (a file, as under cron or `< /dev/null`) rather than a pipe; `input` is then ignored. */
  stdinFromDevNull?: boolean;
  timeoutMs?: number;
  kubeconfig?: string;
  cwd?: string;
}

/**
 * A place of a test's own to list, gc or watch in, where it would once have made a namespace: a fresh namespace,
 * or in one-namespace mode the shared one. Either way its leases carry `labels` and every command selects them by
 * `selector`, so what the test sees is the same in both; teardown deletes them.
 */
export interface Scope {
  namespace: string;
  /** Unique to the scope: its leases are named `${prefix}-…`, apart from every other file's in a shared namespace. */
  prefix: string;
  labels: Record<string, string>;
  selector: string;
}

export interface TestCluster {
  kubeconfig: string;
  /** Kubeconfig of a user that may only read (the sandbox's, or LEASECTL_TEST_READONLY_KUBECONFIG); see hasReadOnlyUser. */
  readOnlyKubeconfig: string | undefined;
  /** A namespace made for this file, or the one LEASECTL_TEST_NAMESPACE names for all files. */
  namespace: string;
  /** A label only this file's leases carry: every list, gc or comparison of several leases selects by it. */
  labels: Record<string, string>;
  /** `labels` as a label selector (`-l`). */
  selector: string;
  /** A directory of this file's own, for kubeconfigs and other files the tests write (deleted at teardown). */
  workDir: string;
  sandbox: Sandbox | undefined;
  /** Another fresh namespace (deleted at teardown); refused in one-namespace mode (see oneNamespace). */
  newNamespace(prefix?: string): Promise<string>;
  /** A Scope for one test: a namespace of its own where that is allowed, else its own label in the shared one. */
  scope(prefix: string): Promise<Scope>;
  leasectl(args: string[], options?: RunOptions): Promise<RunResult>;
  spawnLeasectl(args: string[], options?: RunOptions): ChildProcess;
  kubectl(args: string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Creates many leases at once through leasectl's own client. kubectl would take minutes for a few hundred:
   * client-go throttles it to 5 requests/s, against a real cluster as against the sandbox.
   */
  createLeases(namespace: string, leases: Lease[]): Promise<void>;
  /** Stops the sandbox, or deletes what this file made: its namespaces, and in a shared namespace its leases. */
  teardown(): Promise<void>;
}

/** Every name uniqueName gave in this file (vitest runs each file in a process of its own). */
const uniqueNames = new Set<string>();

export function uniqueName(prefix: string): string {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  uniqueNames.add(name);
  return name;
}

const scopeLabel = 'leasectl-e2e-scope';

/** A lease this file made: named by uniqueName (or after one, `NAME-suffix`), or carrying the file's or a scope's label. */
function madeByThisFile(lease: Lease, labels: Record<string, string>): boolean {
  const { name, labels: leaseLabels = {} } = lease.metadata;
  if (Object.entries(labels).every(([key, value]) => leaseLabels[key] === value)) return true;
  if (uniqueNames.has(leaseLabels[scopeLabel] ?? '')) return true;
  for (const unique of uniqueNames) if (name === unique || name.startsWith(`${unique}-`)) return true;
  return false;
}

function childEnv(kubeconfig: string, extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...extra };
  // A test must never reach the developer's own cluster through an inherited flag-like variable.
  delete env.LEASECTL_TEST_KUBECONFIG;
  delete env.LEASECTL_TEST_READONLY_KUBECONFIG;
  return env;
}

export function run(command: string, args: string[], options: RunOptions & { kubeconfig: string }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: childEnv(options.kubeconfig, options.env),
      cwd: options.cwd,
      stdio: [options.stdinFromDevNull ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * Runs the built leasectl with `preload` required first (node --require). The preload writes what it observed to
 * the file named by $LEASECTL_RECORD, whose text is returned with the run's result.
 */
export async function runWithPreload(args: string[], preload: string, options: RunOptions & { kubeconfig: string }): Promise<{ result: RunResult; recorded: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'leasectl-preload-'));
  try {
    const record = join(dir, 'record');
    writeFileSync(join(dir, 'preload.cjs'), preload);
    const result = await run(process.execPath, ['--require', join(dir, 'preload.cjs'), LEASECTL_BIN, ...args], { ...options, env: { ...options.env, LEASECTL_RECORD: record } });
    return { result, recorded: readFileSync(record, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a run of the built leasectl loaded, recorded at its exit: `builtins` are Node's own modules
 * (process.moduleLoadList, e.g. `NativeModule child_process`), `files` the files it required (require.cache:
 * the bundle, and dist/client-node.cjs when a user's credentials need client-node). The run must exit 0.
 */
export async function loadedByLeasectl(args: string[], options: RunOptions & { kubeconfig: string }): Promise<{ builtins: string[]; files: string[] }> {
  const { result, recorded } = await runWithPreload(
    args,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.LEASECTL_RECORD, JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) })));\n",
    options,
  );
  if (result.code !== 0) throw new Error(`leasectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(recorded) as { builtins: string[]; files: string[] };
}

/** Node's own modules a run of the built leasectl loaded (see loadedByLeasectl). */
export async function builtinsLoaded(args: string[], options: RunOptions & { kubeconfig: string }): Promise<string[]> {
  return (await loadedByLeasectl(args, options)).builtins;
}

export async function setupCluster(): Promise<TestCluster> {
  const workDir = mkdtempSync(join(tmpdir(), 'leasectl-e2e-'));
  let sandbox: Sandbox | undefined;
  let kubeconfig: string;
  let readOnlyKubeconfig: string | undefined;
  if (realKubeconfig) {
    kubeconfig = realKubeconfig;
    readOnlyKubeconfig = realReadOnlyKubeconfig;
  } else {
    // A cluster with CoordinatedLeaderElection on, so coordinated leases can be tested; tests that write
    // spec.strategy read it back and skip where a real cluster (gate off by default) dropped it.
    sandbox = await startSandbox({ featureGates: { CoordinatedLeaderElection: true } });
    kubeconfig = await sandbox.writeKubeconfig(join(workDir, 'kubeconfig'));
    readOnlyKubeconfig = await sandbox.writeKubeconfig(join(workDir, 'kubeconfig-readonly'), { readOnly: true });
  }
  const created: string[] = [];
  const labels = { 'leasectl-e2e': randomBytes(6).toString('hex') };

  const cluster: TestCluster = {
    kubeconfig,
    readOnlyKubeconfig,
    namespace: '',
    labels,
    selector: Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(','),
    workDir,
    sandbox,
    async newNamespace(prefix = 'e2e') {
      if (sharedNamespace) {
        throw new Error(
          `newNamespace: LEASECTL_TEST_NAMESPACE confines the suite to namespace "${sharedNamespace}", whose user may not create another; ` +
            'use cluster.namespace with cluster.selector, or skip the test with BEYOND_ONE_NAMESPACE when oneNamespace',
        );
      }
      const name = uniqueName(`leasectl-${prefix}`);
      if (sandbox) {
        sandbox.createNamespace(name);
      } else {
        const result = await run('kubectl', ['create', 'namespace', name], { kubeconfig });
        if (result.code !== 0) throw new Error(`kubectl create namespace ${name}: ${result.stderr}`);
      }
      created.push(name);
      return name;
    },
    async scope(prefix) {
      const namespace = sharedNamespace ?? (await cluster.newNamespace(prefix));
      const unique = uniqueName(prefix);
      return { namespace, prefix: unique, labels: { [scopeLabel]: unique }, selector: `${scopeLabel}=${unique}` };
    },
    leasectl: (args, options = {}) => run(LEASECTL_BIN, args, { kubeconfig, ...options }),
    spawnLeasectl: (args, options = {}) =>
      spawn(LEASECTL_BIN, args, {
        env: childEnv(options.kubeconfig ?? kubeconfig, options.env),
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    kubectl: (args, options = {}) => run('kubectl', args, { kubeconfig, ...options }),
    async createLeases(namespace, leases) {
      const connection = await connect({ kubeconfig }, { HOME: process.env.HOME });
      try {
        let next = 0;
        const worker = async () => {
          while (next < leases.length) await connection.client.create(namespace, leases[next++]!);
        };
        await Promise.all(Array.from({ length: 32 }, worker));
      } finally {
        connection.close();
      }
    },
    async teardown() {
      if (sandbox) {
        await sandbox.stop();
      } else {
        if (sharedNamespace) await deleteLeasesMadeHere(kubeconfig, sharedNamespace, labels);
        for (const name of created) await run('kubectl', ['delete', 'namespace', name, '--wait=false'], { kubeconfig });
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  cluster.namespace = sharedNamespace ?? (await cluster.newNamespace());
  return cluster;
}

/** Leaves a shared namespace as the file found it; other files' leases in it are not touched. */
async function deleteLeasesMadeHere(kubeconfig: string, namespace: string, labels: Record<string, string>): Promise<void> {
  const connection = await connect({ kubeconfig }, { HOME: process.env.HOME });
  try {
    const doomed: Lease[] = [];
    for await (const page of connection.client.listPages({ namespace, limit: 500 })) {
      doomed.push(...page.items.filter((lease) => madeByThisFile(lease, labels)));
    }
    for (const lease of doomed) {
      await connection.client.delete({ namespace, name: lease.metadata.name }).catch((error: unknown) => {
        // A test may have deleted it already (gc, or a test of delete).
        if (!isNotFound(error)) throw error;
      });
    }
  } finally {
    connection.close();
  }
}
