import type { Clock } from '../../clock.js';
import type { CommandContext } from '../../context.js';
import { ExitCode, Failures, LeaseNotFound, UsageError } from '../../errors.js';
import { ExpiryConfirmation } from '../../gc/confirm.js';
import { executeGarbageCollection, type GcOutcome } from '../../gc/execute.js';
import { planGarbageCollection, type GcPlan, type GcPlanOptions } from '../../gc/plan.js';
import type { LeaseClient, ListOptions } from '../../kube/lease-client.js';
import { stdoutFailure } from '../../output.js';
import {
  CLEAR_LINE,
  confirmingLine,
  deletedLine,
  dryRunSummary,
  gcExecutionReport,
  gcPlanReport,
  gcSummary,
  keptLine,
  leaseName,
  printGcPlanTable,
  progressLine,
  skippedLine,
} from '../../printers/gc.js';
import type { RunInput } from '../declaration.js';
import type { GcOptions } from '../gc.js';

const LIST_PAGE_SIZE = 500;
/** Below this many deletes a progress line would only flicker. */
const PROGRESS_MIN_LEASES = 50;
const PROGRESS_INTERVAL_MS = 100;

/**
 * Lists the leases gc looks at and plans each page as it arrives, so that only candidates and skipped leases are
 * held (and of those only what the plan keeps); with the listing's resourceVersion (the first page's: later pages
 * continue its snapshot), and the named leases that are not there.
 */
async function listAndPlan(
  clock: Clock,
  client: LeaseClient,
  query: ListOptions,
  names: string[],
  options: GcPlanOptions,
): Promise<{ plan: GcPlan; resourceVersion: string | undefined; missing: LeaseNotFound[] }> {
  // One name narrows the listing on the server; several are filtered here (the API has no "name in" selector).
  const fieldSelector = names.length === 1 ? `metadata.name=${names[0]}` : undefined;
  const wanted = new Set(names);
  const found = new Set<string>();
  const plan: GcPlan = { candidates: [], skipped: [], notExpiredCount: 0 };
  let resourceVersion: string | undefined;
  for await (const page of client.listPages({ ...query, fieldSelector, limit: LIST_PAGE_SIZE })) {
    resourceVersion ??= page.metadata?.resourceVersion;
    const listed = wanted.size === 0 ? page.items : page.items.filter((lease) => wanted.has(lease.metadata.name));
    if (wanted.size > 0) for (const lease of listed) found.add(lease.metadata.name);
    const planned = planGarbageCollection(listed, clock.now(), options);
    plan.candidates.push(...planned.candidates);
    plan.skipped.push(...planned.skipped);
    plan.notExpiredCount += planned.notExpiredCount;
  }
  const missing = names.filter((name) => !found.has(name)).map((name) => new LeaseNotFound(name, query.labelSelector));
  return { plan, resourceVersion, missing };
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

/** Deleted leases go to stdout (as names with -o name; collected for -o json|yaml), kept ones to stderr; failures are reported at the end. */
function outcomeLine(outcome: GcOutcome, format: string | undefined): ['stdout' | 'stderr', string | undefined] {
  switch (outcome.kind) {
    case 'deleted':
      if (format === 'name') return ['stdout', leaseName(outcome.lease)];
      return ['stdout', format === undefined ? deletedLine(outcome.lease) : undefined];
    case 'kept':
      return ['stderr', keptLine(outcome.lease, outcome.reason)];
    case 'failed':
      return ['stderr', undefined];
  }
}

export async function runGc(ctx: CommandContext, { options }: RunInput<GcOptions>): Promise<number> {
  const { names, output } = options;
  // -o json|yaml print gc's report as one document; -o name prints each deleted lease as it goes.
  const reportPrinter = output.format === 'name' ? undefined : output.resources;
  if (names.length > 0 && options.allNamespaces) {
    throw new UsageError('leases cannot be named across all namespaces: drop -A and give -n NAMESPACE');
  }
  const verbose = ctx.verbosity > 0;
  const { client, namespace } = await ctx.connect();
  const query: ListOptions = { namespace: options.allNamespaces ? undefined : namespace, labelSelector: options.selector };
  const planOptions: GcPlanOptions = { expiredForMs: options.expiredFor, includeOwned: Boolean(options.includeOwned) };
  const { plan, resourceVersion, missing } = await listAndPlan(ctx.clock, client, query, names, planOptions);
  const listedAt = ctx.clock.monotonic();
  if (verbose) for (const skipped of plan.skipped) ctx.io.stderr.write(`${skippedLine(skipped)}\n`);

  if (options.dryRun) {
    if (reportPrinter) ctx.io.stdout.write(reportPrinter.print(gcPlanReport(plan)));
    else if (output.format === 'name') for (const { lease } of plan.candidates) ctx.io.stdout.write(`${leaseName(lease)}\n`);
    else printGcPlanTable(ctx.io.stdout, plan.candidates, options.headers);
    ctx.io.stderr.write(`${dryRunSummary(plan, verbose)}\n`);
    if (missing.length > 0) throw new Failures(missing);
    return 0;
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
    const [stream, line] = outcomeLine(outcome, output.format);
    if (line === undefined) return progress.update(settled);
    progress.clear();
    ctx.io[stream].write(`${line}\n`);
    progress.update(settled, true);
  };
  let execution;
  try {
    execution = await executeGarbageCollection(client, confirmation.inConfirmationOrder(candidates), {
      concurrency: options.concurrency,
      confirm: (lease) => confirmation.confirm(lease),
      onOutcome: report,
      signal: AbortSignal.any([stop.signal, stdoutFailed]),
    });
  } finally {
    confirmation.close();
    unsubscribe();
    progress.clear();
  }
  if (reportPrinter && !stdoutFailed.aborted) {
    ctx.io.stdout.write(reportPrinter.print(gcExecutionReport(plan, execution)));
  }
  ctx.io.stderr.write(`${gcSummary(execution, plan.skipped.length, verbose)}\n`);
  const failures = [...missing, ...execution.failed.map(({ error }) => error)];
  if (failures.length > 0) throw new Failures(failures);
  return execution.notAttempted.length > 0 ? ExitCode.error : ExitCode.ok;
}
