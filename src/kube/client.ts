import type { Lease, LeaseList } from '../lease/types.js';
import { listPages } from './list-pages.js';
import { LEASE_API_VERSION, LEASE_KIND } from '../lease/types.js';
import { KubeApiError, KubeInputError, KubeResponseError, KubeTransportError, type Status } from './errors.js';
import type { HttpRequest, HttpTransport } from './http.js';
import { nameSegmentProblem, namespaceSegmentProblem } from './path-segments.js';
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

/** One path segment, refused if it could leave its place (`..` would turn a namespace's list into the cluster's). */
function segment(value: string, problem: (value: string) => string | undefined): string {
  const invalid = problem(value);
  if (invalid !== undefined) throw new KubeInputError(invalid);
  return encodeURIComponent(value);
}

// Every request path is built here, from segments that cannot change its shape.
function collectionPath(namespace: string | undefined): string {
  return namespace === undefined ? `${API_PREFIX}/leases` : `${API_PREFIX}/namespaces/${segment(namespace, namespaceSegmentProblem)}/leases`;
}

function itemPath(ref: LeaseRef): string {
  return `${collectionPath(ref.namespace)}/${segment(ref.name, nameSegmentProblem)}`;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What makes `value` unusable as a Lease (printers and the election logic rely on these), or undefined. */
function leaseProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not an object';
  if (!isObject(value.metadata)) return 'has no metadata';
  if (typeof value.metadata.name !== 'string' || value.metadata.name === '') return 'has no metadata.name';
  if (value.spec !== undefined && value.spec !== null && !isObject(value.spec)) return 'has a spec that is not an object';
  return undefined;
}

function malformed(request: HttpRequest, what: string, problem: string): KubeResponseError {
  return new KubeResponseError(
    `the server's answer to ${request.method} ${request.path} is not ${what} as the Kubernetes API sends it: ${problem} (is a proxy, or a server that is not a kube-apiserver, in the way?)`,
  );
}

function leaseFrom(body: Record<string, unknown>, request: HttpRequest): Lease {
  const problem = leaseProblem(body);
  if (problem) throw malformed(request, 'a Lease', `the object ${problem}`);
  return body as unknown as Lease;
}

function leaseListFrom(body: Record<string, unknown>, request: HttpRequest): LeaseList {
  const items = body.items ?? [];
  if (!Array.isArray(items)) throw malformed(request, 'a lease list', 'its items are not a list');
  if (body.metadata !== undefined && !isObject(body.metadata)) throw malformed(request, 'a lease list', 'its metadata is not an object');
  items.forEach((item: unknown, index) => {
    const problem = leaseProblem(item);
    if (problem) throw malformed(request, 'a lease list', `items[${index}] ${problem}`);
  });
  return { ...(body as unknown as LeaseList), metadata: (body.metadata as LeaseList['metadata'] | undefined) ?? {}, items: (items as Lease[]).map(withTypeMeta) };
}

export class HttpLeaseClient implements LeaseClient {
  constructor(private readonly http: HttpTransport) {}

  async listPage(options: ListOptions): Promise<LeaseList> {
    const request: HttpRequest = { method: 'GET', path: collectionPath(options.namespace), query: listQuery(options) };
    return leaseListFrom(await this.http.requestObject(request), request);
  }

  private async lease(request: HttpRequest): Promise<Lease> {
    return leaseFrom(await this.http.requestObject(request), request);
  }

  listPages(options: ListOptions): AsyncGenerator<LeaseList> {
    return listPages((page) => this.listPage(page), options);
  }

  async get(ref: LeaseRef, options: RequestOptions = {}): Promise<Lease> {
    return this.lease({ method: 'GET', path: itemPath(ref), signal: options.signal });
  }

  async create(namespace: string, lease: Lease, options: RequestOptions = {}): Promise<Lease> {
    const body = withTypeMeta({ ...lease, metadata: { ...lease.metadata, namespace } });
    return this.lease({ method: 'POST', path: collectionPath(namespace), body, signal: options.signal });
  }

  async update(lease: Lease, options: RequestOptions = {}): Promise<Lease> {
    const { name, namespace, resourceVersion } = lease.metadata;
    if (!namespace) throw new Error('update needs metadata.namespace');
    // Without a resourceVersion the apiserver answers 422, and a PUT to a deleted name would re-create it:
    // refuse before sending.
    if (!resourceVersion) throw new Error(`update of lease ${namespace}/${name} needs metadata.resourceVersion (compare-and-swap)`);
    return this.lease({ method: 'PUT', path: itemPath({ namespace, name }), body: withTypeMeta(lease), signal: options.signal });
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
    // node:readline only for a watch: an ES-module import would load it, and its promises API, on every start.
    const { createInterface } = process.getBuiltinModule('node:readline');
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
