// Namespaces and lease names from the cluster, for completing -n and lease-name arguments, through the connection
// factory the commands use (which loads the Kubernetes client only when a completion needs the cluster).
import type { ConnectionFactory, KubeConnection, KubeFlags } from '../kube/connection.js';
import { leaseState } from '../lease/state.js';
import type { Lease } from '../lease/types.js';
import type { Candidate } from './complete.js';

/** A completion should not page through a huge namespace; the shell would not show that many anyway. */
const LEASE_LIMIT = 500;

async function withConnection<T>(connect: ConnectionFactory, flags: KubeFlags, signal: AbortSignal, use: (connection: KubeConnection) => Promise<T>): Promise<T> {
  const connection = await connect(flags);
  // Destroying the sockets ends a request that outlives the completion's deadline.
  const onAbort = () => connection.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await use(connection);
  } finally {
    signal.removeEventListener('abort', onAbort);
    connection.close();
  }
}

export function namespacesFromCluster(connect: ConnectionFactory, flags: KubeFlags, signal: AbortSignal): Promise<string[]> {
  return withConnection(connect, flags, signal, (connection) => connection.namespaceNames(signal));
}

function describeHolder(lease: Lease, now: number): string {
  const { status, holder } = leaseState(lease, now);
  if (status === 'held') return `held by ${holder}`;
  if (status === 'expired') return holder ? `expired, last held by ${holder}` : 'expired';
  return 'released';
}

/** The label keys of the leases in the namespace the command would use, sorted, each once. */
export function labelKeysFromCluster(connect: ConnectionFactory, flags: KubeFlags, signal: AbortSignal): Promise<string[]> {
  return withConnection(connect, flags, signal, async ({ client, namespace }) => {
    const list = await client.listPage({ namespace, limit: LEASE_LIMIT });
    return [...new Set(list.items.flatMap((lease) => Object.keys(lease.metadata.labels ?? {})))].sort();
  });
}

/** Lease names in the namespace the command would use, each described by its state and holder. */
export function leasesFromCluster(connect: ConnectionFactory, flags: KubeFlags, now: number, signal: AbortSignal): Promise<Candidate[]> {
  return withConnection(connect, flags, signal, async ({ client, namespace }) => {
    const list = await client.listPage({ namespace, limit: LEASE_LIMIT });
    return list.items.map((lease) => ({ value: lease.metadata.name, description: describeHolder(lease, now) }));
  });
}
