export { createLeasePrinter, printObjects, leaseRow, tableHeader, NAME_PREFIX, OUTPUT_FORMATS } from './leases.js';
export type { LeasePrinter, LeasePrinterOptions, OutputFormat } from './leases.js';
export { escapeCell, TableWriter } from './table.js';
export { escapeTerminal } from './terminal.js';
export { serialize, serializerFor, toKubectlJson, asList, forDisplay } from './serialize.js';
export type { ObjectFormat } from './serialize.js';
export { createTemplatePrinter, templateFormatOf, writeTemplated, TEMPLATE_FORMATS } from './output-templates.js';
export type { TemplateFormat, TemplateOptions, TemplatePrinter } from './output-templates.js';
export { OutputTemplateError } from './jsonpath.js';
