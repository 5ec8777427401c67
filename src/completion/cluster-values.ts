// Namespaces and lease names from the cluster, for completing -n and lease-name arguments. Imported lazily by
// the value source: this module pulls in the Kubernetes client, which static completions must not load.
import { homedir } from 'node:os';
import type { KubeFlags } from '../context.js';
import { HttpLeaseClient } from '../kube/client.js';
import { HttpTransport } from '../kube/http.js';
import { resolveKubeconfig } from '../kube/kubeconfig.js';
import { listNamespaceNames } from '../kube/namespaces.js';
import { leaseState } from '../lease/state.js';
import type { Lease } from '../lease/types.js';
import { LEASECTL_VERSION } from '../version.js';
import type { Candidate } from './complete.js';

/** A completion should not page through a huge namespace; the shell would not show that many anyway. */
const LEASE_LIMIT = 500;

async function withTransport<T>(flags: KubeFlags, env: NodeJS.ProcessEnv, signal: AbortSignal, use: (transport: HttpTransport, namespace: string) => Promise<T>): Promise<T> {
  const resolved = resolveKubeconfig(flags, { env, homeDir: env.HOME || homedir() });
  const transport = new HttpTransport({
    kubeConfig: resolved.kubeConfig,
    userAgent: `leasectl/${LEASECTL_VERSION} (completion) node/${process.versions.node}`,
    requestTimeoutMs: flags.requestTimeout,
  });
  // Destroying the sockets ends a request that outlives the completion's deadline.
  const onAbort = () => transport.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await use(transport, flags.namespace ?? resolved.contextNamespace ?? 'default');
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}

export function namespacesFromCluster(flags: KubeFlags, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string[]> {
  return withTransport(flags, env, signal, (transport) => listNamespaceNames(transport, signal));
}

function describeHolder(lease: Lease, now: number): string {
  const { status, holder } = leaseState(lease, now);
  if (status === 'held') return `held by ${holder}`;
  if (status === 'expired') return holder ? `expired, last held by ${holder}` : 'expired';
  return 'released';
}

/** Lease names in the namespace the command would use, each described by its state and holder. */
export function leasesFromCluster(flags: KubeFlags, env: NodeJS.ProcessEnv, now: number, signal: AbortSignal): Promise<Candidate[]> {
  return withTransport(flags, env, signal, async (transport, namespace) => {
    const list = await new HttpLeaseClient(transport).listPage({ namespace, limit: LEASE_LIMIT });
    return list.items.map((lease) => ({ value: lease.metadata.name, description: describeHolder(lease, now) }));
  });
}
