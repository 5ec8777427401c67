// The core/v1 Namespace API, just enough for `kubectl create namespace`, `get`, `delete` and for clients that
// check a namespace exists. Deleting a namespace removes its leases at once (a real cluster finalizes it first).

import { randomUUID } from 'node:crypto';
import { decodeObjectMeta, parseJsonBody, DecodeError, checkTypeMeta } from './lease-codec.js';
import { byKey, goJson } from './json.js';
import { type FieldSelectorError, matchesFieldSelector, parseFieldSelector } from './field-selector.js';
import { type LabelSelectorError, matchesLabelSelector, parseLabelSelector } from './label-selector.js';
import { formatTime } from './micro-time.js';
import { type ApiReply, type ApiRequest, fieldManager, jsonReply, negotiateTable, prebuiltJsonReply, readObjectBody, requestContentType } from './request.js';
import { decodeNamespaceProtobuf, ProtobufError } from './protobuf.js';
import type { LeaseStore } from './store.js';
import {
  alreadyExists, badRequest, forbidden, invalid, methodNotAllowed, namespacesResource, notFound,
} from './status.js';
import { ageCell, buildTable, namespaceColumns } from './table.js';
import { dns1123LabelErrors, objectMetaErrors } from './validation.js';
import { authorize } from './authorization.js';

interface NamespaceObject {
  kind: 'Namespace';
  apiVersion: 'v1';
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    deletionTimestamp?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: unknown[];
  };
  spec: { finalizers: string[] };
  status: { phase: 'Active' | 'Terminating' };
}

/** Namespaces the apiserver refuses to delete (NamespaceLifecycle admission). */
const undeletableNamespaces = new Set(['default', 'kube-system', 'kube-public']);

export const builtInNamespaces = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

const nameLabel = 'kubernetes.io/metadata.name';

const protobufMediaType = 'application/vnd.kubernetes.protobuf';

function decodeProtobufNamespace(body: Buffer): { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } {
  try {
    const { kind, apiVersion, ...meta } = decodeNamespaceProtobuf(body);
    if (kind && kind !== 'Namespace' || apiVersion && apiVersion !== 'v1') {
      throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (v1)`);
    }
    return meta;
  } catch (error) {
    if (error instanceof ProtobufError) throw badRequest(`Namespace in version "v1" cannot be handled as a Namespace: ${error.message}`);
    throw error;
  }
}

export class NamespaceRegistry {
  private readonly namespaces = new Map<string, NamespaceObject>();

  constructor(
    private readonly store: LeaseStore,
    private readonly serverNow: () => number,
    private readonly removeLeases: (namespace: string) => void,
  ) {}

  has(name: string): boolean {
    return this.namespaces.has(name);
  }

  /** Creates a namespace unless it exists; for start-up and the programmatic API. */
  ensure(name: string, manager = 'kube-apiserver'): NamespaceObject {
    const errors = dns1123LabelErrors(name);
    if (errors.length > 0) throw new Error(`invalid namespace name ${JSON.stringify(name)}: ${errors.join('; ')}`);
    return this.namespaces.get(name) ?? this.create({ name }, manager);
  }

  private create(meta: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }, manager: string): NamespaceObject {
    const time = formatTime(this.serverNow());
    const labels = byKey({ ...meta.labels, [nameLabel]: meta.name });
    const labelFields = Object.fromEntries(Object.keys(labels).sort().map((key) => [`f:${key}`, {}]));
    const namespace: NamespaceObject = {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: {
        name: meta.name,
        uid: randomUUID(),
        resourceVersion: String(this.store.nextResourceVersion()),
        creationTimestamp: time,
        labels,
        ...(meta.annotations ? { annotations: meta.annotations } : {}),
        managedFields: [{ manager, operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, ...labelFields } } } }],
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    this.namespaces.set(meta.name, namespace);
    return namespace;
  }

  private get(name: string): NamespaceObject {
    const namespace = this.namespaces.get(name);
    if (!namespace) throw notFound(namespacesResource, name);
    return namespace;
  }

  /** Serves `/api/v1/namespaces[/{name}]`. */
  async handle(request: ApiRequest, name: string | undefined): Promise<ApiReply> {
    switch (request.method) {
      case 'GET':
        authorize(request.user, name ? 'get' : 'list', namespacesResource, name, name);
        return name ? this.reply(request, [this.get(name)], false) : this.reply(request, this.select(request), true);
      case 'POST': {
        if (name) throw methodNotAllowed();
        authorize(request.user, 'create', namespacesResource, undefined, undefined);
        const meta = requestContentType(request) === protobufMediaType ? decodeProtobufNamespace(await request.readBody()) : this.decode(await readObjectBody(request));
        const errors = objectMetaErrors(meta, dns1123LabelErrors);
        if (errors.length > 0) throw invalid('', 'Namespace', meta.name, errors);
        if (this.namespaces.has(meta.name)) throw alreadyExists(namespacesResource, meta.name);
        return jsonReply(request.pretty, 201, this.create(meta, fieldManager(request)));
      }
      case 'DELETE': {
        if (!name) throw methodNotAllowed();
        authorize(request.user, 'delete', namespacesResource, name, name);
        const namespace = this.get(name);
        if (undeletableNamespaces.has(name)) throw forbidden(namespacesResource, name, 'this namespace may not be deleted');
        this.removeLeases(name);
        this.namespaces.delete(name);
        const terminating: NamespaceObject = {
          ...namespace,
          // ObjectMeta's field order: deletionTimestamp right after creationTimestamp.
          metadata: {
            name: namespace.metadata.name,
            uid: namespace.metadata.uid,
            resourceVersion: String(this.store.nextResourceVersion()),
            creationTimestamp: namespace.metadata.creationTimestamp,
            deletionTimestamp: formatTime(this.serverNow()),
            labels: namespace.metadata.labels,
            ...(namespace.metadata.annotations ? { annotations: namespace.metadata.annotations } : {}),
            ...(namespace.metadata.managedFields ? { managedFields: namespace.metadata.managedFields } : {}),
          },
          status: { phase: 'Terminating' },
        };
        return jsonReply(request.pretty, 200, terminating);
      }
      default:
        throw methodNotAllowed();
    }
  }

  private decode(body: string): { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } {
    try {
      const raw = parseJsonBody(body);
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DecodeError('json: cannot unmarshal non-object into Go value of type v1.Namespace');
      checkTypeMeta(raw as Record<string, unknown>, { apiVersion: 'v1', kind: 'Namespace', version: 'v1' });
      return decodeObjectMeta((raw as Record<string, unknown>).metadata, []);
    } catch (error) {
      if (error instanceof DecodeError) throw badRequest(`Namespace in version "v1" cannot be handled as a Namespace: ${error.message}`);
      throw error;
    }
  }

  private select(request: ApiRequest): NamespaceObject[] {
    let labels: ReturnType<typeof parseLabelSelector>;
    let fields: ReturnType<typeof parseFieldSelector>;
    try {
      labels = parseLabelSelector(request.query.get('labelSelector') ?? '');
      fields = parseFieldSelector(request.query.get('fieldSelector') ?? '');
    } catch (error) {
      throw badRequest((error as LabelSelectorError | FieldSelectorError).message);
    }
    return [...this.namespaces.values()]
      .filter((ns) => matchesLabelSelector(labels, ns.metadata.labels) && matchesFieldSelector(fields, { name: ns.metadata.name, namespace: '' }))
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  private reply(request: ApiRequest, namespaces: NamespaceObject[], asList: boolean): ApiReply {
    const table = negotiateTable(request);
    const resourceVersion = asList ? String(this.store.resourceVersion) : namespaces[0]!.metadata.resourceVersion;
    if (table) {
      const now = this.serverNow();
      return jsonReply(request.pretty, 200, buildTable(table, namespaceColumns, { resourceVersion }, namespaces.map((ns) => ({
        metadata: ns.metadata,
        cells: [ns.metadata.name, ns.status.phase, ageCell(ns.metadata.creationTimestamp, now)],
        fullObject: () => ns,
      }))));
    }
    if (!asList) return jsonReply(request.pretty, 200, namespaces[0]);
    const items = namespaces.map(({ kind: _kind, apiVersion: _apiVersion, ...item }) => goJson(item));
    return prebuiltJsonReply(request.pretty, 200, `{"kind":"NamespaceList","apiVersion":"v1","metadata":{"resourceVersion":"${resourceVersion}"},"items":[${items.join(',')}]}`);
  }
}
