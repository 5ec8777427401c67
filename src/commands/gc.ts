import { InvalidArgumentError } from 'commander';
import { DEFAULT_GC_EXPIRED_FOR_MS } from '../gc/plan.js';
import { DEFAULT_LEASE_DURATION_MS } from '../lease/expiry.js';
import { formatDuration } from '../lease/time.js';
import type { Output } from '../printers/resource-printer.js';
import type { CommandDeclaration } from './declaration.js';
import {
  ALL_NAMESPACES_FLAG,
  COMMON_EXIT_CODES,
  durationArgument,
  leaseNamesArgument,
  NO_HEADERS_FLAG,
  outputFlag,
  positiveIntegerArgument,
  SELECTOR_FLAG,
} from './options.js';

export interface GcOptions {
  names: string[];
  allNamespaces?: boolean;
  selector?: string;
  expiredFor: number;
  includeOwned?: boolean;
  dryRun?: boolean;
  concurrency: number;
  output: Output;
  headers: boolean;
}

function concurrencyArgument(text: string): number {
  const value = positiveIntegerArgument(text);
  if (value < 1) throw new InvalidArgumentError('must be at least 1');
  return value;
}

export const gcCommand: CommandDeclaration<GcOptions> = {
  name: 'gc',
  summary: 'delete leases expired for over an hour (try --dry-run first)',
  description:
      'Delete leases left behind by holders that no longer exist: those expired for longer than --expired-for (default 1h, as kube-apiserver collects its own identity leases), ' +
        "judged by this machine's clock. Expired means renewTime + leaseDurationSeconds is in the past, or either is missing (such a lease, never renewed, ages from its creation); a released lease (empty holder) ages from its renewTime.\n\n" +
        'Run with --dry-run first: it prints what would be deleted and deletes nothing. gc does not prompt.\n\n' +
        'Never deleted: coordinated leases (spec.strategy set: the apiserver elects their holder); leases with ownerReferences and anything in kube-node-lease (node heartbeats: ' +
        'Kubernetes deletes them with their Node) unless --include-owned.\n\n' +
        `Before deleting, gc confirms each candidate by observation, as hold does before taking a lease over: a holder whose clock lags looks long expired by its renewTime while it renews, so gc watches every candidate from the listing on for its own leaseDurationSeconds (${formatDuration(DEFAULT_LEASE_DURATION_MS)} when it has none) and keeps any that change. The delete then carries the uid and resourceVersion observed, so a lease renewed after the last look is kept too. A run therefore takes at least the longest lease duration among its candidates (an hour for apiserver identity leases); --dry-run watches nothing, so it is instant and its candidates are unconfirmed.\n\n` +
        'Deleted leases are printed to stdout as kubectl delete does (-o name: one lease.coordination.k8s.io/NAME per line); kept, failed and skipped ones and the summary go to stderr.',
  arguments: [{ spelling: '[names...]', key: 'names', description: 'only these leases (still only if expired long enough)', parse: leaseNamesArgument }],
  flags: [
    ALL_NAMESPACES_FLAG,
    SELECTOR_FLAG,
    { spelling: '--dry-run', description: 'print what would be deleted (NAMESPACE NAME HOLDER EXPIRED-FOR) and delete nothing' },
    {
      spelling: '--expired-for <duration>',
      description: 'only leases expired for longer than this',
      parse: durationArgument,
      default: { value: DEFAULT_GC_EXPIRED_FOR_MS, shown: formatDuration(DEFAULT_GC_EXPIRED_FOR_MS) },
    },
    { spelling: '--include-owned', description: 'also delete leases with ownerReferences and leases in kube-node-lease (never coordinated ones)' },
    { spelling: '--concurrency <n>', description: 'deletes in flight at once', parse: concurrencyArgument, default: { value: 8 } },
    outputFlag(['name', 'json', 'yaml']),
    NO_HEADERS_FLAG,
  ],
  examples: [
    { comment: 'What would be deleted, in every namespace (deletes nothing)', command: 'leasectl gc -A --dry-run' },
    { comment: 'Delete leases in this namespace expired for over an hour', command: 'leasectl gc' },
    { comment: "One app's leases, expired for over 10 minutes: look first", command: 'leasectl gc -n apps -l app=web --expired-for 10m --dry-run' },
    { comment: 'Delete, and report every lease as data', command: 'leasectl gc -A -o json' },
  ],
  exitCodes: [
    [0, 'nothing failed (also when there was nothing to delete, and for --dry-run)'],
    [1, "a delete failed (each is reported in kubectl's words), a named lease does not exist, the run was interrupted, or an API or connection error"],
    COMMON_EXIT_CODES[2]!,
  ],
};
