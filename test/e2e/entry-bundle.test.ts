// What every start parses: the entry bundle and the chunks it imports statically. Command bodies, printers of
// tables and templates, and the Kubernetes client are imported only when a command runs (docs/performance.md).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const entry = resolve(import.meta.dirname, '../../dist/leasectl.mjs');

/** The entry and every file it imports statically (not through import()), with their text. */
function staticClosure(file: string, seen = new Map<string, string>()): Map<string, string> {
  if (seen.has(file)) return seen;
  const text = readFileSync(file, 'utf8');
  seen.set(file, text);
  for (const match of text.matchAll(/(?:^|[;}])\s*(?:import|export)\s*(?:[\w*{][^"']*?from\s*)?["'](\.[^"']+)["']/g)) {
    staticClosure(resolve(dirname(file), match[1]!), seen);
  }
  return seen;
}

describe('the entry bundle', () => {
  const closure = staticClosure(entry);
  const text = [...closure.values()].join('\n');

  it('holds the declarations and commander, and no command body, table printer, template engine or client', () => {
    expect(text).toContain('run a command while holding a lease'); // hold's declaration
    for (const [marker, what] of [
      ['error parsing jsonpath', 'the jsonpath printer'],
      ['strlen', "cli-table3's cell measuring"],
      ['No resources found', "list's body"],
      ['loadFromString', 'the Kubernetes client'],
      ['compdef', 'the completion scripts'],
    ] as const) {
      expect(text.includes(marker), `${what} is on the path of every start`).toBe(false);
    }
  });

  it('stays small: under 150 KB over all its files', () => {
    const bytes = [...closure.values()].reduce((sum, file) => sum + Buffer.byteLength(file), 0);
    expect(bytes).toBeLessThan(150_000);
  });
});
