// Server-side printing (meta.k8s.io Table), which kubectl asks for by default. The columns and cells are those of
// printLease / printNamespace in pkg/printers/internalversion; AGE is computed with the server's clock.

import { humanDuration } from './human-duration.js';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names',
  priority: 0,
};

const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  format: '',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
};

export const leaseColumns: TableColumn[] = [
  nameColumn,
  { name: 'Holder', type: 'string', format: '', description: 'holderIdentity contains the identity of the holder of a current lease.', priority: 0 },
  ageColumn,
];

export const namespaceColumns: TableColumn[] = [
  nameColumn,
  { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
  ageColumn,
];

/** What the client asked for with `Accept: application/json;as=Table;v=...;g=meta.k8s.io`. */
export interface TableRequest {
  /** meta.k8s.io version the client accepts first: v1 or v1beta1. */
  version: 'v1' | 'v1beta1';
  includeObject: 'None' | 'Metadata' | 'Object';
}

/** An object the table shows: its metadata and JSON (full object with kind/apiVersion) for includeObject=Object. */
export interface TableSource {
  metadata: Record<string, unknown> & { creationTimestamp?: string };
  cells: (string | number)[];
  fullObject: () => unknown;
}

/** TranslateTimestampSince: `<unknown>` without a timestamp, else the human age by the server's clock. */
export function ageCell(creationTimestamp: string | undefined, serverNow: number): string {
  if (!creationTimestamp) return '<unknown>';
  return humanDuration(serverNow - Date.parse(creationTimestamp));
}

export function buildTable(
  request: TableRequest,
  columns: TableColumn[],
  listMeta: Record<string, unknown>,
  sources: TableSource[],
): Record<string, unknown> {
  const groupVersion = `meta.k8s.io/${request.version}`;
  const rows = sources.map((source) => {
    let object: unknown = null;
    if (request.includeObject === 'Object') object = source.fullObject();
    else if (request.includeObject === 'Metadata') object = { kind: 'PartialObjectMetadata', apiVersion: groupVersion, metadata: source.metadata };
    return { cells: source.cells, object };
  });
  return { kind: 'Table', apiVersion: groupVersion, metadata: listMeta, columnDefinitions: columns, rows };
}
