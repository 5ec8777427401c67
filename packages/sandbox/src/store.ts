// The sandbox's etcd: leases keyed `namespace/name` (listed in key order), one global resourceVersion counter,
// a bounded event history for watches, and list snapshots so that paginated lists stay consistent.

import type { Lease } from './lease-object.js';
import { goJson } from './json.js';
import { unclassifiedError } from './status.js';

/** One stored version of a lease. Never mutated: a write stores a new record. */
export interface LeaseRecord {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** The item form (no kind/apiVersion), as list responses carry it. */
  readonly lease: Lease;
  readonly resourceVersion: number;
  /** Compact JSON of `lease`, serialised once per version. */
  readonly itemJson: string;
}

export type StoredEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  type: StoredEventType;
  resourceVersion: number;
  record: LeaseRecord;
  /** The version before this change (MODIFIED and DELETED), for selector-exit detection. */
  previous?: LeaseRecord;
}

export const leaseKey = (namespace: string, name: string) => `${namespace}/${name}`;

export function makeRecord(lease: Lease, resourceVersion: number): LeaseRecord {
  const namespace = lease.metadata.namespace ?? '';
  const name = lease.metadata.name;
  return { key: leaseKey(namespace, name), namespace, name, lease, resourceVersion, itemJson: goJson(lease) };
}

/** kube-apiserver's gRPC client sends etcd at most 2 MiB; etcd takes a request up to --max-request-bytes, 1.5 MiB. */
const grpcSendLimitBytes = 2 * 1024 * 1024;
const etcdMaxRequestBytes = 1.5 * 1024 * 1024;

/** A write etcd would not take is a 500 without a reason, in the words of the gRPC client or of etcd. */
function refuseOverEtcdLimits(record: LeaseRecord): void {
  // The sandbox keeps JSON where etcd gets protobuf: the size is near the gRPC message's, not the same.
  const bytes = Buffer.byteLength(record.key) + Buffer.byteLength(record.itemJson);
  if (bytes > grpcSendLimitBytes) {
    throw unclassifiedError(`rpc error: code = ResourceExhausted desc = trying to send message larger than max (${bytes} vs. ${grpcSendLimitBytes})`);
  }
  if (bytes > etcdMaxRequestBytes) throw unclassifiedError('etcdserver: request is too large');
}

/** The full object JSON (kind and apiVersion first, as the apiserver orders them) from a record's item JSON. */
export function fullLeaseJson(record: LeaseRecord): string {
  return '{"kind":"Lease","apiVersion":"coordination.k8s.io/v1",' + record.itemJson.slice(1);
}

interface ListSnapshot {
  records: LeaseRecord[];
  takenAt: number;
}

export interface StoreLimits {
  /** Events kept for watches that resume from a resourceVersion. */
  historySize: number;
  /** Paginated-list snapshots kept, and for how long (etcd compacts every 5 minutes). */
  maxSnapshots: number;
  snapshotTtlMs: number;
}

const defaultLimits: StoreLimits = { historySize: 1000, maxSnapshots: 32, snapshotTtlMs: 5 * 60_000 };

export class LeaseStore {
  private readonly leases = new Map<string, LeaseRecord>();
  private sortedKeys: string[] | undefined;
  private readonly history: StoredEvent[] = [];
  private readonly snapshots = new Map<number, ListSnapshot>();
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private readonly limits: StoreLimits;
  private revision: number;
  /**
   * The resourceVersions before which state is gone. Not the oldest event's: writes that are not leases
   * (namespaces) move the revision without an event. etcd's compaction moves `storageHorizon`, and no read at an
   * older version (a continue token's, an Exact list's) is served; the watch cache's window moves `watchHorizon`,
   * and no watch resumes from an older one.
   */
  private storageHorizon: number;
  private watchHorizon: number;

  constructor(initialRevision: number, limits: Partial<StoreLimits> = {}) {
    this.revision = initialRevision;
    this.storageHorizon = initialRevision;
    this.watchHorizon = initialRevision;
    this.limits = { ...defaultLimits, ...limits };
  }

  /** The current global resourceVersion (namespaces share it). */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Takes the next resourceVersion for a write that is not a lease (namespaces). */
  nextResourceVersion(): number {
    return ++this.revision;
  }

  get(namespace: string, name: string): LeaseRecord | undefined {
    return this.leases.get(leaseKey(namespace, name));
  }

  /** Stores `build(rv)` under the next resourceVersion and tells watchers. */
  put(build: (resourceVersion: number) => Lease): LeaseRecord {
    const resourceVersion = this.revision + 1;
    const record = makeRecord(build(resourceVersion), resourceVersion);
    refuseOverEtcdLimits(record);
    this.revision = resourceVersion;
    const previous = this.leases.get(record.key);
    if (!previous) this.sortedKeys = undefined;
    this.leases.set(record.key, record);
    this.emit(previous ? { type: 'MODIFIED', resourceVersion, record, previous } : { type: 'ADDED', resourceVersion, record });
    return record;
  }

  /** Removes a lease; the DELETED event carries its last state at the deletion's resourceVersion, like etcd. */
  remove(record: LeaseRecord): LeaseRecord {
    const resourceVersion = ++this.revision;
    const tombstone = makeRecord({ ...record.lease, metadata: { ...record.lease.metadata, resourceVersion: String(resourceVersion) } }, resourceVersion);
    this.leases.delete(record.key);
    this.sortedKeys = undefined;
    this.emit({ type: 'DELETED', resourceVersion, record: tombstone, previous: record });
    return tombstone;
  }

  /** Every current record in etcd key order. */
  all(): LeaseRecord[] {
    this.sortedKeys ??= [...this.leases.keys()].sort();
    return this.sortedKeys.map((key) => this.leases.get(key)!);
  }

  /** Records under `namespace` (all when undefined) in key order. */
  list(namespace: string | undefined): LeaseRecord[] {
    const records = this.all();
    return namespace === undefined ? records : sliceNamespace(records, namespace);
  }

  /**
   * The records as they were at `resourceVersion` (etcd's range read at a revision): the current ones when nothing
   * changed since, a snapshot kept from an earlier page, or the current ones with every later event undone.
   * Undefined when that state is no longer available (compacted) or not reached yet.
   */
  recordsAt(resourceVersion: number): LeaseRecord[] | undefined {
    this.dropExpiredSnapshots();
    if (resourceVersion === this.revision) return this.all();
    return this.snapshots.get(resourceVersion)?.records ?? this.rewoundTo(resourceVersion);
  }

  private rewoundTo(resourceVersion: number): LeaseRecord[] | undefined {
    // Rewinding undoes events, so it needs the watch history as well as the version itself.
    if (resourceVersion > this.revision || resourceVersion < Math.max(this.storageHorizon, this.watchHorizon)) return undefined;
    const state = new Map(this.leases);
    for (let i = this.history.length - 1; i >= 0 && this.history[i]!.resourceVersion > resourceVersion; i--) {
      const event = this.history[i]!;
      if (event.type === 'ADDED') state.delete(event.record.key);
      else state.set(event.record.key, event.previous!);
    }
    return [...state.keys()].sort().map((key) => state.get(key)!);
  }

  /** Keeps the current state for the following pages of a paginated list. */
  keepSnapshot(): void {
    this.dropExpiredSnapshots();
    if (this.snapshots.has(this.revision)) return;
    this.snapshots.set(this.revision, { records: this.all(), takenAt: Date.now() });
    while (this.snapshots.size > this.limits.maxSnapshots) this.snapshots.delete(this.snapshots.keys().next().value!);
  }

  private dropExpiredSnapshots(): void {
    const cutoff = Date.now() - this.limits.snapshotTtlMs;
    for (const [rv, snapshot] of this.snapshots) if (snapshot.takenAt < cutoff) this.snapshots.delete(rv);
  }

  /**
   * Events after `resourceVersion`, or undefined when the history no longer reaches back that far (the
   * "too old resource version" case, which quotes `oldestAvailable`).
   */
  eventsSince(resourceVersion: number): StoredEvent[] | undefined {
    if (resourceVersion < this.watchHorizon) return undefined;
    return this.history.filter((event) => event.resourceVersion > resourceVersion);
  }

  /** The oldest resourceVersion a watch may still resume from. */
  get oldestAvailable(): number {
    return this.watchHorizon;
  }

  /**
   * etcd's compaction: every list snapshot and older state is forgotten, so continue tokens and Exact reads from
   * before now are Expired. With `watchCache` (the default) the watch cache has moved on too and forgets its events;
   * without, it keeps its window and still replays a watch from before, as kube-apiserver does. The compactor
   * records its progress with a write of its own, so the revision moves.
   */
  compact({ watchCache = true }: { watchCache?: boolean } = {}): void {
    this.nextResourceVersion();
    this.storageHorizon = this.revision;
    this.snapshots.clear();
    if (!watchCache) return;
    this.history.length = 0;
    this.watchHorizon = this.revision;
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoredEvent): void {
    this.history.push(event);
    if (this.history.length > this.limits.historySize) {
      this.history.splice(0, this.history.length - this.limits.historySize);
      this.watchHorizon = this.history[0]!.resourceVersion - 1;
    }
    for (const listener of this.listeners) listener(event);
  }
}

/** Binary search for the contiguous run of `namespace/` keys. */
function sliceNamespace(records: LeaseRecord[], namespace: string): LeaseRecord[] {
  const prefix = namespace + '/';
  const start = lowerBound(records, prefix);
  let end = start;
  while (end < records.length && records[end]!.key.startsWith(prefix)) end++;
  return records.slice(start, end);
}

/** Index of the first record whose key is >= `key`. */
export function lowerBound(records: LeaseRecord[], key: string): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (records[mid]!.key < key) low = mid + 1;
    else high = mid;
  }
  return low;
}
