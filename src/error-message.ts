// The one place errors become text, in kubectl's words (kubectl pkg/cmd/util/helpers.go StandardErrorMessage).
import { CommanderError } from 'commander';
import { ExitCode, ExitError, OutputError, UsageError } from './errors.js';
import {
  KubeApiError,
  KubeconfigError,
  KubeInputError,
  KubeResponseError,
  KubeTransportError,
  UNEXPECTED_SERVER_RESPONSE,
} from './kube/errors.js';
import { OutputTemplateError } from './printers/jsonpath.js';
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

/** A stack whose first line quotes the message as it came (a server's text): that line escaped, the frames kept. */
function escapedStack(error: Error): string {
  const stack = error.stack ?? '';
  const head = `${error.name}: ${error.message}`;
  return stack.startsWith(head) ? `${escapeTerminal(head)}${stack.slice(head.length)}` : stack;
}

/**
 * The message is one line, escaped (printers/terminal.ts): errors quote what the server sent (a Status message, a
 * holderIdentity). Only -v adds lines, the stack.
 */
export function describeError(error: unknown, verbosity = 0): DescribedError {
  const withStack = (message: string) =>
    verbosity > 0 && error instanceof Error && error.stack ? `${escapeTerminal(message)}\n${escapedStack(error)}` : escapeTerminal(message);
  if (error instanceof ExitError) {
    if (!error.message && error.cause !== undefined) return { message: describeError(error.cause, verbosity).message, exitCode: error.exitCode };
    return { message: error.message ? escapeTerminal(`error: ${error.message}`) : '', exitCode: error.exitCode };
  }
  if (error instanceof UsageError || error instanceof KubeInputError) return { message: escapeTerminal(`error: ${error.message}`), exitCode: ExitCode.usage };
  if (error instanceof OutputError) return { message: withStack(`error: ${error.message}`), exitCode: ExitCode.error };
  if (error instanceof KubeApiError) return { message: withStack(describeApiError(error)), exitCode: ExitCode.error };
  if (error instanceof KubeTransportError) return { message: withStack(error.message), exitCode: ExitCode.error };
  if (error instanceof KubeResponseError) return { message: withStack(`error: ${error.message}`), exitCode: ExitCode.error };
  if (error instanceof KubeconfigError) return { message: withStack(`error: ${error.message}`), exitCode: ExitCode.error };
  if (error instanceof OutputTemplateError) return { message: withStack(`error: ${error.message}`), exitCode: ExitCode.error };
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and --version end with 0, everything else is usage.
    return { message: '', exitCode: error.exitCode === 0 ? ExitCode.ok : ExitCode.usage };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    message:
      verbosity > 0 && error instanceof Error && error.stack
        ? `error: ${escapedStack(error)}`
        : escapeTerminal(`error: ${text} (run again with -v for details)`),
    exitCode: ExitCode.error,
  };
}
