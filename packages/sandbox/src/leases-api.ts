// HTTP handling of /apis/coordination.k8s.io/v1/[namespaces/{ns}/]leases[/{name}]: verbs, query parameters,
// content negotiation (JSON or Table), field validation directives and dry runs, on top of LeaseRegistry.

import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease } from './lease-object.js';
import { authorize, type Verb } from './authorization.js';
import { decodeContinueToken, encodeContinueToken, ContinueTokenError } from './continue-token.js';
import { type FieldRequirement, FieldSelectorError, matchesFieldSelector, parseFieldSelector } from './field-selector.js';
import { goJson } from './json.js';
import { type LabelRequirement, LabelSelectorError, matchesLabelSelector, parseLabelSelector } from './label-selector.js';
import { cannotHandleAsLease, DecodeError, decodeLeaseBody, decodeLeaseObject, isObject, parseJsonBody } from './lease-codec.js';
import { type LeaseRegistry, type DeletePreconditions, type PropagationPolicy, propagationPolicies } from './lease-registry.js';
import { applyJsonPatch, applyMergePatch, type Json, jsonPatchType, supportedPatchTypes } from './patch.js';
import { type ApiReply, type ApiRequest, fieldManager, jsonReply, negotiateTable, parseGoBool, prebuiltJsonReply, readObjectBody, requestContentType } from './request.js';
import { type LeaseRecord, type LeaseStore, fullLeaseJson, lowerBound } from './store.js';
import {
  badRequest, expired, type FieldError, unclassifiedError, goQuote, invalid, leasesResource, methodNotAllowed, success, tooLargeResourceVersion, unsupportedPatchType,
} from './status.js';
import { ageCell, buildTable, leaseColumns, type TableRequest, type TableSource } from './table.js';
import { applyPatchType, decodeAppliedConfiguration } from './server-side-apply.js';
import type { WatchHub } from './watch.js';

export interface LeaseScope {
  /** Undefined for the all-namespaces collection. */
  namespace: string | undefined;
  name: string | undefined;
}

interface Selectors {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  /** Whether any selector narrows the list (then the apiserver cannot count the remaining items). */
  filtering: boolean;
}

type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const inconsistentContinueMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function parseSelectors(request: ApiRequest): Selectors {
  const labelSelector = request.query.get('labelSelector') ?? '';
  const fieldSelector = request.query.get('fieldSelector') ?? '';
  try {
    const labels = parseLabelSelector(labelSelector);
    const fields = parseFieldSelector(fieldSelector);
    return { labels, fields, filtering: labels.length > 0 || fields.length > 0 };
  } catch (error) {
    if (error instanceof LabelSelectorError || error instanceof FieldSelectorError) throw badRequest(error.message);
    throw error;
  }
}

const selectorMatcher = (selectors: Selectors) => (record: LeaseRecord) =>
  matchesLabelSelector(selectors.labels, record.lease.metadata.labels) && matchesFieldSelector(selectors.fields, record);

/** Which state a list reads, from resourceVersion and resourceVersionMatch (storage.ListOptions semantics). */
type ListRead =
  | { kind: 'latest' }
  /** The watch cache's answer: the current state once the store has reached `resourceVersion`. */
  | { kind: 'notOlderThan'; resourceVersion: number }
  /** etcd's range read at exactly `resourceVersion`. */
  | { kind: 'exact'; resourceVersion: number };

/** How long the watch cache waits to reach a requested resourceVersion (blockTimeout), and the retry it suggests. */
const freshnessWaitMs = 3000;
const tooLargeRetryAfterSeconds = 1;

/**
 * ValidateListOptions (a 422 on ListOptions) and then the storage layer's reading of resourceVersion: unset is the
 * latest state, "0" any state (the current one here), N at least N, except that `Exact`, or a limit without a
 * match (the legacy rule), pins the read to exactly N. A continue token carries its own resourceVersion.
 */
function listRead(request: ApiRequest, limit: number): ListRead {
  const resourceVersion = request.query.get('resourceVersion') ?? '';
  const match = request.query.get('resourceVersionMatch') ?? '';
  const continuing = Boolean(request.query.get('continue'));
  const errors: FieldError[] = [];
  if (match) {
    const forbidden = (detail: string) => errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail });
    if (!resourceVersion) forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (continuing) forbidden('resourceVersionMatch is forbidden when continue is provided');
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      errors.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', value: goQuote(match), detail: 'supported values: "Exact", "NotOlderThan", ""' });
    }
    if (match === 'Exact' && resourceVersion === '0') forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (errors.length > 0) throw invalid('meta.k8s.io', 'ListOptions', '', errors);
  if (continuing) {
    if (resourceVersion !== '' && resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    return { kind: 'latest' };
  }
  // kube-apiserver rejects a resourceVersion that is not a number; its wording is unverified, so that reads as none.
  if (!/^\d+$/.test(resourceVersion) || Number(resourceVersion) === 0) return { kind: 'latest' };
  const exact = match === 'Exact' || (match === '' && limit > 0);
  return { kind: exact ? 'exact' : 'notOlderThan', resourceVersion: Number(resourceVersion) };
}

/** `dryRun` must be absent or `All`; anything else is the options type's 422, as ValidateCreateOptions and friends give. */
function isDryRun(request: ApiRequest, optionsKind: string, bodyValues: string[] = []): boolean {
  const values = [...request.query.getAll('dryRun'), ...bodyValues];
  if (values.some((value) => value !== 'All')) {
    throw invalid('meta.k8s.io', optionsKind, '', [
      { type: 'FieldValueNotSupported', field: 'dryRun', value: `[]string{${values.map(goQuote).join(', ')}}`, detail: 'supported values: "All"' },
    ]);
  }
  return values.length > 0;
}

function fieldValidation(request: ApiRequest): FieldValidation {
  const value = request.query.get('fieldValidation');
  return value === 'Strict' || value === 'Ignore' ? value : 'Warn';
}

/** Unknown fields become `Warning: 299` headers in Warn mode, as the apiserver's strict decoding warnings do. */
function warningHeaders(unknownFields: string[], validation: FieldValidation): Record<string, string[]> | undefined {
  if (validation !== 'Warn' || unknownFields.length === 0) return undefined;
  return { Warning: unknownFields.map((field) => `299 - ${JSON.stringify(`unknown field "${field}"`)}`) };
}

const strictDecodingMessage = (unknownFields: string[]) => `strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`;

export class LeaseApi {
  constructor(
    private readonly store: LeaseStore,
    private readonly registry: LeaseRegistry,
    private readonly watches: WatchHub,
    private readonly serverNow: () => number,
  ) {}

  /** Serves one request; returns undefined when it took over the response (a watch stream). */
  async handle(request: ApiRequest, response: ServerResponse, scope: LeaseScope, headers: Record<string, string>): Promise<ApiReply | undefined> {
    const { namespace, name } = scope;
    const verb = this.verbOf(request, scope);
    authorize(request.user, verb, leasesResource, namespace, name);
    // The handler refuses these names; a namespace like them reaches the storage layer, whose key check fails.
    if (name === '.' || name === '..') throw badRequest(`Name parameter invalid: "${name}": may not be '${name}'`);
    if (namespace === '.' || namespace === '..') throw unclassifiedError(`invalid key: "/leases/${namespace}"`);
    switch (verb) {
      case 'get':
        return this.get(request, namespace!, name!);
      case 'list':
        return this.list(request, namespace);
      case 'watch':
        this.watch(request, response, scope, headers);
        return undefined;
      case 'create':
        return this.create(request, namespace!);
      case 'update':
        return this.update(request, namespace!, name!);
      case 'patch':
        return this.patch(request, namespace!, name!);
      case 'delete':
        return this.delete(request, namespace!, name!);
      case 'deletecollection':
        return this.deleteCollection(request, namespace!);
    }
  }

  private verbOf(request: ApiRequest, { namespace, name }: LeaseScope): Verb {
    const watching = parseGoBool(request.query.get('watch'));
    const allNamespaces = namespace === undefined;
    switch (request.method) {
      case 'GET':
        if (watching) return 'watch';
        return name ? 'get' : 'list';
      case 'POST':
        if (!name && !allNamespaces) return 'create';
        break;
      case 'PUT':
        if (name) return 'update';
        break;
      case 'PATCH':
        if (name) return 'patch';
        break;
      case 'DELETE':
        if (allNamespaces) break;
        return name ? 'delete' : 'deletecollection';
    }
    throw methodNotAllowed();
  }

  private tableSource(record: LeaseRecord, now: number): TableSource {
    return {
      metadata: record.lease.metadata,
      cells: [record.name, record.lease.spec?.holderIdentity ?? '', ageCell(record.lease.metadata.creationTimestamp, now)],
      fullObject: () => JSON.parse(fullLeaseJson(record)),
    };
  }

  private objectReply(request: ApiRequest, code: number, record: LeaseRecord, headers?: Record<string, string[]>): ApiReply {
    return prebuiltJsonReply(request.pretty, code, fullLeaseJson(record), headers);
  }

  private get(request: ApiRequest, namespace: string, name: string): ApiReply {
    const table = negotiateTable(request);
    const record = this.registry.get(namespace, name);
    if (table) {
      return jsonReply(request.pretty, 200, buildTable(table, leaseColumns, { resourceVersion: String(record.resourceVersion) }, [this.tableSource(record, this.serverNow())]));
    }
    return this.objectReply(request, 200, record);
  }

  private async list(request: ApiRequest, namespace: string | undefined): Promise<ApiReply> {
    const table = negotiateTable(request);
    const selectors = parseSelectors(request);
    const matches = selectorMatcher(selectors);
    const limitParam = request.query.get('limit');
    // resourceVersion=0 is served from the watch cache, which (in v1.26) ignores the limit and answers whole.
    const fromWatchCache = request.query.get('resourceVersion') === '0' && request.query.get('resourceVersionMatch') !== 'Exact';
    const limit = limitParam && /^\d+$/.test(limitParam) && !fromWatchCache ? Number(limitParam) : 0;
    const read = listRead(request, limit);
    const prefix = namespace === undefined ? '' : namespace + '/';
    if (read.kind !== 'latest') await this.untilStoreReaches(read.resourceVersion);

    let records: LeaseRecord[];
    let resourceVersion: number;
    let startKey = prefix;
    const continueParam = request.query.get('continue');
    if (continueParam) {
      let position;
      try {
        position = decodeContinueToken(continueParam);
      } catch (error) {
        if (error instanceof ContinueTokenError) throw badRequest(`invalid continue token: ${error.message}`);
        throw error;
      }
      startKey = prefix + position.startKey;
      const atVersion = position.resourceVersion === -1 ? this.store.resourceVersion : position.resourceVersion;
      const snapshot = this.store.recordsAt(atVersion);
      if (!snapshot) {
        throw expired(inconsistentContinueMessage, encodeContinueToken({ resourceVersion: -1, startKey: position.startKey }));
      }
      records = snapshot;
      resourceVersion = atVersion;
    } else if (read.kind === 'exact') {
      const snapshot = this.store.recordsAt(read.resourceVersion);
      if (!snapshot) throw expired('The resourceVersion for the provided list is too old.');
      records = snapshot;
      resourceVersion = read.resourceVersion;
    } else {
      records = this.store.all();
      resourceVersion = this.store.resourceVersion;
    }

    const selected: LeaseRecord[] = [];
    let index = lowerBound(records, startKey);
    let more = false;
    for (; index < records.length; index++) {
      const record = records[index]!;
      if (!record.key.startsWith(prefix)) break;
      if (!matches(record)) continue;
      if (limit > 0 && selected.length === limit) {
        more = true;
        break;
      }
      selected.push(record);
    }

    const listMeta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: String(resourceVersion) };
    if (more) {
      const last = selected[selected.length - 1]!;
      if (resourceVersion === this.store.resourceVersion) this.store.keepSnapshot();
      listMeta.continue = encodeContinueToken({ resourceVersion, startKey: last.key.slice(prefix.length) + '\u0000' });
      if (!selectors.filtering) {
        let remaining = 0;
        for (let i = index; i < records.length && records[i]!.key.startsWith(prefix); i++) remaining++;
        listMeta.remainingItemCount = remaining;
      }
    }

    if (table) {
      const now = this.serverNow();
      return jsonReply(request.pretty, 200, buildTable(table, leaseColumns, listMeta, selected.map((record) => this.tableSource(record, now))));
    }
    const json = `{"kind":"LeaseList","apiVersion":"coordination.k8s.io/v1","metadata":${goJson(listMeta)},"items":[${selected.map((r) => r.itemJson).join(',')}]}`;
    return prebuiltJsonReply(request.pretty, 200, json);
  }

  /** Waits, as the watch cache does, for the store to reach a resourceVersion; a 504 if it does not in time. */
  private async untilStoreReaches(resourceVersion: number): Promise<void> {
    const deadline = Date.now() + freshnessWaitMs;
    while (this.store.resourceVersion < resourceVersion) {
      if (Date.now() >= deadline) throw tooLargeResourceVersion(resourceVersion, this.store.resourceVersion, tooLargeRetryAfterSeconds);
      await sleep(50);
    }
  }

  private watch(request: ApiRequest, response: ServerResponse, scope: LeaseScope, headers: Record<string, string>): void {
    const table = negotiateTable(request);
    const selectors = parseSelectors(request);
    const matchesSelectors = selectorMatcher(selectors);
    const matches = scope.name === undefined ? matchesSelectors : (record: LeaseRecord) => record.name === scope.name && matchesSelectors(record);
    const timeoutParam = request.query.get('timeoutSeconds');
    this.watches.serve({
      response,
      headers,
      resourceVersion: request.query.get('resourceVersion'),
      namespace: scope.namespace,
      matches,
      bookmarks: parseGoBool(request.query.get('allowWatchBookmarks')),
      timeoutSeconds: timeoutParam && /^\d+$/.test(timeoutParam) ? Number(timeoutParam) : undefined,
      renderObject: table ? (record) => this.tableEvent(table, record) : fullLeaseJson,
    });
  }

  private tableEvent(table: TableRequest, record: LeaseRecord): string {
    return goJson(buildTable(table, leaseColumns, { resourceVersion: String(record.resourceVersion) }, [this.tableSource(record, this.serverNow())]));
  }

  /** Parses and decodes a create/update body, applying the fieldValidation directive. */
  private async decodeBody(request: ApiRequest): Promise<{ lease: Lease; headers: Record<string, string[]> | undefined }> {
    const { object, unknownFields } = decodeLeaseBody(await readObjectBody(request));
    const validation = fieldValidation(request);
    if (validation === 'Strict' && unknownFields.length > 0) throw cannotHandleAsLease(strictDecodingMessage(unknownFields));
    return { lease: object, headers: warningHeaders(unknownFields, validation) };
  }

  private async create(request: ApiRequest, namespace: string): Promise<ApiReply> {
    const { lease, headers } = await this.decodeBody(request);
    const dryRun = isDryRun(request, 'CreateOptions');
    const { record } = this.registry.create(namespace, lease, { manager: fieldManager(request), dryRun });
    return this.objectReply(request, 201, record, headers);
  }

  private async update(request: ApiRequest, namespace: string, name: string): Promise<ApiReply> {
    const { lease, headers } = await this.decodeBody(request);
    const dryRun = isDryRun(request, 'UpdateOptions');
    const { record, created } = this.registry.update(namespace, name, lease, { manager: fieldManager(request), dryRun });
    return this.objectReply(request, created ? 201 : 200, record, headers);
  }

  private async patch(request: ApiRequest, namespace: string, name: string): Promise<ApiReply> {
    const contentType = requestContentType(request);
    if (contentType === applyPatchType) return this.apply(request, namespace, name);
    if (!supportedPatchTypes.includes(contentType)) throw unsupportedPatchType();
    const body = (await request.readBody()).toString('utf8');
    if (request.query.has('force')) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [{ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' }]);
    }
    let patchBody: unknown;
    try {
      patchBody = parseJsonBody(body);
    } catch (error) {
      if (error instanceof DecodeError) throw badRequest(`error decoding patch: ${error.message}`);
      throw error;
    }
    const dryRun = isDryRun(request, 'PatchOptions');
    const existing = this.registry.get(namespace, name);
    const current = JSON.parse(fullLeaseJson(existing)) as Json;
    const patched = contentType === jsonPatchType ? applyJsonPatch(current, patchBody) : applyMergePatch(current, patchBody as Json);

    const patchInvalid = (reason: string) =>
      invalid('', '', '', [{ type: 'FieldValueInvalid', field: 'patch', value: goQuote(goJson(patched)), detail: reason }]);
    if (!isObject(patched)) throw patchInvalid('json: cannot unmarshal non-object into Go value of type v1.Lease');
    let decoded;
    try {
      decoded = decodeLeaseObject(patched);
    } catch (error) {
      if (error instanceof DecodeError) throw patchInvalid(error.message);
      throw error;
    }
    const validation = fieldValidation(request);
    if (validation === 'Strict' && decoded.unknownFields.length > 0) throw patchInvalid(strictDecodingMessage(decoded.unknownFields));
    const record = this.registry.patch(existing, decoded.object, { manager: fieldManager(request), dryRun });
    return this.objectReply(request, 200, record, warningHeaders(decoded.unknownFields, validation));
  }

  /** Server-side apply: the configuration in the body applied by `?fieldManager=`, which an apply must name. */
  private async apply(request: ApiRequest, namespace: string, name: string): Promise<ApiReply> {
    const body = (await request.readBody()).toString('utf8');
    const manager = request.query.get('fieldManager') ?? '';
    if (manager === '') {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [{ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' }]);
    }
    const dryRun = isDryRun(request, 'PatchOptions');
    const config = decodeAppliedConfiguration(body);
    // PatchOptions.force decodes as a query bool does: present is true unless "0" or "false".
    const forceParam = request.query.get('force');
    const force = forceParam !== null && forceParam !== '0' && forceParam.toLowerCase() !== 'false';
    const { record, created } = this.registry.apply(namespace, name, config, { manager, dryRun, force });
    return this.objectReply(request, created ? 201 : 200, record);
  }

  /** DeleteOptions from the body (kubectl and client-go send one) merged with the query's dryRun. */
  private async deleteOptions(request: ApiRequest): Promise<{ preconditions: DeletePreconditions; dryRun: boolean; propagation: PropagationPolicy }> {
    const body = (await request.readBody()).toString('utf8');
    let options: Record<string, unknown> = {};
    if (body.trim() !== '') {
      let raw: unknown;
      try {
        raw = parseJsonBody(body);
      } catch (error) {
        if (error instanceof DecodeError) throw badRequest(`couldn't get version/kind; json parse error: ${error.message}`);
        throw error;
      }
      if (!isObject(raw)) throw badRequest('json: cannot unmarshal non-object into Go value of type v1.DeleteOptions');
      options = raw;
    }
    const preconditions = isObject(options.preconditions) ? options.preconditions : {};
    const result: DeletePreconditions = {};
    if (typeof preconditions.uid === 'string') result.uid = preconditions.uid;
    if (typeof preconditions.resourceVersion === 'string') result.resourceVersion = preconditions.resourceVersion;
    const bodyDryRun = Array.isArray(options.dryRun) ? options.dryRun.map(String) : [];
    const propagation = request.query.get('propagationPolicy') ?? (typeof options.propagationPolicy === 'string' ? options.propagationPolicy : 'Background');
    if (!propagationPolicies.includes(propagation as PropagationPolicy)) {
      throw invalid('meta.k8s.io', 'DeleteOptions', '', [
        { type: 'FieldValueNotSupported', field: 'propagationPolicy', value: goQuote(propagation), detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' },
      ]);
    }
    return { preconditions: result, dryRun: isDryRun(request, 'DeleteOptions', bodyDryRun), propagation: propagation as PropagationPolicy };
  }

  private async delete(request: ApiRequest, namespace: string, name: string): Promise<ApiReply> {
    const { preconditions, dryRun, propagation } = await this.deleteOptions(request);
    const { record, pending } = this.registry.delete(namespace, name, preconditions, dryRun, propagation);
    if (pending) return this.objectReply(request, 200, record);
    return jsonReply(request.pretty, 200, success({ name, group: leasesResource.group, kind: leasesResource.resource, uid: record.lease.metadata.uid! }));
  }

  /** DELETE on the collection: removes what the selectors match and answers with the list of what it removed. */
  private async deleteCollection(request: ApiRequest, namespace: string): Promise<ApiReply> {
    const { dryRun, propagation } = await this.deleteOptions(request);
    const matches = selectorMatcher(parseSelectors(request));
    const resourceVersion = this.store.resourceVersion;
    const doomed = this.store.list(namespace).filter(matches);
    for (const record of doomed) this.registry.delete(namespace, record.name, {}, dryRun, propagation);
    const json = `{"kind":"LeaseList","apiVersion":"coordination.k8s.io/v1","metadata":{"resourceVersion":"${resourceVersion}"},"items":[${doomed.map((r) => r.itemJson).join(',')}]}`;
    return prebuiltJsonReply(request.pretty, 200, json);
  }
}
