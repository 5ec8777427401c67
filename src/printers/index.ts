export { createLeasePrinter, printObjects, leaseRow, tableHeader, NAME_PREFIX, OUTPUT_FORMATS } from './leases.js';
export type { LeasePrinter, LeasePrinterOptions, OutputFormat } from './leases.js';
export { escapeCell, TableWriter } from './table.js';
export { escapeTerminal } from './terminal.js';
export { serialize, serializerFor, toKubectlJson, asList, forDisplay } from './serialize.js';
export type { ObjectFormat } from './serialize.js';
