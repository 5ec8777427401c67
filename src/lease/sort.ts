// --sort-by: kubectl takes a JSONPath such as `.spec.renewTime` or `{.metadata.name}`; leasectl supports the
// dotted-field subset, which covers every Lease field.
import type { Lease } from './types.js';

export function parseSortPath(expression: string): string[] | undefined {
  const inner = expression.trim().replace(/^\{(.*)\}$/, '$1').trim();
  if (!/^(\.[A-Za-z0-9_-]+)+$/.test(inner)) return undefined;
  return inner.slice(1).split('.');
}

function valueAt(lease: Lease, path: string[]): unknown {
  let value: unknown = lease;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Whether any lease has a value at the path: kubectl refuses a --sort-by path that matches nothing. */
export function anyHasField(leases: Lease[], path: string[]): boolean {
  return leases.some((lease) => valueAt(lease, path) !== undefined);
}

/** Stable sort; numbers numerically, everything else as text (RFC 3339 times sort as text); missing values first. */
export function sortLeases(leases: Lease[], path: string[]): Lease[] {
  const rank = (value: unknown) => (value === undefined || value === null ? 0 : 1);
  return [...leases].sort((a, b) => {
    const left = valueAt(a, path);
    const right = valueAt(b, path);
    if (rank(left) !== rank(right)) return rank(left) - rank(right);
    if (typeof left === 'number' && typeof right === 'number') return left - right;
    const x = String(left ?? '');
    const y = String(right ?? '');
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
