import Table from 'cli-table3';
import tableUtils from 'cli-table3/src/utils.js';
import type { OutputStream } from '../context.js';

// kubectl's tabwriter settings (cli-runtime pkg/printers/tabwriter.go): a cell is at least 6 wide including
// 3 spaces of padding; the last column is not padded.
const MIN_CELL_WIDTH = 6;
const CELL_PADDING = 3;

const NO_BORDER = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
};

/**
 * Cuts a cell at its first line break and escapes terminal control characters, as kubectl does
 * (cli-runtime printers/terminal.go) against escape-sequence attacks through attacker-controlled text
 * such as a holderIdentity.
 */
export function escapeCell(text: string): string {
  const lineBreak = text.search(/[\n\r\f]/);
  const firstLine = lineBreak === -1 ? text : `${text.slice(0, lineBreak)}...`;
  // eslint-disable-next-line no-control-regex
  return firstLine.replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, (char) =>
    char === '\u001b' ? '^[' : `^${String.fromCharCode(char.charCodeAt(0) + 64)}`,
  );
}

/**
 * A borderless, kubectl-aligned table that can be written in batches (one per list page or watch event):
 * column widths only grow, like tabwriter's RememberWidths, so later rows stay aligned with earlier ones.
 */
export class TableWriter {
  private widths: number[] = [];
  private headerPending: boolean;

  constructor(
    private readonly out: OutputStream,
    private readonly header: string[],
    showHeader: boolean,
  ) {
    this.headerPending = showHeader;
  }

  /** Rows hold display text; colour codes are allowed and do not count toward width. */
  write(rows: string[][]): void {
    if (rows.length === 0) return;
    const lines = this.headerPending ? [this.header, ...rows] : rows;
    this.headerPending = false;
    const columns = this.header.length;
    for (let column = 0; column < columns; column++) {
      const widest = Math.max(...lines.map((row) => tableUtils.strlen(row[column] ?? '')));
      const isLast = column === columns - 1;
      const width = isLast ? widest : Math.max(MIN_CELL_WIDTH, widest + CELL_PADDING);
      this.widths[column] = Math.max(this.widths[column] ?? 0, width);
    }
    const table = new Table({
      chars: NO_BORDER,
      colWidths: this.widths.map((width) => Math.max(width, 1)),
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
      wordWrap: false,
    });
    table.push(...lines.map((row) => row.map((cell) => cell ?? '')));
    const text = table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n');
    this.out.write(`${text}\n`);
  }
}
