// metadata.managedFields for Update operations: each manager owns the fields it last changed, a field changed
// by one manager leaves the others, and managers that own nothing disappear (as the apiserver's field manager does).

import type { Lease } from './lease-object.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
}

/** Leaf paths a lease sets, each mapped to its value's JSON for change detection. */
function leafFields(lease: Lease | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  if (!lease) return fields;
  for (const [key, value] of Object.entries(lease.metadata.labels ?? {})) fields.set(`metadata\0labels\0${key}`, value);
  for (const [key, value] of Object.entries(lease.metadata.annotations ?? {})) fields.set(`metadata\0annotations\0${key}`, value);
  for (const [key, value] of Object.entries(lease.spec ?? {})) if (value !== undefined && value !== null) fields.set(`spec\0${key}`, JSON.stringify(value));
  return fields;
}

/** Field paths owned by each manager, recovered from the entries' fieldsV1 trees. */
function ownedPaths(entries: ManagedFieldsEntry[]): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  for (const entry of entries) {
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
    owners.set(entry.manager, paths);
  }
  return owners;
}

function fieldsTree(paths: Set<string>): Record<string, unknown> {
  const root: Record<string, Record<string, unknown>> = {};
  for (const path of [...paths].sort()) {
    let node: Record<string, unknown> = root;
    const parts = path.split('\0');
    parts.forEach((part, i) => {
      // Maps (labels, annotations) carry a "." entry: the manager also owns the map itself.
      if (i === parts.length - 1 && i === 2) node['.'] = {};
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

/** The managedFields after `manager` wrote `next` over `previous` at `time` (RFC 3339, seconds). */
export function updateManagedFields(previous: Lease | undefined, next: Lease, manager: string, apiVersion: string, time: string): ManagedFieldsEntry[] {
  const entries = (previous?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const owners = ownedPaths(entries);
  const before = leafFields(previous);
  const after = leafFields(next);
  const changed = [...after].filter(([path, value]) => before.get(path) !== value).map(([path]) => path);
  const times = new Map(entries.map((entry) => [entry.manager, entry.time]));

  for (const [, paths] of owners) {
    for (const path of [...paths]) if (!after.has(path) || changed.includes(path)) paths.delete(path);
  }
  if (changed.length > 0) {
    const mine = owners.get(manager) ?? new Set<string>();
    for (const path of changed) mine.add(path);
    owners.set(manager, mine);
    times.set(manager, time);
  }

  const result: ManagedFieldsEntry[] = [];
  for (const [owner, paths] of owners) {
    if (paths.size === 0) continue;
    result.push({ manager: owner, operation: 'Update', apiVersion, time: times.get(owner) ?? time, fieldsType: 'FieldsV1', fieldsV1: fieldsTree(paths) });
  }
  // The apiserver orders entries by operation, then time, then manager.
  return result.sort((a, b) => (a.time !== b.time ? (a.time < b.time ? -1 : 1) : a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
}
