// `kubectl get -o yaml|json` byte-for-byte where it matters: keys sorted, 4-space JSON, YAML through JSON
// with YAML 1.1 quoting (sigs.k8s.io/yaml + go-yaml v2), several objects wrapped in a v1 List.
import YAML, { Scalar } from 'yaml';
import type { Lease } from '../lease/types.js';

/** go-yaml v2 orders map keys with digit runs compared as numbers (a2 < a10). */
function compareKeysLikeGoYaml(a: string, b: string): number {
  const runs = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const left = runs(a);
  const right = runs(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/** A string a YAML 1.1 or 1.2 reader would take for something else (yes, 0123, a timestamp) must be quoted. */
function readsAsSomethingElse(text: string): boolean {
  try {
    return (
      YAML.parse(text, { logLevel: 'silent' }) !== text ||
      YAML.parse(text, { version: '1.1', logLevel: 'silent' }) !== text
    );
  } catch {
    return false;
  }
}

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

export function toKubectlYaml(object: unknown): string {
  const document = new YAML.Document(object, { version: '1.1', sortMapEntries: (a, b) => compareKeysLikeGoYaml(String(a.key), String(b.key)) });
  YAML.visit(document, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && !node.value.includes('\n') && readsAsSomethingElse(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return document.toString({ indentSeq: false });
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

export function serialize(object: unknown, format: ObjectFormat): string {
  return format === 'json' ? toKubectlJson(object) : toKubectlYaml(object);
}
