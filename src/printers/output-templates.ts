// The template formats of -o, as kubectl reads them (cli-runtime genericclioptions/jsonpath_flags.go, kubectl
// get/customcolumn_flags.go): jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC, custom-columns-file=FILE.
// A command asks for a printer once its flags are read (a bad template fails before any request), then hands it
// the raw objects it would print. Load this module with import() when -o names a template format, as yaml.ts is
// loaded: most runs never need it.
import { OutputTemplateError } from './output-template-error.js';
import type { OutputStream } from '../context.js';
import { openFailure } from '../file-errors.js';
import { columnsFromSpec, columnsFromTemplate, printCustomColumns, type Column } from './custom-columns.js';
import { goQuote } from './go-format.js';
import { JsonPath, JsonPathExecutionError, JsonPathSyntaxError, type JsonPathValue } from './jsonpath.js';
import { TEMPLATE_FORMATS, type TemplateFormat } from './output-formats.js';
import { asList } from './serialize.js';


export interface TemplateOptions {
  /** --allow-missing-template-keys (kubectl's default: true): a missing key prints nothing instead of failing. */
  allowMissingKeys: boolean;
  /** --no-headers; custom-columns-file prints its header all the same, as kubectl does. */
  noHeaders: boolean;
  /** Reads a -file form's file (injected: printers do no I/O of their own); throws Node's errno errors. */
  readFile: (path: string) => string;
}

export interface TemplatePrinter {
  /**
   * The text kubectl prints for these objects: a `get` of one named object gets it bare (singleObject), anything
   * else (a list, -l, several names) a v1 List of them. Throws OutputTemplateError, whose `output` kubectl would
   * have printed before the error.
   */
  print(objects: unknown[], singleObject: boolean): string;
}

/** `-o jsonpath=X` → ['jsonpath', 'X']; undefined for -o wide, yaml and the like. */
export function templateFormatOf(output: string): { format: TemplateFormat; value: string } | undefined {
  for (const format of TEMPLATE_FORMATS) {
    if (output === format) return { format, value: '' };
    if (output.startsWith(`${format}=`)) return { format, value: output.slice(format.length + 1) };
  }
  return undefined;
}

function jsonPathPrinter(template: string, allowMissingKeys: boolean): TemplatePrinter {
  let parsed: JsonPath;
  try {
    parsed = new JsonPath(template, allowMissingKeys);
  } catch (error) {
    if (error instanceof JsonPathSyntaxError) throw new OutputTemplateError(`error parsing jsonpath ${template}, ${error.message}`);
    throw error;
  }
  return {
    print(objects, singleObject) {
      const object = singleObject && objects.length === 1 ? objects[0] : asList(objects);
      try {
        return parsed.execute(object as JsonPathValue);
      } catch (error) {
        // kubectl goes on with "Printing more information for debugging the template:", the template and the whole
        // object in Go syntax, over several lines; leasectl's errors are one line, and -o json shows the object.
        if (error instanceof JsonPathExecutionError) {
          throw new OutputTemplateError(`error executing jsonpath ${goQuote(template)}: Error executing template: ${error.message}`);
        }
        // Each range runs its body one call deeper: thousands of nested ranges outgrow Node's stack (not Go's).
        if (error instanceof RangeError) {
          throw new OutputTemplateError('error executing jsonpath: its range blocks nest too deeply to evaluate; nest fewer range ... end');
        }
        throw error;
      }
    },
  };
}

function customColumnsPrinter(columns: Column[], noHeaders: boolean): TemplatePrinter {
  return {
    print(objects, singleObject) {
      return printCustomColumns(columns, singleObject && objects.length === 1 ? [objects[0]] : objects, noHeaders);
    },
  };
}

/** The printer for a template format of -o; throws OutputTemplateError, in kubectl's words, for a bad template. */
export function createTemplatePrinter(format: TemplateFormat, value: string, options: TemplateOptions): TemplatePrinter {
  const read = (what: string) => {
    try {
      return options.readFile(value);
    } catch (error) {
      throw new OutputTemplateError(`error reading ${what} ${value}, ${openFailure(value, error)}`);
    }
  };
  switch (format) {
    case 'jsonpath':
    case 'jsonpath-file':
      if (value === '') throw new OutputTemplateError('template format specified but no template given');
      return jsonPathPrinter(format === 'jsonpath' ? value : read('--template'), options.allowMissingKeys);
    case 'custom-columns':
      return customColumnsPrinter(columnsFromSpec(value), options.noHeaders);
    case 'custom-columns-file':
      if (value === '') throw new OutputTemplateError('custom-columns format specified but no custom columns given');
      return customColumnsPrinter(columnsFromTemplate(read('template')), false);
  }
}

/** Prints through a template printer as kubectl does: what it printed before a failure is still written. */
export function writeTemplated(printer: TemplatePrinter, objects: unknown[], singleObject: boolean, out: OutputStream): void {
  try {
    out.write(printer.print(objects, singleObject));
  } catch (error) {
    if (error instanceof OutputTemplateError && error.output !== '') out.write(error.output);
    throw error;
  }
}
