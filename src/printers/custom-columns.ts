// -o custom-columns=SPEC and -o custom-columns-file=FILE, as kubectl prints them (kubectl pkg/cmd/get/customcolumn.go):
// one JSONPath per column, run with missing keys allowed, values joined by commas, `<none>` where nothing matched,
// laid out by Go's text/tabwriter with kubectl's settings.
import { OutputTemplateError } from './output-template-error.js';
import { JsonPath, JsonPathExecutionError, JsonPathSyntaxError, sprintValue, type JsonPathValue } from './jsonpath.js';

export interface Column {
  header: string;
  /** A complete JSONPath template, `{.metadata.name}`. */
  fieldSpec: string;
}

const RELAXED_PATH = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/;

/** kubectl's RelaxedJSONPathExpression: `metadata.name`, `.metadata.name`, `{metadata.name}` all mean `{.metadata.name}`. */
export function relaxedJsonPathExpression(path: string): string {
  if (path === '') return path;
  const match = RELAXED_PATH.exec(path);
  if (!match) {
    throw new OutputTemplateError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  }
  return `{.${match[1] ?? match[2]}}`;
}

/** `NAME:.metadata.name,HOLDER:.spec.holderIdentity`. */
export function columnsFromSpec(spec: string): Column[] {
  if (spec === '') throw new OutputTemplateError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon === -1) throw new OutputTemplateError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, colon), fieldSpec: relaxedJsonPathExpression(part.slice(colon + 1)) };
  });
}

// bufio.ScanWords splits at unicode.IsSpace.
const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const words = (line: string) => line.split(WHITESPACE).filter((word) => word !== '');
const TEMPLATE_FORMAT = 'Expected format is one line of space separated headers, one line of space separated column specs.';

/** A custom-columns file: a line of headers, then a line of paths, each separated by whitespace. */
export function columnsFromTemplate(text: string): Column[] {
  // bufio.ScanLines: lines end at \n, a \r before it dropped.
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.length < 1) throw new OutputTemplateError(`invalid template, missing header line. ${TEMPLATE_FORMAT}`);
  if (lines.length < 2) throw new OutputTemplateError(`invalid template, missing spec line. ${TEMPLATE_FORMAT}`);
  const headers = words(lines[0]!);
  const specs = words(lines[1]!);
  if (headers.length !== specs.length) {
    throw new OutputTemplateError(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  }
  return headers.map((header, index) => ({ header, fieldSpec: relaxedJsonPathExpression(specs[index]!) }));
}

/** cli-runtime's EscapeTerminal, which is all kubectl escapes in a custom column: ESC and CR. Tabs and newlines pass. */
function escapeColumnValue(text: string): string {
  return text.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');
}

interface Cell {
  text: string;
  /** In runes, as tabwriter counts (not terminal columns). */
  width: number;
  /** Ended by a tab, rather than by the end of its line. */
  tabTerminated: boolean;
}

// kubectl's tabwriter (cli-runtime printers/tabwriter.go): minwidth 6, padding 3, spaces, RememberWidths.
const MIN_WIDTH = 6;
const PADDING = 3;

/**
 * Go's text/tabwriter (liggitt's fork, with RememberWidths) over text with tab-separated cells: a column is as wide
 * as its widest cell plus 3, at least 6; a line's last cell is not padded; a line of one cell flushes what came
 * before it, and the widths seen so far are kept for what follows.
 */
export function tabwrite(text: string): string {
  let output = '';
  let lines: Cell[][] = [[]];
  let cell = '';
  let widths: number[] = [];
  const rememberedWidths: number[] = [];

  const terminateCell = (tabTerminated: boolean) => {
    const line = lines.at(-1)!;
    line.push({ text: cell, width: [...cell].length, tabTerminated });
    cell = '';
    return line.length;
  };

  const writeLines = (line0: number, line1: number) => {
    for (let index = line0; index < line1; index++) {
      lines[index]!.forEach((entry, column) => {
        output += entry.text;
        if (column < widths.length) output += ' '.repeat(widths[column]! - entry.width);
      });
      // The last line is still open: it ends with the next write.
      if (index + 1 < lines.length) output += '\n';
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= lines[current]!.length - 1) continue;
      writeLines(line0, current);
      line0 = current;
      let width = MIN_WIDTH;
      for (; current < line1; current++) {
        const line = lines[current]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + PADDING);
      }
      width = Math.max(width, rememberedWidths[column] ?? 0);
      rememberedWidths[column] = width;
      widths.push(width);
      format(line0, current);
      widths.pop();
      line0 = current;
    }
    writeLines(line0, line1);
  };

  const flush = () => {
    if (cell !== '') terminateCell(false);
    format(0, lines.length);
    lines = [[]];
    widths = [];
  };

  for (const char of text) {
    if (char === '\t' || char === '\v' || char === '\n' || char === '\f') {
      const cells = terminateCell(char === '\t');
      if (char === '\n' || char === '\f') {
        lines.push([]);
        if (char === '\f' || cells === 1) flush();
      }
    } else {
      cell += char;
    }
  }
  flush();
  return output;
}

/** One object's row: each column's values (fmt's %v) joined by commas, `<none>` when its path matched nothing. */
function row(object: unknown, parsers: JsonPath[]): string {
  return parsers
    .map((parser) => {
      const results = parser.findResults(object as JsonPathValue);
      if (results.length === 0 || results[0]!.length === 0) return '<none>';
      return results.flatMap((values) => values.map((value) => escapeColumnValue(sprintValue(value)))).join(',');
    })
    .join('\t');
}

/**
 * The table for these objects (the items of a List, or one object); kubectl prints the header (unless noHeaders)
 * before it parses the paths, so a bad path fails with the header, and the rows before a failing one, on stdout.
 */
export function printCustomColumns(columns: Column[], objects: unknown[], noHeaders: boolean): string {
  const lines: string[] = noHeaders ? [] : [columns.map((column) => column.header).join('\t')];
  try {
    const parsers = columns.map((column) => new JsonPath(column.fieldSpec, true));
    for (const object of objects) lines.push(row(object, parsers));
  } catch (error) {
    if (error instanceof JsonPathSyntaxError || error instanceof JsonPathExecutionError) {
      throw new OutputTemplateError(error.message, tabwrite(lines.map((line) => `${line}\n`).join('')));
    }
    throw error;
  }
  return tabwrite(lines.map((line) => `${line}\n`).join(''));
}
