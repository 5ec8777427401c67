// Server-side apply of a Lease (PATCH with application/apply-patch+yaml), as kube-apiserver v1.26's field manager
// does it: the applied configuration is merged into the live lease; fields the applier applied before and now
// leaves out are removed unless another manager owns them; changing a field another manager owns is a conflict,
// unless forced, which takes the field over. The applier then owns exactly the fields of its configuration.
// For the manager "kubectl", the apiserver also eases the move from client-side apply: fields kubectl's
// last-applied-configuration annotation still holds may be taken without conflict, and that annotation is kept
// in step with what is applied.

import { parse as parseYaml } from 'yaml';
import { type Lease, LEASE_API_VERSION, LEASE_KIND, writableContent } from './lease-object.js';
import { DecodeError, decodeLeaseObject, isObject, jsonKind } from './lease-codec.js';
import { changedFields, leafFields, managedFieldsOf, type ManagedFieldsEntry, type Ownership, ownershipsOf } from './managed-fields.js';
import { goJson, inGoMapOrder } from './json.js';
import { applyConflict, badRequest, goQuote, unclassifiedError } from './status.js';

export const applyPatchType = 'application/apply-patch+yaml';

/** The annotation client-side `kubectl apply` keeps, and the manager name whose server-side applies honour it. */
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
const kubectlManager = 'kubectl';

export interface AppliedConfiguration {
  lease: Lease;
  /** The body as sent, parsed: what the last-applied-configuration annotation records. */
  raw: Record<string, unknown>;
}

/** apimachinery's GroupVersionKind.String() of an unstructured object's apiVersion and kind. */
function groupVersionKind(raw: Record<string, unknown>): string {
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  const parts = apiVersion === '' ? ['', ''] : apiVersion.split('/');
  // ParseGroupVersion: no slash is a version of the core group; more than one slash is no group version at all.
  const [group, version] = parts.length === 1 ? ['', parts[0]!] : parts.length === 2 ? parts : ['', ''];
  return `${group}/${version}, Kind=${kind}`;
}

/**
 * The applied configuration: the body, YAML or JSON, as a Lease. Refused as the apply patcher and the field manager
 * refuse it: a body that is no map, another kind, managedFields set, or fields a Lease does not have.
 */
export function decodeAppliedConfiguration(body: string): AppliedConfiguration {
  let raw: unknown;
  try {
    raw = parseYaml(body) ?? {};
  } catch (error) {
    throw badRequest(`error decoding YAML: error converting YAML to JSON: yaml: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(raw)) throw badRequest(`error decoding YAML: json: cannot unmarshal ${jsonKind(raw)} into Go value of type map[string]interface {}`);
  const gvk = groupVersionKind(raw);
  if (gvk !== `${LEASE_API_VERSION}, Kind=${LEASE_KIND}`) throw badRequest(`invalid object type: ${gvk}`);
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  if (metadata.managedFields !== undefined && metadata.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
  // The field manager converts the configuration to a typed value first; what does not fit the schema fails there.
  const typedPatchFailure = (reason: string) =>
    unclassifiedError(`failed to create typed patch object (${String(metadata.namespace ?? '')}/${String(metadata.name ?? '')}; ${gvk}): ${reason}`);
  let decoded;
  try {
    decoded = decodeLeaseObject(raw);
  } catch (error) {
    if (error instanceof DecodeError) throw typedPatchFailure(error.message);
    throw error;
  }
  const undeclared = decoded.unknownFields.map((field) => `.${field}: field not declared in schema`);
  if (undeclared.length === 1) throw typedPatchFailure(undeclared[0]!);
  if (undeclared.length > 1) throw typedPatchFailure(`errors:\n  ${undeclared.join('\n  ')}`);
  return { lease: decoded.object, raw };
}

/** The live lease with the configuration's fields laid over it: maps key by key, finalizers as a set, owners by uid. */
function mergeConfiguration(live: Lease, config: Lease): Lease {
  const merged = structuredClone(live);
  const metadata = merged.metadata;
  for (const [key, value] of Object.entries(config.metadata)) {
    if (value === undefined || (key === 'name' && value === '')) continue;
    if (key === 'labels' || key === 'annotations') metadata[key] = { ...metadata[key], ...(value as Record<string, string>) };
    else if (key === 'finalizers') metadata.finalizers = [...new Set([...((metadata.finalizers as string[] | undefined) ?? []), ...(value as string[])])];
    else if (key === 'ownerReferences') {
      const applied = value as { uid?: string }[];
      const kept = ((metadata.ownerReferences as { uid?: string }[] | undefined) ?? []).filter((owner) => !applied.some((other) => other.uid === owner.uid));
      metadata.ownerReferences = [...kept, ...applied];
    } else metadata[key] = value;
  }
  merged.spec = { ...merged.spec };
  for (const [key, value] of Object.entries(config.spec ?? {})) if (value !== undefined && value !== null) merged.spec[key] = value;
  return merged;
}

/** Removes one leaf path (see managed-fields.ts) from a lease, and the map that held it once it is empty. */
function removeField(lease: Lease, path: string): void {
  const [top, key, entry] = path.split('\0') as [string, string, string | undefined];
  if (top === 'spec') {
    delete lease.spec?.[key];
    return;
  }
  const map = lease.metadata[key] as Record<string, string> | undefined;
  if (!map || entry === undefined) return;
  delete map[entry];
  if (Object.keys(map).length === 0) delete lease.metadata[key];
}

/** How a conflict names a manager: an updater with the API version it wrote with. */
const printManager = (owner: Ownership) => (owner.operation === 'Update' ? `${goQuote(owner.manager)} using ${owner.apiVersion}` : goQuote(owner.manager));

/** The manager identifier the apiserver sorts conflicting managers by: the entry without time or fields. */
const managerIdentifier = (owner: Ownership) =>
  JSON.stringify(owner.operation === 'Update' ? { manager: owner.manager, operation: owner.operation, apiVersion: owner.apiVersion } : { manager: owner.manager, operation: owner.operation });

const fieldPath = (path: string) => `.${path.split('\0').join('.')}`;

/** The 409 for fields other managers own, worded as internal.NewConflictError words it. */
function conflictError(conflicts: { owner: Ownership; path: string }[]): Error {
  const causes = conflicts.map(({ owner, path }) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(owner)}`, field: fieldPath(path) }));
  if (conflicts.length === 1) {
    return applyConflict(`Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.owner)}: ${fieldPath(conflicts[0]!.path)}`, causes);
  }
  const lines: string[] = [];
  let previous: Ownership | undefined;
  for (const { owner, path } of conflicts) {
    if (owner !== previous) lines.push(`conflicts with ${printManager(owner)}:`);
    lines.push(`- ${fieldPath(path)}`);
    previous = owner;
  }
  return applyConflict(`Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes);
}

/**
 * The fields kubectl's client-side apply last set that still hold the value it set (lastAppliedManager): a
 * server-side apply by "kubectl" may take them from their managers without a conflict.
 */
function fieldsKubectlLastApplied(live: Lease): Set<string> {
  const text = live.metadata.annotations?.[lastAppliedAnnotation];
  let lastApplied;
  try {
    const raw: unknown = text ? JSON.parse(text) : undefined;
    if (!isObject(raw)) return new Set();
    lastApplied = decodeLeaseObject(raw).object;
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof DecodeError) return new Set();
    throw error;
  }
  const current = leafFields(live);
  return new Set([...leafFields(lastApplied)].filter(([path, value]) => current.get(path) === value).map(([path]) => path));
}

/** The annotation's new value (lastAppliedUpdater): the configuration as sent, without the annotation, as Go encodes a map. */
function lastAppliedValue(raw: Record<string, unknown>): string {
  const copy = structuredClone(raw);
  const annotations = isObject(copy.metadata) ? copy.metadata.annotations : undefined;
  if (isObject(annotations)) delete annotations[lastAppliedAnnotation];
  return goJson(inGoMapOrder(copy)) + '\n';
}

export interface AppliedLease {
  /** The lease to write: the live one with the configuration applied (its managedFields not yet replaced). */
  lease: Lease;
  managedFields: ManagedFieldsEntry[];
}

/**
 * `config` applied by `manager` onto `live` (an empty lease when there is none yet) at `time`: the merged lease and
 * the managedFields that result. Throws the apiserver's 409 when the apply would change fields other managers own,
 * unless `force`, which takes those fields from them.
 */
export function applyConfiguration(live: Lease, configuration: AppliedConfiguration, manager: string, force: boolean, time: string): AppliedLease {
  const config = configuration.lease;
  const owners = ownershipsOf(live);
  const formerManagedFields = JSON.stringify(managedFieldsOf(owners));
  const applied = new Set(leafFields(config).keys());
  let mine = owners.find((owner) => owner.manager === manager && owner.operation === 'Apply');
  const lastApplied = mine?.paths ?? new Set<string>();
  if (mine) mine.paths = applied;
  else owners.push((mine = { manager, operation: 'Apply', apiVersion: LEASE_API_VERSION, time, paths: applied }));

  const merged = mergeConfiguration(live, config);
  for (const path of lastApplied) if (!owners.some((owner) => owner.paths.has(path))) removeField(merged, path);

  const { changed, removed } = changedFields(leafFields(live), leafFields(merged));
  const others = owners.filter((owner) => owner !== mine).sort((a, b) => (managerIdentifier(a) < managerIdentifier(b) ? -1 : 1));
  const conflicts = others.flatMap((owner) => [...owner.paths].filter((path) => changed.has(path)).sort().map((path) => ({ owner, path })));
  if (conflicts.length > 0 && !force) {
    const allowed = manager === kubectlManager ? fieldsKubectlLastApplied(live) : new Set<string>();
    const remaining = conflicts.filter(({ path }) => !allowed.has(path));
    if (remaining.length > 0) throw conflictError(remaining);
  }
  for (const owner of others) for (const path of [...owner.paths]) if (changed.has(path) || removed.has(path)) owner.paths.delete(path);

  // The applier's time moves when the apply changed the lease or anyone's fields.
  if (writableContent(merged) !== writableContent(live) || JSON.stringify(managedFieldsOf(owners)) !== formerManagedFields) mine.time = time;
  // Set after the fields' owners are worked out, so that the change is nobody's.
  if (manager === kubectlManager && merged.metadata.annotations?.[lastAppliedAnnotation]) {
    merged.metadata.annotations[lastAppliedAnnotation] = lastAppliedValue(configuration.raw);
  }
  return { lease: merged, managedFields: managedFieldsOf(owners) };
}
