// The ValueSource behind `__complete`: kubeconfig names from the files, namespaces and leases from the cluster.
// Every answer is best effort: after the deadline, or on any error, the shell simply gets no candidates.
import { homedir } from 'node:os';
import type { KubeFlags } from '../kube/connection.js';
import { COMPLETION_TIMEOUT_MS, type Candidate, type ValueSource } from './complete.js';
import { kubeconfigFiles } from '../kube/kubeconfig-files.js';
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

export function createValueSource(env: NodeJS.ProcessEnv, now: () => number, timeoutMs = COMPLETION_TIMEOUT_MS): ValueSource {
  const kubeconfigNames = (flags: KubeFlags, pick: (names: KubeconfigNames) => string[]) =>
    bestEffort(timeoutMs, [] as string[], async () => pick(readKubeconfigNames(kubeconfigFiles(flags.kubeconfig, env, env.HOME || homedir()).files)));
  const fromCluster = <T>(fallback: T, work: (cluster: typeof import('./cluster-values.js'), flags: KubeFlags, signal: AbortSignal) => Promise<T>) =>
    (flags: KubeFlags) =>
      bestEffort(timeoutMs, fallback, async (signal) =>
        work(await import('./cluster-values.js'), { ...flags, requestTimeout: timeoutMs }, signal),
      );
  return {
    contexts: (flags) => kubeconfigNames(flags, (names) => names.contexts),
    clusters: (flags) => kubeconfigNames(flags, (names) => names.clusters),
    users: (flags) => kubeconfigNames(flags, (names) => names.users),
    namespaces: fromCluster([] as string[], (cluster, flags, signal) => cluster.namespacesFromCluster(flags, env, signal)),
    leases: fromCluster([] as Candidate[], (cluster, flags, signal) => cluster.leasesFromCluster(flags, env, now(), signal)),
  };
}
