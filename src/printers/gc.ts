// What `gc` prints: the dry-run table, kubectl-delete-style lines for what it deleted (stdout, one per lease so
// scripts can read them), reasons for what it kept, failed or skipped (stderr), the summary, and -o json|yaml data.
import type { GcExecution } from '../gc/execute.js';
import type { GcCandidate, GcPlan, SkippedLease } from '../gc/plan.js';
import { DEFAULT_LEASE_DURATION_MS, recordDurationMs } from '../lease/expiry.js';
import { formatDuration } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import { humanDuration } from './human-duration.js';
import { NAME_PREFIX } from './resource-printer.js';
import { TableWriter } from './table.js';
import { escapeCell, escapeTerminal } from './terminal.js';
import type { OutputStream } from '../context.js';

const RESOURCE = 'lease.coordination.k8s.io';

export const GC_PLAN_HEADER = ['NAMESPACE', 'NAME', 'HOLDER', 'EXPIRED-FOR'];

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(n)} ${n === 1 ? singular : pluralForm}`;
}

/** The EXPIRED-FOR cell: kubectl's human duration, or what is missing when the lease never had an expiry. */
export function describeExpiredFor(candidate: GcCandidate): string {
  if (Number.isFinite(candidate.expiredForMs)) return humanDuration(candidate.expiredForMs);
  return candidate.lease.spec?.renewTime ? '<no duration>' : '<never renewed>';
}

export function gcPlanRow(candidate: GcCandidate): string[] {
  const { metadata, spec } = candidate.lease;
  return [metadata.namespace ?? '', metadata.name, spec?.holderIdentity ?? '', describeExpiredFor(candidate)].map(escapeCell);
}

export function printGcPlanTable(out: OutputStream, candidates: readonly GcCandidate[], showHeader: boolean): void {
  new TableWriter(out, GC_PLAN_HEADER, showHeader).write(candidates.map(gcPlanRow));
}

/** kubectl delete's line (1.31+ names the namespace). */
export function deletedLine(lease: Lease): string {
  return `${RESOURCE} "${escapeCell(lease.metadata.name)}" deleted from ${lease.metadata.namespace ?? ''} namespace`;
}

export function leaseName(lease: Lease): string {
  return `${NAME_PREFIX}${escapeCell(lease.metadata.name)}`;
}

export function keptLine(lease: Lease, reason: string): string {
  return `${RESOURCE} "${escapeCell(lease.metadata.name)}" kept in ${lease.metadata.namespace ?? ''} namespace: ${escapeTerminal(reason)}`;
}

export function skippedLine(skipped: SkippedLease): string {
  return `${RESOURCE} "${escapeCell(skipped.lease.metadata.name)}" skipped in ${skipped.lease.metadata.namespace ?? ''} namespace: ${escapeTerminal(skipped.explanation)}`;
}

function skippedNote(skipped: number, verbose: boolean): string {
  if (skipped === 0) return '';
  return `; ${plural(skipped, 'expired lease')} skipped as protected${verbose ? '' : ' (-v lists them)'}`;
}

/** `deleted 1,204, kept 3, failed 0`, plus what was skipped or left by an interruption. */
export function gcSummary(execution: GcExecution, skipped: number, verbose: boolean): string {
  const interrupted = execution.notAttempted.length > 0 ? `; interrupted: ${plural(execution.notAttempted.length, 'lease')} not attempted` : '';
  return `deleted ${count(execution.deleted.length)}, kept ${count(execution.kept.length)}, failed ${count(execution.failed.length)}${interrupted}${skippedNote(skipped, verbose)}`;
}

/** How long a real run watches this lease before it may delete it: its own leaseDurationSeconds. */
function confirmForMs(lease: Lease): number {
  return recordDurationMs(lease, DEFAULT_LEASE_DURATION_MS);
}

/** A dry run watches nothing, so every candidate is still unconfirmed; says how long a real run would watch. */
function unconfirmedNote(plan: GcPlan): string {
  if (plan.candidates.length === 0) return '';
  const longest = Math.max(...plan.candidates.map(({ lease }) => confirmForMs(lease)));
  const all = plan.candidates.length === 1 ? 'it is' : `all ${count(plan.candidates.length)} are`;
  return `; ${all} unconfirmed: a real run first watches each for its lease duration (up to ${formatDuration(longest)}) and keeps any that change`;
}

export function dryRunSummary(plan: GcPlan, verbose: boolean): string {
  return `dry run: would delete ${plural(plan.candidates.length, 'lease')}, nothing deleted${unconfirmedNote(plan)}${skippedNote(plan.skipped.length, verbose)}`;
}

/** Before a real run waits: what it is waiting for. */
export function confirmingLine(candidates: number, longestWaitMs: number): string {
  return `confirming ${plural(candidates, 'expired lease')}: watching for up to ${formatDuration(longestWaitMs)} that nothing renews them before deleting`;
}

interface LeaseEntry {
  namespace: string;
  name: string;
}

function entry(lease: Lease): LeaseEntry {
  return { namespace: lease.metadata.namespace ?? '', name: lease.metadata.name };
}

function candidateEntry(candidate: GcCandidate): LeaseEntry & { holder: string; expiredFor: string | null } {
  return {
    ...entry(candidate.lease),
    holder: candidate.lease.spec?.holderIdentity ?? '',
    // null: renewTime or leaseDurationSeconds is missing, so the lease never had an expiry to count from.
    expiredFor: Number.isFinite(candidate.expiredForMs) ? formatDuration(candidate.expiredForMs) : null,
  };
}

function skippedEntries(plan: GcPlan) {
  return plan.skipped.map((skipped) => ({ ...candidateEntry(skipped), reason: skipped.reason, explanation: skipped.explanation }));
}

/** -o json|yaml of a dry run: what would be deleted (all unconfirmed, and how long a real run watches each) and what is protected. */
export function gcPlanReport(plan: GcPlan) {
  const wouldDelete = plan.candidates.map((candidate) => ({ ...candidateEntry(candidate), confirmed: false, confirmFor: formatDuration(confirmForMs(candidate.lease)) }));
  return { dryRun: true, wouldDelete, skipped: skippedEntries(plan) };
}

/** -o json|yaml of a real run: every listed expired lease lands in exactly one list (a failure's error is worded by the -o printer). */
export function gcExecutionReport(plan: GcPlan, execution: GcExecution) {
  return {
    dryRun: false,
    deleted: execution.deleted.map(entry),
    kept: execution.kept.map(({ lease, reason }) => ({ ...entry(lease), reason })),
    failed: execution.failed.map(({ lease, error }) => ({ ...entry(lease), error })),
    notAttempted: execution.notAttempted.map(entry),
    skipped: skippedEntries(plan),
  };
}

/** `deleting leases: 120/2,000`, redrawn in place on a terminal. */
export function progressLine(settled: number, total: number): string {
  return `\rdeleting leases: ${count(settled)}/${count(total)}`;
}

export const CLEAR_LINE = '\r\u001b[K';
