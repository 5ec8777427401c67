// End-to-end harness: runs the built bin/leasectl (and kubectl) against the sandbox, or against a real cluster
// when LEASECTL_TEST_KUBECONFIG names one. Each test file gets its own namespace, so files can run in parallel
// and a real cluster is left as it was.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '../../src/kube/connect.js';
import type { Lease } from '../../src/lease/types.js';
import { startSandbox, type Sandbox } from '@leasectl/sandbox';

export const LEASECTL_BIN = resolve(import.meta.dirname, '../../bin/leasectl');

export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
export const KUBECTL_MISSING = 'kubectl is not on PATH: this test compares leasectl with kubectl and cannot run without it';

const realKubeconfig = process.env.LEASECTL_TEST_KUBECONFIG;
export const againstRealCluster = Boolean(realKubeconfig);
export const SANDBOX_ONLY = 'needs the sandbox (fault injection or its second token); skipped against a real cluster';

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

export interface TestCluster {
  kubeconfig: string;
  /** Kubeconfig with a token that may only read (sandbox only). */
  readOnlyKubeconfig: string | undefined;
  /** A namespace made for this file. */
  namespace: string;
  sandbox: Sandbox | undefined;
  /** Another fresh namespace (deleted at teardown). */
  newNamespace(prefix?: string): Promise<string>;
  leasectl(args: string[], options?: RunOptions): Promise<RunResult>;
  spawnLeasectl(args: string[], options?: RunOptions): ChildProcess;
  kubectl(args: string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Creates many leases at once through leasectl's own client. kubectl would take minutes for a few hundred:
   * client-go throttles it to 5 requests/s, against a real cluster as against the sandbox.
   */
  createLeases(namespace: string, leases: Lease[]): Promise<void>;
  teardown(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

function childEnv(kubeconfig: string, extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...extra };
  // A test must never reach the developer's own cluster through an inherited flag-like variable.
  delete env.LEASECTL_TEST_KUBECONFIG;
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
 * Node's own modules a run of the built leasectl loaded (process.moduleLoadList at exit), e.g. `NativeModule
 * child_process`; the run must exit 0.
 */
export async function builtinsLoaded(args: string[], options: RunOptions & { kubeconfig: string }): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'leasectl-load-list-'));
  try {
    const list = join(dir, 'loaded');
    writeFileSync(join(dir, 'record.cjs'), "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOAD_LIST, process.moduleLoadList.join('\\n')));\n");
    const result = await run(process.execPath, ['--require', join(dir, 'record.cjs'), LEASECTL_BIN, ...args], { ...options, env: { ...options.env, LOAD_LIST: list } });
    if (result.code !== 0) throw new Error(`leasectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return readFileSync(list, 'utf8').split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function setupCluster(): Promise<TestCluster> {
  const workDir = mkdtempSync(join(tmpdir(), 'leasectl-e2e-'));
  let sandbox: Sandbox | undefined;
  let kubeconfig: string;
  let readOnlyKubeconfig: string | undefined;
  if (realKubeconfig) {
    kubeconfig = realKubeconfig;
  } else {
    // A cluster with CoordinatedLeaderElection on, so coordinated leases can be tested; tests that write
    // spec.strategy read it back and skip where a real cluster (gate off by default) dropped it.
    sandbox = await startSandbox({ featureGates: { CoordinatedLeaderElection: true } });
    kubeconfig = await sandbox.writeKubeconfig(join(workDir, 'kubeconfig'));
    readOnlyKubeconfig = await sandbox.writeKubeconfig(join(workDir, 'kubeconfig-readonly'), { readOnly: true });
  }
  const created: string[] = [];

  const cluster: TestCluster = {
    kubeconfig,
    readOnlyKubeconfig,
    namespace: '',
    sandbox,
    async newNamespace(prefix = 'e2e') {
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
        for (const name of created) await run('kubectl', ['delete', 'namespace', name, '--wait=false'], { kubeconfig });
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  cluster.namespace = process.env.LEASECTL_TEST_NAMESPACE ?? (await cluster.newNamespace());
  return cluster;
}
