// -o chooses the printer once, for every command (kubectl's PrintFlags.ToPrinter): yaml, json and name print
// objects the same way wherever they come from; the default and wide forms are each command's own tables.
import type { Lease } from '../lease/types.js';
import type { OutputFormat } from './output-formats.js';
import { forDisplay, serializerFor } from './serialize.js';
import { escapeCell } from './terminal.js';

/** How -o name (and kubectl) names a lease: lease.coordination.k8s.io/NAME. */
export const NAME_PREFIX = 'lease.coordination.k8s.io/';


/** Prints whole objects: one object, or a v1 List of them. */
export interface ResourcePrinter {
  print(object: unknown): string;
  /** Between objects printed one after another (a watch): yaml's document marker. */
  separator: string;
}

export interface Output {
  /** -o as given; undefined is the command's human-readable form. */
  format: OutputFormat | undefined;
  /** -o wide: the human form with more columns. */
  wide: boolean;
  /** The printer of objects (-o yaml|json|name); undefined for the human forms. */
  resources: ResourcePrinter | undefined;
}

/** A change seen by a watch, printed whole with --output-watch-events (kubectl's metav1.WatchEvent). */
export class WatchEventObject {
  constructor(
    readonly type: string,
    readonly object: Lease,
  ) {}
}

function isLease(object: unknown): object is Lease {
  return typeof object === 'object' && object !== null && typeof (object as Lease).metadata?.name === 'string';
}

function itemsOf(object: unknown): unknown[] | undefined {
  const list = object as { kind?: unknown; items?: unknown };
  return list?.kind === 'List' && Array.isArray(list.items) ? list.items : undefined;
}

/** managedFields are hidden from leases (and the leases of a List) unless --show-managed-fields. */
function displayed(object: unknown, options: OutputOptions): unknown {
  // yaml sorts every key (kubectl converts through JSON maps), so the event's object comes before its type.
  if (object instanceof WatchEventObject) return { object: displayed(object.object, options), type: object.type };
  const items = itemsOf(object);
  if (items) return { ...(object as object), items: items.map((item) => displayed(item, options)) };
  return isLease(object) ? forDisplay(object, options.showManagedFields) : withErrorsWorded(object, options.describeError);
}

/**
 * A report of leasectl's own (gc's, identity's) may hold errors, as a failed delete does: each is printed as the
 * edge words it, a string, since an Error has no JSON of its own.
 */
function withErrorsWorded(value: unknown, describe: ((error: unknown) => string) | undefined): unknown {
  if (value instanceof Error) return describe ? describe(value) : value.message;
  if (Array.isArray(value)) return value.map((item) => withErrorsWorded(item, describe));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withErrorsWorded(item, describe)]));
  return value;
}

/** kubectl's name printer: KIND/NAME for each object (the items of a List). */
function printNames(object: unknown): string {
  const objects = object instanceof WatchEventObject ? [object.object] : (itemsOf(object) ?? [object]);
  return objects.map((item) => (isLease(item) ? `${NAME_PREFIX}${escapeCell(item.metadata.name)}\n` : '')).join('');
}

export interface OutputOptions {
  showManagedFields: boolean;
  /** --allow-missing-template-keys (default true). */
  allowMissingKeys?: boolean;
  noHeaders?: boolean;
  /** Reads a template file (-o jsonpath-file=FILE): the edge does the I/O. */
  readFile?: (path: string) => string;
  /** The edge's words for an error held in a report (gc's failed deletes). */
  describeError?: (error: unknown) => string;
}

/** The printer for -o; a bad template fails here, before any request, in kubectl's words. */
export async function chooseOutput(flag: string | undefined, options: OutputOptions): Promise<Output> {
  const templates = flag === undefined || !/^(jsonpath|custom-columns)/.test(flag) ? undefined : await import('./output-templates.js');
  const template = templates?.templateFormatOf(flag!);
  if (templates && template) {
    const printer = templates.createTemplatePrinter(template.format, template.value, {
      allowMissingKeys: options.allowMissingKeys ?? true,
      noHeaders: options.noHeaders ?? false,
      readFile: options.readFile ?? (() => ''),
    });
    // Templates see the objects as the server sent them, managedFields included, as kubectl's do.
    const print = (object: unknown) => {
      const items = itemsOf(object);
      return items ? printer.print(items, false) : printer.print([object], true);
    };
    return { format: template.format, wide: false, resources: { print, separator: '' } };
  }
  const chosen = flag as OutputFormat | undefined;
  if (chosen === 'json' || chosen === 'yaml') {
    const toText = await serializerFor(chosen);
    const print = (object: unknown): string => {
      // kubectl's JSON of a watch event is its Go struct: type, then the object (whose keys are sorted).
      if (chosen === 'json' && object instanceof WatchEventObject) {
        const inner = JSON.parse(toText(displayed(object.object, options))) as unknown;
        return `${JSON.stringify({ type: object.type, object: inner }, null, 4)}\n`;
      }
      return toText(displayed(object, options));
    };
    return { format: chosen, wide: false, resources: { print, separator: chosen === 'yaml' ? '---\n' : '' } };
  }
  if (chosen === 'name') return { format: chosen, wide: false, resources: { print: printNames, separator: '' } };
  return { format: chosen, wide: chosen === 'wide', resources: undefined };
}
