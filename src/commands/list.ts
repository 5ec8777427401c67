import { InvalidArgumentError } from 'commander';
import { OUTPUT_FORMATS } from '../printers/output-formats.js';
import type { Output } from '../printers/resource-printer.js';
import type { CommandDeclaration } from './declaration.js';
import { ALLOW_MISSING_TEMPLATE_KEYS_FLAG,
  ALL_NAMESPACES_FLAG,
  COMMON_EXIT_CODES,
  leaseNamesArgument,
  NO_HEADERS_FLAG,
  outputFlag,
  SELECTOR_FLAG,
  SHOW_MANAGED_FIELDS_FLAG,
  WATCH_FLAG,
} from './options.js';

export interface ListOptions {
  names: string[];
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  output: Output;
  headers: boolean;
  chunkSize: number;
  sortBy?: string;
  watch?: boolean;
  watchOnly?: boolean;
  outputWatchEvents?: boolean;
  showLabels?: boolean;
  labelColumns?: string[];
  showManagedFields?: boolean;
}

/** kubectl's -L: comma-separated keys, and the flag may be repeated. */
function labelColumnsArgument(text: string, previous: unknown): string[] {
  return [...((previous as string[] | undefined) ?? []), ...text.split(',').filter((key) => key !== '')];
}

/** Far beyond any real page: a larger number is a typo, and 0 already fetches everything at once. */
const MAX_CHUNK_SIZE = 1_000_000;

/** kubectl's --chunk-size: 0 turns chunking off; negatives and absurd sizes are refused (kubectl sends them as they are). */
function chunkSizeArgument(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value <= MAX_CHUNK_SIZE)) {
    throw new InvalidArgumentError(`expected a whole number from 0 (no chunking: all at once) to ${MAX_CHUNK_SIZE}, got "${text}"`);
  }
  return value;
}

export const listCommand: CommandDeclaration<ListOptions> = {
  name: 'list',
  aliases: ['ls'],
  summary: 'list leases with their holders, like kubectl get lease',
  description:
    'List leases in a namespace (or all namespaces), with the holder and age columns of `kubectl get lease`. -o wide adds what kubectl cannot show: when each lease was renewed, its duration, when it expires ' +
    "(judged by this machine's clock), how many times it changed hands, and when the holder acquired it.",
  arguments: [{ spelling: '[names...]', key: 'names', description: 'only these leases', parse: leaseNamesArgument }],
  flags: [
    ALL_NAMESPACES_FLAG,
    SELECTOR_FLAG,
    { spelling: '--field-selector <selector>', description: 'field selector (the API serves metadata.name and metadata.namespace)' },
    outputFlag(OUTPUT_FORMATS, { templates: true }),
    ALLOW_MISSING_TEMPLATE_KEYS_FLAG,
    NO_HEADERS_FLAG,
    { spelling: '--chunk-size <n>', description: 'fetch this many leases per request (0: all at once)', parse: chunkSizeArgument, default: { value: 500 } },
    { spelling: '--sort-by <jsonpath>', description: 'sort by a field, e.g. --sort-by .spec.renewTime' },
    WATCH_FLAG,
    { spelling: '--watch-only', description: 'print changes as they happen, without listing first (until interrupted)' },
    { spelling: '--output-watch-events', description: 'with -w or --watch-only, print each change as a watch event: an EVENT column, or {type, object}' },
    { spelling: '--show-labels', description: 'add a LABELS column with every label of each lease' },
    { spelling: '-L, --label-columns <keys>', description: 'add a column for each of these label keys (comma-separated, repeatable)', parse: labelColumnsArgument },
    SHOW_MANAGED_FIELDS_FLAG,
  ],
  examples: [
    { comment: 'Which kube-apiservers are alive', command: 'leasectl list -n kube-system -l apiserver.kubernetes.io/identity=kube-apiserver -o wide' },
    { comment: 'Node heartbeats, stalest first', command: 'leasectl list -n kube-node-lease -o wide --sort-by .spec.renewTime' },
    { comment: 'Every lease in the cluster, as names', command: 'leasectl list -A -o name' },
    { comment: 'Follow changes to one lease', command: 'leasectl list example-foo -w' },
  ],
  exitCodes: COMMON_EXIT_CODES,
};
