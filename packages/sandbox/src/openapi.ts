// The OpenAPI schemas of what the sandbox serves, written once in OpenAPI v2 form and served as kube-apiserver
// serves them: `/openapi/v2` (one document, JSON or gnostic protobuf), and `/openapi/v3/apis/coordination.k8s.io/v1`
// (the same schemas under components.schemas). kubectl reads v2 to validate on the client (a `v1 List`, or any
// kind whose group has no v3 document) and to compute client-side apply patches; `kubectl explain` reads v3.
// Only the kinds the sandbox serves are described; the v2 document lists no paths because no client reads them.

import { createHash } from 'node:crypto';
import { sandboxVersion } from './discovery.js';
import { encodeOpenApiV2Document, type OpenApiSchema, type OpenApiV2Document } from './openapi-protobuf.js';
import type { ApiReply, ApiRequest } from './request.js';
import { methodNotAllowed } from './status.js';

const ref = (definition: string, description?: string): OpenApiSchema => ({ $ref: `#/definitions/${definition}`, ...(description ? { description } : {}) });
const text = (description: string): OpenApiSchema => ({ description, type: 'string' });
const integer = (format: 'int32' | 'int64', description: string): OpenApiSchema => ({ description, type: 'integer', format });
const stringMap = (description: string): OpenApiSchema => ({ description, type: 'object', additionalProperties: { type: 'string', default: '' } });
const gvk = (group: string, version: string, kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group, kind, version }] });

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const conventions = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

const typeMeta = {
  apiVersion: text(`APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${conventions}#resources`),
  kind: text(`Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${conventions}#types-kinds`),
};
const objectMetadata = ref(`${meta}.ObjectMeta`, `Standard object's metadata. More info: ${conventions}#metadata`);
const listMetadata = ref(`${meta}.ListMeta`, `Standard list metadata. More info: ${conventions}#metadata`);

const metaDefinitions: Record<string, OpenApiSchema> = {
  [`${meta}.FieldsV1`]: {
    description: "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff",
    type: 'object',
  },
  [`${meta}.ListMeta`]: {
    description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects. A resource may have only one of {ObjectMeta, ListMeta}.',
    properties: {
      continue: text('continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available. The value is opaque and may be used to issue another request to the endpoint that served this list to retrieve the next set of available objects. Continuing a consistent list may not be possible if the server configuration has changed or more than a few minutes have passed. The resourceVersion field returned when using this continue value will be identical to the value in the first response, unless you have received this token from an error message.'),
      remainingItemCount: integer('int64', 'remainingItemCount is the number of subsequent items in the list which are not included in this list response. If the list request contained label or field selectors, then the number of remaining items is unknown and the field will be left unset and omitted during serialization. If the list is complete (either because it is not chunking or because this is the last chunk), then there are no more remaining items and this field will be left unset and omitted during serialization.'),
      resourceVersion: text(`String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed. Value must be treated as opaque by clients and passed unmodified back to the server. Populated by the system. Read-only. More info: ${conventions}#concurrency-control-and-consistency`),
      selfLink: text('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    },
    type: 'object',
  },
  [`${meta}.ManagedFieldsEntry`]: {
    description: 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
    properties: {
      apiVersion: text('APIVersion defines the version of this resource that this field set applies to. The format is "group/version" just like the top-level APIVersion field. It is necessary to track the version of a field set because it cannot be automatically converted.'),
      fieldsType: text('FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"'),
      fieldsV1: ref(`${meta}.FieldsV1`, 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.'),
      manager: text('Manager is an identifier of the workflow managing these fields.'),
      operation: text("Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'."),
      subresource: text('Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource. The value of this field is used to distinguish between managers, even if they share the same name. For example, a status update will be distinct from a regular update using the same manager name. Note that the APIVersion field is not related to the Subresource field and it always corresponds to the version of the main resource.'),
      time: ref(`${meta}.Time`, "Time is the timestamp of when the ManagedFields entry was added. The timestamp will also be updated if a field is added, the manager changes any of the owned fields value or removes a field. The timestamp does not update when a field is removed from the entry because another manager took it over."),
    },
    type: 'object',
  },
  [`${meta}.MicroTime`]: { description: 'MicroTime is version of Time with microsecond level precision.', type: 'string', format: 'date-time' },
  [`${meta}.ObjectMeta`]: {
    description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    properties: {
      annotations: stringMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations'),
      creationTimestamp: ref(`${meta}.Time`, `CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: ${conventions}#metadata`),
      deletionGracePeriodSeconds: integer('int64', 'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. May only be shortened. Read-only.'),
      deletionTimestamp: ref(`${meta}.Time`, `DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. This field is set by the server when a graceful deletion is requested by the user, and is not directly settable by a client.\n\nPopulated by the system when a graceful deletion is requested. Read-only. More info: ${conventions}#metadata`),
      finalizers: {
        description: 'Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list. If the deletionTimestamp of the object is non-nil, entries in this list can only be removed. Finalizers may be processed and removed in any order.',
        items: { type: 'string', default: '' },
        type: 'array',
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: text(`GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided. If this field is used, the name returned to the client will be different than the name passed. This value will also be combined with a unique suffix. The provided value has the same validation rules as the Name field, and may be truncated by the length of the suffix required to make the value unique on the server.\n\nApplied only if Name is not specified. More info: ${conventions}#idempotency`),
      generation: integer('int64', 'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.'),
      labels: stringMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels'),
      managedFields: {
        description: "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn't need to set or understand this field. A workflow can be the user's name, a controller's name, or the name of a specific apply path like \"ci-cd\". The set of fields is always in the version that the workflow used when modifying the object.",
        items: ref(`${meta}.ManagedFieldsEntry`),
        type: 'array',
        'x-kubernetes-list-type': 'atomic',
      },
      name: text('Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
      namespace: text('Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace, but "default" is the canonical representation. Not all objects are required to be scoped to a namespace - the value of this field for those objects will be empty.\n\nMust be a DNS_LABEL. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces'),
      ownerReferences: {
        description: 'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected. If this object is managed by a controller, then an entry in this list will point to this controller, with the controller field set to true. There cannot be more than one managing controller.',
        items: ref(`${meta}.OwnerReference`),
        type: 'array',
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
      resourceVersion: text(`An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. May be used for optimistic concurrency, change detection, and the watch operation on a resource or set of resources. Clients must treat these values as opaque and passed unmodified back to the server. They may only be valid for a particular resource or set of resources.\n\nPopulated by the system. Read-only. Value must be treated as opaque by clients and . More info: ${conventions}#concurrency-control-and-consistency`),
      selfLink: text('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      uid: text('UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.\n\nPopulated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids'),
    },
    type: 'object',
  },
  [`${meta}.OwnerReference`]: {
    description: 'OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.',
    properties: {
      apiVersion: text('API version of the referent.'),
      blockOwnerDeletion: { description: 'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed. See https://kubernetes.io/docs/concepts/architecture/garbage-collection/#foreground-deletion for how the garbage collector interacts with this field and enforces the foreground deletion. Defaults to false. To set this field, a user needs "delete" permission of the owner, otherwise 422 (Unprocessable Entity) will be returned.', type: 'boolean' },
      controller: { description: 'If true, this reference points to the managing controller.', type: 'boolean' },
      kind: text(`Kind of the referent. More info: ${conventions}#types-kinds`),
      name: text('Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
      uid: text('UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids'),
    },
    required: ['apiVersion', 'kind', 'name', 'uid'],
    type: 'object',
    'x-kubernetes-map-type': 'atomic',
  },
  [`${meta}.Time`]: { description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.', type: 'string', format: 'date-time' },
};

const coordination = 'io.k8s.api.coordination.v1';

const coordinationDefinitions: Record<string, OpenApiSchema> = {
  [`${coordination}.Lease`]: {
    description: 'Lease defines a lease concept.',
    properties: {
      ...typeMeta,
      metadata: ref(`${meta}.ObjectMeta`, `More info: ${conventions}#metadata`),
      spec: ref(`${coordination}.LeaseSpec`, `spec contains the specification of the Lease. More info: ${conventions}#spec-and-status`),
    },
    type: 'object',
    ...gvk('coordination.k8s.io', 'v1', 'Lease'),
  },
  [`${coordination}.LeaseList`]: {
    description: 'LeaseList is a list of Lease objects.',
    properties: {
      ...typeMeta,
      items: { description: 'items is a list of schema objects.', items: ref(`${coordination}.Lease`), type: 'array' },
      metadata: listMetadata,
    },
    required: ['items'],
    type: 'object',
    ...gvk('coordination.k8s.io', 'v1', 'LeaseList'),
  },
  [`${coordination}.LeaseSpec`]: {
    description: 'LeaseSpec is a specification of a Lease.',
    properties: {
      acquireTime: ref(`${meta}.MicroTime`, 'acquireTime is a time when the current lease was acquired.'),
      holderIdentity: text('holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.'),
      leaseDurationSeconds: integer('int32', 'leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. This is measured against the time of last observed renewTime.'),
      leaseTransitions: integer('int32', 'leaseTransitions is the number of transitions of a lease between holders.'),
      preferredHolder: text('PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up. This field can only be set if Strategy is also set.'),
      renewTime: ref(`${meta}.MicroTime`, 'renewTime is a time when the current holder of a lease has last updated the lease.'),
      strategy: text('Strategy indicates the strategy for picking the leader for coordinated leader election. If the field is not specified, there is no active coordination for this lease. (Alpha) Using this field requires the CoordinatedLeaderElection feature gate to be enabled.'),
    },
    type: 'object',
  },
};

const core = 'io.k8s.api.core.v1';

const coreDefinitions: Record<string, OpenApiSchema> = {
  [`${core}.Namespace`]: {
    description: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
    properties: {
      ...typeMeta,
      metadata: objectMetadata,
      spec: ref(`${core}.NamespaceSpec`, `Spec defines the behavior of the Namespace. More info: ${conventions}#spec-and-status`),
      status: ref(`${core}.NamespaceStatus`, `Status describes the current status of a Namespace. More info: ${conventions}#spec-and-status`),
    },
    type: 'object',
    ...gvk('', 'v1', 'Namespace'),
  },
  [`${core}.NamespaceCondition`]: {
    description: 'NamespaceCondition contains details about state of namespace.',
    properties: {
      lastTransitionTime: ref(`${meta}.Time`, 'Last time the condition transitioned from one status to another.'),
      message: text('Human-readable message indicating details about last transition.'),
      reason: text("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: text('Status of the condition, one of True, False, Unknown.'),
      type: text('Type of namespace controller condition.'),
    },
    required: ['type', 'status'],
    type: 'object',
  },
  [`${core}.NamespaceSpec`]: {
    description: 'NamespaceSpec describes the attributes on a Namespace.',
    properties: {
      finalizers: {
        description: 'Finalizers is an opaque list of values that must be empty to permanently remove object from storage. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/',
        items: { type: 'string', default: '' },
        type: 'array',
        'x-kubernetes-list-type': 'atomic',
      },
    },
    type: 'object',
  },
  [`${core}.NamespaceStatus`]: {
    description: 'NamespaceStatus is information about the current status of a Namespace.',
    properties: {
      conditions: {
        description: "Represents the latest available observations of a namespace's current state.",
        items: ref(`${core}.NamespaceCondition`),
        type: 'array',
        'x-kubernetes-list-map-keys': ['type'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'type',
        'x-kubernetes-patch-strategy': 'merge',
      },
      phase: text('Phase is the current lifecycle phase of the namespace. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/\n\nPossible enum values:\n - `"Active"` means the namespace is available for use in the system\n - `"Terminating"` means the namespace is undergoing graceful termination'),
    },
    type: 'object',
  },
};

/** Every definition, sorted by name as kube-apiserver's document is. */
const definitions: Record<string, OpenApiSchema> = Object.fromEntries(
  Object.entries({ ...metaDefinitions, ...coordinationDefinitions, ...coreDefinitions }).sort(([a], [b]) => (a < b ? -1 : 1)),
);

const openApiV2Document: OpenApiV2Document = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: sandboxVersion.gitVersion },
  paths: {},
  definitions,
};

/**
 * A schema in OpenAPI v3 form, as kube-openapi converts it: refs point at `#/components/schemas/`, and a ref with
 * anything beside it (a description) is wrapped in allOf, since a v3 `$ref` ignores its siblings.
 */
function toV3(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toV3);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $ref, ...rest } = schema as OpenApiSchema;
  const converted: OpenApiSchema = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key.startsWith('x-') ? value : toV3(value)]));
  if (typeof $ref !== 'string') return converted;
  const v3Ref = { $ref: $ref.replace('#/definitions/', '#/components/schemas/') };
  return Object.keys(converted).length === 0 ? v3Ref : { allOf: [v3Ref], ...converted };
}

const fieldValidationParameters = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

const leaseOperation = (action: string, operationId: string) => ({
  tags: ['coordination_v1'],
  operationId,
  responses: { '200': { description: 'OK' } },
  'x-kubernetes-action': action,
  'x-kubernetes-group-version-kind': { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
});

/**
 * The coordination.k8s.io/v1 document. Its PATCH operation declares fieldValidation, which tells kubectl the server
 * validates fields itself (otherwise `kubectl create -f` validates every Lease on the client); its collection
 * operations carry the GVK that `kubectl explain` looks up, and its schemas are what explain prints. The PATCH
 * operation declares no request body, so client-side apply computes its patches from the v2 schemas.
 */
export const coordinationV1OpenApiV3 = {
  openapi: '3.0.0',
  info: { title: 'Kubernetes', version: sandboxVersion.gitVersion },
  paths: {
    '/apis/coordination.k8s.io/v1/leases': { get: leaseOperation('list', 'listCoordinationV1LeaseForAllNamespaces') },
    '/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases': {
      get: leaseOperation('list', 'listCoordinationV1NamespacedLease'),
      post: leaseOperation('post', 'createCoordinationV1NamespacedLease'),
    },
    '/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}': {
      patch: { ...leaseOperation('patch', 'patchCoordinationV1NamespacedLease'), parameters: fieldValidationParameters },
    },
  },
  components: {
    schemas: Object.fromEntries(
      Object.entries(definitions).filter(([name]) => !name.startsWith(core)).map(([name, schema]) => [name, toV3(schema)]),
    ),
  },
};

/** kube-openapi's ETag and v3 `hash`: the SHA-512 of the served bytes in upper-case hex. */
const contentHash = (body: Buffer) => createHash('sha512').update(body).digest('hex').toUpperCase();

const coordinationV1Json = Buffer.from(JSON.stringify(coordinationV1OpenApiV3));

/** `/openapi/v3` and the one group-version document it lists, by path. */
export const openApiV3Documents = new Map<string, unknown>([
  ['/openapi/v3', { paths: { 'apis/coordination.k8s.io/v1': { serverRelativeURL: `/openapi/v3/apis/coordination.k8s.io/v1?hash=${contentHash(coordinationV1Json)}` } } }],
  ['/openapi/v3/apis/coordination.k8s.io/v1', coordinationV1OpenApiV3],
]);

export const openApiV2Path = '/openapi/v2';

interface OpenApiV2Form {
  /** The Accept entry it answers. */
  mediaType: string;
  contentType: string;
  body: Buffer;
  etag: string;
}

const protobufContentType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/**
 * What /openapi/v2 can answer, in kube-openapi's order of preference. kubectl asks for the `@v1.0` spelling, but the
 * answer says `.v1.0`: `@` is not allowed in a media type, and client-go's mime parsing would reject the reply.
 */
const openApiV2Forms: OpenApiV2Form[] = (() => {
  const json = Buffer.from(JSON.stringify(openApiV2Document));
  const protobuf = encodeOpenApiV2Document(openApiV2Document);
  const protobufForm = { contentType: protobufContentType, body: protobuf, etag: contentHash(protobuf) };
  return [
    { mediaType: 'application/json', contentType: 'application/json', body: json, etag: contentHash(json) },
    { mediaType: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', ...protobufForm },
    { mediaType: protobufContentType, ...protobufForm },
  ];
})();

/** When the document was built, which is what kube-openapi sends as Last-Modified. */
const builtAt = new Date().toUTCString();

/** Accept entries best first, as goautoneg.ParseAccept orders them: by q, then the more specific. */
function acceptedMediaTypes(accept: string): { type: string; subtype: string }[] {
  const clauses = accept.split(',').map((entry) => {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim());
    const [type = '', subtype = ''] = range.split('/');
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    return { type, subtype, q: q ? Number(q.slice(2)) : 1 };
  });
  const specificity = (clause: { type: string; subtype: string }) => (clause.type === '*' ? 0 : clause.subtype === '*' ? 1 : 2);
  return clauses.filter((clause) => clause.q > 0).sort((a, b) => b.q - a.q || specificity(b) - specificity(a));
}

/**
 * GET /openapi/v2, negotiated like kube-openapi's handler: the first Accept entry that matches a form wins
 * (no Accept header means any, which is JSON), nothing acceptable is a bare 406, and a matching If-None-Match is a 304.
 */
export function serveOpenApiV2(request: ApiRequest): ApiReply {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed();
  for (const clause of acceptedMediaTypes(request.headers.accept || '*/*')) {
    const form = openApiV2Forms.find(({ mediaType }) => {
      const [type, subtype] = mediaType.split('/');
      return (clause.type === type || clause.type === '*') && (clause.subtype === subtype || clause.subtype === '*');
    });
    if (!form) continue;
    const etag = `"${form.etag}"`;
    const headers = { 'Content-Type': form.contentType, Etag: etag, 'Last-Modified': builtAt, Vary: 'Accept', 'Accept-Ranges': 'bytes' };
    if (request.headers['if-none-match'] === etag) return { code: 304, body: '', headers };
    return { code: 200, body: form.body, headers };
  }
  return { code: 406, body: '', headers: { Vary: 'Accept', 'Content-Type': 'text/plain; charset=utf-8' } };
}
