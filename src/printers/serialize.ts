// `kubectl get -o yaml|json` byte-for-byte where it matters: keys sorted, 4-space JSON, YAML as in yaml.ts,
// several objects wrapped in a v1 List.
import type { Lease } from '../lease/types.js';

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export function toKubectlJson(object: unknown): string {
  return `${JSON.stringify(sortKeysDeep(object), null, 4)}\n`;
}

/** What -o yaml|json shows of a lease: managedFields hidden unless asked for (kubectl --show-managed-fields). */
export function forDisplay(lease: Lease, showManagedFields: boolean): Lease {
  if (showManagedFields || lease.metadata.managedFields === undefined) return lease;
  const { managedFields: _hidden, ...metadata } = lease.metadata;
  return { ...lease, metadata: { ...metadata, name: lease.metadata.name } };
}

export function asList(items: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

export type ObjectFormat = 'json' | 'yaml';

/** The text form of -o json or -o yaml; yaml's library is loaded on first use. */
export async function serializerFor(format: ObjectFormat): Promise<(object: unknown) => string> {
  if (format === 'json') return toKubectlJson;
  const { toKubectlYaml } = await import('./yaml.js');
  return toKubectlYaml;
}

export async function serialize(object: unknown, format: ObjectFormat): Promise<string> {
  return (await serializerFor(format))(object);
}
