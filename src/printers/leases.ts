// Output for lists of leases, by the printer -o chose. Rows stream page by page (or event by event with -w); yaml
// and json collect everything and print one object or a v1 List at the end, as kubectl does.
import type { ChalkInstance } from 'chalk';
import type { OutputStream } from '../context.js';
import { leaseState, type LeaseState } from '../lease/state.js';
import { formatDuration, parseKubeTime } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import { humanDuration } from './human-duration.js';
import { describeExpiry } from './lease-descriptions.js';
import type { WatchEventType } from '../kube/lease-client.js';
import { WatchEventObject, type Output } from './resource-printer.js';
import { asList } from './serialize.js';
import { TableWriter } from './table.js';
import { escapeCell } from './terminal.js';

export interface LeasePrinterOptions {
  out: OutputStream;
  output: Output;
  withNamespace: boolean;
  noHeaders: boolean;
  /** Colours expired and released rows; undefined prints plain text (see colourer()). */
  chalk: ChalkInstance | undefined;
  /** The result is one named object: yaml/json print it bare instead of in a List. */
  singleObject: boolean;
  /**
   * -w: yaml/json print every object as it comes, the listing included, yaml separated by `---`, and nothing for an
   * empty listing (kubectl get -w does the same), instead of one List at the end.
   */
  streaming: boolean;
  now: () => number;
  /** -L KEY,...: a column per label key, headed by the key's last segment in capitals. */
  labelColumns?: readonly string[];
  /** --show-labels: a last LABELS column, k=v,k2=v2 (sorted) or <none>. */
  showLabels?: boolean;
  /** --output-watch-events: an EVENT column first (ADDED for the listing), or whole watch events for yaml/json. */
  watchEvents?: boolean;
}

export interface LeasePrinter {
  /** Prints (or, for yaml/json, collects) a batch of leases. */
  print(leases: Lease[]): void;
  /** Prints one change seen by a watch: a row, a name, or a whole object. */
  printWatched(lease: Lease, event: WatchEventType): void;
  /** Writes what was collected; returns how many leases were printed in all. */
  finish(): number;
}

function ageOf(timestamp: string | undefined, now: number): string {
  const at = parseKubeTime(timestamp);
  return at === undefined ? '<unknown>' : humanDuration(now - at);
}

const WIDE_COLUMNS = ['RENEWED', 'DURATION', 'EXPIRES', 'TRANSITIONS', 'ACQUIRED'];

function wideCells(state: LeaseState, now: number): string[] {
  return [
    state.renewedAt === undefined ? '<none>' : humanDuration(now - state.renewedAt),
    state.durationSeconds === undefined ? '<none>' : formatDuration(state.durationSeconds * 1000),
    describeExpiry(state, now),
    state.transitions === undefined ? '<none>' : String(state.transitions),
    state.acquiredAt === undefined ? '<none>' : humanDuration(now - state.acquiredAt),
  ];
}

/** kubectl's -L header: the key's last path segment in capitals (app.kubernetes.io/name → NAME). */
function labelHeader(key: string): string {
  return (key.split('/').pop() ?? key).toUpperCase();
}

/** kubectl's labels.FormatLabels: sorted k=v pairs, or <none>. */
function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.keys(labels ?? {})
    .sort()
    .map((key) => `${key}=${labels![key]}`);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

export function tableHeader(withNamespace: boolean, wide: boolean): string[] {
  return [...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'HOLDER', 'AGE', ...(wide ? WIDE_COLUMNS : [])];
}

/** One table row: kubectl's NAME HOLDER AGE (an empty holder is a blank cell), then the wide extras. */
export function leaseRow(lease: Lease, options: { withNamespace: boolean; wide: boolean; now: number; chalk?: ChalkInstance }): string[] {
  const { now } = options;
  const cells = [
    ...(options.withNamespace ? [lease.metadata.namespace ?? ''] : []),
    lease.metadata.name,
    lease.spec?.holderIdentity ?? '',
    ageOf(lease.metadata.creationTimestamp, now),
  ];
  const state = leaseState(lease, now);
  if (options.wide) cells.push(...wideCells(state, now));
  const escaped = cells.map(escapeCell);
  const chalk = options.chalk;
  if (!chalk || state.status === 'held') return escaped;
  // Expired leases stand out; released ones (no holder) recede.
  return escaped.map((cell) => (state.status === 'expired' ? chalk.red(cell) : chalk.dim(cell)));
}

export function createLeasePrinter(options: LeasePrinterOptions): LeasePrinter {
  const { out, output } = options;
  let printed = 0;

  const resources = output.resources;
  if (resources && output.format === 'name') {
    const printNames = (leases: Lease[]) => {
      out.write(resources.print(asList(leases)));
      printed += leases.length;
    };
    return { print: printNames, printWatched: (lease) => printNames([lease]), finish: () => printed };
  }
  if (resources) {
    const collected: Lease[] = [];
    const printOne = (lease: Lease, event: WatchEventType) => {
      const text = resources.print(options.watchEvents ? new WatchEventObject(event, lease) : lease);
      out.write(printed > 0 ? `${resources.separator}${text}` : text);
      printed++;
    };
    return {
      print(leases) {
        if (options.streaming) for (const lease of leases) printOne(lease, 'ADDED');
        else collected.push(...leases);
      },
      printWatched: printOne,
      finish() {
        if (options.streaming) return printed;
        out.write(resources.print(options.singleObject && collected.length === 1 ? collected[0] : asList(collected)));
        return collected.length;
      },
    };
  }

  const { wide } = output;
  const { chalk } = options;
  const labelColumns = options.labelColumns ?? [];
  const header = [
    ...(options.watchEvents ? ['EVENT'] : []),
    ...tableHeader(options.withNamespace, wide),
    ...labelColumns.map(labelHeader),
    ...(options.showLabels ? ['LABELS'] : []),
  ];
  const table = new TableWriter(out, header, !options.noHeaders);
  const printRows = (leases: Lease[], event: WatchEventType | undefined) => {
    const now = options.now();
    table.write(
      leases.map((lease) => {
        const labels = lease.metadata.labels;
        return [
          ...(options.watchEvents ? [event ?? 'ADDED'] : []),
          ...leaseRow(lease, { withNamespace: options.withNamespace, wide, now, chalk }),
          ...labelColumns.map((key) => escapeCell(labels?.[key] ?? '')),
          ...(options.showLabels ? [escapeCell(formatLabels(labels))] : []),
        ];
      }),
    );
    printed += leases.length;
  };
  return { print: (leases) => printRows(leases, undefined), printWatched: (lease, event) => printRows([lease], event), finish: () => printed };
}
