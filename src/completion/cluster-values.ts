// Namespaces and lease names from the cluster, for completing -n and lease-name arguments, through the connection
// factory the commands use (which loads the Kubernetes client only when a completion needs the cluster).
import type { ConnectionFactory, KubeConnection, KubeFlags } from '../kube/connection.js';
import { leaseState } from '../lease/state.js';
import type { Lease } from '../lease/types.js';
import type { Candidate } from './complete.js';

/** kubectl's chunk size. */
const LEASE_PAGE_SIZE = 500;

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
    // One page is sample enough: the leases of one namespace are labelled by the same few controllers.
    const list = await client.listPage({ namespace, limit: LEASE_PAGE_SIZE });
    return [...new Set(list.items.flatMap((lease) => Object.keys(lease.metadata.labels ?? {})))].sort();
  });
}

/**
 * Lease names in the namespace the command would use, each described by its state and holder. Every page, as
 * kubectl's completion reads them: the word typed may match only a lease past the first 500 (kube-node-lease of a
 * large cluster). The completion's deadline bounds the paging.
 */
export function leasesFromCluster(connect: ConnectionFactory, flags: KubeFlags, now: number, signal: AbortSignal): Promise<Candidate[]> {
  return withConnection(connect, flags, signal, async ({ client, namespace }) => {
    const candidates: Candidate[] = [];
    for await (const page of client.listPages({ namespace, limit: LEASE_PAGE_SIZE })) {
      for (const lease of page.items) candidates.push({ value: lease.metadata.name, description: describeHolder(lease, now) });
    }
    return candidates;
  });
}
