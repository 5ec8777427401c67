// What `identity` prints: one row per kube-apiserver identity lease (live or expired by this machine's clock),
// the one-line census for stderr, and the per-scheme names an apiserver on a given host would use.
import type { ChalkInstance } from 'chalk';
import type { OutputStream } from '../context.js';
import {
  apiserverStatus,
  expectedLeaseNameFor,
  HOSTNAME_LABEL,
  IDENTITY_GC_AFTER_EXPIRY_MS,
  nameMatchesHostname,
  PEER_ADDRESS_ANNOTATION,
} from '../lease/apiserver-identity.js';
import { expiredForMs } from '../lease/state.js';
import { formatDuration, parseKubeTime } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import { humanDuration } from './human-duration.js';
import type { LeasePrinter } from './leases.js';
import { TableWriter } from './table.js';
import { escapeCell } from './terminal.js';

const COLUMNS = ['NAME', 'HOSTNAME', 'HOLDER', 'RENEWED', 'STATUS'];
const WIDE_COLUMNS = ['EXPECTED-NAME', 'MATCH', 'PEER-ADDRESS'];

export function identityHeader(wide: boolean): string[] {
  return wide ? [...COLUMNS, ...WIDE_COLUMNS] : COLUMNS;
}

export function identityRow(lease: Lease, options: { nowMs: number; wide: boolean }): string[] {
  const { metadata, spec } = lease;
  const renewedAt = parseKubeTime(spec?.renewTime);
  const cells = [
    metadata.name,
    metadata.labels?.[HOSTNAME_LABEL] || '<none>',
    spec?.holderIdentity ?? '',
    // As list -o wide's RENEWED: time since the last renewal.
    renewedAt === undefined ? '<none>' : humanDuration(options.nowMs - renewedAt),
    apiserverStatus(lease, options.nowMs),
  ];
  if (options.wide) {
    const matches = nameMatchesHostname(lease);
    cells.push(
      expectedLeaseNameFor(lease) ?? '<unknown>',
      matches === undefined ? '<unknown>' : matches ? 'yes' : 'no',
      metadata.annotations?.[PEER_ADDRESS_ANNOTATION] || '<none>',
    );
  }
  return cells.map(escapeCell);
}

function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

function describeExpired(expiredFor: number[]): string {
  const known = expiredFor.filter(Number.isFinite).sort((a, b) => a - b);
  const gc = `garbage-collected about ${formatDuration(IDENTITY_GC_AFTER_EXPIRY_MS)} after expiry`;
  if (known.length === 0) return `${expiredFor.length} expired (never renewed; ${gc})`;
  const newest = humanDuration(known[0]!);
  const oldest = humanDuration(known[known.length - 1]!);
  if (expiredFor.length === 1) return `1 expired ${newest} ago (${gc})`;
  return `${expiredFor.length} expired (most recently ${newest} ago, the oldest ${oldest} ago; ${gc})`;
}

/** `3 kube-apiservers, 2 live, 1 expired 14m ago (garbage-collected about 1h after expiry)`, plus any name mismatch. */
export function identitySummary(leases: readonly Lease[], nowMs: number): string {
  const live = leases.filter((lease) => apiserverStatus(lease, nowMs) === 'live').length;
  const expiredFor = leases.map((lease) => expiredForMs(lease, nowMs)).filter((ms) => ms > 0);
  const parts = [plural(leases.length, 'kube-apiserver'), `${live} live`];
  if (expiredFor.length > 0) parts.push(describeExpired(expiredFor));
  const mismatched = leases.filter((lease) => nameMatchesHostname(lease) === false).length;
  const mismatchNote = mismatched === 0 ? '' : `; ${plural(mismatched, 'lease name does', 'lease names do')} not match the hostname label (-o wide shows the expected name)`;
  return parts.join(', ') + mismatchNote;
}

export interface IdentityPrinterOptions {
  out: OutputStream;
  wide: boolean;
  noHeaders: boolean;
  chalk: ChalkInstance | undefined;
  now: () => number;
}

/** The identity table as a LeasePrinter, so -w can feed it watch events like list's printers. */
export function createIdentityPrinter(options: IdentityPrinterOptions): LeasePrinter {
  const table = new TableWriter(options.out, identityHeader(options.wide), !options.noHeaders);
  const { chalk } = options;
  let printed = 0;
  const printRows = (leases: Lease[]) => {
    const nowMs = options.now();
    table.write(
      leases.map((lease) => {
        const row = identityRow(lease, { nowMs, wide: options.wide });
        return chalk && apiserverStatus(lease, nowMs) === 'expired' ? row.map((cell) => chalk.red(cell)) : row;
      }),
    );
    printed += leases.length;
  };
  return { print: printRows, printWatched: (lease) => printRows([lease]), finish: () => printed };
}

/** One naming scheme's answer for `identity --hostname`. */
export interface HostnameLeaseName {
  scheme: 'current' | 'legacy';
  /** The kube-apiserver releases that use this name. */
  releases: string;
  name: string;
  /** The lease as found in the cluster: null when absent, undefined when the cluster could not be asked. */
  found?: Lease | null;
}

export const HOSTNAME_HEADER = ['RELEASES', 'NAME', 'IN-CLUSTER'];

export function hostnameRow(entry: HostnameLeaseName, nowMs: number): string[] {
  let inCluster: string;
  if (entry.found === undefined) inCluster = '<unknown>';
  else if (entry.found === null) inCluster = 'no';
  else {
    const expiredFor = expiredForMs(entry.found, nowMs);
    inCluster = expiredFor > 0 ? `yes, expired${Number.isFinite(expiredFor) ? ` ${humanDuration(expiredFor)} ago` : ''}` : 'yes, live';
  }
  return [entry.releases, entry.name, inCluster].map(escapeCell);
}

/** -o json|yaml of `identity --hostname`. */
export function hostnameReport(hostname: string, namespace: string, entries: readonly HostnameLeaseName[], nowMs: number) {
  return {
    hostname,
    namespace,
    names: entries.map((entry) => ({
      scheme: entry.scheme,
      releases: entry.releases,
      name: entry.name,
      // null: the cluster could not be asked
      exists: entry.found === undefined ? null : entry.found !== null,
      ...(entry.found ? { status: apiserverStatus(entry.found, nowMs) } : {}),
    })),
  };
}
