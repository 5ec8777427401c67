import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const DOC = 'docs/hostile-inputs.md';

interface HostileInputRow {
  line: number;
  input: string;
  outcome: string;
  testFile: string;
  testTitle: string;
}

/** Rows look like `| input | outcome | test/e2e/x.test.ts › exact test title |`. */
function hostileInputRows(): HostileInputRow[] {
  const rows: HostileInputRow[] = [];
  readFileSync(resolve(root, DOC), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (!text.startsWith('| ') || text.startsWith('| input ') || text.startsWith('| ---')) return;
      const cells = text.slice(2, -2).split(' | ');
      const [testFile = '', testTitle = ''] = (cells.at(-1) ?? '').split(' › ');
      rows.push({ line: index + 1, input: cells[0] ?? '', outcome: cells.slice(1, -1).join(' | '), testFile, testTitle });
    });
  return rows;
}

describe(DOC, () => {
  const rows = hostileInputRows();

  it('names, for every hostile input, a test file that exists and holds a test with that exact title', () => {
    for (const row of rows) {
      const where = `${DOC}:${row.line}`;
      expect(row.input, `${where}: input`).not.toBe('');
      expect(row.outcome, `${where}: outcome`).not.toBe('');
      expect(existsSync(resolve(root, row.testFile)), `${where}: ${row.testFile} exists`).toBe(true);
      const source = readFileSync(resolve(root, row.testFile), 'utf8');
      expect(source.includes(row.testTitle), `${where}: ${row.testFile} has a test titled ${JSON.stringify(row.testTitle)}`).toBe(true);
    }
  });
});
