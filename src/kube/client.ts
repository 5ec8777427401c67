import { createInterface } from 'node:readline';
import type { Lease, LeaseList } from '../lease/types.js';
import { LEASE_API_VERSION, LEASE_KIND } from '../lease/types.js';
import { KubeApiError, KubeTransportError, type Status } from './errors.js';
import type { HttpTransport } from './http.js';
import type {
  DeletePreconditions,
  LeaseClient,
  LeaseRef,
  ListOptions,
  RequestOptions,
  WatchEvent,
  WatchOptions,
} from './lease-client.js';

const API_PREFIX = '/apis/coordination.k8s.io/v1';

function collectionPath(namespace: string | undefined): string {
  return namespace === undefined ? `${API_PREFIX}/leases` : `${API_PREFIX}/namespaces/${encodeURIComponent(namespace)}/leases`;
}

function itemPath(ref: LeaseRef): string {
  return `${collectionPath(ref.namespace)}/${encodeURIComponent(ref.name)}`;
}

function listQuery(options: ListOptions): Record<string, string | number | undefined> {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit || undefined,
    continue: options.continueToken,
    resourceVersion: options.resourceVersion,
  };
}

/** List items arrive without kind/apiVersion; printers and writes want them. */
function withTypeMeta(lease: Lease): Lease {
  return { apiVersion: LEASE_API_VERSION, kind: LEASE_KIND, ...lease };
}

export class HttpLeaseClient implements LeaseClient {
  constructor(private readonly http: HttpTransport) {}

  async listPage(options: ListOptions): Promise<LeaseList> {
    const response = await this.http.request({ method: 'GET', path: collectionPath(options.namespace), query: listQuery(options) });
    const list = JSON.parse(response.body) as LeaseList;
    list.items = (list.items ?? []).map(withTypeMeta);
    list.metadata ??= {};
    return list;
  }

  async *listPages(options: ListOptions): AsyncGenerator<LeaseList> {
    let continueToken = options.continueToken;
    do {
      let page: LeaseList;
      try {
        page = await this.listPage({ ...options, continueToken });
      } catch (error) {
        // The token outlived etcd's compaction (410 Expired): the Status offers a fresh one for the rest of the list,
        // read at the latest state, so those pages carry a newer metadata.resourceVersion than the first.
        const fresh = continueToken && error instanceof KubeApiError && error.isExpired ? error.status.metadata?.continue : undefined;
        if (!fresh) throw error;
        page = await this.listPage({ ...options, continueToken: fresh });
      }
      yield page;
      continueToken = page.metadata.continue || undefined;
    } while (continueToken);
  }

  async get(ref: LeaseRef, options: RequestOptions = {}): Promise<Lease> {
    const response = await this.http.request({ method: 'GET', path: itemPath(ref), signal: options.signal });
    return JSON.parse(response.body) as Lease;
  }

  async create(namespace: string, lease: Lease, options: RequestOptions = {}): Promise<Lease> {
    const body = withTypeMeta({ ...lease, metadata: { ...lease.metadata, namespace } });
    const response = await this.http.request({ method: 'POST', path: collectionPath(namespace), body, signal: options.signal });
    return JSON.parse(response.body) as Lease;
  }

  async update(lease: Lease, options: RequestOptions = {}): Promise<Lease> {
    const { name, namespace, resourceVersion } = lease.metadata;
    if (!namespace) throw new Error('update needs metadata.namespace');
    // Without a resourceVersion the apiserver answers 422, and a PUT to a deleted name would re-create it:
    // refuse before sending.
    if (!resourceVersion) throw new Error(`update of lease ${namespace}/${name} needs metadata.resourceVersion (compare-and-swap)`);
    const response = await this.http.request({
      method: 'PUT',
      path: itemPath({ namespace, name }),
      body: withTypeMeta(lease),
      signal: options.signal,
    });
    return JSON.parse(response.body) as Lease;
  }

  async delete(ref: LeaseRef, preconditions?: DeletePreconditions, options: RequestOptions = {}): Promise<void> {
    const body = preconditions ? { kind: 'DeleteOptions', apiVersion: 'v1', preconditions } : undefined;
    await this.http.request({ method: 'DELETE', path: itemPath(ref), body, signal: options.signal });
  }

  async watch(options: WatchOptions, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    let response;
    try {
      response = await this.http.stream({
        method: 'GET',
        path: collectionPath(options.namespace),
        query: {
          ...listQuery({ ...options, limit: undefined, continueToken: undefined }),
          watch: 1,
          allowWatchBookmarks: options.allowWatchBookmarks ?? true,
          timeoutSeconds: options.timeoutSeconds,
        },
        signal,
      });
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    const lines = createInterface({ input: response, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { type: string; object: unknown };
        if (event.type === 'ERROR') {
          const status = event.object as Status;
          throw new KubeApiError(status, status.code ?? 500);
        }
        onEvent({ type: event.type as WatchEvent['type'], object: withTypeMeta(event.object as Lease) });
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof KubeApiError) throw error;
      throw new KubeTransportError(`watch stream broken: ${(error as Error).message}`, error);
    } finally {
      lines.close();
      response.destroy();
    }
  }
}
