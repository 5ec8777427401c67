export { createLeasePrinter, leaseRow, tableHeader } from './leases.js';
export type { LeasePrinter, LeasePrinterOptions } from './leases.js';
export { chooseOutput, NAME_PREFIX, OUTPUT_FORMATS } from './resource-printer.js';
export type { Output, OutputFormat, ResourcePrinter } from './resource-printer.js';
export { TableWriter } from './table.js';
export { escapeCell, escapeTerminal } from './terminal.js';
export { serialize, serializerFor, toKubectlJson, asList, forDisplay } from './serialize.js';
export type { ObjectFormat } from './serialize.js';
