// One in-memory LeaseClient for in-process tests, like kubectl's fake client behind its TestFactory. Every request is
// served by the sandbox's own Lease handler, in-process and without sockets, so that resourceVersions, conflicts,
// preconditions, selectors, pages, watches and every Status body are kube-apiserver's (the sandbox is checked against
// recordings of a real one). Tests add what a server cannot be asked for: failures on cue, a server that hangs,
// writes by another holder, compaction.
import { listPages } from '../../src/kube/list-pages.js';
import { Writable } from 'node:stream';
import { KubeApiError, KubeInputError, KubeTransportError, type Status } from '../../src/kube/errors.js';
import type { DeletePreconditions, LeaseClient, LeaseRef, ListOptions, RequestOptions, WatchEvent, WatchOptions } from '../../src/kube/lease-client.js';
import { nameSegmentProblem, namespaceSegmentProblem } from '../../src/kube/path-segments.js';
import { LEASE_API_VERSION, LEASE_KIND, type Lease, type LeaseList } from '../../src/lease/types.js';
import type { FeatureGates } from '../../packages/sandbox/src/feature-gates.js';
import { LeaseApi, type LeaseScope } from '../../packages/sandbox/src/leases-api.js';
import { LeaseRegistry } from '../../packages/sandbox/src/lease-registry.js';
import { formatTime } from '../../packages/sandbox/src/micro-time.js';
import { builtInNamespaces, NamespaceRegistry } from '../../packages/sandbox/src/namespaces.js';
import type { ApiRequest, User } from '../../packages/sandbox/src/request.js';
import { StatusError } from '../../packages/sandbox/src/status.js';
import { LeaseStore } from '../../packages/sandbox/src/store.js';
import { WatchHub } from '../../packages/sandbox/src/watch.js';

/** A call as the client saw it, for failNext and beforeNext and the `calls` log. */
export type LeaseVerb = 'list' | 'get' | 'create' | 'update' | 'delete' | 'watch';

/** Who the client is to the sandbox's RBAC: the admin may do anything, the viewer only read, a tenant one namespace. */
export type MemoryUser = 'admin' | 'viewer' | { onlyNamespace: string };

export interface MemoryLeaseClientOptions {
  /** Wall-clock time of the "server" (creationTimestamp, managedFields); the test clock's, so AGE is exact. */
  now?: () => number;
  /** Namespaces besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  user?: MemoryUser;
  /** Field manager of the client's own writes (the User-Agent's product). */
  manager?: string;
  /** kube-apiserver's --feature-gates (CoordinatedLeaderElection keeps spec.strategy and preferredHolder on writes). */
  featureGates?: FeatureGates;
}

/** Bookmarks about every minute, kube-apiserver's rhythm (under fake timers, advancing a minute brings one). */
const BOOKMARK_INTERVAL_MS = 60_000;

function sandboxUser(user: MemoryUser): User {
  if (user === 'admin') return { name: 'admin', canRead: true, canWrite: true };
  if (user === 'viewer') return { name: 'viewer', canRead: true, canWrite: false };
  return { name: 'tenant', canRead: true, canWrite: false, onlyNamespace: user.onlyNamespace };
}

/** List items arrive without kind/apiVersion, as from the API; the real client adds them, and so does this one. */
const withTypeMeta = (lease: Lease): Lease => ({ apiVersion: LEASE_API_VERSION, kind: LEASE_KIND, ...lease });

function checkSegment(value: string, problem: (value: string) => string | undefined): void {
  const invalid = problem(value);
  if (invalid !== undefined) throw new KubeInputError(invalid);
}

/** The response side of a watch: the sandbox writes newline-delimited events into it. */
class WatchSink extends Writable {
  constructor(onLine: (line: string) => void) {
    super({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) onLine(line);
        done();
      },
    });
  }
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
}

interface Cue {
  verb: LeaseVerb | 'any';
  action: () => unknown;
  failure?: true;
}

export class MemoryLeaseClient implements LeaseClient {
  readonly store = new LeaseStore(0);
  private readonly namespaces: NamespaceRegistry;
  private readonly registry: LeaseRegistry;
  private readonly api: LeaseApi;
  private readonly now: () => number;
  private readonly manager: string;
  private readonly openWatches = new Set<WatchSink>();
  private readonly namespaceList = new Set<string>();
  private cues: Cue[] = [];
  private readonly refusals: { verb: LeaseVerb; name: string; error: Error }[] = [];
  user: MemoryUser;
  /** Every request in order, by verb: what a command asked the API. */
  readonly calls: LeaseVerb[] = [];
  /** While true, requests get no answer until their signal aborts (a paused or partitioned apiserver). */
  hang = false;

  constructor(options: MemoryLeaseClientOptions = {}) {
    this.now = options.now ?? Date.now;
    this.manager = options.manager ?? 'leasectl';
    this.user = options.user ?? 'admin';
    this.registry = new LeaseRegistry(this.store, (namespace) => this.namespaces.has(namespace), this.now, options.featureGates);
    this.namespaces = new NamespaceRegistry(this.store, this.now, (namespace) => this.registry.removeNamespace(namespace));
    for (const name of [...builtInNamespaces, ...(options.namespaces ?? [])]) this.createNamespace(name);
    // As on a server that has run for a while: a watch from resourceVersion 1 is too old (410), not a replay.
    this.store.compact();
    const gate = { paused: false, onResume: () => () => undefined };
    this.api = new LeaseApi(this.store, this.registry, new WatchHub(this.store, gate, BOOKMARK_INTERVAL_MS), this.now);
  }

  // --- What a test does to the server -------------------------------------------------------------------------

  /**
   * Stores a lease as it is, unvalidated, as a server could hold it (hostile contents included): creationTimestamp
   * and uid are kept when given. Its namespace is created if missing. Returns it as stored.
   */
  seed(lease: Lease): Lease {
    const namespace = lease.metadata.namespace ?? 'default';
    this.createNamespace(namespace);
    const record = this.store.put((resourceVersion) => ({
      ...lease,
      apiVersion: undefined,
      kind: undefined,
      metadata: {
        ...lease.metadata,
        namespace,
        uid: lease.metadata.uid ?? crypto.randomUUID(),
        resourceVersion: String(resourceVersion),
        creationTimestamp: lease.metadata.creationTimestamp ?? formatTime(this.now()),
      },
      spec: lease.spec ?? {},
    }));
    return withTypeMeta(structuredClone(record.lease));
  }

  /** The lease as stored now, or undefined; no request is logged. */
  peek(namespace: string, name: string): Lease | undefined {
    const record = this.store.get(namespace, name);
    return record && withTypeMeta(structuredClone(record.lease));
  }

  /**
   * Another client changes the lease (a holder renewing, releasing, taking it; someone annotating it): a real
   * compare-and-swap update of the spec fields and metadata given.
   */
  write(namespace: string, name: string, spec: Lease['spec'], metadata: Partial<Lease['metadata']> = {}): Lease {
    const current = this.registry.get(namespace, name).lease;
    const changed = { ...current, metadata: { ...current.metadata, ...metadata }, spec: { ...current.spec, ...spec } };
    const { record } = this.registry.update(namespace, name, changed, { manager: 'other-holder', dryRun: false });
    return withTypeMeta(structuredClone(record.lease));
  }

  /** Another client deletes the lease. */
  remove(namespace: string, name: string): void {
    this.registry.delete(namespace, name, {}, false);
  }

  createNamespace(name: string): void {
    this.namespaces.ensure(name);
    this.namespaceList.add(name);
  }

  /** The namespaces that exist, in name order (what completing -n offers). */
  namespaceNames(): string[] {
    return [...this.namespaceList].sort();
  }

  /** The next `times` calls of `verb` (or of any verb) fail with `error` instead of reaching the server. */
  failNext(verb: LeaseVerb | 'any', error: Error, times = 1): void {
    for (let i = 0; i < times; i++) this.cues.push({ verb, action: () => Promise.reject(error), failure: true });
  }

  /** Drops the failures failNext queued that have not happened yet (the server answers again). */
  clearFailures(): void {
    this.cues = this.cues.filter((cue) => !cue.failure);
  }

  /** Every call of `verb` on the lease `name` fails with `error` (a lease RBAC or a webhook protects, say). */
  refuse(verb: LeaseVerb, name: string, error: Error): void {
    this.refusals.push({ verb, name, error });
  }

  /** Runs `action` just before the next call of `verb` is served: another writer slipping in between a read and a write. */
  beforeNext(verb: LeaseVerb | 'any', action: () => void): void {
    this.cues.push({ verb, action });
  }

  /** etcd's compaction with the watch cache's window: continue tokens and watches from before now get 410 Expired. */
  compact(): void {
    this.store.compact();
  }

  /** The server ends every open watch (as its timeout would); watchers resume from their last resourceVersion. */
  endWatches(): void {
    for (const sink of this.openWatches) sink.end();
  }

  // --- LeaseClient ----------------------------------------------------------------------------------------------

  async listPage(options: ListOptions): Promise<LeaseList> {
    if (options.namespace !== undefined) checkSegment(options.namespace, namespaceSegmentProblem);
    await this.gate('list');
    const query = new URLSearchParams();
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    if (options.limit) query.set('limit', String(options.limit));
    if (options.continueToken) query.set('continue', options.continueToken);
    if (options.resourceVersion) query.set('resourceVersion', options.resourceVersion);
    const list = (await this.serve('GET', { namespace: options.namespace, name: undefined }, query)) as LeaseList;
    return { ...list, metadata: list.metadata ?? {}, items: list.items.map(withTypeMeta) };
  }

  /** Pages as the real client follows them (src/kube/list-pages.ts). */
  listPages(options: ListOptions): AsyncGenerator<LeaseList> {
    return listPages((page) => this.listPage(page), options);
  }

  async get(ref: LeaseRef, options?: RequestOptions): Promise<Lease> {
    this.checkRef(ref);
    await this.gate('get', options?.signal, ref.name);
    return (await this.serve('GET', ref)) as Lease;
  }

  async create(namespace: string, lease: Lease, options?: RequestOptions): Promise<Lease> {
    checkSegment(namespace, namespaceSegmentProblem);
    await this.gate('create', options?.signal, lease.metadata.name);
    const body = withTypeMeta({ ...lease, metadata: { ...lease.metadata, namespace } });
    return (await this.serve('POST', { namespace, name: undefined }, undefined, body)) as Lease;
  }

  async update(lease: Lease, options?: RequestOptions): Promise<Lease> {
    const ref = { namespace: lease.metadata.namespace ?? '', name: lease.metadata.name };
    this.checkRef(ref);
    await this.gate('update', options?.signal, ref.name);
    return (await this.serve('PUT', ref, undefined, withTypeMeta(lease))) as Lease;
  }

  async delete(ref: LeaseRef, preconditions?: DeletePreconditions, options?: RequestOptions): Promise<void> {
    this.checkRef(ref);
    await this.gate('delete', options?.signal, ref.name);
    await this.serve('DELETE', ref, undefined, preconditions ? { kind: 'DeleteOptions', apiVersion: 'v1', preconditions } : undefined);
  }

  async watch(options: WatchOptions, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    if (options.namespace !== undefined) checkSegment(options.namespace, namespaceSegmentProblem);
    try {
      await this.gate('watch', signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    if (signal.aborted) return;
    const query = new URLSearchParams({ watch: '1', resourceVersion: options.resourceVersion });
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    if (options.allowWatchBookmarks ?? true) query.set('allowWatchBookmarks', 'true');
    if (options.timeoutSeconds !== undefined) query.set('timeoutSeconds', String(options.timeoutSeconds));
    let failure: KubeApiError | undefined;
    const sink = new WatchSink((line) => {
      const event = JSON.parse(line) as { type: string; object: unknown };
      if (event.type === 'ERROR') {
        const status = event.object as Status;
        failure = new KubeApiError(status, status.code ?? 500);
        return;
      }
      // Delivered after the write that caused it has returned, as over a network.
      queueMicrotask(() => {
        if (!signal.aborted) onEvent({ type: event.type as WatchEvent['type'], object: withTypeMeta(event.object as Lease) });
      });
    });
    const ended = new Promise<void>((resolve) => {
      sink.once('finish', resolve);
      sink.once('close', resolve);
    });
    this.openWatches.add(sink);
    const stop = () => sink.destroy();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await this.handle(this.request('GET', query), sink as never, { namespace: options.namespace, name: undefined });
      await ended;
      // Events written before the end are queued as microtasks: let them reach the watcher before it hears of the end.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      signal.removeEventListener('abort', stop);
      this.openWatches.delete(sink);
      sink.destroy();
    }
    if (failure && !signal.aborted) throw failure;
  }

  // --- Serving --------------------------------------------------------------------------------------------------

  private checkRef(ref: LeaseRef): void {
    checkSegment(ref.namespace, namespaceSegmentProblem);
    checkSegment(ref.name, nameSegmentProblem);
  }

  /** Logs the call, then plays a cue meant for it (a failure, another writer), then waits while the server hangs. */
  private async gate(verb: LeaseVerb, signal?: AbortSignal, name?: string): Promise<void> {
    this.calls.push(verb);
    await Promise.resolve();
    const refusal = this.refusals.find((entry) => entry.verb === verb && entry.name === name);
    if (refusal) throw refusal.error;
    const index = this.cues.findIndex((cue) => cue.verb === verb || cue.verb === 'any');
    if (index >= 0) {
      const [cue] = this.cues.splice(index, 1);
      await cue!.action();
    }
    if (this.hang) {
      await new Promise<void>((_, reject) => {
        if (signal?.aborted) reject(new KubeTransportError('aborted'));
        signal?.addEventListener('abort', () => reject(new KubeTransportError('aborted')), { once: true });
      });
    }
  }

  private request(method: string, query = new URLSearchParams(), body?: unknown): ApiRequest {
    return {
      method,
      pathname: '',
      query,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      user: sandboxUser(this.user),
      userAgent: `${this.manager}/test`,
      pretty: false,
      readBody: async () => Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    };
  }

  private async handle(request: ApiRequest, response: never, scope: LeaseScope): Promise<unknown> {
    try {
      const reply = await this.api.handle(request, response, scope, {});
      return reply === undefined ? undefined : JSON.parse(String(reply.body));
    } catch (error) {
      if (error instanceof StatusError) throw new KubeApiError(error.status as Status, error.status.code ?? 500);
      throw error;
    }
  }

  private serve(method: string, scope: LeaseScope, query?: URLSearchParams, body?: unknown): Promise<unknown> {
    return this.handle(this.request(method, query, body), undefined as never, scope);
  }
}

/** A lease to seed: `name` in `default` unless metadata says otherwise. */
export function testLease(name: string, spec: Lease['spec'] = {}, metadata: Partial<Lease['metadata']> = {}): Lease {
  return { metadata: { name, namespace: 'default', ...metadata }, spec };
}
