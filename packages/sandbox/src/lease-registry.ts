// The Lease REST storage: create, update (with create-on-update), patch, delete and deletecollection with the
// registry's ordering of checks (preconditions, optimistic concurrency, validation), on top of LeaseStore.

import { randomUUID } from 'node:crypto';
import type { Lease, ObjectMeta } from './lease-object.js';
import { LEASE_API_VERSION, writableContent } from './lease-object.js';
import { byKey } from './json.js';
import type { FeatureGates } from './feature-gates.js';
import { type ManagedFieldsEntry, updateManagedFields } from './managed-fields.js';
import { type AppliedConfiguration, applyConfiguration } from './server-side-apply.js';
import { leaseErrors } from './lease-validation.js';
import { formatTime } from './micro-time.js';
import { type LeaseRecord, type LeaseStore, makeRecord } from './store.js';
import {
  alreadyExists, badRequest, conflict, type FieldError, goQuote, invalid, leasesResource, namespacesResource, notFound,
  optimisticLockMessage, unclassifiedError,
} from './status.js';

export interface WriteOptions {
  /** Who is writing, for managedFields. */
  manager: string;
  /** `dryRun=All`: validate and answer, store nothing. */
  dryRun: boolean;
  /** The managedFields a server-side apply worked out; otherwise the write is an Update by `manager`. */
  managedFields?: ManagedFieldsEntry[];
}

/** A server-side apply's options (PatchOptions.force). */
export interface ApplyOptions extends WriteOptions {
  force: boolean;
}

export const propagationPolicies = ['Foreground', 'Background', 'Orphan'] as const;
export type PropagationPolicy = (typeof propagationPolicies)[number];

/** The finalizer a delete with this policy leaves for the garbage collector. */
const propagationFinalizers: Partial<Record<PropagationPolicy, string>> = { Foreground: 'foregroundDeletion', Orphan: 'orphan' };

export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

const leaseKind = { group: 'coordination.k8s.io', kind: 'Lease' };
/** Delete preconditions name the Kind, not the resource (rest.BeforeDelete builds the GroupResource from the GVK). */
const leaseKindAsResource = { group: 'coordination.k8s.io', resource: 'Lease' };

/** Rebuilds metadata in the apiserver's field order; `undefined` fields are left out. */
function orderedMetadata(fields: ObjectMeta): ObjectMeta {
  const order = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
  const result: ObjectMeta = { name: fields.name };
  for (const key of order) if (fields[key] !== undefined) result[key] = fields[key];
  if (result.labels) result.labels = byKey(result.labels);
  if (result.annotations) result.annotations = byKey(result.annotations);
  return result;
}

/** metadata.finalizers, which decodeObjectMeta has checked to be strings. */
const finalizersOf = (lease: Lease) => (lease.metadata.finalizers as string[] | undefined) ?? [];

/** The LeaseSpec fields behind the CoordinatedLeaderElection gate. */
const coordinatedFields = ['strategy', 'preferredHolder'] as const;

/**
 * The gated fields a write may keep, as the lease strategy's PrepareForCreate (`previous` undefined) and
 * PrepareForUpdate decide it: with the gate off, only what the stored lease already had survives.
 */
function withoutDisabledFields(lease: Lease, gates: FeatureGates, previous: Lease | undefined): Lease {
  if (gates.CoordinatedLeaderElection || !lease.spec) return lease;
  const spec = { ...lease.spec };
  for (const field of coordinatedFields) if (previous?.spec?.[field] == null) delete spec[field];
  return { ...lease, spec };
}

const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export class LeaseRegistry {
  constructor(
    private readonly store: LeaseStore,
    private readonly namespaceExists: (namespace: string) => boolean,
    private readonly serverNow: () => number,
    private readonly featureGates: FeatureGates = {},
  ) {}

  get(namespace: string, name: string): LeaseRecord {
    const record = this.store.get(namespace, name);
    if (!record) throw notFound(leasesResource, name);
    return record;
  }

  /** POST. `lease` is the decoded body; the URL's namespace wins over an empty one in the body. */
  create(namespace: string, lease: Lease, options: WriteOptions): { record: LeaseRecord; stored: boolean } {
    if (lease.metadata.namespace && lease.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const metadata: ObjectMeta = { ...lease.metadata, namespace };
    const generateName = metadata.generateName;
    if (!metadata.name && typeof generateName === 'string' && generateName) {
      metadata.name = generateName + Array.from({ length: 5 }, () => generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)]).join('');
    }
    return this.createChecked({ ...lease, metadata }, options, true);
  }

  private createChecked(written: Lease, options: WriteOptions, rejectResourceVersion: boolean): { record: LeaseRecord; stored: boolean } {
    const lease = withoutDisabledFields(written, this.featureGates, undefined);
    const namespace = lease.metadata.namespace!;
    if (!this.namespaceExists(namespace)) throw notFound(namespacesResource, namespace);
    const errors = leaseErrors(lease);
    if (errors.length > 0) throw invalid(leaseKind.group, leaseKind.kind, lease.metadata.name, errors);
    if (rejectResourceVersion && lease.metadata.resourceVersion) {
      throw unclassifiedError('resourceVersion should not be set on objects to be created');
    }
    if (this.store.get(namespace, lease.metadata.name)) throw alreadyExists(leasesResource, lease.metadata.name);

    const now = this.serverNow();
    const build = (resourceVersion: number | undefined): Lease => {
      const metadata = orderedMetadata({
        ...lease.metadata,
        uid: randomUUID(),
        resourceVersion: resourceVersion === undefined ? undefined : String(resourceVersion),
        creationTimestamp: formatTime(now),
        deletionTimestamp: undefined,
        deletionGracePeriodSeconds: undefined,
        managedFields: undefined,
      });
      const created: Lease = { metadata, spec: lease.spec ?? {} };
      const managedFields = options.managedFields ?? updateManagedFields(undefined, created, options.manager, LEASE_API_VERSION, formatTime(now));
      if (managedFields.length > 0) created.metadata = orderedMetadata({ ...metadata, managedFields });
      return created;
    };
    // A dry run answers with the object as it would be stored, minus the resourceVersion it never got.
    if (options.dryRun) return { record: makeRecord(build(undefined), 0), stored: false };
    return { record: this.store.put(build), stored: true };
  }

  /** PUT: a compare-and-swap on metadata.resourceVersion, or a create when the name is free. */
  update(namespace: string, name: string, lease: Lease, options: WriteOptions): { record: LeaseRecord; created: boolean } {
    if (lease.metadata.name !== name) {
      throw badRequest(`the name of the object (${lease.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (lease.metadata.namespace && lease.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const existing = this.store.get(namespace, name);
    const preconditionUid = lease.metadata.uid;
    if (preconditionUid && preconditionUid !== (existing?.lease.metadata.uid ?? '')) {
      throw conflict(leasesResource, name, `Precondition failed: UID in precondition: ${preconditionUid}, UID in object meta: ${existing?.lease.metadata.uid ?? ''}`);
    }
    if (!existing) {
      const { record } = this.createChecked({ ...lease, metadata: { ...lease.metadata, namespace } }, options, false);
      return { record, created: true };
    }
    return { record: this.replace(existing, { ...lease, metadata: { ...lease.metadata, namespace } }, options), created: false };
  }

  /** Applies a patch (already merged into the full object) as an update of `existing`. */
  patch(existing: LeaseRecord, patched: Lease, options: WriteOptions): LeaseRecord {
    const errors: FieldError[] = [];
    if (patched.metadata.name !== existing.name) {
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: goQuote(patched.metadata.name), detail: 'field is immutable' });
    }
    // An empty namespace is filled in from the URL (rest.ValidNamespace); only a different one is refused.
    if (patched.metadata.namespace && patched.metadata.namespace !== existing.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (errors.length > 0) throw invalid(leaseKind.group, leaseKind.kind, patched.metadata.name, errors);
    return this.replace(existing, { ...patched, metadata: { ...patched.metadata, namespace: existing.namespace } }, options);
  }

  /**
   * PATCH with an apply patch: `config` applied by `options.manager` onto the lease, or onto an empty one, which
   * creates it. Conflicts are found before the name is checked, and both before the resourceVersion a configuration
   * may carry is held against the stored one (the patch handler's order).
   */
  apply(namespace: string, name: string, config: AppliedConfiguration, options: ApplyOptions): { record: LeaseRecord; created: boolean } {
    const existing = this.store.get(namespace, name);
    const live: Lease = existing?.lease ?? { metadata: { name: '' }, spec: {} };
    const { lease, managedFields } = applyConfiguration(live, config, options.manager, options.force, formatTime(this.serverNow()));
    const { uid } = lease.metadata;
    if (!existing && uid) throw conflict(leasesResource, name, `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
    if (lease.metadata.name !== name) {
      throw badRequest(`the name of the object (${lease.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (lease.metadata.namespace && lease.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const written: Lease = { ...lease, metadata: { ...lease.metadata, namespace } };
    const writeOptions: WriteOptions = { manager: options.manager, dryRun: options.dryRun, managedFields };
    if (!existing) return { record: this.createChecked(written, writeOptions, false).record, created: true };
    return { record: this.replace(existing, written, writeOptions), created: false };
  }

  private replace(existing: LeaseRecord, written: Lease, options: WriteOptions): LeaseRecord {
    const lease = withoutDisabledFields(written, this.featureGates, existing.lease);
    const name = existing.name;
    const requested = lease.metadata.resourceVersion;
    if (!requested) {
      throw invalid(leasesResource.group, leasesResource.resource, name, [
        { type: 'FieldValueInvalid', field: 'metadata.resourceVersion', value: '0x0', detail: 'must be specified for an update' },
      ]);
    }
    if (!/^\d+$/.test(requested)) {
      throw conflict(leasesResource, name, `metadata.resourceVersion: Invalid value: ${goQuote(requested)}: strconv.ParseUint: parsing ${goQuote(requested)}: invalid syntax`);
    }
    if (Number(requested) !== existing.resourceVersion) throw conflict(leasesResource, name, optimisticLockMessage);

    const errors = leaseErrors(lease);
    const uid = lease.metadata.uid || existing.lease.metadata.uid;
    if (uid !== existing.lease.metadata.uid) {
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.uid', value: goQuote(uid ?? ''), detail: 'field is immutable' });
    }
    const terminating = existing.lease.metadata.deletionTimestamp !== undefined;
    const finalizers = finalizersOf(lease);
    const added = finalizers.filter((finalizer) => !finalizersOf(existing.lease).includes(finalizer));
    if (terminating && added.length > 0) {
      errors.push({ type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map(goQuote).join(', ')}}` });
    }
    if (errors.length > 0) throw invalid(leaseKind.group, leaseKind.kind, name, errors);

    const sameManagedFields = options.managedFields === undefined || JSON.stringify(options.managedFields) === JSON.stringify(existing.lease.metadata.managedFields ?? []);
    if (writableContent(lease) === writableContent(existing.lease) && sameManagedFields) return existing;
    // Removing the last finalizer of a lease being deleted completes the deletion instead of writing it.
    if (terminating && finalizers.length === 0) return options.dryRun ? existing : this.store.remove(existing);
    const now = this.serverNow();
    const build = (resourceVersion: number): Lease => {
      const next: Lease = {
        metadata: orderedMetadata({
          ...lease.metadata,
          uid: existing.lease.metadata.uid,
          resourceVersion: String(resourceVersion),
          creationTimestamp: existing.lease.metadata.creationTimestamp,
          deletionTimestamp: existing.lease.metadata.deletionTimestamp,
          deletionGracePeriodSeconds: existing.lease.metadata.deletionGracePeriodSeconds,
          managedFields: undefined,
        }),
        spec: lease.spec ?? {},
      };
      const managedFields = options.managedFields ?? updateManagedFields(existing.lease, next, options.manager, LEASE_API_VERSION, formatTime(now));
      if (managedFields.length > 0) next.metadata = orderedMetadata({ ...next.metadata, managedFields });
      return next;
    };
    if (options.dryRun) return makeRecord(build(existing.resourceVersion), existing.resourceVersion);
    return this.store.put(build);
  }

  /**
   * DELETE with optional preconditions. A lease with finalizers is only marked (deletionTimestamp) and stays until
   * an update removes the last one; `pending` says so, and the apiserver then answers with the object itself.
   * Foreground and Orphan propagation add their finalizer the same way; the garbage collector, finding that a Lease
   * has no dependents, then removes it at once, so such a delete completes (a MODIFIED, then a DELETED event).
   */
  delete(namespace: string, name: string, preconditions: DeletePreconditions, dryRun: boolean, propagation: PropagationPolicy = 'Background'): { record: LeaseRecord; pending: boolean } {
    const existing = this.get(namespace, name);
    const { uid, resourceVersion } = existing.lease.metadata;
    if (preconditions.uid !== undefined && preconditions.uid !== uid) {
      throw conflict(leaseKindAsResource, name, `the UID in the precondition (${preconditions.uid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`);
    }
    if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== resourceVersion) {
      throw conflict(leaseKindAsResource, name, `the ResourceVersion in the precondition (${preconditions.resourceVersion}) does not match the ResourceVersion in record (${resourceVersion}). The object might have been modified`);
    }
    const finalizers = finalizersOf(existing.lease);
    const gcFinalizer = propagationFinalizers[propagation];
    if (finalizers.length === 0 && gcFinalizer === undefined) {
      return { record: dryRun ? existing : this.store.remove(existing), pending: false };
    }
    if (dryRun || existing.lease.metadata.deletionTimestamp !== undefined) return { record: existing, pending: true };
    const deletionTimestamp = formatTime(this.serverNow());
    const marked = finalizers.length === 0 && gcFinalizer !== undefined ? [gcFinalizer] : finalizers;
    const record = this.store.put((rv) => ({
      ...existing.lease,
      metadata: orderedMetadata({ ...existing.lease.metadata, resourceVersion: String(rv), deletionTimestamp, deletionGracePeriodSeconds: 0, finalizers: marked }),
    }));
    if (finalizers.length === 0) this.store.remove(record);
    return { record, pending: true };
  }

  /** Removes every lease of a namespace (the namespace controller's work, done at once). */
  removeNamespace(namespace: string): void {
    for (const record of this.store.list(namespace)) this.store.remove(record);
  }
}
