import type { Lease, LeaseList } from '../lease/types.js';

export interface LeaseRef {
  namespace: string;
  name: string;
}

export interface ListOptions {
  /** Undefined lists across all namespaces (kubectl -A). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; 0 or undefined asks for everything in one response. */
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  resourceVersion: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: Lease;
}

export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

/**
 * The one door to the Lease API. Objects travel as raw JSON so unknown fields survive; every write is a
 * compare-and-swap on metadata.resourceVersion. Failures reject with KubeApiError (the server answered with a
 * Status) or KubeTransportError (no answer).
 */
export interface LeaseClient {
  /** One page of a list. */
  listPage(options: ListOptions): Promise<LeaseList>;
  /**
   * Every page, following metadata.continue, yielded as it arrives. When a token has expired (410), the list goes on
   * from the fresh token in the 410's Status: the pages from there carry a newer metadata.resourceVersion.
   */
  listPages(options: ListOptions): AsyncGenerator<LeaseList>;
  get(ref: LeaseRef, options?: RequestOptions): Promise<Lease>;
  create(namespace: string, lease: Lease, options?: RequestOptions): Promise<Lease>;
  /** PUT of the whole object; metadata.resourceVersion must be set (compare-and-swap). */
  update(lease: Lease, options?: RequestOptions): Promise<Lease>;
  delete(ref: LeaseRef, preconditions?: DeletePreconditions, options?: RequestOptions): Promise<void>;
  /**
   * Streams watch events until the server closes the stream (resolves) or the signal aborts (resolves).
   * A 410 Expired (in the response or as an ERROR event) rejects with KubeApiError code 410.
   */
  watch(options: WatchOptions, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void>;
}

export interface RequestOptions {
  /** Aborts the request (rejects with KubeTransportError); used to bound one renewal attempt. */
  signal?: AbortSignal;
}
