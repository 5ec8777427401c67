// metadata.managedFields as the apiserver's field manager keeps them. An Update manager owns the fields it last
// changed; an Apply manager (server-side apply) owns exactly the fields of its last applied configuration. A field
// changed by one manager leaves the others, and managers that own nothing disappear. Fields are the leaves of
// labels, annotations and spec, written as paths joined by "\0".

import type { Lease } from './lease-object.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
}

/** One manager's fields. The apiserver keys managers by name and operation: an applier and an updater of one name are two. */
export interface Ownership {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time: string;
  paths: Set<string>;
}

/** Leaf paths a lease sets, each mapped to its value's JSON for change detection. */
export function leafFields(lease: Lease | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  if (!lease) return fields;
  for (const [key, value] of Object.entries(lease.metadata.labels ?? {})) fields.set(`metadata\0labels\0${key}`, value);
  for (const [key, value] of Object.entries(lease.metadata.annotations ?? {})) fields.set(`metadata\0annotations\0${key}`, value);
  for (const [key, value] of Object.entries(lease.spec ?? {})) if (value !== undefined && value !== null) fields.set(`spec\0${key}`, JSON.stringify(value));
  return fields;
}

/** The paths whose value differs between two leases, or that only one of them sets. */
export function changedFields(before: Map<string, string>, after: Map<string, string>): { changed: Set<string>; removed: Set<string> } {
  const changed = new Set([...after].filter(([path, value]) => before.get(path) !== value).map(([path]) => path));
  const removed = new Set([...before.keys()].filter((path) => !after.has(path)));
  return { changed, removed };
}

/** The ownership each managedFields entry of a lease records, recovered from its fieldsV1 tree. */
export function ownershipsOf(lease: Lease | undefined): Ownership[] {
  const entries = (lease?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  return entries.map((entry) => {
    const paths = new Set<string>();
    const walk = (node: Record<string, unknown>, prefix: string[]) => {
      for (const [key, child] of Object.entries(node)) {
        if (key === '.') continue;
        const path = [...prefix, key.slice(2)];
        const grandchildren = child as Record<string, unknown>;
        if (Object.keys(grandchildren).length === 0) paths.add(path.join('\0'));
        else walk(grandchildren, path);
      }
    };
    walk(entry.fieldsV1, []);
    return { manager: entry.manager, operation: entry.operation, apiVersion: entry.apiVersion, time: entry.time, paths };
  });
}

function fieldsTree(paths: Set<string>, operation: ManagedFieldsOperation): Record<string, unknown> {
  const root: Record<string, Record<string, unknown>> = {};
  for (const path of [...paths].sort()) {
    let node: Record<string, unknown> = root;
    const parts = path.split('\0');
    parts.forEach((part, i) => {
      // An updater that sets labels or annotations also owns the map itself ("."); an applier owns only what it
      // applied (the apiserver derives it from the applied configuration's leaves).
      if (operation === 'Update' && i === parts.length - 1 && i === 2) node['.'] = {};
      node = (node[`f:${part}`] ??= {}) as Record<string, unknown>;
    });
  }
  return sortKeysDeep(root);
}

function sortKeysDeep(node: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(node).sort()) sorted[key] = sortKeysDeep(node[key] as Record<string, unknown>);
  return sorted;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The entries for these ownerships, leaving out managers that own nothing, in the apiserver's order: operation, time, manager. */
export function managedFieldsOf(owners: Ownership[]): ManagedFieldsEntry[] {
  return owners
    .filter((owner) => owner.paths.size > 0)
    .map((owner): ManagedFieldsEntry => ({
      manager: owner.manager, operation: owner.operation, apiVersion: owner.apiVersion, time: owner.time, fieldsType: 'FieldsV1', fieldsV1: fieldsTree(owner.paths, owner.operation),
    }))
    .sort((a, b) => byName(a.operation, b.operation) || byName(a.time, b.time) || byName(a.manager, b.manager));
}

/** The managedFields after `manager` wrote `next` over `previous` at `time` (RFC 3339, seconds) with an Update. */
export function updateManagedFields(previous: Lease | undefined, next: Lease, manager: string, apiVersion: string, time: string): ManagedFieldsEntry[] {
  const owners = ownershipsOf(previous);
  const { changed, removed } = changedFields(leafFields(previous), leafFields(next));
  for (const owner of owners) for (const path of [...owner.paths]) if (removed.has(path) || changed.has(path)) owner.paths.delete(path);
  if (changed.size > 0) {
    let mine = owners.find((owner) => owner.manager === manager && owner.operation === 'Update');
    if (!mine) owners.push((mine = { manager, operation: 'Update', apiVersion, time, paths: new Set() }));
    for (const path of changed) mine.paths.add(path);
    mine.time = time;
  }
  return managedFieldsOf(owners);
}
