import tableUtils from 'cli-table3/src/utils.js';
import type { OutputStream } from '../context.js';

// kubectl's tabwriter settings (cli-runtime pkg/printers/tabwriter.go): a cell is at least 6 wide including
// 3 spaces of padding; the last column is not padded.
const MIN_CELL_WIDTH = 6;
const CELL_PADDING = 3;

const PLAIN_TEXT = /^[\x20-\x7e]*$/;

/** Columns a cell takes on a terminal: printable ASCII is one per character; anything else asks cli-table3. */
function displayWidth(cell: string): number {
  return PLAIN_TEXT.test(cell) ? cell.length : tableUtils.strlen(cell);
}


/**
 * A borderless, kubectl-aligned table that can be written in batches (one per list page or watch event):
 * column widths only grow, like tabwriter's RememberWidths, so later rows stay aligned with earlier ones.
 * Rows are padded here rather than laid out by cli-table3's Table, which spent 360 ms on 3,000 rows
 * (docs/performance.md); cli-table3 still measures any cell that is not plain ASCII (colour, wide characters).
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
    const last = this.header.length - 1;
    const cellWidths = lines.map((row) => row.map(displayWidth));
    for (let column = 0; column < last; column++) {
      let widest = 0;
      for (const widths of cellWidths) widest = Math.max(widest, widths[column] ?? 0);
      this.widths[column] = Math.max(this.widths[column] ?? 0, MIN_CELL_WIDTH, widest + CELL_PADDING);
    }
    let text = '';
    lines.forEach((row, index) => {
      let line = '';
      for (let column = 0; column <= last; column++) {
        const cell = row[column] ?? '';
        line += column === last ? cell : cell + ' '.repeat(this.widths[column]! - cellWidths[index]![column]!);
      }
      text += `${line}\n`;
    });
    this.out.write(text);
  }
}
