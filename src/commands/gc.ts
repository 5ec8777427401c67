import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { describeError } from '../error-message.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { DEFAULT_GC_CONCURRENCY, executeGarbageCollection, type GcOutcome } from '../gc/execute.js';
import { ExpiryConfirmation } from '../gc/confirm.js';
import { DEFAULT_GC_EXPIRED_FOR_MS, planGarbageCollection, type GcPlanOptions } from '../gc/plan.js';
import { KubeApiError } from '../kube/errors.js';
import type { LeaseClient, ListOptions } from '../kube/lease-client.js';
import { DEFAULT_LEASE_DURATION_MS } from '../lease/expiry.js';
import { formatDuration } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import { stdoutFailure } from '../output.js';
import {
  CLEAR_LINE,
  confirmingLine,
  deletedLine,
  dryRunSummary,
  failedLine,
  gcExecutionReport,
  gcPlanReport,
  gcSummary,
  keptLine,
  leaseName,
  printGcPlanTable,
  progressLine,
  skippedLine,
} from '../printers/gc.js';
import { forDisplay, serialize } from '../printers/index.js';
import {
  allNamespacesOption,
  COMMON_EXIT_CODES,
  durationArgument,
  examplesHelp,
  exitCodesHelp,
  leaseNamesArgument,
  noHeadersOption,
  outputOption,
  positiveIntegerArgument,
  selectorOption,
} from './options.js';

type GcOutput = 'name' | 'json' | 'yaml';

interface GcFlags {
  allNamespaces?: boolean;
  selector?: string;
  expiredFor: number;
  includeOwned?: boolean;
  dryRun?: boolean;
  concurrency: number;
  output?: GcOutput;
  headers: boolean;
}

const LIST_PAGE_SIZE = 500;
/** Below this many deletes a progress line would only flicker. */
const PROGRESS_MIN_LEASES = 50;
const PROGRESS_INTERVAL_MS = 100;

function concurrencyArgument(text: string): number {
  const value = positiveIntegerArgument(text);
  if (value < 1) throw new InvalidArgumentError('must be at least 1');
  return value;
}

/**
 * Lists the leases gc looks at, with the listing's resourceVersion (the first page's: later pages continue its
 * snapshot); a named lease that does not exist is reported as kubectl get would.
 */
async function listLeases(
  ctx: CommandContext,
  client: LeaseClient,
  query: ListOptions,
  names: string[],
): Promise<{ leases: Lease[]; resourceVersion: string | undefined; missing: boolean }> {
  // One name narrows the listing on the server; several are filtered here (the API has no "name in" selector).
  const fieldSelector = names.length === 1 ? `metadata.name=${names[0]}` : undefined;
  const wanted = new Set(names);
  const leases: Lease[] = [];
  let resourceVersion: string | undefined;
  for await (const page of client.listPages({ ...query, fieldSelector, limit: LIST_PAGE_SIZE })) {
    resourceVersion ??= page.metadata?.resourceVersion;
    const listed = wanted.size === 0 ? page.items : page.items.filter((lease) => wanted.has(lease.metadata.name));
    // Every listed lease is held until the run ends, and managedFields are half of each (gc judges, deletes and
    // reports by metadata and spec alone): 20,000 leases took gc past 200 MiB with them (docs/performance.md).
    for (const lease of listed) leases.push(forDisplay(lease, false));
  }
  const found = new Set(leases.map((lease) => lease.metadata.name));
  let missing = false;
  for (const name of names) {
    if (found.has(name)) continue;
    missing = true;
    const notFound = new KubeApiError(
      { message: `leases.coordination.k8s.io "${name}" not found`, reason: 'NotFound', code: 404, details: { name, group: 'coordination.k8s.io', kind: 'leases' } },
      404,
    );
    ctx.io.stderr.write(`${describeError(notFound).message}${query.labelSelector ? ` (or it does not match -l ${query.labelSelector})` : ''}\n`);
  }
  return { leases, resourceVersion, missing };
}

/** Redraws `deleting leases: n/total` on a terminal, at most every PROGRESS_INTERVAL_MS; other stderr lines clear it first. */
function createProgress(ctx: CommandContext, total: number) {
  const enabled = Boolean(ctx.io.stderr.isTTY) && total >= PROGRESS_MIN_LEASES;
  let shown = false;
  let drawnAt = -Infinity;
  return {
    /** force: redraw now (after another line was written over it). */
    update(settled: number, force = false) {
      const now = ctx.clock.monotonic();
      if (!enabled || (!force && settled < total && now - drawnAt < PROGRESS_INTERVAL_MS)) return;
      drawnAt = now;
      shown = true;
      ctx.io.stderr.write(progressLine(settled, total));
    },
    clear() {
      if (shown) ctx.io.stderr.write(CLEAR_LINE);
      shown = false;
    },
  };
}

/** Deleted leases go to stdout (as names with -o name; collected for -o json|yaml); everything else to stderr. */
function outcomeLine(outcome: GcOutcome, output: GcOutput | undefined): ['stdout' | 'stderr', string | undefined] {
  switch (outcome.kind) {
    case 'deleted':
      if (output === 'name') return ['stdout', leaseName(outcome.lease)];
      return ['stdout', output === undefined ? deletedLine(outcome.lease) : undefined];
    case 'kept':
      return ['stderr', keptLine(outcome.lease, outcome.reason)];
    case 'failed':
      return ['stderr', failedLine(outcome.error)];
  }
}

export function gcCommand(ctx: CommandContext): Command {
  return new Command('gc')
    .summary('delete leases expired for over an hour (try --dry-run first)')
    .description(
      'Delete leases left behind by holders that no longer exist: those expired for longer than --expired-for (default 1h, as kube-apiserver collects its own identity leases), ' +
        "judged by this machine's clock. Expired means renewTime + leaseDurationSeconds is in the past, or either is missing (such a lease, never renewed, ages from its creation); a released lease (empty holder) ages from its renewTime.\n\n" +
        'Run with --dry-run first: it prints what would be deleted and deletes nothing. gc does not prompt.\n\n' +
        'Never deleted: coordinated leases (spec.strategy set: the apiserver elects their holder); leases with ownerReferences and anything in kube-node-lease (node heartbeats: ' +
        'Kubernetes deletes them with their Node) unless --include-owned.\n\n' +
        `Before deleting, gc confirms each candidate by observation, as hold does before taking a lease over: a holder whose clock lags looks long expired by its renewTime while it renews, so gc watches every candidate from the listing on for its own leaseDurationSeconds (${formatDuration(DEFAULT_LEASE_DURATION_MS)} when it has none) and keeps any that change. The delete then carries the uid and resourceVersion observed, so a lease renewed after the last look is kept too. A run therefore takes at least the longest lease duration among its candidates (an hour for apiserver identity leases); --dry-run watches nothing, so it is instant and its candidates are unconfirmed.\n\n` +
        'Deleted leases are printed to stdout as kubectl delete does (-o name: one lease.coordination.k8s.io/NAME per line); kept, failed and skipped ones and the summary go to stderr.',
    )
    .argument('[names...]', 'only these leases (still only if expired long enough)', leaseNamesArgument)
    .addOption(allNamespacesOption())
    .addOption(selectorOption())
    .option('--dry-run', 'print what would be deleted (NAMESPACE NAME HOLDER EXPIRED-FOR) and delete nothing')
    .addOption(
      new Option('--expired-for <duration>', 'only leases expired for longer than this')
        .argParser(durationArgument)
        .default(DEFAULT_GC_EXPIRED_FOR_MS, formatDuration(DEFAULT_GC_EXPIRED_FOR_MS)),
    )
    .option('--include-owned', 'also delete leases with ownerReferences and leases in kube-node-lease (never coordinated ones)')
    .addOption(new Option('--concurrency <n>', 'deletes in flight at once').argParser(concurrencyArgument).default(DEFAULT_GC_CONCURRENCY))
    .addOption(outputOption(['name', 'json', 'yaml']))
    .addOption(noHeadersOption())
    .addHelpText(
      'after',
      examplesHelp([
        ['What would be deleted, in every namespace (deletes nothing)', 'leasectl gc -A --dry-run'],
        ['Delete leases in this namespace expired for over an hour', 'leasectl gc'],
        ["One app's leases, expired for over 10 minutes: look first", 'leasectl gc -n apps -l app=web --expired-for 10m --dry-run'],
        ['Delete, and report every lease as data', 'leasectl gc -A -o json'],
      ]) +
        exitCodesHelp([
          [0, 'nothing failed (also when there was nothing to delete, and for --dry-run)'],
          [1, 'a delete failed (each is reported in kubectl\'s words), a named lease does not exist, the run was interrupted, or an API or connection error'],
          COMMON_EXIT_CODES[2],
        ]),
    )
    .action(async (names: string[], flags: GcFlags) => {
      if (names.length > 0 && flags.allNamespaces) {
        throw new UsageError('leases cannot be named across all namespaces: drop -A and give -n NAMESPACE');
      }
      const verbose = ctx.verbosity > 0;
      const { client, namespace } = await ctx.connect();
      const query: ListOptions = { namespace: flags.allNamespaces ? undefined : namespace, labelSelector: flags.selector };
      const { leases, resourceVersion, missing } = await listLeases(ctx, client, query, names);
      const listedAt = ctx.clock.monotonic();

      const planOptions: GcPlanOptions = { expiredForMs: flags.expiredFor, includeOwned: Boolean(flags.includeOwned) };
      const plan = planGarbageCollection(leases, ctx.clock.now(), planOptions);
      if (verbose) for (const skipped of plan.skipped) ctx.io.stderr.write(`${skippedLine(skipped)}\n`);

      if (flags.dryRun) {
        if (flags.output === 'json' || flags.output === 'yaml') ctx.io.stdout.write(await serialize(gcPlanReport(plan), flags.output));
        else if (flags.output === 'name') for (const { lease } of plan.candidates) ctx.io.stdout.write(`${leaseName(lease)}\n`);
        else printGcPlanTable(ctx.io.stdout, plan.candidates, flags.headers);
        ctx.io.stderr.write(`${dryRunSummary(plan, verbose)}\n`);
        if (missing) throw new ExitError(ExitCode.error);
        return;
      }

      const stop = new AbortController();
      const unsubscribe = ctx.signals.subscribe(['SIGINT', 'SIGTERM'], () => stop.abort());
      const candidates = plan.candidates.map((candidate) => candidate.lease);
      const confirmation = new ExpiryConfirmation({ client, clock: ctx.clock, namespace: query.namespace, resourceVersion, listedAt, signal: stop.signal }, candidates);
      if (candidates.length > 0 && (verbose || ctx.io.stderr.isTTY)) ctx.io.stderr.write(`${confirmingLine(candidates.length, confirmation.longestWaitMs)}\n`);
      // gc that can no longer report what it deletes stops deleting (those in flight finish); the summary still goes to stderr.
      const stdoutFailed = stdoutFailure(ctx.io.stdout);
      const progress = createProgress(ctx, plan.candidates.length);
      const report = (outcome: GcOutcome, settled: number) => {
        const [stream, line] = outcomeLine(outcome, flags.output);
        if (line === undefined) return progress.update(settled);
        progress.clear();
        ctx.io[stream].write(`${line}\n`);
        progress.update(settled, true);
      };
      let execution;
      try {
        execution = await executeGarbageCollection(client, confirmation.inConfirmationOrder(candidates), {
          concurrency: flags.concurrency,
          confirm: (lease) => confirmation.confirm(lease),
          onOutcome: report,
          signal: AbortSignal.any([stop.signal, stdoutFailed]),
        });
      } finally {
        confirmation.close();
        unsubscribe();
        progress.clear();
      }
      if ((flags.output === 'json' || flags.output === 'yaml') && !stdoutFailed.aborted) {
        ctx.io.stdout.write(await serialize(gcExecutionReport(plan, execution), flags.output));
      }
      ctx.io.stderr.write(`${gcSummary(execution, plan.skipped.length, verbose)}\n`);
      if (execution.failed.length > 0 || execution.notAttempted.length > 0 || missing) throw new ExitError(ExitCode.error);
    });
}
