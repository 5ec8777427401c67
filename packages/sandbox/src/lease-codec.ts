// Decoding a request body into a Lease the way the apiserver's JSON decoder does: known fields only (others are
// reported as unknown), Go's type errors, MicroTime parsing, and the canonical field order for re-encoding.

import type { Lease, LeaseSpec, ObjectMeta } from './lease-object.js';
import { LEASE_API_VERSION, LEASE_KIND } from './lease-object.js';
import { normalizeMicroTime, TimeParseError } from './micro-time.js';
import { badRequest } from './status.js';

type JsonObject = Record<string, unknown>;

export interface DecodedObject<T> {
  object: T;
  /** Paths of fields the Go struct does not have, e.g. `spec.foo`; dropped from `object`. */
  unknownFields: string[];
}

export class DecodeError extends Error {}

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What Go's JSON decoder calls a value in its type errors. */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value;
}

function typeError(value: unknown, struct: string, path: string, goType: string): DecodeError {
  const valueText = typeof value === 'number' ? `number ${value}` : jsonKind(value);
  return new DecodeError(`json: cannot unmarshal ${valueText} into Go struct field ${struct}.${path} of type ${goType}`);
}

/** Parses a body as JSON, giving Go's wording for the common syntax errors. */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    const trimmed = body.trimStart();
    if (trimmed === '') throw new DecodeError('unexpected end of JSON input');
    const first = trimmed[0]!;
    if (!'{["-0123456789tfn'.includes(first)) throw new DecodeError(`invalid character '${first}' looking for beginning of value`);
    throw new DecodeError('unexpected end of JSON input');
  }
}

function readString(value: unknown, struct: string, path: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') throw typeError(value, struct, path, 'string');
  return value;
}

function readInt(value: unknown, struct: string, path: string, goType: 'int32' | 'int64'): number | undefined {
  if (value === null || value === undefined) return undefined;
  const limit = goType === 'int32' ? 2 ** 31 : 2 ** 63;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -limit || value >= limit) throw typeError(value, struct, path, goType);
  return value;
}

function readStringMap(value: unknown, struct: string, path: string): Record<string, string> | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value)) throw typeError(value, struct, path, 'map[string]string');
  for (const entry of Object.values(value)) {
    if (typeof entry !== 'string') throw typeError(entry, struct, path, 'string');
  }
  return value as Record<string, string>;
}

function readArray(value: unknown, struct: string, path: string, goType: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw typeError(value, struct, path, goType);
  return value;
}

function readMicroTime(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') throw new DecodeError(`json: cannot unmarshal ${jsonKind(value) === 'bool' ? 'bool' : jsonKind(value)} into Go value of type string`);
  try {
    return normalizeMicroTime(value);
  } catch (error) {
    if (error instanceof TimeParseError) throw new DecodeError(error.message);
    throw error;
  }
}

const knownMetadataFields = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/** Decodes `metadata` into the fields clients may send, in the apiserver's output order. */
export function decodeObjectMeta(raw: unknown, unknownFields: string[], structPath = 'metadata'): ObjectMeta {
  if (raw === null || raw === undefined) return { name: '' };
  if (!isObject(raw)) throw typeError(raw, 'ObjectMeta', structPath, 'v1.ObjectMeta');
  for (const key of Object.keys(raw)) if (!knownMetadataFields.has(key)) unknownFields.push(`${structPath}.${key}`);
  const struct = 'ObjectMeta';
  const meta: ObjectMeta = { name: readString(raw.name, struct, 'metadata.name') ?? '' };
  const generateName = readString(raw.generateName, struct, 'metadata.generateName');
  if (generateName) meta.generateName = generateName;
  const namespace = readString(raw.namespace, struct, 'metadata.namespace');
  if (namespace) meta.namespace = namespace;
  const uid = readString(raw.uid, struct, 'metadata.uid');
  if (uid) meta.uid = uid;
  const resourceVersion = readString(raw.resourceVersion, struct, 'metadata.resourceVersion');
  if (resourceVersion) meta.resourceVersion = resourceVersion;
  readInt(raw.generation, struct, 'metadata.generation', 'int64');
  const creationTimestamp = readString(raw.creationTimestamp, struct, 'metadata.creationTimestamp');
  if (creationTimestamp) meta.creationTimestamp = creationTimestamp;
  // deletionTimestamp and deletionGracePeriodSeconds are the server's to set; it ignores what clients send.
  readString(raw.deletionTimestamp, struct, 'metadata.deletionTimestamp');
  readInt(raw.deletionGracePeriodSeconds, struct, 'metadata.deletionGracePeriodSeconds', 'int64');
  const labels = readStringMap(raw.labels, struct, 'metadata.labels');
  if (labels && Object.keys(labels).length > 0) meta.labels = { ...labels };
  const annotations = readStringMap(raw.annotations, struct, 'metadata.annotations');
  if (annotations && Object.keys(annotations).length > 0) meta.annotations = { ...annotations };
  const ownerReferences = readArray(raw.ownerReferences, struct, 'metadata.ownerReferences', '[]v1.OwnerReference');
  if (ownerReferences.length > 0) meta.ownerReferences = ownerReferences as ObjectMeta['ownerReferences'];
  const finalizers = readArray(raw.finalizers, struct, 'metadata.finalizers', '[]string');
  if (finalizers.length > 0) meta.finalizers = finalizers.map((finalizer) => readString(finalizer, struct, 'metadata.finalizers') ?? '');
  return meta;
}

const knownSpecFields = new Set(['holderIdentity', 'leaseDurationSeconds', 'acquireTime', 'renewTime', 'leaseTransitions', 'strategy', 'preferredHolder']);

function decodeLeaseSpec(raw: unknown, unknownFields: string[]): LeaseSpec | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (!isObject(raw)) throw typeError(raw, 'Lease', 'spec', 'v1.LeaseSpec');
  for (const key of Object.keys(raw)) if (!knownSpecFields.has(key)) unknownFields.push(`spec.${key}`);
  const struct = 'LeaseSpec';
  const spec: LeaseSpec = {};
  // Assigned in the Go struct's field order so that the JSON we write matches the apiserver's.
  const holderIdentity = readString(raw.holderIdentity, struct, 'spec.holderIdentity');
  if (holderIdentity !== undefined) spec.holderIdentity = holderIdentity;
  const leaseDurationSeconds = readInt(raw.leaseDurationSeconds, struct, 'spec.leaseDurationSeconds', 'int32');
  if (leaseDurationSeconds !== undefined) spec.leaseDurationSeconds = leaseDurationSeconds;
  const acquireTime = readMicroTime(raw.acquireTime);
  if (acquireTime !== undefined) spec.acquireTime = acquireTime;
  const renewTime = readMicroTime(raw.renewTime);
  if (renewTime !== undefined) spec.renewTime = renewTime;
  const leaseTransitions = readInt(raw.leaseTransitions, struct, 'spec.leaseTransitions', 'int32');
  if (leaseTransitions !== undefined) spec.leaseTransitions = leaseTransitions;
  const strategy = readString(raw.strategy, struct, 'spec.strategy');
  if (strategy !== undefined) spec.strategy = strategy;
  const preferredHolder = readString(raw.preferredHolder, struct, 'spec.preferredHolder');
  if (preferredHolder !== undefined) spec.preferredHolder = preferredHolder;
  return spec;
}

/** Checks kind/apiVersion the way the create/update handlers do; empty values default to Lease v1. */
export function checkTypeMeta(raw: JsonObject, expected: { apiVersion: string; kind: string; version: string }): void {
  const apiVersion = raw.apiVersion;
  const kind = raw.kind;
  if (apiVersion !== undefined && apiVersion !== null && typeof apiVersion !== 'string') {
    throw badRequest(`${expected.kind} in version "${expected.version}" cannot be handled as a ${expected.kind}: json: cannot unmarshal ${jsonKind(apiVersion)} into Go struct field .apiVersion of type string`);
  }
  if (apiVersion && apiVersion !== expected.apiVersion) {
    throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expected.apiVersion})`);
  }
  if (kind && kind !== expected.kind) {
    throw badRequest(`${expected.kind} in version "${expected.version}" cannot be handled as a ${expected.kind}: no kind "${String(kind)}" is registered for version "${expected.apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
}

/**
 * Decodes an already-parsed object into a Lease. Type errors throw DecodeError with the JSON decoder's own text;
 * callers wrap it the way their handler does (400 for create/update, 422 for patch).
 */
export function decodeLeaseObject(raw: JsonObject): DecodedObject<Lease> {
  const unknownFields: string[] = [];
  for (const key of Object.keys(raw)) if (!['kind', 'apiVersion', 'metadata', 'spec'].includes(key)) unknownFields.push(key);
  const metadata = decodeObjectMeta(raw.metadata, unknownFields);
  // LeaseSpec is a struct, not a pointer, in Go: the apiserver always writes "spec", empty or not.
  const spec = decodeLeaseSpec(raw.spec, unknownFields) ?? {};
  return { object: { metadata, spec }, unknownFields };
}

/** Turns a create/update body into a Lease, or throws the apiserver's 400 Status. */
export function decodeLease(raw: unknown): DecodedObject<Lease> {
  if (!isObject(raw)) {
    throw badRequest(`the object provided is unrecognized (must be of type Lease): couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(raw)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  checkTypeMeta(raw, { apiVersion: LEASE_API_VERSION, kind: LEASE_KIND, version: 'v1' });
  try {
    return decodeLeaseObject(raw);
  } catch (error) {
    if (error instanceof DecodeError) throw cannotHandleAsLease(error.message);
    throw error;
  }
}

/** transformDecodeError's wording for a body that parsed as JSON but does not fit the Lease type. */
export function cannotHandleAsLease(reason: string) {
  return badRequest(`Lease in version "v1" cannot be handled as a Lease: ${reason}`);
}


/** Decodes a raw body string (syntax errors included) into a Lease. */
export function decodeLeaseBody(body: string): DecodedObject<Lease> {
  let raw: unknown;
  try {
    raw = parseJsonBody(body);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw badRequest(`the object provided is unrecognized (must be of type Lease): couldn't get version/kind; json parse error: ${error.message} (${summarizeBody(body)})`);
  }
  return decodeLease(raw);
}

/** summarizeData: the body as text, cut to 30 bytes with an ellipsis, as the decode error quotes it. */
function summarizeBody(body: string): string {
  return body.length > 30 ? `${body.slice(0, 30)} ...` : body;
}
