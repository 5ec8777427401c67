// The one place errors become text, in kubectl's words (kubectl pkg/cmd/util/helpers.go StandardErrorMessage).
import { CommanderError } from 'commander';
import { ExitCode, Failure, Failures, LeaseNotFound, OutputError, UsageError } from './errors.js';
import {
  KubeApiError,
  KubeconfigError,
  KubeInputError,
  KubeResponseError,
  KubeTransportError,
  UNEXPECTED_SERVER_RESPONSE,
} from './kube/errors.js';
import { NotHolder } from './election/refusals.js';
import { OutputTemplateError } from './printers/output-template-error.js';
import { describeHolding } from './printers/lease-descriptions.js';
import { escapeTerminal } from './printers/terminal.js';

export interface DescribedError {
  /** Lines for stderr, without trailing newline; empty when nothing needs saying. */
  message: string;
  exitCode: number;
}

function describeApiError(error: KubeApiError): string {
  const { status } = error;
  if (error.code === 401) return `error: You must be logged in to the server (${status.message || 'Unauthorized'})`;
  const causes = status.details?.causes ?? [];
  if (error.reason === 'Invalid' && status.details?.name && causes.length > 0) {
    const kind = status.details.kind ?? 'Lease';
    const detail = causes.map((cause) => (cause.field ? `${cause.field}: ${cause.message}` : cause.message)).join(', ');
    return `The ${kind} "${status.details.name}" is invalid: ${detail}`;
  }
  const message = `${status.message ?? ''}${bareStatusHint(error)}`;
  // kubectl leaves out the parentheses when the reason is unknown (""), as for a 500 without one.
  return error.reason ? `Error from server (${error.reason}): ${message}` : `Error from server: ${message}`;
}

/** The likely fix for an error status that came without a Status body (from the server's HTTP layer or a proxy). */
function bareStatusHint(error: KubeApiError): string {
  if (!error.status.details?.causes?.some((cause) => cause.reason === UNEXPECTED_SERVER_RESPONSE)) return '';
  if (error.code === 431) return ' (the request line or its headers were too long: shorten the --selector or --field-selector)';
  if (error.code === 413) return ' (the request body was too large for the server or a proxy in front of it)';
  return '';
}

/** `lease default/foo is held by X (renewed 3s ago, expires in 12s by this machine's clock), not by ID; hint` */
function describeNotHolder(error: NotHolder): string {
  const { ref, lease, identity, observedAtMs, hint } = error;
  const leaseName = `${ref.namespace}/${ref.name}`;
  if (error.situation === 'changed-hands') {
    return `lease ${leaseName} changed hands while releasing it: it is now ${describeHolding(lease, observedAtMs)}, not by ${identity}; not released (run release --force again to release the new holder)`;
  }
  const then = hint ? `; ${hint}` : '';
  if (!lease.spec?.holderIdentity) return `lease ${leaseName} has no holder, so ${identity} does not hold it${then}`;
  return `lease ${leaseName} is ${describeHolding(lease, observedAtMs)}, not by ${identity}${then}`;
}

/** A stack whose first line quotes the message as it came (a server's text): that line escaped, the frames kept. */
function escapedStack(error: Error): string {
  const stack = error.stack ?? '';
  const head = `${error.name}: ${error.message}`;
  return stack.startsWith(head) ? `${escapeTerminal(head)}${stack.slice(head.length)}` : stack;
}

/**
 * The message is one line per failure, escaped (printers/terminal.ts): errors quote what the server sent (a Status
 * message, a holderIdentity). Only -v adds lines, the stack.
 */
export function describeError(error: unknown, verbosity = 0): DescribedError {
  if (error instanceof Failures) {
    const lines = error.failures.map((failure) => describeError(failure, verbosity).message).filter(Boolean);
    return { message: lines.join('\n'), exitCode: error.exitCode };
  }
  if (error instanceof Failure) {
    if (!error.message) return { message: describeError(error.cause, verbosity).message, exitCode: error.exitCode };
    return { message: escapeTerminal(`error: ${error.message}`), exitCode: error.exitCode };
  }
  if (error instanceof CommanderError) {
    // Commander has already printed its message. Help and --version end with 0; its own errors (code 1) are
    // kubectl's usage errors, 2; a command that reports bad flags otherwise (hold: 125) has set its code.
    return { message: '', exitCode: error.exitCode === 1 ? ExitCode.usage : error.exitCode };
  }
  const { sentence, marked } = describeSentence(error);
  const exitCode = error instanceof UsageError || error instanceof KubeInputError ? ExitCode.usage : ExitCode.error;
  const message = marked ? `error: ${sentence}` : sentence;
  if (verbosity > 0 && error instanceof Error && error.stack && !(error instanceof UsageError || error instanceof KubeInputError || error instanceof Failure || error instanceof NotHolder)) {
    return { message: isKnown(error) ? `${escapeTerminal(message)}\n${escapedStack(error)}` : `error: ${escapedStack(error)}`, exitCode };
  }
  return { message: escapeTerminal(message), exitCode };
}

/**
 * The error as a clause for another sentence (`could not release the lease (…)`, a hold event's `error` field):
 * kubectl's words, one line, escaped, without the leading `error: `.
 */
export function errorClause(error: unknown): string {
  return escapeTerminal(describeSentence(error).sentence);
}

function isKnown(error: Error): boolean {
  return (
    error instanceof OutputError ||
    error instanceof KubeApiError ||
    error instanceof KubeTransportError ||
    error instanceof KubeResponseError ||
    error instanceof KubeconfigError ||
    error instanceof OutputTemplateError ||
    error instanceof LeaseNotFound
  );
}

/** What the error says, and whether kubectl marks it with `error: ` (its own errors) or not (the server's). */
function describeSentence(error: unknown): { sentence: string; marked: boolean } {
  if (error instanceof Failure && error.message === '' && error.cause !== undefined) return describeSentence(error.cause);
  if (error instanceof KubeApiError) return { sentence: describeApiError(error), marked: false };
  if (error instanceof KubeTransportError) return { sentence: error.message, marked: false };
  if (error instanceof NotHolder) return { sentence: describeNotHolder(error), marked: true };
  if (error instanceof LeaseNotFound) {
    const unmatched = error.labelSelector ? ` (or it does not match -l ${error.labelSelector})` : '';
    return { sentence: `Error from server (NotFound): ${error.message}${unmatched}`, marked: false };
  }
  if (
    error instanceof UsageError ||
    error instanceof KubeInputError ||
    error instanceof OutputError ||
    error instanceof KubeResponseError ||
    error instanceof KubeconfigError ||
    error instanceof OutputTemplateError ||
    error instanceof Failure
  ) {
    return { sentence: error.message, marked: true };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { sentence: `${text} (run again with -v for details)`, marked: true };
}
