// The words -o takes: apart from the printers, so that declarations, the printer choice and the template printers
// name them without importing one another.
export const OUTPUT_FORMATS = ['wide', 'yaml', 'json', 'name'] as const;
/** kubectl's template formats of -o, which carry their template after `=` (`-o jsonpath={.spec.holderIdentity}`). */
export const TEMPLATE_FORMATS = ['jsonpath', 'jsonpath-file', 'custom-columns', 'custom-columns-file'] as const;
export type TemplateFormat = (typeof TEMPLATE_FORMATS)[number];
/** -o's word: one of OUTPUT_FORMATS, or a template format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number] | TemplateFormat;
