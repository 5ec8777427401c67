// The ValueSource behind `__complete`: kubeconfig names from the files, namespaces and leases from the cluster.
// Every answer is best effort: after the deadline, or on any error, the shell simply gets no candidates.
import { homedir } from 'node:os';
import type { ConnectionFactory, KubeFlags } from '../kube/connection.js';
import { kubeconfigFiles } from '../kube/kubeconfig-files.js';
import { labelKeysFromCluster, leasesFromCluster, namespacesFromCluster } from './cluster-values.js';
import { COMPLETION_TIMEOUT_MS, type Candidate, type ValueSource } from './complete.js';
import { readKubeconfigNames, type KubeconfigNames } from './kubeconfig-names.js';

async function bestEffort<T>(timeoutMs: number, fallback: T, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    const expired = new Promise<T>((resolve) => deadline.signal.addEventListener('abort', () => resolve(fallback), { once: true }));
    return await Promise.race([work(deadline.signal), expired]);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
    deadline.abort();
  }
}

/** `connect` is the commands' connection factory: the cluster is reached for completion exactly as for a command. */
export function createValueSource(env: NodeJS.ProcessEnv, now: () => number, connect: ConnectionFactory, timeoutMs = COMPLETION_TIMEOUT_MS): ValueSource {
  const kubeconfigNames = (flags: KubeFlags, pick: (names: KubeconfigNames) => string[]) =>
    bestEffort(timeoutMs, [] as string[], async () => pick(readKubeconfigNames(kubeconfigFiles(flags.kubeconfig, env, env.HOME || homedir()).files)));
  const fromCluster = <T>(fallback: T, work: (flags: KubeFlags, signal: AbortSignal) => Promise<T>) =>
    (flags: KubeFlags) => bestEffort(timeoutMs, fallback, (signal) => work({ ...flags, requestTimeout: timeoutMs }, signal));
  return {
    contexts: (flags) => kubeconfigNames(flags, (names) => names.contexts),
    clusters: (flags) => kubeconfigNames(flags, (names) => names.clusters),
    users: (flags) => kubeconfigNames(flags, (names) => names.users),
    namespaces: fromCluster([] as string[], (flags, signal) => namespacesFromCluster(connect, flags, signal)),
    leases: fromCluster([] as Candidate[], (flags, signal) => leasesFromCluster(connect, flags, now(), signal)),
    labelKeys: fromCluster([] as string[], (flags, signal) => labelKeysFromCluster(connect, flags, signal)),
  };
}
